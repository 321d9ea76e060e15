"""`segstream-ray cameras`: one restartable Ray actor per camera, each running `segstream segment URL --split-every D`."""
import os
import signal
import subprocess
import sys
import time

import ray
import yaml

from . import segstream

NAMESPACE = "segstream"


def load(path):
    """The cameras of a CAMERAS.yaml file:

        split_every: 10min          # pieces per output (default 10min); also per camera
        options: [--smooth]         # segment options for every camera; a camera's own come after
        cameras:
          - name: gate              # outputs in DIR/gate/
            url: rtsp://user:pass@10.0.0.5/stream1
            options: [--keyframe-interval, auto]
            cpus: 1                 # CPUs Ray reserves for it (default 1)
    """
    try:
        with open(path) as file:
            config = yaml.safe_load(file) or {}
    except (OSError, yaml.YAMLError) as error:
        raise SystemExit(f"segstream-ray: {path}: {error}")
    cameras, names = [], set()
    for number, entry in enumerate(config.get("cameras") or [], 1):
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("url"):
            raise SystemExit(f"segstream-ray: {path}: camera {number} needs a name and a url")
        name = str(entry["name"])
        if name in names or "/" in name:
            raise SystemExit(f"segstream-ray: {path}: camera name '{name}' is repeated or has a '/'")
        names.add(name)
        cameras.append({"name": name, "url": str(entry["url"]), "cpus": float(entry.get("cpus", 1)),
                        "split_every": str(entry.get("split_every", config.get("split_every", "10min"))),
                        "options": [str(o) for o in (config.get("options") or []) + (entry.get("options") or [])]})
    if not cameras:
        raise SystemExit(f"segstream-ray: {path}: no cameras")
    return cameras


@ray.remote(max_restarts=-1, max_task_retries=-1, max_concurrency=2)
class CameraWorker:
    """Keeps one camera's segstream running: started again after it ends (a camera gone longer than segstream's
    reconnect window), with backoff; given up only when segstream says the configuration is wrong (exit 2 or 65)."""

    def __init__(self, camera, out, binary):
        self.camera, self.binary = camera, binary
        self.folder = os.path.join(out, camera["name"])
        self.process, self.stopping = None, False

    def node(self):
        return ray.get_runtime_context().get_node_id()

    def run(self):
        os.makedirs(self.folder, exist_ok=True)
        # A piece in progress when this camera's previous actor was lost with its node cannot be finished.
        segstream.remove_partials(self.folder)
        delay = 1.0
        while not self.stopping:
            pieces = os.path.join(self.folder, "%Y%m%d-%H%M%S")
            command = [self.binary, "segment", self.camera["url"], "--quiet", "--split-every", self.camera["split_every"],
                       "-o", pieces + ".mp4", "--json", pieces + ".jsonl", *self.camera["options"]]
            started = time.monotonic()
            with open(os.path.join(self.folder, "segstream.log"), "a") as log:
                self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, preexec_fn=segstream.die_with_parent)
                code = self.process.wait()
            if self.stopping:
                break
            if code in (segstream.USAGE, segstream.UNUSABLE_INPUT):
                return {"name": self.camera["name"], "exit_code": code}
            delay = 1.0 if time.monotonic() - started > 60 else min(delay * 2, 30.0)
            time.sleep(delay)
        return {"name": self.camera["name"], "exit_code": 0}

    def stop(self):
        """Ends the camera's segstream with SIGTERM: the piece in progress is finished."""
        self.stopping = True
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return True


class Cameras:
    def __init__(self, args):
        self.args = args
        self.binary = segstream.find_binary(args.segstream)
        self.cameras = load(args.config)
        self.out = os.path.abspath(args.out)
        self.stopping = False

    def run(self):
        os.makedirs(self.out, exist_ok=True)
        ray.init(address=self.args.address, namespace=NAMESPACE, log_to_driver=False, logging_level="ERROR")
        workers = {camera["name"]: CameraWorker.options(name=f"camera-{camera['name']}", num_cpus=camera["cpus"])
                   .remote(camera, self.out, self.binary) for camera in self.cameras}
        runs = {worker.run.remote(): name for name, worker in workers.items()}
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self.request_stop)
        print(f"segstream-ray: {len(workers)} camera(s) running; outputs in {self.out}/NAME/", file=sys.stderr, flush=True)
        failed = 0
        while runs and not self.stopping:
            ready, _ = ray.wait(list(runs), num_returns=1, timeout=1.0)
            for reference in ready:
                name = runs.pop(reference)
                try:
                    result = ray.get(reference)
                    print(f"segstream-ray: camera {name} stopped: segstream exit {result['exit_code']}; see {self.out}/{name}/segstream.log",
                          file=sys.stderr, flush=True)
                except ray.exceptions.RayError as error:
                    print(f"segstream-ray: camera {name} lost: {type(error).__name__}", file=sys.stderr, flush=True)
                failed += 1
        try:
            ray.get([worker.stop.remote() for worker in workers.values()], timeout=60)
        except ray.exceptions.RayError as error:
            print(f"segstream-ray: not every camera stopped cleanly: {type(error).__name__}", file=sys.stderr, flush=True)
        for worker in workers.values():
            ray.kill(worker)
        return 0 if self.stopping and not failed else 1

    def request_stop(self, signum, frame):
        self.stopping = True
