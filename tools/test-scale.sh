#!/usr/bin/env bash
# The scale-out tests (README, "More than one machine"), against real engines on this machine:
#   Ray:        segstream-ray on a local two-node Ray cluster on 127.0.0.1 (PyPI: ray)      ~1.5 min
#   Kubernetes: the manifests validated strictly, the files Job's pod script run (PyPI)      ~5 s
#   Slurm:      the array job on a controller and two slurmd nodes (Debian, as root)         ~1 min
# Each engine is installed when it can be (into .venv-scale, or Debian packages as root); one that
# cannot be installed here is skipped with a line saying so. Needs the release build (make build).
set -uo pipefail
cd "$(dirname "$0")/.."
export SEGSTREAM="$PWD/.build/release/segstream"
[ -x "$SEGSTREAM" ] || { echo "test-scale: build first ($SEGSTREAM missing)"; exit 1; }
status=0

run() {  # name, folder, test module: runs it with a time limit
  echo "test-scale: $1"
  (cd "$2" && timeout 900 "$OLDPWD/.venv-scale/bin/python" -m unittest -v $3) || status=1
}

if [ ! -x .venv-scale/bin/segstream-ray ] || ! .venv-scale/bin/python -c "import ray, kubernetes_validate" 2>/dev/null; then
  echo "test-scale: installing ray, kubernetes-validate and deploy/ray into .venv-scale"
  python3 -m venv .venv-scale && .venv-scale/bin/pip install -q ray kubernetes-validate ./deploy/ray
fi
if .venv-scale/bin/python -c "import ray, kubernetes_validate" 2>/dev/null; then
  .venv-scale/bin/pip install -q --no-deps --force-reinstall ./deploy/ray >/dev/null && rm -rf deploy/ray/build deploy/ray/*.egg-info
  run "Ray (segstream-ray batch and cameras)" deploy/ray/tests "test_batch test_cameras"
  run "Kubernetes manifests" deploy/k8s/tests test_manifests
else
  echo "test-scale: skipped Ray and Kubernetes: ray and kubernetes-validate cannot be installed from PyPI here"
fi

if [ "$(id -u)" -eq 0 ]; then
  missing=()
  for p in slurmd slurmctld munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "test-scale: installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if command -v slurmctld >/dev/null && command -v munged >/dev/null; then
    run "Slurm (array job, reconcile)" deploy/slurm/tests test_slurm
  else
    echo "test-scale: skipped Slurm: slurmd, slurmctld and munge cannot be installed here"
  fi
else
  echo "test-scale: skipped Slurm: starting slurmctld, slurmd and munged needs root"
fi
exit $status
