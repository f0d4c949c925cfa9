#!/usr/bin/env bash
# What `Import-Module DockerTls` adds to a bare start of the tool pwsh, beside an empty manifest module: the import
# row of bench/run.sh alone (no ReadyToRun build), for a quick figure after a change to how the module loads.
# Usage: bench/import.sh [runs]   (after ./build.ps1; needs python3). Also times the module with the cmdlet DLL as its
# root module (the shape before the isolation of issue 14), which shows what the psm1 and the load context cost.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-30}
work=$(mktemp -d /tmp/dockertls-import.XXXXXX)
trap 'rm -rf "$work"' EXIT
test -f output/DockerTls/DockerTls.psd1 || { echo "build first: dotnet pwsh -NoProfile -File ./build.ps1" >&2; exit 2; }
exe=$(dotnet pwsh -NoProfile -NonInteractive -Command '[IO.Path]::Combine($PSHOME, "pwsh")')
mkdir -p "$work/Empty"
echo "@{ ModuleVersion = '1.0'; GUID = '0b5e3f5c-8a61-4a5e-9d0e-2c1f6b7a9e11' }" >"$work/Empty/Empty.psd1"
# The same module with the cmdlet assembly as its root module, as before the isolation (no psm1, no load context):
# what the isolation's path costs is the difference.
mkdir -p "$work/DllRoot"
cp -r output/DockerTls "$work/DllRoot/"
sed -i "s|RootModule *= *'DockerTls.psm1'|RootModule = 'bin/DockerTls.dll'|" "$work/DllRoot/DockerTls/DockerTls.psd1"
python3 bench/interleave.py --runs "$runs" --export-json "$work/import.json" \
    "bare=$exe -NoProfile -NonInteractive -Command exit" \
    "import=$exe -NoProfile -NonInteractive -Command Import-Module ./output/DockerTls" \
    "empty=$exe -NoProfile -NonInteractive -Command Import-Module '$work/Empty'" \
    "dllroot=$exe -NoProfile -NonInteractive -Command Import-Module '$work/DllRoot/DockerTls'" >&2
python3 - "$work/import.json" <<'PY'
import json, sys, statistics
r = {c["command"]: c["times"] for c in json.load(open(sys.argv[1]))["results"]}
def added(name): return 1000 * statistics.median(i - b for i, b in zip(r[name], r["bare"]))
print(f"Import-Module DockerTls adds {added('import'):.0f} ms to a bare start of the tool pwsh "
      f"(median {statistics.median(r['bare']):.2f} s bare); an empty manifest module adds {added('empty'):.0f} ms, "
      f"the same module with bin/DockerTls.dll as its root module (not isolated) {added('dllroot'):.0f} ms")
PY
