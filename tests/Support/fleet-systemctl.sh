#!/bin/sh
# THE STAND-IN of tests/Fleet.Tests.ps1 (the one part that is not real): systemd cannot run in these test hosts, so
# on each host `systemctl` is this script, copied there with the host's ROOT. It answers what DockerTls asks of
# systemd: daemon-reload (nothing to do), start, stop and restart of docker (this host's dockerd, run as
# `dockerd --config-file /etc/docker/daemon.json`), and is-active. Like systemctl with docker.service
# (Type=notify), start and restart return only when dockerd is ready ("API listen on" in its log), and fail
# when it exits first. `journalctl -u docker -n N` prints the last N lines of the daemon's log.
root=ROOT
pidfile=$root/dockerd.pid
log=$root/dockerd.log
alive() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
stop() {
    if alive; then
        pid=$(cat "$pidfile")
        kill "$pid"
        i=0
        while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}
start() {
    before=$(wc -l <"$log" 2>/dev/null || echo 0)
    setsid /usr/sbin/dockerd --config-file /etc/docker/daemon.json </dev/null >>"$log" 2>&1 &
    echo $! >"$pidfile"
    i=0
    while [ "$i" -lt 300 ]; do
        if ! alive; then
            echo "Job for docker.service failed because the control process exited with error code." >&2
            rm -f "$pidfile"
            exit 1
        fi
        if tail -n +"$((before + 1))" "$log" | grep -q 'API listen on'; then exit 0; fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "Job for docker.service failed: timeout." >&2
    exit 1
}
case "$(basename "$0")" in
journalctl)
    n=20
    while [ $# -gt 0 ]; do case $1 in -n) n=$2; shift ;; esac; shift; done
    tail -n "$n" "$log"
    exit 0 ;;
esac
case "${1-}" in
daemon-reload) exit 0 ;;
start) alive || start ;;
stop) stop ;;
restart) stop; start ;;
is-active) if alive; then echo active; else echo failed; exit 3; fi ;;
*) echo "systemctl stand-in of the fleet tests: '${1-}' is not handled" >&2; exit 1 ;;
esac
