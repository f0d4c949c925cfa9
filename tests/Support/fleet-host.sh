#!/bin/sh
# One test Docker host of tests/Fleet.Tests.ps1, run as `unshare -m -- sh fleet-host.sh ROOT`: in a mount namespace
# of its own it gets its own /etc/docker, /etc/systemd, /usr/lib/systemd/system, /etc/default and /run (tmpfs), a root
# home of its own with Debian's default dotfiles (as a Docker host has, not this machine's own ~/.bashrc, which bash
# reads on every ssh login and which may run anything, e.g. pyenv's init, that would weigh on every test login), the
# stand-ins for systemctl and journalctl on /usr/local/sbin (first on sshd's PATH), and, where ROOT/passwd exists,
# its own /etc/passwd and /etc/shadow (a login without root) and, where ROOT/sudoers.d exists, its own /etc/sudoers.d (sudo -n). It starts the host's dockerd with the stand-in, then becomes the
# host's sshd, so that every ssh session on it sees this namespace's files.
set -eu
root=$1
for folder in /etc/docker /etc/systemd /usr/lib/systemd/system /etc/default /run; do
    mkdir -p "$folder"
    mount -t tmpfs -o mode=0755 tmpfs "$folder"
done
mount -t tmpfs -o mode=0700 tmpfs /root
cp /usr/share/base-files/dot.bashrc /root/.bashrc
cp /usr/share/base-files/dot.profile /root/.profile
mkdir -p /run/sshd
chmod 0755 /run/sshd
mount --bind "$root/sbin" /usr/local/sbin
if [ -f "$root/passwd" ]; then mount --bind "$root/passwd" /etc/passwd; mount --bind "$root/shadow" /etc/shadow; fi
if [ -d "$root/sudoers.d" ]; then mount --bind "$root/sudoers.d" /etc/sudoers.d; fi
cp "$root/daemon.json" /etc/docker/daemon.json
if [ -f "$root/docker.service" ]; then cp "$root/docker.service" /usr/lib/systemd/system/docker.service; fi
if [ ! -f "$root/no-dockerd" ]; then /usr/local/sbin/systemctl start docker; fi
exec /usr/sbin/sshd -D -f "$root/sshd_config" -E "$root/sshd.log"
