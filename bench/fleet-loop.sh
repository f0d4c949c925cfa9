#!/usr/bin/env bash
# The peer of bench/fleet.sh: what an administrator's bash loop does to configure a fleet over SSH, one host after
# another, two connections each: scp of ca.pem, server-cert.pem and server-key.pem into /etc/docker, then ssh that
# sets their modes, keeps a backup of daemon.json and writes the new one (made beforehand, with the TLS keys merged:
# the loop is given what DockerTls works out itself).
# Usage: bench/fleet-loop.sh FLEET.CSV KEY KNOWN_HOSTS   (columns HostName,Port,CertPath,DaemonJson,DockerHost)
set -euo pipefail
csv=$1 key=$2 known=$3
opts=(-o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$known" -o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes -i "$key")
tail -n +2 "$csv" | while IFS=, read -r host port certs daemon_json _; do
    scp -q "${opts[@]}" -P "$port" "$certs/ca.pem" "$certs/server-cert.pem" "$certs/server-key.pem" "root@$host:/etc/docker/"
    ssh -T "${opts[@]}" -p "$port" "root@$host" \
        'cd /etc/docker && chmod 0444 ca.pem server-cert.pem && chmod 0400 server-key.pem && cp -p daemon.json daemon.json.bak && cat >daemon.json' <"$daemon_json"
done
