#!/usr/bin/env bash
# The benchmarks behind the README's figures: whole commands, DockerTls side by side with its peer in the
# same run (bench/interleave.py: the commands take turns, round after round; median of N runs each, PowerShell's
# start included), reported as ratios of the medians with a 95% bootstrap interval.
# Usage: bench/run.sh [runs]   (from anywhere; builds nothing: run ./build.ps1 first)
# Needs: python3, openssl (apt), the .NET SDK. Writes bench/results/*.json and *.txt and prints a table.
# PowerShell is started as users start it, by its own executable, in two builds of the same 7.6.9:
# - "tool": the executable inside the local tool's package ($PSHOME/pwsh). The NuGet tool package holds IL-only
#   assemblies, so each start compiles PowerShell's own code just in time.
# - "ReadyToRun": the same assemblies compiled ahead of time by bench/r2r-pwsh.sh, as Microsoft builds the
#   PowerShell that its packages (deb, rpm, tar.gz, MSI, brew) install.
# DockerTls itself is the same IL module under both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-21}
repo=$PWD
work=$(mktemp -d /tmp/dockertls-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
results=bench/results
mkdir -p "$results"
test -f output/DockerTls/DockerTls.psd1 || { echo "build first: dotnet pwsh -NoProfile -File ./build.ps1" >&2; exit 2; }
pwsh=(dotnet pwsh -NoProfile -NonInteractive -Command)
exe=$("${pwsh[@]}" '[IO.Path]::Combine($PSHOME, "pwsh")')
test -x "$exe" || { echo "no pwsh executable in the local tool's \$PSHOME ($exe)" >&2; exit 2; }
echo "pwsh, tool: $exe" >&2
r2r=$(bench/r2r-pwsh.sh "$work/pwsh-r2r")
echo "pwsh, ReadyToRun: $r2r" >&2

# One ECDSA P-256 CA for the fleet, used by both sides; hosts.csv files of 100 and 500 hosts.
"${pwsh[@]}" "Import-Module ./output/DockerTls; New-DockerCA -OutputPath '$work/ca' -KeyAlgorithm ECDSA | Out-Null"
for n in 100 500; do
    { echo 'DnsName,IPAddress'; for ((i = 0; i < n; i++)); do echo "host$i.example.com,10.1.$((i / 250)).$((i % 250 + 1))"; done; } >"$work/hosts$n.csv"
done

bench() { # name, runs, then bench/interleave.py arguments
    local name=$1 n=$2; shift 2
    python3 bench/interleave.py --runs "$n" --export-json "$results/$name.json" "$@" | tee "$results/$name.txt" >&2
}

# 1. The RSA 4096 kit: the seed's openssl recipe against Initialize-DockerTls (both with a CA passphrase).
kit="Import-Module ./output/DockerTls; Initialize-DockerTls -OutputPath '$work/kit' -DnsName localhost,docker1.example.com -IPAddress 192.168.57.110,127.0.0.1 -Passphrase (ConvertTo-SecureString benchpass -AsPlainText -Force) 6>\\\$null | Out-Null"
# A kit's time swings with its prime searches (2 to 10 s for openssl's here), so it gets twice the runs.
bench kit "$((2 * runs - 1))" --prepare "rm -rf '$work/kit'" \
    "openssl=bench/openssl-kit.sh '$work/kit' benchpass" \
    "dockertls=$exe -NoProfile -NonInteractive -Command \"$kit\"" \
    "r2r=$r2r -NoProfile -NonInteractive -Command \"$kit\""

# 2. Server certificates (ECDSA P-256) for many hosts from one CA: an openssl loop against the pipeline.
for n in 100 500; do
    r=$runs; ((n < 500)) || r=5 # an openssl loop over 500 hosts takes half a minute a run
    fleet="Import-Module ./output/DockerTls; Import-Csv '$work/hosts$n.csv' | New-DockerServerCert -CAPath '$work/ca' -OutputPath '$work/fleet' -KeyAlgorithm ECDSA | Out-Null"
    bench "fleet$n" "$r" --prepare "rm -rf '$work/fleet'" \
        "openssl=bench/openssl-hosts.sh '$work/hosts$n.csv' '$work/ca' '$work/fleet'" \
        "dockertls=$exe -NoProfile -NonInteractive -Command \"$fleet\"" \
        "r2r=$r2r -NoProfile -NonInteractive -Command \"$fleet\""
done

# 2b. The same with RSA 4096 keys (the cmdlets' default) for 8 hosts: keys dominate, made one after another by the
# openssl loop and on every core by the pipeline.
{ echo 'DnsName,IPAddress'; for ((i = 0; i < 8; i++)); do echo "rsa$i.example.com,10.2.0.$((i + 1))"; done; } >"$work/hosts-rsa.csv"
fleet="Import-Module ./output/DockerTls; Import-Csv '$work/hosts-rsa.csv' | New-DockerServerCert -CAPath '$work/ca' -OutputPath '$work/fleet' | Out-Null"
bench fleet-rsa 9 --prepare "rm -rf '$work/fleet'" \
    "openssl=bench/openssl-hosts.sh '$work/hosts-rsa.csv' '$work/ca' '$work/fleet' rsa" \
    "dockertls=$exe -NoProfile -NonInteractive -Command \"$fleet\"" \
    "r2r=$r2r -NoProfile -NonInteractive -Command \"$fleet\""

# 3. What importing the module adds to a bare start, beside what PowerShell spends on importing any manifest module
# (one with no code at all: the floor under every module shipped with a .psd1).
mkdir -p "$work/Empty"
echo "@{ ModuleVersion = '1.0'; GUID = '0b5e3f5c-8a61-4a5e-9d0e-2c1f6b7a9e11' }" >"$work/Empty/Empty.psd1"
bench import 30 \
    "bare=$exe -NoProfile -NonInteractive -Command exit" \
    "import=$exe -NoProfile -NonInteractive -Command Import-Module ./output/DockerTls" \
    "empty=$exe -NoProfile -NonInteractive -Command Import-Module '$work/Empty'" \
    "r2r-bare=$r2r -NoProfile -NonInteractive -Command exit" \
    "r2r-import=$r2r -NoProfile -NonInteractive -Command Import-Module ./output/DockerTls" \
    "r2r-empty=$r2r -NoProfile -NonInteractive -Command Import-Module '$work/Empty'"

python3 - "$results" <<'PY'
import json, sys, os, statistics
folder = sys.argv[1]
def load(name):
    data = json.load(open(os.path.join(folder, name + ".json")))
    return {x["command"]: x for x in data["results"]}, data["ci95"]
def cell(r, ci, command):
    median, peer = r[command]["median"], r["openssl"]["median"]
    low, high = ci[command]
    return f"{median:.2f} s: {median / peer:.2f}x ({low:.2f} to {high:.2f})"
rows = []
for name, label, goal in [("kit", "RSA 4096 kit (CA with passphrase, server, client)", "<= 0.7x"),
                          ("fleet100", "100 server certificates (ECDSA P-256) from one CA", "<= 0.25x"),
                          ("fleet500", "500 server certificates (ECDSA P-256) from one CA", "<= 0.1x"),
                          ("fleet-rsa", "8 server certificates with RSA 4096 keys from one CA", "none set")]:
    r, ci = load(name)
    runs = len(r["openssl"]["times"])
    rows.append(f"| {label} | {runs} | {r['openssl']['median']:.2f} s | {cell(r, ci, 'dockertls')} | {cell(r, ci, 'r2r')} | {goal} |")
print("| benchmark | runs | openssl | DockerTls, tool pwsh: ratio (95% interval) | DockerTls, ReadyToRun pwsh | goal |\n|---|---|---|---|---|---|")
print("\n".join(rows))
r, _ = load("import")
def added(bare, imported):  # median of the differences within each round
    return 1000 * statistics.median(i - b for i, b in zip(r[imported]["times"], r[bare]["times"]))
print(f"\nImport-Module adds {added('bare', 'import'):.0f} ms to a bare start of the tool pwsh (medians {r['bare']['median']:.2f} s -> {r['import']['median']:.2f} s; goal < 150 ms),"
      f" {added('r2r-bare', 'r2r-import'):.0f} ms to the ReadyToRun pwsh ({r['r2r-bare']['median']:.2f} s -> {r['r2r-import']['median']:.2f} s);"
      f" an empty manifest module adds {added('bare', 'empty'):.0f} ms and {added('r2r-bare', 'r2r-empty'):.0f} ms; {len(r['bare']['times'])} runs")
PY
