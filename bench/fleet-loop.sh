#!/usr/bin/env bash
# The peer of bench/fleet.sh: what an administrator's bash loop does to configure a fleet over SSH, one host after
# another, two connections each: scp of ca.pem, server-cert.pem and server-key.pem into /etc/docker, then ssh that
# sets their modes, keeps a backup of daemon.json and writes the new one (made beforehand, with the TLS keys merged:
# the loop is given what DockerTls works out itself).
# With CLIENT_CERTS (the peer of `bench/fleet.sh RUNS HOSTS restart`), the same ssh login writes daemon.json.new,
# runs `dockerd --validate` on it where the engine has it (as DockerTls checks), moves it into place and runs
# `systemctl restart docker` (on the test hosts the stand-in of tests/Support/fleet-systemctl.sh, which returns once
# dockerd listens, as systemd does with Type=notify); then from this machine the docker CLI over mutual TLS until it
# answers (at most 10 s). That does less than DockerTls: nothing is put back when dockerd does not come back, and a
# host that fails stops the loop.
# Usage: bench/fleet-loop.sh FLEET.CSV KEY KNOWN_HOSTS [CLIENT_CERTS]   (columns HostName,Port,CertPath,DaemonJson,DockerHost)
set -euo pipefail
csv=$1 key=$2 known=$3 client=${4:-}
. "$(dirname "${BASH_SOURCE[0]}")/fleet-ssh.sh"
remote='cd /etc/docker && chmod 0444 ca.pem server-cert.pem && chmod 0400 server-key.pem && cp -p daemon.json daemon.json.bak && '
if [ -n "$client" ]; then
    remote+='cat >daemon.json.new && { ! dockerd --help 2>/dev/null | grep -q -- --validate || dockerd --validate --config-file daemon.json.new >/dev/null; } && mv daemon.json.new daemon.json && systemctl restart docker'
else
    remote+='cat >daemon.json'
fi
tail -n +2 "$csv" | while IFS=, read -r host port certs daemon_json docker_host; do
    scp -q "${opts[@]}" -P "$port" "$certs/ca.pem" "$certs/server-cert.pem" "$certs/server-key.pem" "root@$host:/etc/docker/"
    ssh -T "${opts[@]}" -p "$port" "root@$host" "$remote" <"$daemon_json"
    [ -n "$client" ] || continue
    tries=0
    until docker --tlsverify --tlscacert "$client/ca.pem" --tlscert "$client/cert.pem" --tlskey "$client/key.pem" -H "$docker_host" version --format '{{.Server.Version}}' >/dev/null 2>&1 </dev/null; do
        tries=$((tries + 1))
        [ "$tries" -lt 100 ] || { echo "$host: docker does not answer over TLS" >&2; exit 1; }
        sleep 0.1
    done
done
