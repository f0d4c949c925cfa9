#requires -Version 7.0
<#
.SYNOPSIS
Builds, documents and tests the DockerTls module.
.DESCRIPTION
Build (the default) assembles output/DockerTls: the manifest, the assemblies, the format file, the LICENSE and
the en-US help, so that `Import-Module ./output/DockerTls` works. Help turns en-US/*.md into MAML.
Package builds, then publishes output/DockerTls with PSResourceGet to the local folder repository
output/repository, which leaves output/repository/DockerTls.<version>.nupkg.
Install builds, then copies output/DockerTls to <modules>/DockerTls/<version>, where `Import-Module DockerTls`
finds it: with -Scope CurrentUser (the default) the user's own module folder (~/.local/share/powershell/Modules
on Linux and macOS, Documents/PowerShell/Modules on Windows), with -Scope AllUsers the one for every user
(/usr/local/share/powershell/Modules, or $env:ProgramFiles/PowerShell/Modules; as root or Administrator).
Test builds, runs the xunit tests of Core and the Pester tests of the cmdlets, prints one line
"N passed, N failed" and exits non-zero on any failure. Clean removes output/ and the bin/obj folders.
Runnable from any folder.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Help', 'Clean', 'Package', 'Install')]
    [string] $Task = 'Build',

    # Where -Task Install puts the module: the user's module folder, or the one for all users.
    [ValidateSet('CurrentUser', 'AllUsers')]
    [string] $Scope = 'CurrentUser',

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
    # The root module bin/DockerTls.dll; its dependencies in bin/deps, which PowerShell does not search: the module's
    # initializer (src/DockerTls/ModuleAssemblies.cs) loads them, on PowerShell 7 into a load context of their own.
    $bin = Join-Path $moduleOut 'bin'
    $deps = Join-Path $bin 'deps'
    New-Item -ItemType Directory -Force $deps | Out-Null
    Copy-Item (Join-Path $publish 'DockerTls.dll') $bin
    foreach ($name in 'DockerTls.Core.dll', 'BouncyCastle.Cryptography.dll') { Copy-Item (Join-Path $publish $name) $deps }
    foreach ($name in 'DockerTls.Requirements.ps1', 'DockerTls.Desktop.ps1') { Copy-Item (Join-Path $root $name) $moduleOut }
    Copy-Item (Join-Path $root 'src/DockerTls/DockerTls.Format.ps1xml') $moduleOut
    Copy-Item (Join-Path $root 'LICENSE') $moduleOut
    $version = Get-ModuleVersion
    $manifest = Get-Content -Raw (Join-Path $root 'DockerTls.psd1')
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion = '$version'"
    [IO.File]::WriteAllText((Join-Path $moduleOut 'DockerTls.psd1'), $manifest, [Text.UTF8Encoding]::new($false))
    if (Test-Path (Join-Path $root 'src/DockerTls.HelpBuilder')) { Invoke-HelpTask }
    Write-Host "Built DockerTls $version into $moduleOut"
}

function Invoke-HelpTask {
    # The builder checks every page against the PlatyPS schema (exit 1 naming the file and line) and writes
    # DockerTls.dll-Help.xml and about_*.help.txt. It is the one producer of the help, whether or not PlatyPS is
    # installed, so that every machine builds the same files. `dotnet run` passes unknown options such as --nologo on to
    # the program, so none may stand before the `--` (quoted: a bare -- would be taken by PowerShell itself).
    $helpOut = Join-Path $moduleOut 'en-US'
    New-Item -ItemType Directory -Force $helpOut | Out-Null
    Invoke-Dotnet run --project (Join-Path $root 'src/DockerTls.HelpBuilder/DockerTls.HelpBuilder.csproj') -c $Configuration -v quiet '--' (Join-Path $root 'en-US') $helpOut
}

function Invoke-PackageTask {
    # PSResourceGet (shipped with PowerShell 7.4+) publishes only to a registered repository, so a folder
    # repository is registered under a name of its own for the time of the publish and unregistered after.
    Invoke-BuildTask
    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
    $repository = Join-Path $output 'repository'
    New-Item -ItemType Directory -Force $repository | Out-Null
    $version = Get-ModuleVersion
    $package = Join-Path $repository "DockerTls.$version.nupkg"
    Remove-Item $package -ErrorAction SilentlyContinue
    $name = "DockerTlsBuild-$PID"
    Register-PSResourceRepository -Name $name -Uri $repository -Trusted
    try {
        Publish-PSResource -Path $moduleOut -Repository $name
    } finally {
        Unregister-PSResourceRepository -Name $name
    }
    if (-not (Test-Path $package)) { throw "Publish-PSResource made no $package." }
    Write-Host "Packaged $package"
}

function Get-ModuleInstallRoot([string] $Scope) {
    # The folders PowerShell 7 itself puts first on PSModulePath for each scope (as Install-PSResource -Scope does).
    if ($Scope -eq 'AllUsers') {
        if ($IsWindows) { return Join-Path $env:ProgramFiles 'PowerShell/Modules' }
        return '/usr/local/share/powershell/Modules'
    }
    if ($IsWindows) { return Join-Path ([Environment]::GetFolderPath('MyDocuments')) 'PowerShell/Modules' }
    $data = if ($env:XDG_DATA_HOME) { $env:XDG_DATA_HOME } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.local/share' }
    return Join-Path $data 'powershell/Modules'
}

function Invoke-InstallTask {
    Invoke-BuildTask
    $version = Get-ModuleVersion
    $modules = Get-ModuleInstallRoot $Scope
    $target = Join-Path $modules "DockerTls/$version"
    # Only a folder of this version is replaced; other versions installed beside it stay.
    if (Test-Path -LiteralPath $target) { Remove-Item -LiteralPath $target -Recurse -Force }
    New-Item -ItemType Directory -Force -Path $target | Out-Null
    Copy-Item -Path (Join-Path $moduleOut '*') -Destination $target -Recurse
    $onPath = ($env:PSModulePath -split [IO.Path]::PathSeparator) -contains $modules
    Write-Host "Installed DockerTls $version into $target ($Scope)."
    if (-not $onPath) { Write-Warning "$modules is not on `$env:PSModulePath of this session; a new pwsh puts it there." }
    Write-Host 'Use it from any folder: Import-Module DockerTls'
}

function Invoke-CleanTask {
    Remove-Item -Recurse -Force $output -ErrorAction SilentlyContinue
    Get-ChildItem $root -Recurse -Directory -Include bin, obj | Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
}

function Get-PesterModulePath {
    # The NuGet global packages folder, wherever NUGET_PACKAGES or a nuget.config put it.
    $folders = @()
    $listed = & dotnet nuget locals global-packages --list 2>$null
    if ($LASTEXITCODE -eq 0 -and "$listed" -match 'global-packages:\s*(.+)$') { $folders += $Matches[1].Trim() }
    if ($env:NUGET_PACKAGES) { $folders += $env:NUGET_PACKAGES }
    $folders += Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
    foreach ($folder in $folders) {
        $path = Join-Path $folder 'pester/5.7.1/tools/Pester.psd1'
        if (Test-Path $path) { return $path }
    }
    throw "Pester 5.7.1 is not in the NuGet cache ($($folders -join ', ')); restore tests/DockerTls.Core.Tests first."
}

function Invoke-TestTask {
    # Every step that cannot report its own counts (a failed build, restore or a crashed runner) counts as one
    # failure, so that the last line is always "N passed, N failed" and the exit code is non-zero.
    $results = Join-Path $output 'test-results'
    New-Item -ItemType Directory -Force $results | Out-Null
    $stepFailed = 0

    $built = $true
    try {
        Invoke-BuildTask
    } catch {
        $built = $false
        $stepFailed++
        Write-Warning "Build failed, counted as one failure; the Pester tests are skipped: $($_.Exception.Message)"
        # A module left over from an earlier build must not be tested in its place.
        Remove-Item -Recurse -Force $moduleOut -ErrorAction SilentlyContinue
    }

    # Restore first: it also puts the Pester PackageDownload of the test project into the NuGet cache.
    $testProject = Join-Path $root 'tests/DockerTls.Core.Tests/DockerTls.Core.Tests.csproj'
    & dotnet restore $testProject --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { Write-Warning "dotnet restore $testProject failed with exit code $LASTEXITCODE." }

    # xunit: the trx file gives the counts.
    $trx = Join-Path $results 'core.trx'
    Remove-Item $trx -ErrorAction SilentlyContinue
    & dotnet test $testProject -c $Configuration --nologo --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal'
    $xunitExit = $LASTEXITCODE
    $xunitPassed = 0; $xunitFailed = 0
    if (Test-Path $trx) {
        try {
            [xml] $doc = Get-Content -Raw $trx
            $counters = $doc.TestRun.ResultSummary.Counters
            $xunitPassed = [int] $counters.passed
            $xunitFailed = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout
        } catch {
            $xunitFailed = 1
            Write-Warning "xunit results file $trx is unreadable: counted as one failure. $($_.Exception.Message)"
        }
        if ($xunitExit -ne 0 -and $xunitFailed -eq 0) {
            $xunitFailed = 1
            Write-Warning "dotnet test exited with code $xunitExit but reported no failed test: counted as one failure."
        }
    } else {
        $xunitFailed = 1
        Write-Warning "xunit produced no results file (dotnet test exit code $xunitExit): counted as one failure."
    }

    # Pester runs in a child pwsh so that the module under test loads fresh.
    $pesterPassed = 0; $pesterFailed = 0; $pesterSkipped = 0
    $pester = $null
    if ($built) {
        try {
            $pester = Get-PesterModulePath
        } catch {
            $stepFailed++
            Write-Warning "$($_.Exception.Message) Counted as one failure."
        }
    }
    if ($pester) {
        $target = if ($PesterPath) { (Resolve-Path $PesterPath).ProviderPath } else { Join-Path $root 'tests' }
        $summary = Join-Path $results 'pester.json'
        $quote = { param($text) "'" + ($text -replace "'", "''") + "'" }
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module $(& $quote $pester)
`$config = New-PesterConfiguration
`$config.Run.Path = $(& $quote $target)
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
`$config.TestResult.Enabled = `$true
`$config.TestResult.OutputPath = $(& $quote (Join-Path $results 'pester.xml'))
`$r = Invoke-Pester -Configuration `$config
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount; Total = `$r.TotalCount; NotRun = `$r.NotRunCount } | ConvertTo-Json | Set-Content $(& $quote $summary)
"@
        Remove-Item $summary -ErrorAction SilentlyContinue
        # Run as a local tool, this pwsh is `dotnet pwsh.dll`: start the child the same way.
        $host_ = [Environment]::ProcessPath
        $pwsh = @($host_)
        if ([IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { $pwsh += [Reflection.Assembly]::GetEntryAssembly().Location }
        & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script
        $pesterExit = $LASTEXITCODE
        $pesterFailed = 1
        if (Test-Path $summary) {
            try {
                $s = Get-Content -Raw $summary | ConvertFrom-Json
                $pesterPassed = [int] $s.Passed; $pesterFailed = [int] $s.Failed; $pesterSkipped = [int] $s.Skipped
                # A run that counted no test, or fewer than it discovered (a crash after the run, e.g. in Pester's own
                # result writer), must not pass as green.
                if ($pesterPassed + $pesterFailed -eq 0 -or ([int] $s.NotRun) -gt 0) {
                    $pesterFailed++
                    Write-Warning "Pester discovered $($s.Total) tests, counted $pesterPassed passed and left $($s.NotRun) not run: counted as one failure."
                }
            } catch {
                Write-Warning "Pester summary $summary is unreadable: counted as one failure."
            }
            if ($pesterExit -ne 0 -and $pesterFailed -eq 0) {
                $pesterFailed = 1
                Write-Warning "The Pester process exited with code ${pesterExit}: counted as one failure."
            }
        } else {
            Write-Warning "Pester produced no summary (exit code $pesterExit): counted as one failure."
        }
    }

    $passed = $xunitPassed + $pesterPassed
    $failed = $xunitFailed + $pesterFailed + $stepFailed
    Write-Host "xunit: $xunitPassed passed, $xunitFailed failed; Pester: $pesterPassed passed, $pesterFailed failed, $pesterSkipped skipped; other steps: $stepFailed failed"
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

switch ($Task) {
    'Build' { Invoke-BuildTask }
    'Help' { Invoke-HelpTask }
    'Clean' { Invoke-CleanTask }
    'Test' { Invoke-TestTask }
    'Package' { Invoke-PackageTask }
    'Install' { Invoke-InstallTask }
}
