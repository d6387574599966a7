#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those that are missing.
set -euo pipefail
packages=(
  # the Tesseract engine and the language packs of the minorlanguage page
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-jpn tesseract-ocr-kor
  tesseract-ocr-fra tesseract-ocr-deu tesseract-ocr-spa tesseract-ocr-por
  tesseract-ocr-script-latn
  # fonts the tests render text with (CJK and Latin)
  fonts-wqy-microhei fonts-dejavu-core
  # the browser of the JupyterLab end-to-end test (Playwright's own download cannot work here)
  chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
