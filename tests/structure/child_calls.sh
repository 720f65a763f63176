#!/bin/sh
# Which external functions can the child side of the runtime call?
# Links the entry points ENTRY... out of ARCHIVE... into one relocatable
# object, keeping only the sections they reach (--gc-sections), and fails if
# any symbol left undefined is missing from ALLOWED (one symbol per line, #
# comments): each is a libc call reviewed as async-signal-safe and
# allocation-free, so operator new, malloc, a std::string member or a
# parent-side function shows up here as unexpected.
# Usage: child_calls.sh ALLOWED ENTRY_REGEX ARCHIVE...
set -eu
allowed=$1
entry_regex=$2
shift 2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

nm --defined-only "$@" 2>/dev/null | awk '$2 == "T" { print $3 }' | grep -E "$entry_regex" | sort -u > "$work/entries"
if [ ! -s "$work/entries" ]; then
  echo "child_calls: no function matching $entry_regex in $*" >&2
  exit 2
fi
undefined_flags=$(sed 's/^/-u /' "$work/entries")
# shellcheck disable=SC2086
ld -r --gc-sections $undefined_flags -o "$work/child.o" --start-group "$@" --end-group
# ld -r keeps every undefined symbol of the members it pulled in; the calls
# are those that a relocation of a kept section still refers to.
nm -u "$work/child.o" | awk '{ print $2 }' | sort -u > "$work/all_undefined"
objdump -r "$work/child.o" | awk 'NF >= 3 && $1 ~ /^[0-9a-f]+$/ { print $3 }' | sed 's/[-+]0x[0-9a-f]*$//' \
  | sort -u > "$work/referenced"
comm -12 "$work/all_undefined" "$work/referenced" > "$work/undefined"
grep -v '^\s*#' "$allowed" | awk 'NF { print $1 }' | sort -u > "$work/allowed"
comm -23 "$work/undefined" "$work/allowed" > "$work/unexpected"
if [ -s "$work/unexpected" ]; then
  echo "child_calls: the child side calls functions not in $(basename "$allowed"):" >&2
  while read -r symbol; do
    echo "  $symbol  ($(echo "$symbol" | c++filt))" >&2
  done < "$work/unexpected"
  exit 1
fi
echo "child_calls: $(wc -l < "$work/undefined") external calls, all allowed"
