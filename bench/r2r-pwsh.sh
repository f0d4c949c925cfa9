#!/usr/bin/env bash
# PowerShell as Microsoft ships it, for the benchmarks: the local tool's PowerShell 7.6.9 (the NuGet package
# `PowerShell`) holds IL-only assemblies, so every start compiles PowerShell's own code just in time. Microsoft's
# packages (deb, rpm, tar.gz, MSI, brew) are built with PublishReadyToRun, which compiles them ahead of time with
# crossgen2. This script makes the same: a copy of the tool's PowerShell whose assemblies are compiled by crossgen2
# for this machine's .NET runtime. Nothing of DockerTls is compiled: the module stays the one IL assembly it ships as.
# Usage: bench/r2r-pwsh.sh <folder>   (prints the path of the pwsh executable in it)
# Needs: the .NET SDK (crossgen2 comes from NuGet, Microsoft.NETCore.App.Crossgen2.linux-x64, in the runtime's version).
set -euo pipefail
dest=$1
cd "$(dirname "${BASH_SOURCE[0]}")/.."
case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) echo "unsupported machine $(uname -m)" >&2; exit 2 ;; esac
runtime=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2; d = $3 } END { print v }')
framework=$(dotnet --list-runtimes | awk -v v="$runtime" '$1 == "Microsoft.NETCore.App" && $2 == v { gsub(/[][]/, "", $3); print $3 "/" v }')
test -d "$framework" || { echo "no .NET runtime folder found ($framework)" >&2; exit 2; }

# crossgen2 in the runtime's own version, fetched as the SDK fetches it for PublishReadyToRun.
package=microsoft.netcore.app.crossgen2.linux-$arch
crossgen="${NUGET_PACKAGES:-$HOME/.nuget/packages}/$package/$runtime/tools/crossgen2"
if [[ ! -x $crossgen ]]; then
    fetch=$(mktemp -d)
    trap 'rm -rf "$fetch"' EXIT
    cat >"$fetch/fetch.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Microsoft.NETCore.App.Crossgen2.linux-$arch" Version="[$runtime]" /></ItemGroup>
</Project>
EOF
    dotnet restore "$fetch/fetch.csproj" >&2
fi
test -x "$crossgen" || { echo "crossgen2 not found at $crossgen" >&2; exit 2; }

# The tool's PowerShell: $PSHOME of the local tool.
dotnet tool restore >/dev/null
source=$(dotnet pwsh -NoProfile -NonInteractive -Command '$PSHOME')
rm -rf "$dest"
mkdir -p "$dest"
cp -a "$source/." "$dest/"
compiled=0
for dll in "$source"/*.dll; do
    name=$(basename "$dll")
    # Façade and resource-only assemblies have nothing to compile; crossgen2 refuses them and the IL copy stays.
    if "$crossgen" "$dll" -o "$dest/$name" -r "$framework/*.dll" -r "$source/*.dll" \
        --targetos:linux --targetarch:"$arch" -O >/dev/null 2>&1; then
        compiled=$((compiled + 1))
    else
        cp -a "$dll" "$dest/$name"
    fi
done
echo "compiled $compiled assemblies of $source ahead of time" >&2
echo "$dest/pwsh"
