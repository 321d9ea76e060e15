"""A real Slurm cluster on this machine for the tests: munge, a controller and two slurmd nodes, on loopback only,
started as root from Debian's packages; every process it starts is stopped by `close`."""
import os
import signal
import socket
import subprocess
import time

CONFIG = """ClusterName=segstream-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={controller_port}
AuthType=auth/munge
AuthInfo=cred_expire=10
SlurmUser=root
SlurmdUser=root
StateSaveLocation={folder}/state
SlurmdSpoolDir={folder}/spool-%n
SlurmctldPidFile={folder}/slurmctld.pid
SlurmdPidFile={folder}/slurmd-%n.pid
SlurmctldLogFile={folder}/slurmctld.log
SlurmdLogFile={folder}/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SlurmdTimeout=5
SlurmctldTimeout=5
MessageTimeout=5
MinJobAge=2
"""
# cred_expire: a requeued job waits this long before it may start again (default 120 s), kept short for tests.


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalSlurm:
    def __init__(self, folder, nodes=("n1", "n2")):
        self.folder = folder
        os.makedirs(os.path.join(folder, "state"))
        lines = CONFIG.format(folder=folder, controller_port=free_port())
        for node in nodes:
            lines += f"NodeName={node} NodeHostname=localhost NodeAddr=127.0.0.1 Port={free_port()} CPUs=1 RealMemory=2000 State=UNKNOWN\n"
        lines += f"PartitionName=main Nodes={','.join(nodes)} Default=YES MaxTime=INFINITE State=UP\n"
        self.config = os.path.join(folder, "slurm.conf")
        with open(self.config, "w") as file:
            file.write(lines)
        os.environ["SLURM_CONF"] = self.config
        self.munge = self.start_munge()
        self.controller = subprocess.Popen(["slurmctld", "-D", "-i", "-f", self.config])
        time.sleep(1)
        self.nodes = {node: subprocess.Popen(["slurmd", "-D", "-f", self.config, "-N", node]) for node in nodes}
        deadline = time.monotonic() + 60
        while self.states() != {node: "idle" for node in nodes}:
            if time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"the Slurm nodes did not come up: {self.states()}")
            time.sleep(0.5)

    @staticmethod
    def start_munge():
        """munged, unless one runs already (then it is left running)."""
        if subprocess.run(["pgrep", "-x", "munged"], capture_output=True).returncode == 0:
            return None
        os.makedirs("/run/munge", exist_ok=True)
        subprocess.run(["chown", "munge:munge", "/run/munge"], check=True)
        munge = subprocess.Popen(["runuser", "-u", "munge", "--", "/usr/sbin/munged", "--foreground"])
        time.sleep(0.5)
        return munge

    def states(self):
        run = subprocess.run(["sinfo", "-h", "-N", "-o", "%N %t"], capture_output=True, text=True)
        return dict(line.split() for line in run.stdout.splitlines() if line.strip())

    def running(self):
        """{raw job id: node} of the jobs running now."""
        run = subprocess.run(["squeue", "-h", "-t", "R", "-o", "%A %N"], capture_output=True, text=True)
        return dict(line.split() for line in run.stdout.splitlines() if len(line.split()) == 2)

    def idle(self):
        return subprocess.run(["squeue", "-h"], capture_output=True, text=True).stdout.strip() == ""

    def kill_node(self, node):
        """The node dies as a machine would: its slurmd and every process of its jobs are SIGKILLed."""
        jobs = {job for job, where in self.running().items() if where == node}
        self.nodes[node].kill()
        self.nodes[node].wait()
        for pid in self.job_processes(lambda environ, cmdline: f"SLURMD_NODENAME={node}".encode() in environ
                                      or any(f"[{job}.".encode() in cmdline for job in jobs)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    @staticmethod
    def job_processes(matches):
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open(f"/proc/{entry}/environ", "rb") as file:
                    environ = file.read()
                with open(f"/proc/{entry}/cmdline", "rb") as file:
                    cmdline = file.read()
            except OSError:
                continue
            if matches(environ, cmdline):
                found.append(int(entry))
        return found

    def close(self):
        subprocess.run(["scancel", "--full", "-u", "root"], capture_output=True)
        for process in [*self.nodes.values(), self.controller]:
            if process.poll() is None:
                process.kill()
            process.wait()
        config = self.config.encode()
        for pid in self.job_processes(lambda environ, cmdline: config in environ or cmdline.startswith(b"slurmstepd")):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.munge:
            self.munge.terminate()
            self.munge.wait()
