# Sourced by the set-up scripts: Debian packages installed as root, directly or through sudo.

# need_root PACKAGE...: sets SUDO for the apt calls; names the packages and fails when there is
# neither root nor sudo
need_root() {
  SUDO=""
  [ "$(id -u)" -eq 0 ] && return 0
  if command -v sudo >/dev/null; then
    SUDO="sudo"
    return 0
  fi
  echo "ocrframe needs these Debian packages; install them as root: $*" >&2
  return 1
}

# apt_install PACKAGE...: after need_root and apt-get update
apt_install() {
  echo "installing system packages: $*" >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@"
}
