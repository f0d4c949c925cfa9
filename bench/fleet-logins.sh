#!/usr/bin/env bash
# The floor of bench/fleet.sh: one ssh login per host, all hosts at once, running `true` and moving no file. No tool
# that logs in to every host once can configure the fleet in less time than this on the same machine.
# Usage: bench/fleet-logins.sh FLEET.CSV KEY KNOWN_HOSTS   (first two columns HostName,Port)
set -euo pipefail
csv=$1 key=$2 known=$3
. "$(dirname "${BASH_SOURCE[0]}")/fleet-ssh.sh"
tail -n +2 "$csv" | {
    pids=()
    while IFS=, read -r host port _; do
        ssh -T "${opts[@]}" -p "$port" "root@$host" true </dev/null &
        pids+=("$!")
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
}
