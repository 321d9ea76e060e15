"""How the driver calls the segstream binary, and what its exit codes mean."""
import ctypes
import json
import os
import shutil
import signal
import subprocess

# segstream's exit codes that no retry can change: success, a usage error, an unusable input.
SUCCESS, USAGE, UNUSABLE_INPUT = 0, 2, 65
FINAL = {SUCCESS, USAGE, UNUSABLE_INPUT}


def find_binary(given):
    """The segstream binary: `given`, else `segstream` on PATH."""
    path = given or shutil.which("segstream")
    if not path:
        raise SystemExit("segstream-ray: no segstream binary on PATH; pass --segstream PATH (the same path on every node)")
    return path


def is_retryable(code):
    """Whether a run that ended with `code` may succeed when tried again (killed, crashed, a runtime failure)."""
    return code not in FINAL


def duration(binary, path):
    """The input's duration in seconds (None when the container does not say), or the failed run's (code, message)."""
    run = subprocess.run([binary, "probe", "--json", path], capture_output=True, text=True)
    if run.returncode != 0:
        return None, (run.returncode, last_line(run.stderr))
    facts = json.loads(run.stdout)
    return (facts.get("video") or {}).get("duration") or facts.get("duration"), None


def last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def die_with_parent():
    """In a child before exec: SIGTERM it when the Ray worker that started it dies (a lost node, a cancelled
    task), so no orphaned segstream goes on writing; SIGTERM lets it finish its outputs."""
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def remove_partials(folder):
    """Removes the temporary outputs (`.NAME.partial-PID`) that a segstream lost with its node left in `folder`
    (segstream itself removes only those of processes gone from its own machine). Only for a folder no other
    segstream writes in."""
    for name in os.listdir(folder) if os.path.isdir(folder) else []:
        if name.startswith(".") and ".partial-" in name:
            os.remove(os.path.join(folder, name))
