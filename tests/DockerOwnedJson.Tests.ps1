#requires -Version 7.0
# Files the docker CLI and dockerd own are read as Go's encoding/json reads them (issue 13): the last of a
# duplicate key wins. The oracles are the real docker CLI (docker context show / ls / inspect with DOCKER_CONFIG
# pointing at the test folder) and the real dockerd, which names the value it took from a daemon.json.

BeforeDiscovery {
    $script:hasDocker = [bool] (Get-Command docker -ErrorAction SilentlyContinue)
    $script:hasDockerd = $IsLinux -and ((& id -u) -eq '0') -and [bool] (Get-Command dockerd -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force

    function Write-Utf8([string] $Path, [string] $Text) {
        [IO.File]::WriteAllText($Path, $Text, [Text.UTF8Encoding]::new($false))
    }

    $script:kit = Join-Path $TestDrive 'kit'
    Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA | Out-Null
    $script:client = Join-Path $kit 'client'

    $script:saved = @{}
    foreach ($name in 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $null)
    }

    # A closed port on loopback: a probe of it fails at once, and the result still names where it went.
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $script:closedPort = $listener.LocalEndpoint.Port; $listener.Stop()
}

AfterAll {
    foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
}

Describe 'config.json with a duplicate key' -Skip:(-not $hasDocker) {
    BeforeEach {
        $env:DOCKER_CONFIG = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $env:DOCKER_CONFIG | Out-Null
        & docker context create first --docker "host=tcp://127.0.0.1:$closedPort" | Out-Null
        & docker context create second --docker "host=tcp://127.0.0.1:$closedPort" | Out-Null
        $script:configFile = Join-Path $env:DOCKER_CONFIG 'config.json'
    }

    AfterEach { $env:DOCKER_CONFIG = $null }

    It 'is read with the last currentContext, as docker context show reads it' {
        Write-Utf8 $configFile '{"currentContext": "first", "psFormat": "table {{.ID}}", "currentContext": "second"}'
        (& docker context show).Trim() | Should -Be 'second'
        $result = Test-DockerTlsConnection -TimeoutSec 2 -WarningAction SilentlyContinue
        $result.Source | Should -Match "context 'second'"
        $result.DockerHost | Should -Be "tcp://127.0.0.1:$closedPort"
    }

    It 'matches currentContext without regard to case, as Go does: CurrentContext selects a context too' {
        Write-Utf8 $configFile '{"currentContext": "first", "CurrentContext": "second", "psFormat": "table {{.ID}}"}'
        (& docker context show).Trim() | Should -Be 'second'
        (Test-DockerTlsConnection -TimeoutSec 2 -WarningAction SilentlyContinue).Source | Should -Match "context 'second'"
        New-DockerContext -Name third -DockerHost "127.0.0.1:$closedPort" -CertPath $client -Use | Out-Null
        $text = Get-Content -Raw $configFile
        ([regex]::Matches($text, '"currentcontext"', 'IgnoreCase')).Count | Should -Be 1
        @(($text | ConvertFrom-Json -AsHashtable).Keys) | Should -Be @('currentContext', 'psFormat')
        (& docker context show).Trim() | Should -Be 'third'
    }

    It 'takes New-DockerContext -Use, writing one currentContext in the place of the first and every other key in its order' {
        Write-Utf8 $configFile '{"currentContext": "first", "auths": {"registry.example": {"auth": "dXNlcjpwdw=="}}, "currentContext": "second", "psFormat": "table {{.ID}}"}'
        New-DockerContext -Name third -DockerHost "127.0.0.1:$closedPort" -CertPath $client -Use | Out-Null
        $text = Get-Content -Raw $configFile
        ([regex]::Matches($text, '"currentContext"')).Count | Should -Be 1
        $config = $text | ConvertFrom-Json -AsHashtable
        @($config.Keys) | Should -Be @('currentContext', 'auths', 'psFormat')
        $config.currentContext | Should -Be 'third'
        $config.auths.'registry.example'.auth | Should -Be 'dXNlcjpwdw=='
        (& docker context show).Trim() | Should -Be 'third'
        $listed = & docker context ls --format '{{.Name}} {{.Current}}'
        $LASTEXITCODE | Should -Be 0
        $listed | Should -Contain 'third true'
    }
}

Describe 'A context meta.json with a duplicate key' -Skip:(-not $hasDocker) {
    It 'is read with the last Host, as docker context inspect reads it' {
        $env:DOCKER_CONFIG = Join-Path $TestDrive 'meta'
        try {
            & docker context create edited --docker "host=tcp://127.0.0.1:1" | Out-Null
            $meta = Get-ChildItem -Recurse -Filter meta.json (Join-Path $env:DOCKER_CONFIG 'contexts/meta') | Select-Object -First 1
            $text = (Get-Content -Raw $meta.FullName) -replace '"Host":"tcp://127\.0\.0\.1:1"', "`"Host`":`"tcp://127.0.0.1:1`",`"Host`":`"tcp://127.0.0.1:$closedPort`""
            Write-Utf8 $meta.FullName $text
            ([regex]::Matches($text, '"Host"')).Count | Should -Be 2
            (& docker context inspect edited --format '{{.Endpoints.docker.Host}}').Trim() | Should -Be "tcp://127.0.0.1:$closedPort"
            $result = Test-DockerTlsConnection -Context edited -TimeoutSec 2 -WarningAction SilentlyContinue
            $result.DockerHost | Should -Be "tcp://127.0.0.1:$closedPort"
        } finally {
            $env:DOCKER_CONFIG = $null
        }
    }
}

Describe 'daemon.json with a duplicate key' {
    It 'is what dockerd reads with the last value: it names the second of two log levels' -Skip:(-not $hasDockerd) {
        # Both values are invalid, so dockerd stops while reading the file and starts nothing.
        $folder = Join-Path $TestDrive 'dockerd'
        New-Item -ItemType Directory $folder | Out-Null
        Write-Utf8 (Join-Path $folder 'daemon.json') '{"log-level": "firstbogus", "log-level": "secondbogus"}'
        $output = & timeout 20 dockerd --config-file (Join-Path $folder 'daemon.json') --data-root (Join-Path $folder 'data') `
            --exec-root (Join-Path $folder 'exec') --pidfile (Join-Path $folder 'pid') -H "unix://$folder/sock" 2>&1
        $LASTEXITCODE | Should -Be 1
        ($output -join "`n") | Should -Match 'unable to parse logging level: secondbogus'
    }

    It 'is reported by Get-DockerDaemonConfig with the last value' {
        $folder = Join-Path $TestDrive 'report'
        New-Item -ItemType Directory $folder | Out-Null
        $path = Join-Path $folder 'daemon.json'
        Write-Utf8 $path '{"tlsverify": true, "hosts": ["tcp://0.0.0.0:2376"], "tlsverify": false}'
        (Get-DockerDaemonConfig -Path $path -SystemdRoot (New-Item -ItemType Directory (Join-Path $folder 'root')).FullName).TlsMode | Should -Not -Be 'TlsVerify'
        Write-Utf8 $path '{"tlsverify": false, "hosts": ["tcp://0.0.0.0:2376"], "tlsverify": true}'
        (Get-DockerDaemonConfig -Path $path -SystemdRoot (Join-Path $folder 'root')).TlsMode | Should -Be 'TlsVerify'
    }

    It 'is rewritten by Set-DockerDaemonConfig with one key, the winner, in the place of the first' {
        $folder = Join-Path $TestDrive 'rewrite'
        New-Item -ItemType Directory $folder, (Join-Path $folder 'root') | Out-Null
        $path = Join-Path $folder 'daemon.json'
        Write-Utf8 $path '{"debug": true, "log-level": "info", "debug": false}'
        Set-DockerDaemonConfig -Path $path -CertPath (Join-Path $kit 'server') -CertDestination (Join-Path $folder 'certs') `
            -SystemdRoot (Join-Path $folder 'root') -WarningAction SilentlyContinue | Out-Null
        $text = Get-Content -Raw $path
        ([regex]::Matches($text, '"debug"')).Count | Should -Be 1
        $config = $text | ConvertFrom-Json -AsHashtable
        @($config.Keys)[0..1] | Should -Be @('debug', 'log-level')
        $config.debug | Should -BeFalse
        $config.tlsverify | Should -BeTrue
    }
}
