# Platform guards that run on every platform as pure logic: what the module says on Windows PowerShell 5.1 with too
# old a .NET Framework. The registry read itself, and the guards' effect on real Windows and macOS, run in CI's
# windows-2022 and macos legs only (.github/workflows/ci.yml).

BeforeAll {
    $script:manifest = Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1'
    Import-Module $manifest -Force
    $script:module = Get-Module DockerTls
}

Describe 'The .NET Framework floor of Windows PowerShell 5.1' {
    It 'declares .NET Framework 4.7.2 in the manifest' {
        (Import-PowerShellDataFile $manifest).DotNetFrameworkVersion | Should -Be '4.7.2'
    }

    It 'accepts release <Release> (4.7.2 and later)' -ForEach @(@{ Release = 461808 }, @{ Release = 461814 }, @{ Release = 528040 }, @{ Release = 533320 }) {
        & $module { param($r) Get-NetFrameworkProblem $r } $Release | Should -BeNullOrEmpty
    }

    It 'refuses release <Release>, naming .NET Framework <Name> and the version needed' -ForEach @(
        @{ Release = 461308; Name = '4.7.1' }, @{ Release = 461310; Name = '4.7.1' }, @{ Release = 460798; Name = '4.7' },
        @{ Release = 394802; Name = '4.6.2' }, @{ Release = 394254; Name = '4.6.1' }, @{ Release = 378389; Name = '4.5' }
    ) {
        $problem = & $module { param($r) Get-NetFrameworkProblem $r } $Release
        $problem | Should -Match ([regex]::Escape(".NET Framework $Name (release $Release)"))
        $problem | Should -Match 'needs \.NET Framework 4\.7\.2 or later'
        $problem | Should -Match 'PowerShell 7'
    }

    It 'refuses a missing or unreadable release value' -ForEach @(@{ Release = $null }, @{ Release = 'x' }, @{ Release = 1000 }) {
        & $module { param($r) Get-NetFrameworkProblem $r } $Release | Should -Match 'no \.NET Framework 4\.5 or later'
    }

    It 'stops the import with NetFrameworkTooOld before any assembly is loaded' {
        $psm1 = Get-Content -Raw (Join-Path $module.ModuleBase 'DockerTls.psm1')
        $psm1.IndexOf("'NetFrameworkTooOld'") | Should -BeGreaterThan 0
        $psm1.IndexOf("'NetFrameworkTooOld'") | Should -BeLessThan $psm1.IndexOf('LoadFrom(')
    }
}
