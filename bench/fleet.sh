#!/usr/bin/env bash
# A fleet over SSH: N hosts (default 20; real sshd each, tests/Support/TestFleet.psm1) configured by
# `Import-Csv fleet.csv | Set-DockerDaemonConfig -HostName ...` (a fresh pwsh, module import included) against a bash
# loop of scp and ssh doing the same, taking turns (bench/interleave.py); every round starts from the same /etc/docker
# on every host. Linux as root (unshare, nsenter).
# Without restart: the peer is bench/fleet-loop.sh, and bench/fleet-logins.sh (one bare login per host, all at once)
# runs beside them as the floor of any tool that logs in to each host once.
# With `restart`: every host runs a real dockerd; DockerTls adds -Restart -ClientCertPath (validate, restart, wait
# for the TLS port, Test-DockerTlsConnection, roll back on failure) and the peer is bench/fleet-loop.sh given the client files;
# each round's --prepare restarts every dockerd on its old files.
# DockerTls runs under two builds of the same PowerShell 7.6.9 in the same rounds, as bench/run.sh does: the local tool
# (IL only: every start compiles PowerShell's own code) and a ReadyToRun copy (bench/r2r-pwsh.sh), as Microsoft's
# packages install it; the module is the same IL under both. R2R=0 leaves the second out (it takes a minute to make).
# A third DockerTls row, dockertls-prompt, runs the same script in a tool pwsh already started and idle
# (bench/pwsh-prompt.sh): the pipeline as typed at an administrator's prompt, the module's import and first use
# included, PowerShell's own start not (a prompt paid it when it opened; a `pwsh -File` script pays it every time).
# Usage: bench/fleet.sh [runs] [hosts] [restart]   (run ./build.ps1 first). Writes bench/results/fleet<hosts>[-restart].json and .txt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-5} n=${2:-20} mode=${3:-}
case $mode in '' | restart) ;; *) echo "usage: bench/fleet.sh [runs] [hosts] [restart]" >&2; exit 2 ;; esac
work=$(mktemp -d /tmp/dt-fleet-bench.XXXXXX)
pwsh=(dotnet pwsh -NoProfile -NonInteractive -File bench/fleet.ps1 -Work "$work")
trap 'bash bench/pwsh-prompt.sh stop "$work/prompt" || true; "${pwsh[@]}" -Stop || true; rm -rf "$work"' EXIT
results=bench/results
mkdir -p "$results"
test -f output/DockerTls/DockerTls.psd1 || { echo "build first: dotnet pwsh -NoProfile -File ./build.ps1" >&2; exit 2; }
exe=$(dotnet pwsh -NoProfile -NonInteractive -Command '[IO.Path]::Combine($PSHOME, "pwsh")')
r2r=()
if [ "${R2R:-1}" != 0 ]; then
    r2r_exe=$(bash bench/r2r-pwsh.sh "$work/pwsh-r2r")
    r2r=("dockertls-r2r=$r2r_exe -NoProfile -NonInteractive -File '$work/set-fleet.ps1'")
fi
ssh_set="-UserName root -KeyFilePath '$work/admin/id_ed25519' -Options @{ UserKnownHostsFile = '$work/admin/known_hosts'; GlobalKnownHostsFile = '/dev/null'; IdentitiesOnly = 'yes' } -ThrottleLimit $n"
ssh_args="'$work/loop.csv' '$work/admin/id_ed25519' '$work/admin/known_hosts'"
prompt=("dockertls-prompt=bash bench/pwsh-prompt.sh run '$work/prompt' '$work/set-fleet.ps1'")
prompt_start=(--prepare-for "dockertls-prompt=bash bench/pwsh-prompt.sh start '$work/prompt' '$exe'")
if [ "$mode" = restart ]; then
    "${pwsh[@]}" -Hosts "$n" -WithDockerd
    # The hosts' result objects are checked: every host must come back Verified, or the round fails.
    cat >"$work/set-fleet.ps1" <<PS1
Import-Module ./output/DockerTls
\$r = @(Import-Csv '$work/fleet.csv' | Set-DockerDaemonConfig $ssh_set -Restart -ClientCertPath '$work/ops' -WarningAction SilentlyContinue -ErrorAction Stop)
if (@(\$r | Where-Object Verdict -NE 'Verified').Count -or \$r.Count -ne $n) { \$r | Format-List | Out-String | Write-Error; exit 1 }
PS1
    python3 bench/interleave.py --runs "$runs" --export-json "$results/fleet$n-restart.json" \
        --prepare "${pwsh[*]} -Reset" "${prompt_start[@]}" \
        "loop=bash bench/fleet-loop.sh $ssh_args '$work/ops'" \
        "dockertls=$exe -NoProfile -NonInteractive -File '$work/set-fleet.ps1'" "${r2r[@]}" "${prompt[@]}" | tee "$results/fleet$n-restart.txt"
else
    "${pwsh[@]}" -Hosts "$n"
    cat >"$work/set-fleet.ps1" <<PS1
Import-Module ./output/DockerTls
Import-Csv '$work/fleet.csv' | Set-DockerDaemonConfig $ssh_set -ErrorAction Stop | Out-Null
PS1
    python3 bench/interleave.py --runs "$runs" --export-json "$results/fleet$n.json" \
        --prepare "${pwsh[*]} -Reset" "${prompt_start[@]}" \
        "loop=bash bench/fleet-loop.sh $ssh_args" \
        "logins=bash bench/fleet-logins.sh $ssh_args" \
        "dockertls=$exe -NoProfile -NonInteractive -File '$work/set-fleet.ps1'" "${r2r[@]}" "${prompt[@]}" | tee "$results/fleet$n.txt"
fi
