#!/usr/bin/env bash
# setup.sh installs everything Sharp Eyes needs on Debian 12, idempotently:
# Debian packages (OpenCV 4.6, libavcodec, libavformat, ffmpeg, kcat, CJK fonts, chromium),
# the PETS 2009 S2L1 clip from opencv-doc, and the Go modules.
# Re-running it is cheap: each step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PKGS=(
  pkg-config build-essential
  libopencv-dev opencv-data
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev ffmpeg
  kcat fonts-wqy-zenhei fonts-noto-cjk fonts-liberation fonts-dejavu-extra chromium
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# PETS 2009 S2L1 (vtest.avi) from Debian's opencv-doc, without installing the whole package.
VTEST=testvideos/data/vtest.avi
if [ ! -s "$VTEST" ]; then
  echo "setup: fetching vtest.avi from opencv-doc"
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download opencv-doc >/dev/null 2>&1 || { $SUDO apt-get update -qq && apt-get download opencv-doc; })
  mkdir -p testvideos/data
  dpkg-deb --fsys-tarfile "$tmp"/opencv-doc_*_all.deb | tar -x -C "$tmp" ./usr/share/doc/opencv-doc/examples/data/vtest.avi
  mv "$tmp/usr/share/doc/opencv-doc/examples/data/vtest.avi" "$VTEST"
  rm -rf "$tmp"
fi

if [ -f go.mod ]; then
  go mod download
fi
echo "setup: ok"
