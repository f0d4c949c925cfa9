#requires -Version 7.0
# Tab completion as a user gets it: TabExpansion2 on a command line typed so far.

BeforeAll {
    Import-Module "$PSScriptRoot/../output/DockerTls/DockerTls.psd1" -Force

    function script:Complete([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object CompletionText)
    }

    # Two contexts made by the real docker CLI in a private config folder.
    $script:savedConfig = $env:DOCKER_CONFIG
    $env:DOCKER_CONFIG = Join-Path $TestDrive 'docker-config'
    $docker = if (Test-Path /usr/bin/docker) { '/usr/bin/docker' } else { (Get-Command docker -CommandType Application).Source }
    foreach ($name in 'prod-web1', 'staging') {
        & $docker context create $name --docker "host=tcp://127.0.0.1:2376" --description "test $name" 2>&1 | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "docker context create $name failed" }
    }
}

AfterAll {
    $env:DOCKER_CONFIG = $savedConfig
}

Describe 'Key parameters' {
    Context '-KeyAlgorithm and -Curve' {
        It '<Command> -KeyAlgorithm completes ECDSA and RSA' -ForEach @(
            @{ Command = 'New-DockerCA' }, @{ Command = 'New-DockerServerCert' }, @{ Command = 'New-DockerClientCert' }, @{ Command = 'Initialize-DockerTls' }
        ) {
            Complete "$Command -KeyAlgorithm " | Should -Be @('ECDSA', 'RSA')
            Complete "$Command -KeyAlgorithm E" | Should -Be @('ECDSA')
        }

        It '<Command> -Curve completes P256 and P384' -ForEach @(
            @{ Command = 'New-DockerCA' }, @{ Command = 'New-DockerServerCert' }, @{ Command = 'New-DockerClientCert' }, @{ Command = 'Initialize-DockerTls' }
        ) {
            Complete "$Command -Curve " | Should -Be @('P256', 'P384')
            Complete "$Command -Curve P3" | Should -Be @('P384')
        }

        It 'New-DockerCA -KeySize completes the three RSA sizes' {
            Complete 'New-DockerCA -KeySize ' | Should -Be @('2048', '3072', '4096')
        }
    }
}

Describe 'Client parameters' {
    Context '-Shell' {
        It 'Get-DockerClientEnv -Shell completes the six shells' {
            Complete 'Get-DockerClientEnv -Shell ' | Should -Be @('bash', 'cmd', 'fish', 'powershell', 'pwsh', 'zsh')
            Complete 'Get-DockerClientEnv -Shell p' | Should -Be @('powershell', 'pwsh')
        }
    }

    Context '-Scope' {
        It '<Command> -Scope completes Process and User' -ForEach @(@{ Command = 'Set-DockerClientEnv' }, @{ Command = 'Clear-DockerClientEnv' }) {
            Complete "$Command -Scope " | Should -Be @('Process', 'User')
            Complete "$Command -Scope u" | Should -Be @('User')
        }
    }
}

Describe 'Docker contexts' {
    Context 'Names from the store in DOCKER_CONFIG' {
        It 'New-DockerContext -Name completes the contexts the docker CLI made' {
            Complete 'New-DockerContext -Name ' | Should -Be @('prod-web1', 'staging')
            Complete 'New-DockerContext -Name st' | Should -Be @('staging')
            Complete 'New-DockerContext -Name PROD' | Should -Be @('prod-web1')
        }

        It 'completes a quoted prefix' {
            Complete "New-DockerContext -Name 'pro" | Should -Be @('prod-web1')
        }

        It 'completes nothing from an empty or missing store' {
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'empty'
            try { Complete 'New-DockerContext -Name ' | Should -BeNullOrEmpty } finally { $env:DOCKER_CONFIG = Join-Path $TestDrive 'docker-config' }
        }

        It 'Test-DockerTlsConnection -Context completes the same names' {
            if (-not (Get-Command Test-DockerTlsConnection -ErrorAction Ignore)) { Set-ItResult -Skipped -Because 'Test-DockerTlsConnection is not in this build yet' }
            Complete 'Test-DockerTlsConnection -Context ' | Should -Be @('prod-web1', 'staging')
            Complete 'Test-DockerTlsConnection -Context s' | Should -Be @('staging')
        }
    }
}
