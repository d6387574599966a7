#!/usr/bin/env bash
# Prints a Python 3.13 that runs (python3.13 on PATH, else one pyenv installed), or nothing.
works() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; }
for p in python3.13 "$(pyenv root 2>/dev/null)"/versions/3.13*/bin/python3.13; do
  if works "$p"; then echo "$p"; exit 0; fi
done
exit 0
