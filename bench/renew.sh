#!/usr/bin/env bash
# Renewal of a fleet: 500 ECDSA P-256 server certificates of one CA renewed through the pipeline
# (Get-DockerCertificate -IssuedBy | Update-DockerCertificate -Force: new key, new serial, backups, inventory) against
# the openssl loop of bench/openssl-hosts.sh re-issuing the same 500 into the same folders. Each run starts from the
# same fleet (restored by --prepare). Interleaved by bench/interleave.py, as bench/run.sh does.
# Usage: bench/renew.sh [runs] [hosts]   (run ./build.ps1 first). Writes bench/results/renew<hosts>.json and .txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-3} n=${2:-500}
work=$(mktemp -d /tmp/dockertls-renew.XXXXXX)
trap 'rm -rf "$work"' EXIT
results=bench/results
mkdir -p "$results"
test -f output/DockerTls/DockerTls.psd1 || { echo "build first: dotnet pwsh -NoProfile -File ./build.ps1" >&2; exit 2; }
pwsh=(dotnet pwsh -NoProfile -NonInteractive -Command)
exe=$("${pwsh[@]}" '[IO.Path]::Combine($PSHOME, "pwsh")')
{ echo 'DnsName,IPAddress'; for ((i = 0; i < n; i++)); do echo "host$i.example.com,10.1.$((i / 250)).$((i % 250 + 1))"; done; } >"$work/hosts.csv"
"${pwsh[@]}" "Import-Module ./output/DockerTls; New-DockerCA -OutputPath '$work/ca' -KeyAlgorithm ECDSA | Out-Null; Import-Csv '$work/hosts.csv' | New-DockerServerCert -CAPath '$work/ca' -OutputPath '$work/fleet' -KeyAlgorithm ECDSA | Out-Null"
cp -a "$work/fleet" "$work/pristine-fleet"
cp -a "$work/ca/ca-inventory.jsonl" "$work/pristine-inventory.jsonl"
renew="Import-Module ./output/DockerTls; Get-DockerCertificate -IssuedBy '$work/ca' | Where-Object Kind -EQ Server | Update-DockerCertificate -CAPath '$work/ca' -Force | Out-Null"
python3 bench/interleave.py --runs "$runs" --export-json "$results/renew$n.json" \
    --prepare "rm -rf '$work/fleet' && cp -a '$work/pristine-fleet' '$work/fleet' && cp '$work/pristine-inventory.jsonl' '$work/ca/ca-inventory.jsonl'" \
    "openssl=bench/openssl-hosts.sh '$work/hosts.csv' '$work/ca' '$work/fleet'" \
    "dockertls=$exe -NoProfile -NonInteractive -Command \"$renew\"" | tee "$results/renew$n.txt"
# The renewal really happened: every certificate in the inventory's place is a new one.
"${pwsh[@]}" "Import-Module ./output/DockerTls; \$c = @(Get-DockerCertificate -IssuedBy '$work/ca' | Where-Object Kind -EQ Server); if (\$c.Count -ne $n) { throw \"\$(\$c.Count) of $n listed\" }" >&2
