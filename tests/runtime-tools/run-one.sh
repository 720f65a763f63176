#!/bin/bash
# Re-run one OCI runtime-tools validation program against one runtime.
# usage: run-one.sh RUNTIME_PATH PROGRAM [TIMEOUT_SECONDS]
#   e.g. run-one.sh /work/main/build/bin/ward-oci linux_devices
# Writes $RTT/out/<rt>/<PROGRAM>.tap (stdout), .stderr, .rc  where <rt> is
# ward | crun | runc | basename of RUNTIME_PATH, and prints one verdict line:
#   PASS|FAIL <rt> <PROGRAM> rc=<rc> notok=<n> [diag=<n>]
# PASS = exit 0 and no top-level "not ok" line other than "# SKIP"/"# TODO".
# diag = count of top-level YAML "error:" diagnostics (the hook programs only
# report problems that way; informational, not part of the verdict).
# Needs: $RTT/suite built by $RTT/build.sh; run as root.
# For crun on this hybrid host, hugetlb must be mounted as v1 first:
#   mkdir -p /sys/fs/cgroup/hugetlb && mount -t cgroup -o hugetlb hugetlb /sys/fs/cgroup/hugetlb
RTT=${RTT_DIR:-/var/tmp/ward-rtt}   # sources, built suite, outputs
HERE=$(cd "$(dirname "$0")" && pwd)
set -u
RT=${1:?runtime path}; PROG=${2:?program name}; TMO=${3:-120}
RT=$(readlink -f "$RT")
case "$(basename "$RT")" in
  ward*) NAME=ward ;;
  *) NAME=$(basename "$RT") ;;
esac
SUITE=$RTT/suite
OUT=$RTT/out/$NAME
mkdir -p "$OUT"
[ -x "$SUITE/validation/$PROG.t" ] || { echo "no such program: $PROG" >&2; exit 2; }
# Isolate container state: the suite calls "$RUNTIME create ..." with no
# --root, so point RUNTIME at a tiny wrapper adding --root /run/rtt-<rt>.
WRAP=$RTT/wrappers/$NAME
MODE=plain
hoststate() {
  echo "$1 $(date -u +%FT%TZ) unified.controllers=[$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)]" \
       "hugetlb_v1_mounted=$(grep -q ' /sys/fs/cgroup/hugetlb cgroup ' /proc/mounts && echo yes || echo no)" \
       "wrapper=$MODE runtime_sha=$(sha256sum "$RT" | cut -c1-16)"
}
mkdir -p $RTT/wrappers
if [ "$NAME" = crun ] && ! grep -q ' /sys/fs/cgroup/hugetlb cgroup ' /proc/mounts \
   && grep -q . /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null; then
  # Debian's crun 1.8.1 refuses a hybrid host whose cgroup2 mount holds a
  # controller ("cgroups in hybrid mode not supported"). The v1-hugetlb remount
  # is impossible while other cgroups use hugetlb on cgroup2, so run each crun
  # call in a private mount namespace where /sys/fs/cgroup/unified is
  # unmounted: crun then sees a pure cgroup v1 host (hugetlb unavailable).
  printf '#!/bin/sh\nexec unshare -m --propagation private sh -c '"'"'umount -l /sys/fs/cgroup/unified; exec "$0" "$@"'"'"' %s --root /run/rtt-%s "$@"\n' "$RT" "$NAME" >"$WRAP"
  echo "note: crun run through private mount ns without /sys/fs/cgroup/unified" >&2
  MODE=crun-private-mntns-without-unified
else
  printf '#!/bin/sh\nexec %s --root /run/rtt-%s "$@"\n' "$RT" "$NAME" >"$WRAP"
fi
chmod +x "$WRAP"
hoststate before >"$OUT/$PROG.host"
cd "$SUITE"
# each program creates its bundles under TMPDIR; keep them in one place
export TMPDIR=$RTT/tmp
mkdir -p "$TMPDIR"
RUNTIME="$WRAP" timeout -k 10 "$TMO" "./validation/$PROG.t" >"$OUT/$PROG.tap" 2>"$OUT/$PROG.stderr"
rc=$?
echo "$rc" >"$OUT/$PROG.rc"
hoststate after >>"$OUT/$PROG.host"
notok=$(grep -E '^not ok' "$OUT/$PROG.tap" | grep -vE '# (SKIP|TODO)' | wc -l)
diag=$(grep -cE '^  error:' "$OUT/$PROG.tap")
if [ "$rc" -eq 0 ] && [ "$notok" -eq 0 ]; then v=PASS; else v=FAIL; fi
# force-delete anything the program left behind in our private root
for id in $("$RT" --root /run/rtt-$NAME list -q 2>/dev/null); do
  "$RT" --root /run/rtt-$NAME delete --force "$id" >/dev/null 2>&1
  echo "cleanup: deleted leftover container $id" >>"$OUT/$PROG.stderr"
done
# a runtime that honours "no mount namespace" (linux_ns_itype) mounts /proc,
# /dev, ... of the bundle in the host namespace and never unmounts them:
# detach anything left under our TMPDIR, then drop the bundles
grep " $TMPDIR/" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do
  umount -l "$m" && echo "cleanup: umounted leftover $m" >>"$OUT/$PROG.stderr"
done
grep -q " $TMPDIR/" /proc/mounts || rm -rf "${TMPDIR:?}"/ocitest* "${TMPDIR:?}"/oci-pid*
# remove the empty cgroup dirs the suite leaves behind, so that every program
# (and every runtime) starts from the same host state
"$HERE"/cleanup-cgroups.sh >>"$OUT/$PROG.stderr" 2>&1
echo "$v $NAME $PROG rc=$rc notok=$notok diag=$diag"
