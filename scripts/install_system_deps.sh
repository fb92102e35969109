#!/usr/bin/env bash
# Debian packages the tests need: Chromium and its driver for the browser tests, DejaVu fonts
# for Cyrillic. Installs only what is missing; needs root (or sudo).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)  # fault tests: Redis down and back
[ -x /usr/sbin/nginx ] || need+=(nginx-light)                     # scale-out test: nginx in front of two instances
# Exports (issue 7): pango and harfbuzz for WeasyPrint; poppler-utils (pdftotext) for the export tests.
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do
  dpkg -s "$lib" >/dev/null 2>&1 || need+=("$lib")
done
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
for extra in "$@"; do  # optional extra packages named by command, e.g. wrk for `make bench`
  command -v "$extra" >/dev/null 2>&1 || need+=("$extra")
done
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages present: chromium, chromium-driver, fonts-dejavu-core, redis-server, nginx $*"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
