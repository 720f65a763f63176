#!/bin/bash
# usage: run-all.sh RUNTIME_PATH   -> runs all 58 programs sequentially, appends verdicts to out/<rt>/verdicts.txt
RTT=${RTT_DIR:-/var/tmp/ward-rtt}   # sources, built suite, outputs
HERE=$(cd "$(dirname "$0")" && pwd)
set -u
RT=$1
case "$(basename "$RT")" in ward*) NAME=ward;; *) NAME=$(basename "$RT");; esac
mkdir -p $RTT/out/$NAME
: > $RTT/out/$NAME/verdicts.txt
echo "# start $(date -u +%FT%TZ) $(sha256sum "$RT" | cut -c1-16) $(stat -c %y "$RT")" > $RTT/out/$NAME/binary.txt
for t in $RTT/suite/validation/*.t; do
  p=$(basename "$t" .t)
  start=$(date +%s)
  line=$("$HERE"/run-one.sh "$RT" "$p")
  echo "$line secs=$(( $(date +%s) - start ))" | tee -a $RTT/out/$NAME/verdicts.txt
done
echo "# end   $(date -u +%FT%TZ) $(sha256sum "$RT" | cut -c1-16) $(stat -c %y "$RT")" >> $RTT/out/$NAME/binary.txt
