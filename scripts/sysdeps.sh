#!/usr/bin/env bash
# Install the Debian packages Qt needs (offscreen, a real window under Xvfb, printing) and the
# tools the checks use, when they are missing. apt-get runs only as root on Debian; anywhere
# else this prints what to install. The CJK fonts ship inside the program, not from the OS.
set -euo pipefail

pkgs=(
  libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libcups2
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxcb-randr0 libxcb-xfixes0 libxcb-xinerama0
  xvfb xauth poppler-utils
  # The tests' throwaway PostgreSQL server (tests/pgserver.py) and pg_dump for server backups.
  postgresql postgresql-client
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "sysdeps: not a Debian system; make sure the Qt 6 runtime libraries (xcb, EGL, fontconfig) are installed." >&2
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
# python3 -m venv needs ensurepip (Debian splits it into python3-venv).
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "sysdeps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The tests start their own PostgreSQL in a private folder: the package must not create and
  # start a cluster of its own listening on the machine's port 5432.
  if [[ " ${missing[*]} " == *" postgresql "* ]] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "sysdeps: please install these Debian packages (as root):" >&2
  echo "  apt-get install ${missing[*]}" >&2
fi
