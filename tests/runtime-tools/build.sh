#!/bin/sh
# Builds the OCI runtime-tools validation suite into $RTT/suite:
#   suite/runtimetest            (static, copied into each bundle)
#   suite/validation/<name>.t    (58 programs)
#   suite/rootfs-amd64.tar.gz    (busybox-static rootfs)
RTT=${RTT_DIR:-/var/tmp/ward-rtt}   # sources, built suite, outputs
HERE=$(cd "$(dirname "$0")" && pwd)
set -eu
export GO111MODULE=off GOPATH=$RTT/gopath:/usr/share/gocode GOCACHE=$RTT/.gocache GOFLAGS=
SRC=$RTT/gopath/src/github.com/opencontainers/runtime-tools
# tap-go is neither packaged nor reachable offline: ward's stand-in.
mkdir -p "$RTT/gopath/src/github.com/mndrix/tap-go"
cp "$HERE/tap-go/tap.go" "$RTT/gopath/src/github.com/mndrix/tap-go/"
OUT=$RTT/suite
mkdir -p "$OUT/validation"
cd "$SRC"
CGO_ENABLED=0 go build -o "$OUT/runtimetest" ./cmd/runtimetest
for d in validation/*/; do
  n=$(basename "$d")
  [ "$n" = util ] && continue
  go build -o "$OUT/validation/$n.t" "./validation/$n"
done
# rootfs
R=$(mktemp -d)
mkdir -p "$R/bin" "$R/sbin" "$R/usr/bin" "$R/usr/sbin" "$R/dev" "$R/etc" "$R/proc" "$R/sys" \
         "$R/tmp" "$R/root" "$R/var" "$R/mnt" "$R/home" "$R/run"
chmod 755 "$R"   # tarball root becomes the bundle dir: must be traversable by userns-mapped uids
chmod 1777 "$R/tmp"
cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list-full); do
  case "$a" in bin/busybox) continue;; esac
  mkdir -p "$R/$(dirname "$a")"
  ln -sf /bin/busybox "$R/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$R/etc/group"
tar -C "$R" -czf "$OUT/rootfs-amd64.tar.gz" .
rm -rf "$R"
ls "$OUT/validation" | wc -l
