#!/usr/bin/env bash
# Debian packages the tests need: Chromium and its driver for the browser tests, DejaVu fonts
# for Cyrillic. Installs only what is missing; needs root (or sudo).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
for extra in "$@"; do  # optional extra packages named by command, e.g. wrk for `make bench`
  command -v "$extra" >/dev/null 2>&1 || need+=("$extra")
done
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages present: chromium, chromium-driver, fonts-dejavu-core $*"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
