"""The `segstream-ray` command."""
import argparse
import sys

from .plan import OUTPUT_KINDS


def seconds(text):
    """A duration: seconds, or with a unit (500ms, 90s, 10min, 1h)."""
    for suffix, scale in (("ms", 0.001), ("min", 60), ("h", 3600), ("m", 60), ("s", 1)):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * scale
    return float(text)


def parser():
    top = argparse.ArgumentParser(prog="segstream-ray", description="Run segstream on a Ray cluster.")
    commands = top.add_subparsers(dest="command", required=True)

    batch = commands.add_parser("batch", help="segment video files: DIR/NAME.mp4, NAME.labels.mkv, NAME.jsonl per input",
                                description="Segment files on the cluster. Options after -- go to `segstream segment`.")
    batch.add_argument("inputs", nargs="+", metavar="INPUT", help="video files (on a path every node can read)")
    batch.add_argument("--out", required=True, metavar="DIR", help="output folder (on a path every node can write)")
    batch.add_argument("--address", default="auto", help="the Ray cluster (default: auto, the local one)")
    batch.add_argument("--shard-seconds", type=seconds, metavar="S", help="split inputs longer than this into shards run in parallel, then joined")
    batch.add_argument("--retries", type=int, default=3, metavar="N", help="tries again a task that dies or fails at run time (default 3); never a bad input")
    batch.add_argument("--segstream", metavar="PATH", help="the segstream binary on every node (default: segstream on PATH)")
    batch.add_argument("--cpus-per-task", type=int, default=1, metavar="N", help="CPUs Ray reserves per task; also segment's --threads (default 1)")
    batch.add_argument("--outputs", type=lambda text: text.split(","), default=list(OUTPUT_KINDS), metavar="LIST",
                       help="which outputs: video,labels,json (default all)")

    cameras = commands.add_parser("cameras", help="segment live cameras, one restartable actor per camera",
                                  description="One Ray actor per camera runs `segstream segment URL --split-every D`, "
                                              "restarted without limit (on another node when its node dies).")
    cameras.add_argument("config", metavar="CAMERAS.yaml")
    cameras.add_argument("--out", required=True, metavar="DIR", help="output folder: DIR/NAME/ per camera")
    cameras.add_argument("--address", default="auto", help="the Ray cluster (default: auto, the local one)")
    cameras.add_argument("--segstream", metavar="PATH", help="the segstream binary on every node (default: segstream on PATH)")
    return top


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    options = []
    if "--" in argv:
        cut = argv.index("--")
        argv, options = argv[:cut], argv[cut + 1:]
    args = parser().parse_args(argv)
    args.options = options
    if args.command == "batch":
        unknown = set(args.outputs) - set(OUTPUT_KINDS)
        if unknown or args.retries < 0 or args.cpus_per_task < 1:
            parser().error(f"--outputs takes {','.join(OUTPUT_KINDS)}; --retries >= 0; --cpus-per-task >= 1")
        from .batch import Batch
        return Batch(args).run()
    from .cameras import Cameras
    return Cameras(args).run()


if __name__ == "__main__":
    sys.exit(main())
