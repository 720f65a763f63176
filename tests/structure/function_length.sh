#!/bin/sh
# No function in the tree longer than LIMIT lines (issue 13: files and
# functions small enough to read in one sitting).  Function extents come
# from universal-ctags (its `end:` field), so a definition is measured from
# its signature to its closing brace.  Prints each offender as
# "LINES FILE:LINE NAME" and fails if there is one.
# Usage: function_length.sh LIMIT DIR...
set -eu
limit=$1
shift
if ! ctags --version 2>/dev/null | grep -q "Universal Ctags"; then
  echo "function_length: universal-ctags is not installed" >&2
  exit 2
fi
# The control: a ctags that reports no extents would pass every tree.
found=$(ctags -R --languages=C++ --kinds-C++=f --fields=+ne --extras=-F -o - "$@" | grep -c "end:" || true)
if [ "$found" -eq 0 ]; then
  echo "function_length: ctags found no function extents under $*" >&2
  exit 2
fi
long=$(ctags -R --languages=C++ --kinds-C++=f --fields=+ne --extras=-F -o - "$@" | awk -F'\t' -v limit="$limit" '
  {
    line = ""; end = ""
    for (i = 4; i <= NF; i++) {
      if ($i ~ /^line:/) line = substr($i, 6)
      if ($i ~ /^end:/) end = substr($i, 5)
    }
    if (end != "" && end - line + 1 > limit) print end - line + 1, $2 ":" line, $1
  }' | sort -rn)
if [ -n "$long" ]; then
  echo "function_length: functions over $limit lines:" >&2
  echo "$long" >&2
  exit 1
fi
echo "function_length: $found functions, none over $limit lines"
