"""`segstream-ray cameras` on a real local Ray cluster (a head without CPUs and two worker nodes, on 127.0.0.1)
against a real RTSP camera on loopback (tools/fixtures/rtsp-test-server.py, GStreamer)."""
import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from cluster import LOOPBACK, MODEL, ROOT, SEGSTREAM, LocalCluster  # first: it keeps Ray on loopback

import ray  # noqa: E402
from segstream_ray.cameras import load  # noqa: E402

CAMERA_SERVER = os.path.join(ROOT, "tools", "fixtures", "rtsp-test-server.py")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


class CameraTests(unittest.TestCase):
    def test_the_readme_example_loads(self):
        """The README's CAMERAS.yaml example (its ```yaml cameras block) reads as documented."""
        with open(os.path.join(ROOT, "README.md")) as file:
            text = file.read()
        block = text.split("```yaml cameras\n", 1)[1].split("```", 1)[0]
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as config:
            config.write(block)
            config.flush()
            cameras = load(config.name)
        self.assertEqual([(c["name"], c["split_every"], c["options"]) for c in cameras],
                         [("gate", "10min", ["--smooth"]), ("yard", "10min", ["--smooth", "--keyframe-interval", "auto"])])

    def test_a_camera_resumes_on_another_node(self):
        """The node running the camera's actor dies: the actor restarts on the other node and the camera's pieces
        go on; SIGTERM to the driver finishes every piece (each plays, none left half-written)."""
        folder = tempfile.TemporaryDirectory()
        port = free_port()
        server = subprocess.Popen(["/usr/bin/python3", CAMERA_SERVER, "--port", str(port), "--seconds", "180"])
        cluster = LocalCluster(workers=2, head_cpus=0)
        driver = None
        try:
            config = os.path.join(folder.name, "cameras.yaml")
            with open(config, "w") as file:
                file.write(f"split_every: 2s\noptions: [--model, {MODEL}, --preset, ultrafast]\n"
                           f"cameras:\n  - name: gate\n    url: rtsp://127.0.0.1:{port}/cam\n")
            out = os.path.join(folder.name, "out")
            driver = subprocess.Popen([os.path.join(os.path.dirname(os.sys.executable), "segstream-ray"), "cameras", config, "--out", out,
                                       "--address", cluster.address, "--segstream", SEGSTREAM], env={**os.environ, **LOOPBACK})
            ray.init(address=cluster.address, namespace="segstream", log_to_driver=False)
            actor = wait_for(lambda: self.actor("camera-gate"), 60, "the camera's actor")
            first = ray.get(actor.node.remote(), timeout=60)
            gate = os.path.join(out, "gate")

            def pieces():
                return sorted(name for name in os.listdir(gate) if name.endswith(".mp4") and not name.startswith(".")) if os.path.isdir(gate) else []

            wait_for(lambda: len(pieces()) >= 2, 60, "two pieces from the first node")
            node = next(node for node in cluster.workers if node.node_id == first)
            cluster.remove(node)
            before = len(pieces())
            second = wait_for(lambda: self.node_of(actor, first), 120, "the actor on another node")
            self.assertNotEqual(second, first)
            wait_for(lambda: len(pieces()) >= before + 2, 90, "pieces from the second node")

            driver.send_signal(signal.SIGTERM)
            self.assertEqual(driver.wait(timeout=90), 0)
            names = os.listdir(gate)
            self.assertEqual([name for name in names if ".partial-" in name], [])
            for piece in pieces():
                check = subprocess.run(["ffmpeg", "-v", "error", "-i", os.path.join(gate, piece), "-f", "null", "-"], capture_output=True, text=True)
                self.assertEqual((check.returncode, check.stderr), (0, ""), piece)
                self.assertTrue(os.path.exists(os.path.join(gate, piece[:-4] + ".jsonl")), piece)
        finally:
            if driver and driver.poll() is None:
                driver.kill()
            cluster.close()
            server.kill()
            server.wait()
            folder.cleanup()

    @staticmethod
    def actor(name):
        try:
            return ray.get_actor(name)
        except ValueError:
            return None

    @staticmethod
    def node_of(actor, other_than):
        try:
            node = ray.get(actor.node.remote(), timeout=5)
        except (ray.exceptions.GetTimeoutError, ray.exceptions.RayActorError):
            return None
        return node if node != other_than else None


if __name__ == "__main__":
    unittest.main()
