"""`segstream-ray batch` on a real local Ray cluster (a head and a worker node, one CPU each, on 127.0.0.1)."""
import json
import os
import signal
import tempfile
import threading
import time
import unittest

from cluster import MODEL, SEGSTREAM, LocalCluster, audio_hashes, driver, file_hash, frame_hashes, frame_times, make_clip, single_run


def read_json(path):
    with open(path) as file:
        return json.load(file)


class BatchTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        cls.cluster = LocalCluster(workers=1)

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()
        cls.folder.cleanup()

    def path(self, *parts):
        return os.path.join(self.folder.name, *parts)

    def batch(self, inputs, out, *extra, options=()):
        return driver("batch", *inputs, "--out", out, "--address", self.cluster.address, "--segstream", SEGSTREAM, *extra,
                      "--", "--model", MODEL, "--preset", "ultrafast", *options)

    def assert_same_outputs(self, produced, reference):
        """JSON Lines byte for byte, label frames and timestamps, overlay timestamps and audio."""
        self.assertEqual(file_hash(produced + ".jsonl"), file_hash(reference + ".jsonl"))
        self.assertEqual(frame_hashes(produced + ".labels.mkv"), frame_hashes(reference + ".labels.mkv"))
        for suffix in (".labels.mkv", ".mp4"):
            self.assertEqual(frame_times(produced + suffix), frame_times(reference + suffix))
        self.assertEqual(audio_hashes(produced + ".mp4"), audio_hashes(reference + ".mp4"))

    def test_six_clips_with_one_segstream_killed(self):
        """Six clips and a non-video file: one worker's segstream is killed mid-run and retried; every clip's outputs
        equal a single-machine run; the bad input fails once, unretried; a rerun with nothing missing takes seconds."""
        os.makedirs(self.path("clips"))
        patterns = ["testsrc2", "testsrc", "smptebars", "rgbtestsrc", "smptehdbars", "yuvtestsrc"]
        clips = [self.path("clips", f"clip{i}.mp4") for i in range(6)]
        for clip, pattern in zip(clips, patterns):
            make_clip(clip, 6, pattern, size="1280x720")
            single_run(clip, self.path("clips", "ref-" + os.path.basename(clip)[:-4]), "--model", MODEL, "--preset", "ultrafast")
        bad = self.path("clips", "notes.mp4")
        with open(bad, "w") as file:
            file.write("not a video")

        killed = []
        out = self.path("out")

        def kill_one():
            """SIGKILLs the first segstream seen writing (its temporary output is named after its PID)."""
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not killed:
                writing = [name for _, _, names in os.walk(out) for name in names if ".partial-" in name]
                if writing:
                    time.sleep(0.2)
                    try:
                        os.kill(int(writing[0].rsplit("-", 1)[1]), signal.SIGKILL)
                        killed.append(writing[0])
                    except (ProcessLookupError, ValueError):
                        pass
                time.sleep(0.02)

        killer = threading.Thread(target=kill_one)
        killer.start()
        run = self.batch(clips + [bad], out)
        killer.join()
        self.assertEqual(run.returncode, 1, run.stderr)  # the bad input
        self.assertTrue(killed, "no segstream process was seen to kill")
        summary = read_json(os.path.join(out, "summary.json"))
        by_name = {entry["name"]: entry for entry in summary["inputs"]}
        self.assertEqual(by_name["notes"]["status"], "failed")
        self.assertEqual((by_name["notes"]["attempts"], by_name["notes"]["exit_code"]), (1, 65))
        self.assertIn("notes.mp4", run.stderr)
        self.assertEqual(sorted(entry["attempts"] for name, entry in by_name.items() if name != "notes"), [1, 1, 1, 1, 1, 2])
        for clip in clips:
            name = os.path.basename(clip)[:-4]
            self.assertEqual(by_name[name]["status"], "done")
            self.assert_same_outputs(os.path.join(out, name), self.path("clips", "ref-" + name))
        # Nothing half-written anywhere, and the driver's work folder is gone.
        self.assertEqual([name for _, _, names in os.walk(out) for name in names if "partial" in name], [])
        self.assertNotIn(".segstream-ray", os.listdir(out))

        before = {name: os.stat(os.path.join(out, name)).st_mtime_ns for name in os.listdir(out) if name != "summary.json"}
        started = time.monotonic()
        rerun = self.batch(clips, out)
        self.assertEqual(rerun.returncode, 0, rerun.stderr)
        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual({name: os.stat(os.path.join(out, name)).st_mtime_ns for name in before}, before)
        self.assertTrue(all(entry["skipped"] for entry in read_json(os.path.join(out, "summary.json"))["inputs"]))

    def test_long_clip_in_shards_equals_one_run(self):
        """A 12 s clip with audio in 4 s shards (three tasks in parallel), joined: the single run's outputs; with
        temporal options each shard starts after a pre-roll and the joined outputs keep every frame and timestamp."""
        clip = self.path("long.mp4")
        make_clip(clip, 12, audio=True)
        single_run(clip, self.path("ref-long"), "--model", MODEL, "--preset", "ultrafast")
        out = self.path("sharded")
        run = self.batch([clip], out, "--shard-seconds", "4")
        self.assertEqual(run.returncode, 0, run.stderr)
        summary = read_json(os.path.join(out, "summary.json"))
        self.assertEqual(summary["inputs"][0]["shards"], 3)
        self.assert_same_outputs(os.path.join(out, "long"), self.path("ref-long"))
        self.assertEqual(sorted(os.listdir(out)), ["long.jsonl", "long.labels.mkv", "long.mp4", "summary.json"])

        temporal = self.path("temporal")
        run = self.batch([clip], temporal, "--shard-seconds", "4", options=["--keyframe-interval", "3", "--smooth"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(frame_times(os.path.join(temporal, "long.labels.mkv")), frame_times(self.path("ref-long.labels.mkv")))
        with open(os.path.join(temporal, "long.jsonl")) as file:
            lines = [json.loads(line) for line in file]
        self.assertEqual([line["index"] for line in lines[1:]], list(range(300)))


if __name__ == "__main__":
    unittest.main()
