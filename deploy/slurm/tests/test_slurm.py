"""segstream's Slurm array job on a real Slurm cluster (a controller and two nodes on loopback): a crashing task
requeues itself, a lost node's tasks run again elsewhere, a long file's shards are joined, a bad input fails
unretried, and `reconcile` brings every input's outputs to complete."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from slurm_cluster import LocalSlurm

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
TOOL = os.path.join(HERE, "..", "segstream-slurm")
SEGSTREAM = os.environ.get("SEGSTREAM", os.path.join(ROOT, ".build", "release", "segstream"))
MODEL = os.path.join(ROOT, "fixtures", "models", "test", "lraspp_mobilenetv3.onnx")
OPTIONS = ["--model", MODEL, "--preset", "ultrafast"]


def make_clip(path, seconds, size, audio=False):
    args = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac"]
    subprocess.run(args + ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path], check=True)


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


class SlurmTests(unittest.TestCase):
    def test_array_job_survives_a_crash_and_a_lost_node(self):
        folder = tempfile.mkdtemp(prefix="segstream-slurm-")
        slurm = LocalSlurm(os.path.join(folder, "slurm"))
        try:
            self.run_scenario(folder, slurm)
        finally:
            slurm.close()
            if not os.environ.get("KEEP"): subprocess.run(["rm", "-rf", folder])

    def run_scenario(self, folder, slurm):
        inputs = os.path.join(folder, "in")
        os.makedirs(inputs)
        clips = [os.path.join(inputs, f"clip{i}.mp4") for i in range(4)]
        for clip in clips:
            make_clip(clip, 5, "1280x720")
        long = os.path.join(inputs, "long.mp4")
        make_clip(long, 12, "320x240", audio=True)
        bad = os.path.join(inputs, "notes.mp4")
        with open(bad, "w") as file:
            file.write("not a video")
        references = os.path.join(folder, "reference")
        os.makedirs(references)
        for clip in clips + [long]:
            name = os.path.basename(clip)[:-4]
            subprocess.run([SEGSTREAM, "segment", clip, "--quiet", "--threads", "1", "--json", os.path.join(references, name + ".jsonl"),
                            "--labels-out", os.path.join(references, name + ".labels.mkv"), *OPTIONS], check=True)

        out = os.path.join(folder, "out")
        crashed = []

        def crash_one():
            """SIGKILLs the first segstream seen writing (its temporary outputs are named after its PID)."""
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not crashed:
                writing = [name for _, _, names in os.walk(out) for name in names if ".partial-" in name]
                if writing:
                    try:
                        os.kill(int(writing[0].rsplit("-", 1)[1]), signal.SIGKILL)
                        crashed.append(writing[0])
                    except (ProcessLookupError, ValueError):
                        pass
                time.sleep(0.02)

        crasher = threading.Thread(target=crash_one)
        crasher.start()
        submit = subprocess.run([sys.executable, TOOL, "submit", *clips, long, bad, "--out", out, "--shard-seconds", "4",
                                 "--segstream", SEGSTREAM, "--", *OPTIONS], capture_output=True, text=True)
        self.assertEqual(submit.returncode, 0, submit.stderr)
        crasher.join()
        self.assertTrue(crashed, "no task was seen writing")
        wait_for(lambda: "n2" in slurm.running().values(), 60, "a task on node n2")
        slurm.kill_node("n2")

        rounds = 0
        while True:
            wait_for(slurm.idle, 240, "the cluster to finish its jobs")
            again = subprocess.run([sys.executable, TOOL, "reconcile", "--out", out], capture_output=True, text=True)
            rounds += 1
            if again.returncode != 3 or rounds == 3:
                break
        self.assertEqual(again.returncode, 1, again.stdout + again.stderr)  # done but for the bad input
        with open(os.path.join(out, "summary.json")) as file:
            summary = {entry["name"]: entry for entry in json.load(file)["inputs"]}
        self.assertEqual((summary["notes"]["status"], summary["notes"]["exit_code"]), ("failed", 65))
        self.assertEqual(summary["long"]["shards"], 3)
        for clip in clips + [long]:
            name = os.path.basename(clip)[:-4]
            self.assertEqual(summary[name]["status"], "done", name)
            with open(os.path.join(out, name + ".jsonl"), "rb") as produced, open(os.path.join(references, name + ".jsonl"), "rb") as reference:
                self.assertEqual(produced.read(), reference.read(), name)
            self.assertTrue(os.path.exists(os.path.join(out, name + ".mp4")))
        self.assertEqual(sorted(name for name in os.listdir(out) if not name.startswith(".")),
                         sorted([f"clip{i}{s}" for i in range(4) for s in (".jsonl", ".labels.mkv", ".mp4")]
                                + ["long.jsonl", "long.labels.mkv", "long.mp4", "summary.json"]))
        self.assertEqual([name for _, _, names in os.walk(out) for name in names if ".partial-" in name], [])
        # Nothing missing: a reconcile submits nothing and returns at once.
        started = time.monotonic()
        self.assertEqual(subprocess.run([sys.executable, TOOL, "reconcile", "--out", out], capture_output=True).returncode, 1)
        self.assertLess(time.monotonic() - started, 5)
        self.assertTrue(slurm.idle())


if __name__ == "__main__":
    unittest.main()
