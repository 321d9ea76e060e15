#!/usr/bin/env python3
"""Writes the palette indices of every PNG in a folder (sorted by name) as raw bytes, with Pillow,
and checks each is an 8-bit palette image. Usage: png_indices.py FOLDER OUT.raw"""
import pathlib
import sys

import numpy as np
from PIL import Image

folder, out = pathlib.Path(sys.argv[1]), sys.argv[2]
with open(out, "wb") as f:
    for path in sorted(folder.glob("*.png")):
        image = Image.open(path)
        assert image.mode == "P", f"{path.name}: mode {image.mode}, expected a palette image"
        f.write(np.asarray(image, dtype=np.uint8).tobytes())
