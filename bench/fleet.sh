#!/usr/bin/env bash
# A fleet over SSH: N hosts (default 20; real sshd each, tests/Support/TestFleet.psm1) configured without restart by
# `Import-Csv fleet.csv | Set-DockerDaemonConfig -HostName ...` (a fresh pwsh, module import included) against the
# bash loop of scp and ssh in bench/fleet-loop.sh doing the same, taking turns (bench/interleave.py); every round
# starts from the same /etc/docker on every host. Linux as root (unshare, nsenter).
# Usage: bench/fleet.sh [runs] [hosts]   (run ./build.ps1 first). Writes bench/results/fleet<hosts>.json and .txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-5} n=${2:-20}
work=$(mktemp -d /tmp/dt-fleet-bench.XXXXXX)
pwsh=(dotnet pwsh -NoProfile -NonInteractive -File bench/fleet.ps1 -Work "$work")
trap '"${pwsh[@]}" -Stop || true; rm -rf "$work"' EXIT
results=bench/results
mkdir -p "$results"
test -f output/DockerTls/DockerTls.psd1 || { echo "build first: dotnet pwsh -NoProfile -File ./build.ps1" >&2; exit 2; }
"${pwsh[@]}" -Hosts "$n"
exe=$(dotnet pwsh -NoProfile -NonInteractive -Command '[IO.Path]::Combine($PSHOME, "pwsh")')
set_fleet="Import-Module ./output/DockerTls; Import-Csv '$work/fleet.csv' | Set-DockerDaemonConfig -UserName root -KeyFilePath '$work/admin/id_ed25519' -Options @{ UserKnownHostsFile = '$work/admin/known_hosts'; GlobalKnownHostsFile = '/dev/null'; IdentitiesOnly = 'yes' } -ThrottleLimit $n -ErrorAction Stop | Out-Null"
python3 bench/interleave.py --runs "$runs" --export-json "$results/fleet$n.json" \
    --prepare "${pwsh[*]} -Reset" \
    "loop=bash bench/fleet-loop.sh '$work/loop.csv' '$work/admin/id_ed25519' '$work/admin/known_hosts'" \
    "dockertls=$exe -NoProfile -NonInteractive -Command \"$set_fleet\"" | tee "$results/fleet$n.txt"
