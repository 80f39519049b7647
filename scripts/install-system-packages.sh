#!/usr/bin/env bash
# Installs, with apt-get (Debian/Ubuntu), the system programs set-up and the tests need and that
# are missing; does nothing when all are there, so `make setup` may call it every time.
# Why these: the browser tests drive Debian's Chromium (Playwright never downloads a browser);
# node/npm install the widget's pinned browser dependencies (package-lock.json); the scale-out
# and reliability tests start their own PostgreSQL, Redis and nginx (tests/infra.py).
set -euo pipefail

# One line per Debian package: "<package> <command that shows it is installed>".
# A command found on PATH from another source (say node from nvm) counts as installed.
PACKAGES=(
  "chromium chromium"
  "chromium-driver chromedriver"
  "nodejs node"
  "npm npm"
  "postgresql pg_ctlcluster"
  "redis-server redis-server"
  "nginx nginx"
)

missing=()
for entry in "${PACKAGES[@]}"; do
  read -r package command <<<"$entry"
  command -v "$command" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "error: missing system packages: ${missing[*]}" >&2
  echo "Install them as root: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: missing system packages (${missing[*]}) and no apt-get to install them" >&2
  exit 1
fi
echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}"
