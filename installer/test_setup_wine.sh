#!/usr/bin/env bash
# Optional: run the Windows installer under Wine (64-bit) to check what it does on disk and in
# the registry: install, upgrade over an older version, uninstall. It uses stand-in bundles
# (a fake coopledger.exe and migration files), so it tests installer/coopledger.nsi, not the
# program. Needs makensis and wine64 (Debian: apt-get install nsis wine wine64). The real
# installer is x86 (runs on every Windows); this builds it as amd64 because Debian's wine64
# runs 64-bit programs without the i386 multiarch packages. About a minute.
#
#   bash installer/test_setup_wine.sh
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
WINE=$(command -v wine64 || echo /usr/lib/wine/wine64)
[ -x "$WINE" ] || { echo "wine64 not found (apt-get install wine wine64)"; exit 2; }
command -v makensis >/dev/null || { echo "makensis not found (apt-get install nsis)"; exit 2; }

WORK=$(mktemp -d /tmp/coopledger-wine.XXXXXX)
trap 'WINEPREFIX=$WORK/prefix "$(dirname "$WINE")/wineserver" -k 2>/dev/null || true; rm -rf "$WORK"' EXIT
export WINEPREFIX=$WORK/prefix WINEDEBUG=-all HOME=$WORK/home WINEDLLOVERRIDES="mscoree,mshtml,winemenubuilder.exe="
mkdir -p "$HOME"
"$WINE" wineboot -i >/dev/null 2>&1
wineserver=$(dirname "$WINE")/wineserver
"$wineserver" -w

USERDIR=$(find "$WINEPREFIX/drive_c/users" -mindepth 1 -maxdepth 1 -type d ! -name Public | head -1)
LOCAL=$USERDIR/AppData/Local
INSTDIR=$LOCAL/Programs/coopledger
DATA=$LOCAL/coopledger
STARTMENU=$USERDIR/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs/合作社账本
UNINST='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\coopledger'
ok() { printf '  ok: %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

setup() {  # setup VERSION FILES...: a stand-in bundle and its installer; prints the .exe
  local version=$1 bundle=$WORK/bundle-$1
  shift
  mkdir -p "$bundle/_internal/db/versions"
  echo "coopledger $version" >"$bundle/coopledger.exe"
  for f in "$@"; do echo "$version" >"$bundle/_internal/$f"; done
  makensis -V1 -DTARGET=amd64-unicode -DVERSION="$version" -DBUNDLE_DIR="$bundle" \
    -DOUTFILE="$WORK/coopledger-setup-$version.exe" installer/coopledger.nsi >&2
  echo "$WORK/coopledger-setup-$version.exe"
}

echo "== install 0.1.0"
old=$(setup 0.1.0 db/versions/0001_initial.py db/versions/0002_dropped_later.py)
"$WINE" "$old" /S
"$wineserver" -w
[ -f "$INSTDIR/coopledger.exe" ] && ok "program in AppData\\Local\\Programs\\coopledger" || fail "not installed"
[ -f "$INSTDIR/uninstall.exe" ] && ok "uninstaller written" || fail "no uninstaller"
[ -f "$STARTMENU/合作社账本.lnk" ] && ok "Start-menu shortcut" || fail "no Start-menu shortcut"
[ -f "$STARTMENU/卸载合作社账本.lnk" ] && ok "Start-menu uninstall shortcut" || fail "no uninstall shortcut"
[ -f "$USERDIR/Desktop/合作社账本.lnk" ] && ok "desktop shortcut" || fail "no desktop shortcut"
"$WINE" reg query "$UNINST" /v DisplayVersion 2>/dev/null | grep -q 0.1.0 && ok "Apps & features entry (HKCU) at 0.1.0" || fail "no uninstall entry"
[ ! -e "$DATA" ] && ok "the installer did not create the data folder" || fail "data folder created by the installer"

echo "== the program's data (as the program would write it)"
mkdir -p "$DATA/Logs"
echo "ledger" >"$DATA/ledger.sqlite3"
echo "backup" >"$DATA/ledger.sqlite3.before-migrate-0001.bak"
echo "log" >"$DATA/Logs/coopledger-error.log"
before=$(cd "$DATA" && find . -type f -exec sha256sum {} + | sort)

echo "== upgrade to 0.2.0 over 0.1.0"
new=$(setup 0.2.0 db/versions/0001_initial.py db/versions/0003_new.py)
"$WINE" "$new" /S
"$wineserver" -w
grep -q 0.2.0 "$INSTDIR/coopledger.exe" && ok "program replaced" || fail "program not replaced"
[ -f "$INSTDIR/_internal/db/versions/0003_new.py" ] && ok "new migration installed" || fail "new migration missing"
[ ! -e "$INSTDIR/_internal/db/versions/0002_dropped_later.py" ] && ok "the old version's leftover migration removed" || fail "stale migration left behind"
[ "$(cd "$DATA" && find . -type f -exec sha256sum {} + | sort)" = "$before" ] && ok "data folder untouched" || fail "data folder changed"
"$WINE" reg query "$UNINST" /v DisplayVersion 2>/dev/null | grep -q 0.2.0 && ok "entry at 0.2.0" || fail "entry not updated"

echo "== a running program blocks the upgrade (silent: the installer gives up, exit 2)"
# A real Windows program as coopledger.exe: Wine's cmd.exe, kept waiting for input.
cp "$WINEPREFIX/drive_c/windows/system32/cmd.exe" "$INSTDIR/coopledger.exe"
running=$(cmp -s "$INSTDIR/coopledger.exe" "$WINEPREFIX/drive_c/windows/system32/cmd.exe" && echo y)
sleep 15 | "$WINE" "$INSTDIR/coopledger.exe" >/dev/null 2>&1 &
holder=$!
sleep 3
set +e
"$WINE" "$new" /S
status=$?
set -e
[ "$status" -ne 0 ] && ok "installer refused while the program runs (exit $status)" || fail "installed over a running program"
[ "$running" = y ] && cmp -s "$INSTDIR/coopledger.exe" "$WINEPREFIX/drive_c/windows/system32/cmd.exe" &&
  ok "the running program's files untouched" || fail "the running program was changed"
kill "$holder" 2>/dev/null || true
"$wineserver" -k 2>/dev/null || true
sleep 1
"$WINE" "$new" /S
"$wineserver" -w
grep -q 0.2.0 "$INSTDIR/coopledger.exe" && ok "installs once the program is closed" || fail "did not install after closing"

echo "== uninstall"
"$WINE" "$INSTDIR/uninstall.exe" /S
"$wineserver" -w
for _ in $(seq 30); do [ -e "$INSTDIR/uninstall.exe" ] || break; sleep 1; done
[ ! -e "$INSTDIR" ] && ok "program folder removed" || fail "program folder left: $(ls -A "$INSTDIR")"
[ ! -e "$STARTMENU" ] && ok "Start-menu folder removed" || fail "Start-menu shortcuts left"
[ ! -e "$USERDIR/Desktop/合作社账本.lnk" ] && ok "desktop shortcut removed" || fail "desktop shortcut left"
"$WINE" reg query "$UNINST" >/dev/null 2>&1 && fail "uninstall entry left" || ok "uninstall entry removed"
[ "$(cd "$DATA" && find . -type f -exec sha256sum {} + | sort)" = "$before" ] && ok "data folder kept, unchanged" || fail "data folder changed or removed"

echo "== a chosen folder with other files: only the program's files go"
mine='C:\users\Public\mine'
minedir=$WINEPREFIX/drive_c/users/Public/mine
mkdir -p "$minedir"
echo "keep me" >"$minedir/notes.txt"
"$WINE" "$new" /S "/D=$mine"
"$wineserver" -w
[ -f "$minedir/coopledger.exe" ] && ok "installed into the chosen folder" || fail "not installed into $mine"
"$WINE" "$minedir/uninstall.exe" /S
"$wineserver" -w
for _ in $(seq 30); do [ -e "$minedir/uninstall.exe" ] || break; sleep 1; done
[ -f "$minedir/notes.txt" ] && [ ! -e "$minedir/_internal" ] && [ ! -e "$minedir/coopledger.exe" ] &&
  ok "the user's file kept, the program's removed" || fail "wrong files removed: $(ls -A "$minedir")"

echo "all installer checks passed"
