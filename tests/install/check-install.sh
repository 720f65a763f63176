#!/bin/sh
# Installs a build into a scratch DESTDIR, as a package build does, and
# checks what lands there: ward-oci and ward stripped (no .debug_info, no
# symbol table), ward-oci below MAX_BYTES, each with a .gnu_debuglink and,
# when the build has debug info, the debug file under
# lib/debug/.build-id/ holding it; the installed programs still run.
# Usage: check-install.sh BUILD_DIR MAX_BYTES   (MAX_BYTES 0: no size check)
set -eu
build=$1
max_bytes=$2
dest=$(mktemp -d /tmp/ward-install-test.XXXXXX)
trap 'rm -rf "$dest"' EXIT
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

DESTDIR="$dest" cmake --install "$build" --prefix /usr >"$dest.log" 2>&1 || {
  cat "$dest.log" >&2; rm -f "$dest.log"; echo "FAIL: cmake --install" >&2; exit 1; }
rm -f "$dest.log"

for name in ward-oci ward; do
  program=$dest/usr/bin/$name
  built=$build/bin/$name
  [ -x "$program" ] || { fail "$program was not installed"; continue; }
  sections=$(readelf --wide --sections "$program")
  echo "$sections" | grep -q '\.debug_info' && fail "$name still has .debug_info"
  echo "$sections" | grep -q ' \.symtab ' && fail "$name still has a symbol table"
  "$program" --version >/dev/null || fail "the installed $name does not run"
  if readelf --wide --sections "$built" | grep -q '\.debug_info'; then
    echo "$sections" | grep -q '\.gnu_debuglink' || fail "$name has no .gnu_debuglink"
    id=$(readelf --notes "$program" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')
    [ -n "$id" ] || { fail "$name has no build id"; continue; }
    rest=${id#??}
    debug=$dest/usr/lib/debug/.build-id/${id%"$rest"}/$rest.debug
    if [ ! -f "$debug" ]; then
      fail "no debug file $debug"
    else
      readelf --wide --sections "$debug" | grep -q '\.debug_info' || fail "$debug holds no .debug_info"
      link=$(readelf --string-dump=.gnu_debuglink "$program" | sed -n 's/^ *\[ *0\] *//p')
      [ "$link" = "$rest.debug" ] || fail "$name's debuglink names \"$link\", not $rest.debug"
    fi
  fi
done

[ -x "$dest/usr/bin/ward-probe" ] || fail "ward-probe (ward selftest's probes) was not installed"
size=$(stat -c %s "$dest/usr/bin/ward-oci" 2>/dev/null || echo 0)
echo "installed ward-oci: $size bytes (built: $(stat -c %s "$build/bin/ward-oci") bytes)"
if [ "$max_bytes" -gt 0 ] && [ "$size" -ge "$max_bytes" ]; then
  fail "installed ward-oci is $size bytes, not below $max_bytes"
fi
exit $failed
