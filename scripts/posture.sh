#!/bin/sh
# Runs inside the demo container and prints its security posture.
names="CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE
NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT
SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE
AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ
PERFMON BPF CHECKPOINT_RESTORE"

decode() {
  mask=$((0x$1)) bit=0 out=""
  for name in $names; do
    [ $(((mask >> bit) & 1)) -eq 1 ] && out="$out $name"
    bit=$((bit + 1))
  done
  echo "${out:- (none)}"
}

field() { sed -n "s/^$1:[[:space:]]*//p" /proc/self/status; }

echo "user:         $(id)"
echo "uid map:     $(tr -s ' ' < /proc/self/uid_map)   (container uid, host uid, count)"
echo "capabilities:$(decode "$(field CapEff)")"
echo "bounding set:$(decode "$(field CapBnd)")"
echo "no_new_privs: $(field NoNewPrivs)"
case "$(field Seccomp)" in 2) echo "seccomp:      filter (ward's default allow-list)" ;; *) echo "seccomp:      NONE" ;; esac
echo "hostname:     $(hostname)"
echo "namespaces:"
for ns in cgroup ipc mnt net pid user uts; do
  echo "  $ns: $(readlink /proc/self/ns/$ns)"
done
echo "pid 1 is:     $(cat /proc/1/comm)"
echo "write tests (each should be refused):"
for path in /proc/sys/kernel/ward-probe /proc/sysrq-trigger /sys/kernel/ward-probe; do
  if (echo x > "$path") 2>/dev/null; then echo "  $path: WRITABLE"; else echo "  $path: refused"; fi
done
echo "masked:       /proc/keys reads $(wc -c < /proc/keys) bytes, /sys/firmware has $(ls /sys/firmware | wc -l) entries"
if mknod /dev/ward-probe b 8 0 2>/dev/null; then echo "mknod:        ALLOWED"; else echo "mknod:        refused"; fi
if unshare -U true 2>/dev/null; then echo "new user ns:  ALLOWED"; else echo "new user ns:  refused"; fi
