"""A one-line progress bar on a terminal (nothing when stderr is not one)."""
import sys


class Progress:
    def __init__(self, total, enabled):
        self.total, self.enabled = total, enabled and total > 0

    def show(self, finished, failed, running):
        if not self.enabled:
            return
        width = 30
        filled = int(width * finished / self.total)
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {finished}/{self.total} inputs"
        line += f", {failed} failed" if failed else ""
        sys.stderr.write(line + f", {running} task(s) running ")
        sys.stderr.flush()

    def close(self):
        if self.enabled:
            sys.stderr.write("\n")
