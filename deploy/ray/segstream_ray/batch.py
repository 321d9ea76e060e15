"""`segstream-ray batch`: every input's outputs made on the cluster, shards joined, failures retried but never a bad input."""
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import ray

from . import plan, segstream
from .progress import Progress


@ray.remote
def run_unit(command):
    """Runs one segstream command on whichever node Ray chose: (exit code, last stderr line, seconds it ran)."""
    started = time.monotonic()
    try:
        run = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=segstream.die_with_parent)
    except OSError as error:
        return 127, f"{command[0]}: {error.strerror}", 0.0
    return run.returncode, segstream.last_line(run.stderr), time.monotonic() - started


class Batch:
    def __init__(self, args):
        self.args = args
        self.binary = segstream.find_binary(args.segstream)
        self.out = os.path.abspath(args.out)
        self.jobs = plan.make_jobs([os.path.abspath(path) for path in args.inputs], self.out, args.outputs)
        self.pending = {}  # Ray reference -> (job, unit)
        self.slots = 1

    def run(self):
        os.makedirs(self.out, exist_ok=True)
        started = time.monotonic()
        todo = [job for job in self.jobs if not self.skip_if_complete(job)]
        if todo:
            self.plan(todo)
            ray.init(address=self.args.address, log_to_driver=False, logging_level="ERROR")
            self.slots = max(1, int(ray.cluster_resources().get("CPU", 1) // self.args.cpus_per_task))
            self.execute(todo)
        plan.remove_work_folders(self.out)
        summary = self.write_summary(time.monotonic() - started)
        failed = [job for job in self.jobs if job.status != "done"]
        for job in failed:
            print(f"segstream-ray: {job.input}: failed after {job.attempts} attempt(s): {job.error}", file=sys.stderr)
        print(f"segstream-ray: {len(self.jobs) - len(failed)} of {len(self.jobs)} input(s) done; summary in {summary}", file=sys.stderr)
        return 0 if not failed else 1

    def skip_if_complete(self, job):
        if job.complete():
            job.status, job.skipped = "done", True
            return True
        return False

    def plan(self, jobs):
        """Units per job; an input whose duration cannot be read fails here (a bad input: never retried)."""
        def probe(job):
            if not self.args.shard_seconds:
                return job, None, None
            return (job, *segstream.duration(self.binary, job.input))
        with ThreadPoolExecutor(max_workers=8) as pool:
            for job, duration, failure in pool.map(probe, jobs):
                if failure:
                    job.status, (job.exit_code, job.error) = "failed", failure
                    job.units = []
                else:
                    plan.plan_units(job, self.out, duration, self.args.shard_seconds)

    def execute(self, jobs):
        progress = Progress(len(jobs), enabled=sys.stderr.isatty())
        for job in jobs:
            for unit in job.units:
                if unit.complete() and job.sharded:
                    continue
                self.submit(job, unit)
            self.join_if_ready(job)
        while self.pending:
            ready, _ = ray.wait(list(self.pending), num_returns=1)
            job, unit = self.pending.pop(ready[0])
            try:
                code, message, seconds = ray.get(ready[0])
            except ray.exceptions.RayError as error:  # the worker or its node died
                code, message, seconds = None, f"the task was lost: {type(error).__name__}", 0.0
            job.segstream_seconds += seconds
            self.finish(job, unit, code, message)
            progress.show(sum(job.status != "pending" for job in jobs), sum(job.status == "failed" for job in jobs), len(self.pending))
        progress.close()

    def submit(self, job, unit):
        unit.attempts += 1
        command = unit.command(self.binary, self.args.options, self.args.cpus_per_task)
        reference = run_unit.options(num_cpus=self.args.cpus_per_task, max_retries=0).remote(command)
        self.pending[reference] = (job, unit)

    def finish(self, job, unit, code, message):
        if job.status == "failed":
            return
        if code == segstream.SUCCESS:
            unit.commit()
            self.join_if_ready(job)
            return
        unit.discard()
        if (code is None or segstream.is_retryable(code)) and unit.attempts <= self.args.retries:
            self.submit(job, unit)
        else:
            job.status, job.exit_code, job.error = "failed", code, message
            self.cancel_rest_of(job)

    def cancel_rest_of(self, job):
        for reference, (other, unit) in list(self.pending.items()):
            if other is job:
                ray.cancel(reference, force=True)
                del self.pending[reference]
                unit.discard()

    def join_if_ready(self, job):
        """Marks the job done once every unit is complete, joining shards first (without re-encoding)."""
        if job.status != "pending" or not all(unit.complete() for unit in job.units):
            return
        if job.sharded:
            for kind, path in job.outputs.items():
                parts = [unit.outputs[kind] for unit in job.units]
                run = subprocess.run([self.binary, "concat", "--quiet", "-o", path] + parts, capture_output=True, text=True)
                if run.returncode != 0:
                    job.status, job.exit_code, job.error = "failed", run.returncode, segstream.last_line(run.stderr)
                    return
            for unit in job.units:
                for path in unit.outputs.values():
                    os.remove(path)
            try:
                os.rmdir(os.path.dirname(next(iter(job.units[0].outputs.values()))))
            except OSError:
                pass
        job.status = "done"

    def write_summary(self, wall):
        """DIR/summary.json: per input its status, attempts, exit code and error; and the driver's overhead."""
        work = sum(job.segstream_seconds for job in self.jobs)
        summary = {
            "inputs": [job.summary() for job in self.jobs],
            "done": sum(job.status == "done" for job in self.jobs),
            "failed": sum(job.status != "done" for job in self.jobs),
            "wall_seconds": round(wall, 3),
            "segstream_seconds": round(work, 3),
            "slots": self.slots,
            # Slot time not spent inside segstream (scheduling, start-up, joining, idle slots), per segstream second.
            "overhead": round((wall * self.slots - work) / work, 4) if work > 0 else None,
        }
        path = os.path.join(self.out, "summary.json")
        temporary = path + f".partial-{os.getpid()}"
        with open(temporary, "w") as file:
            json.dump(summary, file, indent=2)
        os.replace(temporary, path)
        return path
