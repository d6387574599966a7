#!/usr/bin/env bash
# Prints the Python that ocrframe's virtual environments are made with: the first of python3,
# python3.13, python3.12, python3.11, python3.10 that is 3.10 or later. On a machine with none (a minimal Debian 12 image has no Python at all)
# it installs Debian's python3 when it can (root or sudo), then looks again. Prints nothing if
# there is still none; everything but the name goes to stderr.
fits() { "$1" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2])' 2>/dev/null; }
find_python() {
  for p in python3 python3.13 python3.12 python3.11 python3.10; do
    if fits "$p"; then echo "$p"; return 0; fi
  done
  return 1
}
find_python && exit 0
command -v apt-get >/dev/null || exit 0
source "$(dirname "$0")/apt.sh"
echo "no Python 3.10 or later found" >&2
need_root python3 python3-venv || exit 0
{ $SUDO apt-get update -qq && apt_install python3 python3-venv; } >&2 || exit 0
find_python || true
