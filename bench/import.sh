#!/usr/bin/env bash
# What `Import-Module DockerTls` adds to a bare start of the tool pwsh, beside an empty manifest module: the import
# row of bench/run.sh alone (no ReadyToRun build), for a quick figure after a change to how the module loads.
# Usage: bench/import.sh [runs] [other]   (after ./build.ps1; needs python3). With other, the folder of another build
# of the module (e.g. a copy of main's output/DockerTls), it is timed in the same rounds: a before and after.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-30}
other=${2:-}
work=$(mktemp -d /tmp/dockertls-import.XXXXXX)
trap 'rm -rf "$work"' EXIT
test -f output/DockerTls/DockerTls.psd1 || { echo "build first: dotnet pwsh -NoProfile -File ./build.ps1" >&2; exit 2; }
exe=$(dotnet pwsh -NoProfile -NonInteractive -Command '[IO.Path]::Combine($PSHOME, "pwsh")')
mkdir -p "$work/Empty"
echo "@{ ModuleVersion = '1.0'; GUID = '0b5e3f5c-8a61-4a5e-9d0e-2c1f6b7a9e11' }" >"$work/Empty/Empty.psd1"
rows=("bare=$exe -NoProfile -NonInteractive -Command exit"
    "import=$exe -NoProfile -NonInteractive -Command Import-Module ./output/DockerTls"
    "empty=$exe -NoProfile -NonInteractive -Command Import-Module '$work/Empty'")
if [ -n "$other" ]; then
    test -f "$other/DockerTls.psd1" || { echo "no DockerTls.psd1 in $other" >&2; exit 2; }
    mkdir -p "$work/Other"
    cp -r "$other" "$work/Other/DockerTls"
    rows+=("other=$exe -NoProfile -NonInteractive -Command Import-Module '$work/Other/DockerTls'")
fi
python3 bench/interleave.py --runs "$runs" --export-json "$work/import.json" "${rows[@]}" >&2
python3 - "$work/import.json" "$other" <<'PY'
import json, sys, statistics
r = {c["command"]: c["times"] for c in json.load(open(sys.argv[1]))["results"]}
def added(name): return 1000 * statistics.median(i - b for i, b in zip(r[name], r["bare"]))
print(f"Import-Module DockerTls adds {added('import'):.0f} ms to a bare start of the tool pwsh "
      f"(median {statistics.median(r['bare']):.2f} s bare); an empty manifest module adds {added('empty'):.0f} ms"
      + (f", the other build ({sys.argv[2]}) {added('other'):.0f} ms" if "other" in r else ""))
PY
