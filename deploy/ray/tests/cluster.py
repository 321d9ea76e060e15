"""A real two-node Ray cluster on this machine, on loopback only, for the tests; and helpers to compare outputs."""
import hashlib
import json
import os
import subprocess

# Without this Ray advertises the machine's outward address; with it every node stays on 127.0.0.1 (the nodes are
# added through ray.cluster_utils, which does not refuse a second node on one machine).
LOOPBACK = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}
os.environ.update(LOOPBACK)

import ray  # noqa: E402  (after the environment above)
from ray.cluster_utils import Cluster  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SEGSTREAM = os.environ.get("SEGSTREAM", os.path.join(ROOT, ".build", "release", "segstream"))
MODEL = os.path.join(ROOT, "fixtures", "models", "test", "lraspp_mobilenetv3.onnx")


class LocalCluster:
    """A head node and `workers` worker nodes of `cpus` CPUs each (the head `head_cpus`), all stopped by `close`."""

    def __init__(self, workers=1, cpus=1, head_cpus=1):
        self.cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": head_cpus, "include_dashboard": False})
        self.cpus = cpus
        self.workers = []
        for _ in range(workers):
            self.add_worker()
        self.address = self.cluster.address

    def add_worker(self):
        self.workers.append(self.cluster.add_node(num_cpus=self.cpus))

    def remove(self, node):
        self.cluster.remove_node(node, allow_graceful=False)

    def close(self):
        if ray.is_initialized():
            ray.shutdown()
        self.cluster.shutdown()


def driver(*args, timeout=300):
    """Runs `segstream-ray` as a user would; returns the finished process."""
    command = [os.path.join(os.path.dirname(os.sys.executable), "segstream-ray"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env={**os.environ, **LOOPBACK})


def make_clip(path, seconds, pattern="testsrc2", audio=False, size="320x240"):
    """A 25 fps H.264 clip (with AAC audio when asked)."""
    args = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"{pattern}=size={size}:rate=25:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac"]
    subprocess.run(args + ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path], check=True)


def single_run(clip, out_prefix, *options):
    """The single-machine reference: segstream on the whole clip."""
    subprocess.run([SEGSTREAM, "segment", clip, "--quiet", "-o", out_prefix + ".mp4", "--labels-out", out_prefix + ".labels.mkv",
                    "--json", out_prefix + ".jsonl", "--threads", "1", *options], check=True)


def frame_hashes(path):
    run = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0", "-f", "framemd5", "-"], capture_output=True, text=True, check=True)
    return [line.rsplit(",", 1)[-1].strip() for line in run.stdout.splitlines() if not line.startswith("#")]


def frame_times(path):
    run = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time", "-of", "json", path],
                         capture_output=True, text=True, check=True)
    return [frame["pts_time"] for frame in json.loads(run.stdout)["frames"]]


def audio_hashes(path):
    run = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a", "-show_packets", "-show_data_hash", "md5", "-of", "json", path],
                         capture_output=True, text=True, check=True)
    return [packet["data_hash"] for packet in json.loads(run.stdout).get("packets", [])]


def file_hash(path):
    with open(path, "rb") as file:
        return hashlib.md5(file.read()).hexdigest()
