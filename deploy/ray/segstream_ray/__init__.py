"""Run the segstream binary on a Ray cluster: `segstream-ray batch` for files, `segstream-ray cameras` for cameras."""
