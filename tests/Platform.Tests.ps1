# Platform guards that run on every platform as pure logic: what the module says on Windows PowerShell 5.1 with too
# old a .NET Framework. The registry read itself, and the guards' effect on real Windows and macOS, run in CI's
# windows-2022 and macos legs only (.github/workflows/ci.yml).

BeforeAll {
    $script:manifest = Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1'
    $script:requirements = Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.Desktop.ps1'
    # The check runs only under Windows PowerShell (DockerTls.Requirements.ps1 calls DockerTls.Desktop.ps1 there only),
    # inside the script's own script block: its function is taken from
    # the shipped script's syntax tree and defined here, so that the very text that ships is what is tested.
    $tokens = $errors = $null
    $ast = [Management.Automation.Language.Parser]::ParseFile((Resolve-Path $requirements).ProviderPath, [ref] $tokens, [ref] $errors)
    $definition = $ast.Find({ param($n) $n -is [Management.Automation.Language.FunctionDefinitionAst] -and $n.Name -eq 'Get-NetFrameworkProblem' }, $true)
    . ([scriptblock]::Create($definition.Extent.Text))

    # This pwsh may be `dotnet pwsh.dll` (the local tool): children start the same way.
    $hostPath = [Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $script:pwsh = @($hostPath)
    if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { $script:pwsh += [Reflection.Assembly]::GetEntryAssembly().Location }
}

Describe 'The .NET Framework floor of Windows PowerShell 5.1' {
    It 'declares .NET Framework 4.7.2 in the manifest' {
        (Import-PowerShellDataFile $manifest).DotNetFrameworkVersion | Should -Be '4.7.2'
    }

    It 'accepts release <Release> (4.7.2 and later)' -ForEach @(@{ Release = 461808 }, @{ Release = 461814 }, @{ Release = 528040 }, @{ Release = 533320 }) {
        Get-NetFrameworkProblem $Release | Should -BeNullOrEmpty
    }

    It 'refuses release <Release>, naming .NET Framework <Name> and the version needed' -ForEach @(
        @{ Release = 461308; Name = '4.7.1' }, @{ Release = 461310; Name = '4.7.1' }, @{ Release = 460798; Name = '4.7' },
        @{ Release = 394802; Name = '4.6.2' }, @{ Release = 394254; Name = '4.6.1' }, @{ Release = 378389; Name = '4.5' }
    ) {
        $problem = Get-NetFrameworkProblem $Release
        $problem | Should -Match ([regex]::Escape(".NET Framework $Name (release $Release)"))
        $problem | Should -Match 'needs \.NET Framework 4\.7\.2 or later'
        $problem | Should -Match 'PowerShell 7'
    }

    It 'refuses a missing or unreadable release value' -ForEach @(@{ Release = $null }, @{ Release = 'x' }, @{ Release = 1000 }) {
        Get-NetFrameworkProblem $Release | Should -Match 'no \.NET Framework 4\.5 or later'
    }

    It 'stops the import with NetFrameworkTooOld before DockerTls.Core, BouncyCastle or any cmdlet is loaded' {
        # A copy of the module whose check runs as under Windows PowerShell and reads a registry key that does not
        # exist, so the release reads as missing, as on a Windows without .NET Framework 4.5 (here there is no HKLM:
        # drive at all). The real registry read runs in CI's Windows legs, through the module's own copy.
        # PowerShell 7 has loaded the root module's file by the time ScriptsToProcess runs (whether it has read its
        # types is not seen here); whether Windows PowerShell 5.1 on .NET Framework 4.6.1 to 4.7.1 gets this far, only such a
        # machine can show (README, "What does not work yet").
        $copy = Join-Path $TestDrive 'DockerTls'
        Copy-Item -Recurse (Split-Path $manifest) $copy
        $script = Join-Path $copy 'DockerTls.Requirements.ps1'
        $text = Get-Content -Raw $script
        $text.Contains("if (`$PSEdition -eq 'Desktop') {") | Should -BeTrue
        Set-Content -LiteralPath $script -Value $text.Replace("if (`$PSEdition -eq 'Desktop') {", 'if ($true) {')
        $desktop = Join-Path $copy 'DockerTls.Desktop.ps1'
        $text = Get-Content -Raw $desktop
        $key = 'HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full'
        $text.Contains($key) | Should -BeTrue
        Set-Content -LiteralPath $desktop -Value $text.Replace($key, 'HKLM:\SOFTWARE\DockerTls-Test-NoSuchKey')
        $rootDll = [IO.Path]::Combine($copy, 'bin', 'DockerTls.dll')
        $child = @"
try { Import-Module '$(Join-Path $copy 'DockerTls.psd1')' -ErrorAction Stop; 'imported' } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }
@([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -like 'DockerTls*' -or `$_.GetName().Name -like 'BouncyCastle*' } | ForEach-Object Location) -join ';'
@(Get-Command -Module DockerTls -ErrorAction Ignore).Count
"@
        $out = @(& $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $child 2>&1 | ForEach-Object { "$_" })
        $out[0] | Should -Be 'NetFrameworkTooOld,Microsoft.PowerShell.Commands.ImportModuleCommand'
        $out[1] | Should -Match 'needs \.NET Framework 4\.7\.2 or later; this Windows has no \.NET Framework 4\.5 or later'
        # At most the root module's own file (PowerShell 7 has loaded it by then): no DockerTls.Core, no BouncyCastle.
        @($out[2] -split ';' | Where-Object { $_ -and $_ -ne $rootDll }) | Should -BeNullOrEmpty
        $out[3] | Should -Be '0'
    }
}
