#requires -Version 7.0
<#
.SYNOPSIS
Builds, documents and tests the DockerTls module.
.DESCRIPTION
Build (the default) assembles output/DockerTls: the manifest, the assemblies, the format file and the
en-US help, so that `Import-Module ./output/DockerTls` works. Help turns en-US/*.md into MAML.
Test builds, runs the xunit tests of Core and the Pester tests of the cmdlets, prints one line
"N passed, N failed" and exits non-zero on any failure. Clean removes output/ and the bin/obj folders.
Runnable from any folder.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Help', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tests to run (a file or folder); all of tests/ by default.
    [string] $PesterPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$output = Join-Path $root 'output'
$moduleOut = Join-Path $output 'DockerTls'

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

function Get-ModuleVersion {
    [xml] $props = Get-Content -Raw (Join-Path $root 'Directory.Build.props')
    return $props.Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
}

function Invoke-BuildTask {
    $publish = Join-Path $output 'publish'
    Invoke-Dotnet publish (Join-Path $root 'src/DockerTls/DockerTls.csproj') -c $Configuration -o $publish --nologo -v quiet
    if (Test-Path $moduleOut) { Remove-Item -Recurse -Force $moduleOut }
    New-Item -ItemType Directory -Force $moduleOut | Out-Null
    foreach ($name in 'DockerTls.dll', 'DockerTls.Core.dll', 'BouncyCastle.Cryptography.dll') {
        Copy-Item (Join-Path $publish $name) $moduleOut
    }
    Copy-Item (Join-Path $root 'src/DockerTls/DockerTls.Format.ps1xml') $moduleOut -ErrorAction SilentlyContinue
    $version = Get-ModuleVersion
    $manifest = Get-Content -Raw (Join-Path $root 'DockerTls.psd1')
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion = '$version'"
    [IO.File]::WriteAllText((Join-Path $moduleOut 'DockerTls.psd1'), $manifest, [Text.UTF8Encoding]::new($false))
    Invoke-HelpTask
    Write-Host "Built DockerTls $version into $moduleOut"
}

function Invoke-HelpTask {
    # The builder checks every page against the PlatyPS schema (exit 1 naming the file and line) and writes
    # DockerTls.dll-Help.xml and about_*.help.txt. `dotnet run` passes unknown options such as --nologo on to
    # the program, so none may stand before the `--`.
    $helpOut = Join-Path $moduleOut 'en-US'
    New-Item -ItemType Directory -Force $helpOut | Out-Null
    Invoke-Dotnet run --project (Join-Path $root 'src/DockerTls.HelpBuilder/DockerTls.HelpBuilder.csproj') -c $Configuration -v quiet -- (Join-Path $root 'en-US') $helpOut
    # Where PlatyPS 1.0 is installed its MAML replaces ours; it writes into a subfolder named for the module.
    $platyPS = Get-Module -ListAvailable Microsoft.PowerShell.PlatyPS | Select-Object -First 1
    if ($platyPS) {
        Import-Module $platyPS
        $staging = Join-Path $output 'platyps'
        Remove-Item -Recurse -Force $staging -ErrorAction SilentlyContinue
        $help = Get-ChildItem (Join-Path $root 'en-US') -Filter '*-*.md' | Import-MarkdownCommandHelp
        Export-MamlCommandHelp -CommandHelp $help -OutputFolder $staging -Force | Out-Null
        Get-ChildItem $staging -Recurse -Filter '*.xml' | Copy-Item -Destination $helpOut -Force
    }
}

function Invoke-CleanTask {
    Remove-Item -Recurse -Force $output -ErrorAction SilentlyContinue
    Get-ChildItem $root -Recurse -Directory -Include bin, obj | Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
}

function Get-PesterModulePath {
    $cache = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $path = Join-Path $cache 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester 5.7.1 is not in the NuGet cache ($path); restore tests/DockerTls.Core.Tests first." }
    return $path
}

function Invoke-TestTask {
    Invoke-BuildTask
    $results = Join-Path $output 'test-results'
    New-Item -ItemType Directory -Force $results | Out-Null

    # xunit: the trx file gives the counts.
    $trx = Join-Path $results 'core.trx'
    Remove-Item $trx -ErrorAction SilentlyContinue
    & dotnet test (Join-Path $root 'tests/DockerTls.Core.Tests/DockerTls.Core.Tests.csproj') -c $Configuration --nologo --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal'
    $xunitPassed = 0; $xunitFailed = 0
    if (Test-Path $trx) {
        [xml] $doc = Get-Content -Raw $trx
        $counters = $doc.TestRun.ResultSummary.Counters
        $xunitPassed = [int] $counters.passed
        $xunitFailed = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout
    } else {
        $xunitFailed = 1
        Write-Warning 'xunit produced no results file: counted as one failure.'
    }

    # Pester runs in a child pwsh so that the module under test loads fresh.
    $pester = Get-PesterModulePath
    $target = if ($PesterPath) { $PesterPath } else { Join-Path $root 'tests' }
    $summary = Join-Path $results 'pester.json'
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
`$config = New-PesterConfiguration
`$config.Run.Path = '$target'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
`$config.TestResult.Enabled = `$true
`$config.TestResult.OutputPath = '$(Join-Path $results 'pester.xml')'
`$r = Invoke-Pester -Configuration `$config
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount } | ConvertTo-Json | Set-Content '$summary'
"@
    Remove-Item $summary -ErrorAction SilentlyContinue
    & (Get-Process -Id $PID).Path -NoProfile -NonInteractive -Command $script
    $pesterPassed = 0; $pesterFailed = 1; $pesterSkipped = 0
    if (Test-Path $summary) {
        $s = Get-Content -Raw $summary | ConvertFrom-Json
        $pesterPassed = $s.Passed; $pesterFailed = $s.Failed; $pesterSkipped = $s.Skipped
    } else {
        Write-Warning 'Pester produced no summary: counted as one failure.'
    }

    $passed = $xunitPassed + $pesterPassed
    $failed = $xunitFailed + $pesterFailed
    Write-Host "xunit: $xunitPassed passed, $xunitFailed failed; Pester: $pesterPassed passed, $pesterFailed failed, $pesterSkipped skipped"
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

switch ($Task) {
    'Build' { Invoke-BuildTask }
    'Help' { Invoke-HelpTask }
    'Clean' { Invoke-CleanTask }
    'Test' { Invoke-TestTask }
}
