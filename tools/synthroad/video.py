"""Video I/O through the ffmpeg / ffprobe command-line tools (pipes of raw frames)."""

import hashlib
import subprocess

import numpy as np


def _writer(path, width, height, fps, pix_fmt, codec_args):
    cmd = ["ffmpeg", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", pix_fmt,
           "-s", f"{width}x{height}", "-r", str(fps), "-i", "-", *codec_args, str(path)]
    return subprocess.Popen(cmd, stdin=subprocess.PIPE)


class ClipWriter:
    """Writes an H.264 MP4 (yuv420p) and a lossless gray8 FFV1 MKV label video side by side.

    Both streams get the same frame rate, so frame ``i`` has PTS ``i / fps`` in both.
    ``label_digest`` is the SHA-256 of all label bytes written, for verification.
    """

    def __init__(self, video_path, label_path, width, height, fps, crf=23):
        self.video = _writer(video_path, width, height, fps, "rgb24",
                             ["-c:v", "libx264", "-preset", "medium", "-crf", str(crf),
                              "-pix_fmt", "yuv420p", "-movflags", "+faststart"])
        self.labels = _writer(label_path, width, height, fps, "gray",
                              ["-c:v", "ffv1", "-level", "3", "-pix_fmt", "gray"])
        self.hash = hashlib.sha256()
        self.frames = 0

    def write(self, rgb: np.ndarray, label: np.ndarray) -> None:
        """Append one frame (uint8 HxWx3 RGB) and its label map (uint8 HxW trainIds)."""
        self.video.stdin.write(np.ascontiguousarray(rgb).tobytes())
        data = np.ascontiguousarray(label).tobytes()
        self.labels.stdin.write(data)
        self.hash.update(data)
        self.frames += 1

    def close(self) -> str:
        """Finish both encoders; returns the label digest."""
        for p in (self.video, self.labels):
            p.stdin.close()
            if p.wait() != 0:
                raise RuntimeError(f"ffmpeg failed with status {p.returncode}")
        return self.hash.hexdigest()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            return
        for p in (self.video, self.labels):
            p.kill()


def read_frames(path, width, height, pix_fmt="rgb24"):
    """Yield decoded frames of ``path`` as uint8 arrays (``gray`` gives HxW, ``rgb24`` HxWx3)."""
    ch = 3 if pix_fmt == "rgb24" else 1
    size = width * height * ch
    cmd = ["ffmpeg", "-loglevel", "error", "-i", str(path), "-fps_mode", "passthrough",
           "-f", "rawvideo", "-pix_fmt", pix_fmt, "-"]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE) as p:
        while True:
            buf = p.stdout.read(size)
            if len(buf) < size:
                break
            a = np.frombuffer(buf, np.uint8)
            yield a.reshape(height, width, 3) if ch == 3 else a.reshape(height, width)


def probe(path):
    """(codec, pix_fmt, width, height, sorted frame PTS in seconds) of the first video stream."""
    info = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                           "stream=codec_name,pix_fmt,width,height", "-of", "csv=p=0", str(path)],
                          capture_output=True, text=True, check=True).stdout.strip().split(",")
    pts = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "packet=pts_time", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True).stdout.split()
    return info[0], info[3], int(info[1]), int(info[2]), sorted(float(p.strip(",")) for p in pts)


def verify(video_path, label_path, label_digest):
    """Check that both files have equal size, frame count and PTS, and the labels decode exactly."""
    vc, vfmt, w, h, vpts = probe(video_path)
    lc, lfmt, lw, lh, lpts = probe(label_path)
    assert (vc, vfmt) == ("h264", "yuv420p"), (vc, vfmt)
    assert (lc, lfmt) == ("ffv1", "gray"), (lc, lfmt)
    assert (w, h) == (lw, lh), ((w, h), (lw, lh))
    assert len(vpts) == len(lpts), (len(vpts), len(lpts))
    assert np.allclose(vpts, lpts, atol=5e-4), "PTS differ"
    digest = hashlib.sha256()
    for lab in read_frames(label_path, w, h, "gray"):
        digest.update(lab.tobytes())
    assert digest.hexdigest() == label_digest, "labels do not decode back exactly"
    return len(vpts)
