#!/usr/bin/env bash
# Installs the Debian packages segstream needs, if any are missing.
# Usage: tools/install-deps.sh [--test]   (--test adds what the tests use: a loopback RTSP camera)
set -euo pipefail
packages=(libavformat-dev libavcodec-dev libswscale-dev libavutil-dev libopenblas-dev ffmpeg pkg-config)
if [ "${1:-}" = "--test" ]; then
  packages+=(python3 python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
