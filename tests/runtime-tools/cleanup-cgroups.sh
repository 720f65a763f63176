#!/bin/sh
# Remove the (empty) cgroup directories the validation programs leave behind:
# /cgrouptest (AbsCgroupPath), testdir/cgrouptest[/container] (RelCgroupPath,
# relative to the caller's cgroup), pids/cgrouptest (delete_only_create_resources).
# rmdir only: non-empty or busy cgroups are left alone.
RTT=${RTT_DIR:-/var/tmp/ward-rtt}   # sources, built suite, outputs
for root in /sys/fs/cgroup/*; do
  [ -d "$root" ] || continue
  for d in $(find "$root" -depth -type d \( -path '*/testdir/cgrouptest/container' -o -path '*/testdir/cgrouptest' -o -path '*/testdir' -o -name cgrouptest \) 2>/dev/null); do
    rmdir "$d" 2>/dev/null && echo "removed $d"
  done
done
