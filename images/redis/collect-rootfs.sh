#!/bin/sh
# Copies redis-server, redis-cli, gosu and busybox with the shared libraries they load
# into an otherwise empty root file system at $1, with a redis user (uid 999, gid 1000).
set -eu
root=$1
mkdir -p "$root/bin" "$root/usr/local/bin" "$root/etc" "$root/tmp" "$root/data"
chmod 1777 "$root/tmp"

cp /bin/busybox "$root/bin/busybox"
# Each applet where busybox installs it, as the alpine image lays them out (/usr/bin/env, /sbin/ip, ...),
# so that a `#!/usr/bin/env sh` script runs.
for applet in $("$root/bin/busybox" --list-full); do
  mkdir -p "$root/$(dirname "$applet")"
  [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
# What the system is, as the alpine image says it: here Debian's own file, since the binaries are Debian's.
cp -L /etc/os-release "$root/etc/os-release"

for binary in /usr/bin/redis-server /usr/bin/redis-cli /usr/sbin/gosu; do
  cp "$binary" "$root/usr/local/bin/"
  ldd "$binary" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
done
ln -s redis-server "$root/usr/local/bin/redis-check-aof"
ln -s redis-server "$root/usr/local/bin/redis-check-rdb"
ln -s redis-server "$root/usr/local/bin/redis-sentinel"
mkdir -p "$root/lib64"
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/" 2>/dev/null || true

cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
redis:x:999:1000:redis:/data:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
redis:x:1000:redis
nogroup:x:65534:
GROUP
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
chown 999:1000 "$root/data"
