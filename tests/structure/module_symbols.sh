#!/bin/sh
# Does a module's archive need only symbols of its own and of the modules its
# row of docs/ARCHITECTURE.md allows?  An include can follow the table while
# the code still calls a function defined in a module above (a declaration
# in one module, its definition in another); a static link then fails only
# in some link orders.  This catches it on every build.
# Usage: module_symbols.sh MODULE_ARCHIVE [ALLOWED_ARCHIVE...]
set -eu
module=$1
shift

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ward's own symbols (namespace ward: _ZN4ward / _ZNK4ward ...).
nm -u "$module" 2>/dev/null | awk '{ print $NF }' | grep -E '^_Z(N|NK|L|ZN)?[^4]*4ward' | sort -u > "$work/needed" || true
nm --defined-only "$module" "$@" 2>/dev/null | awk 'NF == 3 && $2 != "U" { print $3 }' | sort -u > "$work/defined"
comm -23 "$work/needed" "$work/defined" > "$work/missing"
if [ -s "$work/missing" ]; then
  echo "module_symbols: $(basename "$module") needs ward symbols that neither it nor the modules it may use define:" >&2
  while read -r symbol; do echo "  $(echo "$symbol" | c++filt)" >&2; done < "$work/missing"
  exit 1
fi
echo "module_symbols: $(basename "$module"): $(wc -l < "$work/needed") ward symbols needed, all defined below it"
