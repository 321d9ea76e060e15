#!/usr/bin/env bash
# Installs the Debian packages segstream needs, if any are missing.
# Usage: tools/install-deps.sh [--test]   (--test adds what the tests use: a loopback RTSP camera)
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(libavformat-dev libavcodec-dev libswscale-dev libavutil-dev libopenblas-dev libfreetype-dev fonts-dejavu-core ffmpeg pkg-config)
if [ "${1:-}" = "--test" ]; then
  packages+=(python3 python3-venv python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Python checkers the tests run (independent decoders/validators): .venv-test in the repo.
if [ "${1:-}" = "--test" ] && ! .venv-test/bin/python -c "import numpy, jsonschema, pycocotools, PIL" 2>/dev/null; then
  echo "Creating .venv-test (numpy, jsonschema, pycocotools, pillow)"
  python3 -m venv .venv-test
  .venv-test/bin/pip install -q numpy jsonschema pycocotools pillow
fi
