#!/usr/bin/env bash
# Installs the Debian packages ocrframe needs, only those that are missing.
#   system-deps.sh runtime   what `make demo` needs: venv support, GLib for OpenCV, a CJK font
#   system-deps.sh test      that, plus what the test suite uses: Tesseract, fonts, Chromium
# PYTHON names the interpreter the virtual environment is made with (default python3).
set -euo pipefail
kind="${1:-test}"
python="${PYTHON:-python3}"

missing=()
# ldconfig is in /sbin, off a normal user's PATH; its list is read once (a pipe into grep -q
# could end it with SIGPIPE, which pipefail would report as a missing library)
libraries="$(PATH="$PATH:/usr/sbin:/sbin" ldconfig -p 2>/dev/null || true)"
need_package() {  # need_package PACKAGE: wanted unless dpkg has it installed
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || missing+=("$1")
}
need_library() {  # need_library SONAME PACKAGE...: the first package apt knows, if the library is absent
  local soname="$1"; shift
  grep -qF "$soname" <<<"$libraries" && return 0
  missing+=("lib:$soname:$*")
}

# `python -m venv` needs ensurepip, which Debian ships apart from its Python
if ! "$python" -c "import ensurepip, venv" 2>/dev/null; then
  version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  need_package "python${version}-venv"
fi
# the headless OpenCV under rapidocr links GLib (not libGL)
need_library libglib-2.0.so.0 libglib2.0-0t64 libglib2.0-0
need_package fonts-wqy-microhei  # CJK text in plots
if [ "$kind" = test ]; then
  # the v4 model's rapidocr-onnxruntime (a test dependency) pulls in opencv-python: libGL
  need_library libGL.so.1 libgl1
  # the Tesseract engine and the language packs of the minorlanguage page
  for p in tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-jpn \
           tesseract-ocr-kor tesseract-ocr-fra tesseract-ocr-deu tesseract-ocr-spa \
           tesseract-ocr-por tesseract-ocr-script-latn \
           fonts-dejavu-core \
           chromium; do  # the browser of the JupyterLab test (Playwright's download cannot work here)
    need_package "$p"
  done
fi
[ ${#missing[@]} -eq 0 ] && exit 0

source "$(dirname "$0")/apt.sh"
need_root "${missing[@]}" || exit 1
$SUDO apt-get update -qq
packages=()
for p in "${missing[@]}"; do
  case "$p" in
    lib:*)  # lib:SONAME:CANDIDATES: the first candidate this release has
      for candidate in ${p#lib:*:}; do
        if apt-cache show "$candidate" >/dev/null 2>&1; then packages+=("$candidate"); break; fi
      done ;;
    *) packages+=("$p") ;;
  esac
done
apt_install "${packages[@]}"
