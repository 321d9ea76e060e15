"""What a batch has to do: per input, its final outputs and the units (whole file or shards) that make them."""
import os
from dataclasses import dataclass, field

# The outputs of one input, by kind: the file name suffix and segment's option for it.
OUTPUT_KINDS = {"video": (".mp4", "-o"), "labels": (".labels.mkv", "--labels-out"), "json": (".jsonl", "--json")}
# Where shard outputs wait to be joined, under the output folder.
WORK_FOLDER = ".segstream-ray"


@dataclass
class Unit:
    """One segstream run: a whole input, or one shard [start, end) of it. segstream writes into `staging`
    paths; only a run that exits 0 moves them to `outputs` (`commit`), so an output at its final path is
    always a finished run's (segstream also finishes its files when stopped by SIGTERM)."""
    input: str
    name: str
    outputs: dict  # kind -> path
    staging: dict  # kind -> path
    start: float = None
    end: float = None
    shard: int = None
    attempts: int = 0

    def complete(self):
        return all(os.path.exists(path) for path in self.outputs.values())

    def commit(self):
        for kind, path in self.outputs.items():
            os.replace(self.staging[kind], path)

    def discard(self):
        """Removes what a failed run left in staging (finished files and temporary ones)."""
        for path in self.staging.values():
            folder, base = os.path.split(path)
            for name in os.listdir(folder) if os.path.isdir(folder) else []:
                if name == base or (name.startswith("." + base) and ".partial-" in name):
                    os.remove(os.path.join(folder, name))

    def command(self, binary, options, threads):
        """The segment command line."""
        args = [binary, "segment", self.input, "--quiet"]
        for kind, path in self.staging.items():
            args += [OUTPUT_KINDS[kind][1], path]
        if self.start is not None and self.start > 0:
            args += ["--from", seconds_text(self.start)]
        if self.end is not None:
            args += ["--to", seconds_text(self.end)]
        if threads and "--threads" not in options:
            args += ["--threads", str(threads)]
        return args + list(options)


@dataclass
class Job:
    """One input: its final outputs and the units that make them."""
    input: str
    name: str
    outputs: dict
    units: list = field(default_factory=list)
    status: str = "pending"  # pending, done, failed
    skipped: bool = False
    exit_code: int = None
    error: str = None
    segstream_seconds: float = 0.0

    @property
    def sharded(self):
        return len(self.units) > 1

    @property
    def attempts(self):
        return max((unit.attempts for unit in self.units), default=0)

    def complete(self):
        return all(os.path.exists(path) for path in self.outputs.values())

    def summary(self):
        return {"input": self.input, "name": self.name, "status": self.status, "skipped": self.skipped,
                "attempts": self.attempts, "shards": len(self.units) if self.sharded else 0,
                "exit_code": self.exit_code, "error": self.error, "segstream_seconds": round(self.segstream_seconds, 3),
                "outputs": self.outputs}


def seconds_text(value):
    """Seconds as segstream reads them, exactly enough that one shard's end is the next one's start."""
    return format(value, ".6f").rstrip("0").rstrip(".")


def job_name(path):
    """The input's file name without its extension."""
    base = os.path.basename(path.rstrip("/"))
    return base.rsplit(".", 1)[0] if "." in base else base


def make_jobs(inputs, out, kinds):
    """One job per input; refuses two inputs with the same name (their outputs would collide)."""
    jobs, seen = [], {}
    for path in inputs:
        name = job_name(path)
        if name in seen:
            raise SystemExit(f"segstream-ray: {path} and {seen[name]} would both write {name}.*; rename one")
        seen[name] = path
        outputs = {kind: os.path.join(out, name + OUTPUT_KINDS[kind][0]) for kind in kinds}
        jobs.append(Job(input=path, name=name, outputs=outputs))
    return jobs


def staging(out, unit_name, kinds):
    folder = os.path.join(out, WORK_FOLDER, "staging")
    os.makedirs(folder, exist_ok=True)
    return {kind: os.path.join(folder, unit_name + OUTPUT_KINDS[kind][0]) for kind in kinds}


def remove_work_folders(out):
    """Removes the driver's work folders once they are empty."""
    for folder in (os.path.join(out, WORK_FOLDER, "staging"), os.path.join(out, WORK_FOLDER)):
        try:
            os.rmdir(folder)
        except OSError:
            pass


def plan_units(job, out, duration, shard_seconds):
    """The job's units: the whole input, or shards of about `shard_seconds` when it is longer than that (the
    last shard runs to the end of the input, so a stated duration a little off never makes an empty shard)."""
    count = round(duration / shard_seconds) if shard_seconds and duration else 1
    if count <= 1:
        job.units = [Unit(job.input, job.name, dict(job.outputs), staging(out, job.name, job.outputs))]
        return
    folder = os.path.join(out, WORK_FOLDER, job.name)
    os.makedirs(folder, exist_ok=True)
    job.units = []
    for index in range(count):
        start, end = index * shard_seconds, (index + 1) * shard_seconds if index + 1 < count else None
        outputs = {kind: os.path.join(folder, f"shard-{index:05d}" + OUTPUT_KINDS[kind][0]) for kind in job.outputs}
        job.units.append(Unit(job.input, job.name, outputs, staging(out, f"{job.name}.shard-{index:05d}", job.outputs),
                              start=start, end=end, shard=index))
