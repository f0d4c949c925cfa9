#!/usr/bin/env bash
# The benchmarks behind the README's figures: whole commands, DockerTls side by side with its peer in the
# same run (hyperfine, median of N runs each, PowerShell's start included), reported as ratios.
# Usage: bench/run.sh [runs]   (from anywhere; builds nothing: run ./build.ps1 first)
# Needs: hyperfine, openssl (apt). Writes bench/results/*.json and prints a table.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-7}
repo=$PWD
work=$(mktemp -d /tmp/dockertls-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
results=bench/results
mkdir -p "$results"
test -f output/DockerTls/DockerTls.psd1 || { echo "build first: dotnet pwsh -NoProfile -File ./build.ps1" >&2; exit 2; }
pwsh=(dotnet pwsh -NoProfile -NonInteractive -Command)

# One ECDSA P-256 CA for the fleet, used by both sides; hosts.csv files of 100 and 500 hosts.
"${pwsh[@]}" "Import-Module ./output/DockerTls; New-DockerCA -OutputPath '$work/ca' -KeyAlgorithm ECDSA | Out-Null"
for n in 100 500; do
    { echo 'DnsName,IPAddress'; for ((i = 0; i < n; i++)); do echo "host$i.example.com,10.1.$((i / 250)).$((i % 250 + 1))"; done; } >"$work/hosts$n.csv"
done

bench() { # name, then hyperfine arguments
    local name=$1; shift
    hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$results/$name.json" "$@" >"$results/$name.txt"
}

# 1. The RSA 4096 kit: the seed's openssl recipe against Initialize-DockerTls (both with a CA passphrase).
bench kit --prepare "rm -rf '$work/kit'" \
    -n openssl "bench/openssl-kit.sh '$work/kit' benchpass" \
    -n dockertls "dotnet pwsh -NoProfile -NonInteractive -Command \"Import-Module ./output/DockerTls; Initialize-DockerTls -OutputPath '$work/kit' -DnsName localhost,docker1.example.com -IPAddress 192.168.57.110,127.0.0.1 -Passphrase (ConvertTo-SecureString benchpass -AsPlainText -Force) 6>\\\$null | Out-Null\""

# 2. Server certificates (ECDSA P-256) for many hosts from one CA: an openssl loop against the pipeline.
for n in 100 500; do
    bench "fleet$n" --prepare "rm -rf '$work/fleet'" \
        -n openssl "bench/openssl-hosts.sh '$work/hosts$n.csv' '$work/ca' '$work/fleet'" \
        -n dockertls "dotnet pwsh -NoProfile -NonInteractive -Command \"Import-Module ./output/DockerTls; Import-Csv '$work/hosts$n.csv' | New-DockerServerCert -CAPath '$work/ca' -OutputPath '$work/fleet' -KeyAlgorithm ECDSA | Out-Null\""
done

# 3. What importing the module adds to a bare start.
bench import \
    -n bare "dotnet pwsh -NoProfile -NonInteractive -Command exit" \
    -n import "dotnet pwsh -NoProfile -NonInteractive -Command \"Import-Module ./output/DockerTls\""

python3 - "$results" <<'PY'
import json, sys, os
d = sys.argv[1]
def med(name):
    r = json.load(open(os.path.join(d, name + ".json")))["results"]
    return {x["command"]: x["median"] for x in r}
rows = []
for name, label, goal in [("kit", "RSA 4096 kit (CA with passphrase, server, client)", "<= 0.7"),
                          ("fleet100", "100 server certificates (ECDSA P-256) from one CA", "<= 0.25"),
                          ("fleet500", "500 server certificates (ECDSA P-256) from one CA", "<= 0.1")]:
    m = med(name)
    rows.append(f"| {label} | {m['openssl']:.2f} s | {m['dockertls']:.2f} s | {m['dockertls'] / m['openssl']:.2f}x | {goal} |")
m = med("import")
print("| benchmark | openssl | DockerTls | ratio | goal |\n|---|---|---|---|---|")
print("\n".join(rows))
print(f"\nImport-Module adds {1000 * (m['import'] - m['bare']):.0f} ms to a bare start ({m['bare']:.2f} s -> {m['import']:.2f} s; goal < 150 ms)")
PY
