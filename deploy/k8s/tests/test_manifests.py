"""The Kubernetes manifests: valid for current Kubernetes (kubernetes-validate, strict), and the files Job's pod
script run for real with segstream, so its exit codes are the ones its pod failure policy expects."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFESTS = sorted(glob.glob(os.path.join(HERE, "..", "*.yaml")))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SEGSTREAM = os.environ.get("SEGSTREAM", os.path.join(ROOT, ".build", "release", "segstream"))


def documents(name):
    with open(os.path.join(HERE, "..", name)) as file:
        return [document for document in yaml.safe_load_all(file) if document]


class ManifestTests(unittest.TestCase):
    def test_manifests_validate_strictly(self):
        validate = os.path.join(os.path.dirname(sys.executable), "kubernetes-validate")
        for version in ("1.33.0", "1.37.0"):  # backoffLimitPerIndex is GA from 1.33
            run = subprocess.run([validate, "--strict", "--quiet", "-k", version, *MANIFESTS], capture_output=True, text=True)
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

    def test_files_job_script_exits_as_its_failure_policy_expects(self):
        """The pod script on a clip writes the three outputs and exits 0 (again at once, writing nothing, when they
        exist); on a file that is not a video it exits with a code the policy fails the index on, unretried."""
        job = documents("files-job.yaml")[0]
        pod = job["spec"]["template"]["spec"]
        script = pod["containers"][0]["args"][0]
        never_retried = set(job["spec"]["podFailurePolicy"]["rules"][0]["onExitCodes"]["values"])
        with tempfile.TemporaryDirectory() as folder:
            data, config, tools = (os.path.join(folder, name) for name in ("data", "config", "bin"))
            for path in (os.path.join(data, "in"), config, tools):
                os.makedirs(path)
            os.symlink(SEGSTREAM, os.path.join(tools, "segstream"))
            shutil.copy(os.path.join(ROOT, "fixtures", "videos", "test", "cfr.mp4"), os.path.join(data, "in", "drive.mp4"))
            with open(os.path.join(data, "in", "notes.mp4"), "w") as file:
                file.write("not a video")
            with open(os.path.join(config, "inputs.txt"), "w") as file:
                file.write("".join(os.path.join(data, "in", name) + "\n" for name in ("drive.mp4", "notes.mp4")))
            local = script.replace("/data", data).replace("/config", config).replace("--threads 2", "--threads 1")
            model = os.path.join(ROOT, "fixtures", "models", "test", "lraspp_mobilenetv3.onnx")
            local = local.replace("--quiet", f"--quiet --model {model} --preset ultrafast")

            def run(index):
                env = {**os.environ, "JOB_COMPLETION_INDEX": str(index), "PATH": tools + os.pathsep + os.environ["PATH"]}
                return subprocess.run(["/bin/sh", "-c", local], env=env, capture_output=True, text=True, timeout=120)

            first = run(0)
            self.assertEqual(first.returncode, 0, first.stderr)
            outputs = sorted(name for name in os.listdir(os.path.join(data, "out")) if not name.startswith("."))
            self.assertEqual(outputs, ["drive.jsonl", "drive.labels.mkv", "drive.mp4"])
            stamps = [os.stat(os.path.join(data, "out", name)).st_mtime_ns for name in outputs]
            started = time.monotonic()
            self.assertEqual(run(0).returncode, 0)
            self.assertLess(time.monotonic() - started, 2)
            self.assertEqual([os.stat(os.path.join(data, "out", name)).st_mtime_ns for name in outputs], stamps)
            bad = run(1)
            self.assertIn(bad.returncode, never_retried, bad.stderr)
            self.assertEqual(sorted(name for name in os.listdir(os.path.join(data, "out")) if not name.startswith(".")), outputs)
            self.assertEqual(os.listdir(os.path.join(data, "out", ".staging")), [])

    def test_camera_pods_take_their_camera_by_index(self):
        stateful = [d for d in documents("cameras.yaml") if d["kind"] == "StatefulSet"][0]
        cameras = [d for d in documents("cameras.yaml") if d["kind"] == "ConfigMap"][0]["data"]["cameras.txt"].splitlines()
        self.assertEqual(stateful["spec"]["replicas"], len(cameras))
        env = stateful["spec"]["template"]["spec"]["containers"][0]["env"][0]
        self.assertEqual(env["valueFrom"]["fieldRef"]["fieldPath"], "metadata.labels['apps.kubernetes.io/pod-index']")


if __name__ == "__main__":
    unittest.main()
