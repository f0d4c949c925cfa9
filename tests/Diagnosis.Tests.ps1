#requires -Version 7.0
# Test-DockerTlsConnection (issue 5): every row of the failure matrix provoked for real against real dockerd instances on
# loopback. For each row the real docker CLI fails too (so the case is real) and the cmdlet names exactly that Failure,
# within its timeout. HOME and DOCKER_CONFIG point into $TestDrive for the whole file: the real ~/.docker is never touched.

BeforeDiscovery {
    $script:canRunDockerd = $IsLinux -and ((& id -u) -eq '0') -and [bool] (Get-Command dockerd -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/StrictPeers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/TestDockerd.psm1') -Force

    $script:savedEnv = @{}
    foreach ($variable in 'HOME', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT', 'DOCKER_TLS') {
        $savedEnv[$variable] = [Environment]::GetEnvironmentVariable($variable)
    }
    $env:HOME = Join-Path $TestDrive 'home'
    New-Item -ItemType Directory -Path $env:HOME | Out-Null
    foreach ($variable in 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT', 'DOCKER_TLS') {
        Remove-Item "Env:$variable" -ErrorAction Ignore
    }

    # A folder holding the given files, copied from where the table says (name -> source path).
    function New-Folder([string] $Name, [hashtable] $Files = @{}) {
        $folder = Join-Path $TestDrive $Name
        New-Item -ItemType Directory -Force -Path $folder | Out-Null
        foreach ($file in $Files.Keys) { Copy-Item -LiteralPath $Files[$file] -Destination (Join-Path $folder $file) }
        return $folder
    }

    # A certificate signed by the kit's CA with dates openssl 3.0 `x509 -req` cannot set: `openssl ca -startdate -enddate`.
    function New-DatedCertificate([string] $Folder, [string] $CertName, [string] $KeyName, [string] $Extensions, [string] $StartDate, [string] $EndDate) {
        $ca = Join-Path $pki 'ca'
        $db = Join-Path $Folder 'openssl-ca'
        New-Item -ItemType Directory -Force -Path $db | Out-Null
        Set-Content -Path (Join-Path $db 'index.txt') -Value $null
        Set-Content -Path (Join-Path $db 'serial') -Value '1000'
        $config = Join-Path $db 'ca.cnf'
        Set-Content -Path $config -Value @"
[ca]
default_ca = dated
[dated]
database = $db/index.txt
new_certs_dir = $db
serial = $db/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
$Extensions
"@
        $key = Join-Path $Folder $KeyName
        $csr = Join-Path $db 'req.csr'
        Invoke-OpenSslChecked req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $key -subj '/CN=dated' -out $csr
        Invoke-OpenSslChecked ca -batch -notext -config $config -extensions ext -cert (Join-Path $ca 'ca.pem') -keyfile (Join-Path $ca 'ca-key.pem') `
            -startdate $StartDate -enddate $EndDate -in $csr -out (Join-Path $Folder $CertName)
        Remove-Item -Recurse -Force $db
    }

    # The real docker CLI's answer to `docker version` with that folder as DOCKER_CERT_PATH.
    function Invoke-DockerVersion([string] $DockerHost, [string] $CertPath, [int] $TimeoutSec = 30) {
        Invoke-TestDocker -ArgumentList 'version', '--format', '{{.Server.Version}}' -DockerHost $DockerHost -CertPath $CertPath `
            -Environment @{ DOCKER_CONFIG = (Join-Path $TestDrive 'cli-config') } -TimeoutSec $TimeoutSec
    }

    # Every docker CLI installed here: Debian's /usr/bin/docker and the one a user's PATH finds first (docker 28 here).
    $script:dockerClis = @(@('/usr/bin/docker') + @(Get-Command docker -CommandType Application -All -ErrorAction Ignore | ForEach-Object Source) |
            Where-Object { Test-Path -LiteralPath $_ } | ForEach-Object { (Get-Item -LiteralPath $_).ResolvedTarget ?? $_ } | Select-Object -Unique)

    # Each message the diagnosis quotes ("..." inside it; an ellipsis stands for any text; "A" or "B" for either) is in
    # what every installed docker CLI prints in the same case: the CLI runs with exactly that environment (DOCKER_* cleared
    # first).
    function Assert-CliQuotes($Result, [hashtable] $Environment, [string[]] $ArgumentList = @('version')) {
        $groups = @([regex]::Matches($Result.Diagnosis, '"[^"]+"(?:\s+or\s+"[^"]+")*') | ForEach-Object {
                , @([regex]::Matches($_.Value, '"([^"]+)"') | ForEach-Object { $_.Groups[1].Value })
            })
        $groups | Should -Not -BeNullOrEmpty -Because "the diagnosis quotes the docker CLI: $($Result.Diagnosis)"
        $cliEnvironment = @{ DOCKER_CONFIG = (Join-Path $TestDrive 'cli-config') }
        foreach ($key in $Environment.Keys) { $cliEnvironment[$key] = $Environment[$key] }
        $saved = $env:DOCKERTLS_TEST_DOCKER
        try {
            foreach ($cli in $dockerClis) {
                $env:DOCKERTLS_TEST_DOCKER = $cli
                $run = Invoke-TestDocker -ArgumentList $ArgumentList -Environment $cliEnvironment -TimeoutSec 30
                $output = "$($run.StdOut)$($run.StdErr)"
                foreach ($group in $groups) {
                    $said = @($group | Where-Object { $output -like ('*' + ([WildcardPattern]::Escape($_) -replace '\.\.\.', '*') + '*') })
                    $said | Should -Not -BeNullOrEmpty -Because "$cli ($(& $cli --version)) prints what the diagnosis quotes ($($group -join ' or ')); it printed: $output"
                }
            }
        } finally {
            $env:DOCKERTLS_TEST_DOCKER = $saved
        }
    }

    # How the docker CLI words a daemon's refusal of its client certificate. Under TLS 1.3 the client's side of the
    # handshake ends before the daemon has judged the certificate, so the CLI sees either the daemon's alert or, when
    # its request is written after the daemon closed the connection, the reset.
    $script:refused = 'bad certificate|connection reset by peer'

    # The cmdlet's result, with the time the call took.
    function Test-Timed([hashtable] $Parameters) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $result = Test-DockerTlsConnection @Parameters
        $result | Add-Member -NotePropertyName CallSeconds -NotePropertyValue $watch.Elapsed.TotalSeconds -PassThru
    }

    $script:pki = Join-Path $TestDrive 'pki'
    Initialize-DockerTls -OutputPath $pki -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null
    $script:client = Join-Path $pki 'client'

    # Another CA, with a client certificate of its own.
    $script:otherCA = Join-Path $TestDrive 'other-ca'
    New-DockerCA -OutputPath $otherCA -KeyAlgorithm ECDSA | Out-Null
    $script:otherClient = Join-Path $TestDrive 'other-client'
    New-DockerClientCert -CAPath $otherCA -OutputPath $otherClient -KeyAlgorithm ECDSA | Out-Null

    # A server certificate from the kit's CA for other names than the one used (127.0.0.1).
    $script:wrongName = New-Folder 'server-wrong-name' @{ 'ca.pem' = (Join-Path $pki 'ca/ca.pem') }
    New-DockerServerCert -CAPath (Join-Path $pki 'ca') -DnsName 'docker1.example.com' -IPAddress '192.0.2.10' -OutputPath $wrongName -KeyAlgorithm ECDSA | Out-Null

    # A server certificate from the kit's CA that becomes valid in 2099.
    $script:future = New-Folder 'server-future' @{ 'ca.pem' = (Join-Path $pki 'ca/ca.pem') }
    New-DatedCertificate -Folder $future -CertName 'server-cert.pem' -KeyName 'server-key.pem' `
        -Extensions "extendedKeyUsage = serverAuth`nsubjectAltName = DNS:localhost,IP:127.0.0.1" -StartDate '20990101000000Z' -EndDate '20991231000000Z'

    # A server certificate from the kit's CA that expired in 2020.
    $script:expiredServer = New-Folder 'server-expired' @{ 'ca.pem' = (Join-Path $pki 'ca/ca.pem') }
    New-DatedCertificate -Folder $expiredServer -CertName 'server-cert.pem' -KeyName 'server-key.pem' `
        -Extensions "extendedKeyUsage = serverAuth`nsubjectAltName = DNS:localhost,IP:127.0.0.1" -StartDate '20200101000000Z' -EndDate '20200201000000Z'

    # A client certificate from the kit's CA that expired in 2020.
    $script:expired = New-Folder 'client-expired' @{ 'ca.pem' = (Join-Path $client 'ca.pem') }
    New-DatedCertificate -Folder $expired -CertName 'cert.pem' -KeyName 'key.pem' -Extensions 'extendedKeyUsage = clientAuth' `
        -StartDate '20200101000000Z' -EndDate '20200201000000Z'

    # A daemon that presents a client certificate (clientAuth only) with the right names as its own.
    $script:clientAsServer = New-Folder 'server-client-usage' @{ 'ca.pem' = (Join-Path $pki 'ca/ca.pem') }
    New-DatedCertificate -Folder $clientAsServer -CertName 'server-cert.pem' -KeyName 'server-key.pem' `
        -Extensions "extendedKeyUsage = clientAuth`nsubjectAltName = DNS:localhost,IP:127.0.0.1" -StartDate '20200101000000Z' -EndDate '20991231000000Z'

    # A server certificate from the kit's CA that names localhost but no address.
    $script:noAddress = New-Folder 'server-no-address' @{ 'ca.pem' = (Join-Path $pki 'ca/ca.pem') }
    New-DockerServerCert -CAPath (Join-Path $pki 'ca') -DnsName 'localhost' -OutputPath $noAddress -KeyAlgorithm ECDSA | Out-Null

    if ($canRunDockerd) {
        $script:daemon = Start-TestTlsDockerd -CertPath (Join-Path $pki 'server')
        $script:noAddressDaemon = Start-TestTlsDockerd -CertPath $noAddress
        $script:clientUsageDaemon = Start-TestTlsDockerd -CertPath $clientAsServer
        $script:plain = Start-TestTlsDockerd -Insecure
        $script:wrongNameDaemon = Start-TestTlsDockerd -CertPath $wrongName
        $script:futureDaemon = Start-TestTlsDockerd -CertPath $future
        $script:expiredDaemon = Start-TestTlsDockerd -CertPath $expiredServer
    }
}

AfterAll {
    foreach ($d in $daemon, $noAddressDaemon, $plain, $wrongNameDaemon, $futureDaemon, $expiredDaemon, $clientUsageDaemon) { if ($d) { Stop-TestDockerd $d } }
    foreach ($variable in $savedEnv.Keys) {
        if ($null -eq $savedEnv[$variable]) { Remove-Item "Env:$variable" -ErrorAction Ignore } else { Set-Item "Env:$variable" $savedEnv[$variable] }
    }
}

Describe 'Test-DockerTlsConnection' -Skip:(-not $canRunDockerd) {
    BeforeEach {
        foreach ($variable in 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT', 'DOCKER_TLS') { Remove-Item "Env:$variable" -ErrorAction Ignore }
    }

    Context 'A working mutual-TLS daemon' {
        It 'reports Success with the version the docker CLI reports, the TLS version and the server certificate' {
            $cli = Invoke-DockerVersion $daemon.DockerHost $client
            $cli.ExitCode | Should -Be 0 -Because $cli.StdErr
            $result = Test-DockerTlsConnection -DockerHost $daemon.DockerHost -CertPath $client
            $result | Should -BeOfType 'DockerTls.Core.Diagnostics.DockerTlsTestResult'
            $result.Success | Should -BeTrue
            $result.Failure | Should -Be 'None'
            $result.ServerVersion | Should -Be $cli.StdOut.Trim()
            $result.ApiVersion | Should -Match '^1\.\d+$'
            $result.TlsProtocol | Should -Match '^Tls1[23]$'
            $result.ServerCertificate.CommonName | Should -Be 'localhost'
            $result.ServerCertificate.Sha256Fingerprint | Should -Be ((& openssl x509 -in (Join-Path $pki 'server/server-cert.pem') -noout -fingerprint -sha256) -replace '^.*=', '')
            $result.DockerHost | Should -Be $daemon.DockerHost
        }

        It 'connects by the name localhost as well as by 127.0.0.1' {
            (Test-DockerTlsConnection -DockerHost "tcp://localhost:$($daemon.Port)" -CertPath $client).Success | Should -BeTrue
        }

        It 'takes DOCKER_HOST and DOCKER_CERT_PATH from the environment, as the docker CLI does' {
            $env:DOCKER_HOST = $daemon.DockerHost
            $env:DOCKER_TLS_VERIFY = '1'
            $env:DOCKER_CERT_PATH = $client
            $result = Test-DockerTlsConnection
            $result.Success | Should -BeTrue
            $result.Source | Should -Be 'DOCKER_HOST'
            $result.CertPath | Should -Be $client
        }

        It 'reads the certificates from DOCKER_CONFIG when DOCKER_CERT_PATH is not set' {
            $env:DOCKER_CONFIG = New-Folder 'config-default' @{ 'ca.pem' = "$client/ca.pem"; 'cert.pem' = "$client/cert.pem"; 'key.pem' = "$client/key.pem" }
            $result = Test-DockerTlsConnection -DockerHost $daemon.DockerHost
            $result.Success | Should -BeTrue
            $result.CertPath | Should -Be $env:DOCKER_CONFIG
        }

        It 'takes the settings piped from Set-DockerClientEnv -PassThru, the default folder included' {
            $env:DOCKER_CONFIG = New-Folder 'config-piped' @{ 'ca.pem' = "$client/ca.pem"; 'cert.pem' = "$client/cert.pem"; 'key.pem' = "$client/key.pem" }
            $default = Set-DockerClientEnv -DockerHost $daemon.DockerHost -PassThru -WarningAction SilentlyContinue | Test-DockerTlsConnection
            $default.Success | Should -BeTrue
            $default.CertPath | Should -Be $env:DOCKER_CONFIG
            $given = Set-DockerClientEnv -DockerHost "tcp://localhost:$($daemon.Port)" -CertPath $client -PassThru -WarningAction SilentlyContinue | Test-DockerTlsConnection
            $given.Success | Should -BeTrue
            $given.CertPath | Should -Be $client
        }

        It 'returns only $true with -Quiet' {
            $answer = Test-DockerTlsConnection -DockerHost $daemon.DockerHost -CertPath $client -Quiet
            $answer | Should -BeOfType [bool]
            $answer | Should -BeTrue
        }
    }

    Context 'Docker contexts' {
        BeforeAll {
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'context-config'
            New-DockerContext -Name 'tlsctx' -DockerHost $daemon.DockerHost -CertPath $client -Use | Out-Null
        }

        It 'tests the current context when DOCKER_HOST is not set, and the docker CLI agrees' {
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'context-config'
            $cli = Invoke-TestDocker -ArgumentList 'version', '--format', '{{.Server.Version}}' -Environment @{ DOCKER_CONFIG = $env:DOCKER_CONFIG }
            $cli.ExitCode | Should -Be 0 -Because $cli.StdErr
            $result = Test-DockerTlsConnection
            $result.Success | Should -BeTrue
            $result.Source | Should -Be "context 'tlsctx'"
            $result.ServerVersion | Should -Be $cli.StdOut.Trim()
        }

        It 'tests a context named with -Context' {
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'context-config'
            $env:DOCKER_HOST = 'tcp://127.0.0.1:1'
            $result = Test-DockerTlsConnection -Context 'tlsctx'
            $result.Success | Should -BeTrue
            $result.CertPath | Should -BeLike (Join-Path $env:DOCKER_CONFIG 'contexts/tls/*/docker')
        }

        It 'names New-DockerContext as the remedy when the context''s own certificates are bad' {
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'context-config'
            $context = New-DockerContext -Name 'badctx' -DockerHost $daemon.DockerHost -CertPath $client -WarningAction SilentlyContinue 6>$null
            # New-DockerContext refuses a bad set; a CA made again later spoils the context's copy just like this.
            Copy-Item "$otherCA/ca.pem" (Join-Path $context.TlsPath 'docker/ca.pem') -Force
            $cli = Invoke-TestDocker -ArgumentList '--context', 'badctx', 'version' -Environment @{ DOCKER_CONFIG = $env:DOCKER_CONFIG }
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match 'unknown authority'
            $result = Test-DockerTlsConnection -Context 'badctx'
            $result.Failure | Should -Be 'UnknownAuthority'
            $result.Remedy | Should -BeLike "*New-DockerContext -Name badctx -DockerHost $($daemon.DockerHost) -CertPath <kit>/client -Force*"
        }

        It 'warns with ContextOverridden when DOCKER_HOST overrides the current context' {
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'context-config'
            $env:DOCKER_HOST = $daemon.DockerHost
            $env:DOCKER_TLS_VERIFY = '1'
            $env:DOCKER_CERT_PATH = $client
            $result = Test-DockerTlsConnection -WarningVariable warnings -WarningAction SilentlyContinue
            $result.Success | Should -BeTrue
            $result.Failure | Should -Be 'ContextOverridden'
            $result.Diagnosis | Should -BeLike "*overrides the current Docker context 'tlsctx'*"
            $result.Remedy | Should -BeLike '*Clear-DockerClientEnv*'
            $warnings | Should -HaveCount 1
        }
    }

    Context 'TLS on or off, as the docker CLI decides it' {
        It 'DOCKER_HOST without DOCKER_TLS_VERIFY: TlsNotUsed, as the docker CLI fails, naming DOCKER_TLS_VERIFY=1 and Set-DockerClientEnv' {
            $env:DOCKER_HOST = $daemon.DockerHost
            $env:DOCKER_CERT_PATH = $client
            $cli = Invoke-TestDocker -ArgumentList 'version' -DockerHost $daemon.DockerHost -Environment @{ DOCKER_CERT_PATH = $client; DOCKER_CONFIG = (Join-Path $TestDrive 'cli-config') }
            $cli.ExitCode | Should -Not -Be 0
            $result = Test-Timed @{ TimeoutSec = 5 }
            $result.Success | Should -BeFalse
            $result.Failure | Should -Be 'TlsNotUsed'
            $result.Diagnosis | Should -BeLike '*DOCKER_HOST is set without DOCKER_TLS_VERIFY*With DOCKER_TLS_VERIFY=1 it works*'
            $result.Remedy | Should -BeLike "*DOCKER_TLS_VERIFY=1*Set-DockerClientEnv -DockerHost $($daemon.DockerHost) -CertPath '$client'*"
            $result.TlsProtocol | Should -BeNullOrEmpty
            $result.CallSeconds | Should -BeLessThan 5
            Assert-CliQuotes $result @{ DOCKER_HOST = $daemon.DockerHost; DOCKER_CERT_PATH = $client }
        }

        It 'and following the remedy makes both the docker CLI and the test pass' {
            $env:DOCKER_HOST = $daemon.DockerHost
            Set-DockerClientEnv -DockerHost $daemon.DockerHost -CertPath $client -WarningAction SilentlyContinue
            $env:DOCKER_TLS_VERIFY | Should -Be '1'
            (Invoke-DockerVersion $daemon.DockerHost $client).ExitCode | Should -Be 0
            (Test-DockerTlsConnection).Success | Should -BeTrue
        }

        It 'DOCKER_HOST without TLS to a plain-HTTP daemon: ServerNotTls, where the docker CLI works unencrypted' {
            $env:DOCKER_HOST = $plain.DockerHost
            $cli = Invoke-TestDocker -ArgumentList 'version', '--format', '{{.Server.Version}}' -DockerHost $plain.DockerHost -Environment @{ DOCKER_CONFIG = (Join-Path $TestDrive 'cli-config') }
            $cli.ExitCode | Should -Be 0 -Because $cli.StdErr
            $result = Test-DockerTlsConnection -TimeoutSec 5
            $result.Failure | Should -Be 'ServerNotTls'
            $result.Diagnosis | Should -BeLike '*talks to it unencrypted*'
        }

        It 'DOCKER_TLS_VERIFY=0 counts as set, as the docker CLI counts it' {
            $env:DOCKER_HOST = $daemon.DockerHost
            $env:DOCKER_TLS_VERIFY = '0'
            $env:DOCKER_CERT_PATH = $client
            (Invoke-TestDocker -ArgumentList 'version' -DockerHost $daemon.DockerHost -Environment @{ DOCKER_TLS_VERIFY = '0'; DOCKER_CERT_PATH = $client; DOCKER_CONFIG = (Join-Path $TestDrive 'cli-config') }).ExitCode | Should -Be 0
            (Test-DockerTlsConnection).Failure | Should -Be 'None'
        }

        It 'DOCKER_TLS alone: the docker CLI connects without checking the daemon, and the test warns ServerNotVerified' {
            $env:DOCKER_HOST = $wrongNameDaemon.DockerHost
            $env:DOCKER_TLS = '1'
            $env:DOCKER_CERT_PATH = $client
            $cli = Invoke-TestDocker -ArgumentList 'version' -DockerHost $wrongNameDaemon.DockerHost -Environment @{ DOCKER_TLS = '1'; DOCKER_CERT_PATH = $client; DOCKER_CONFIG = (Join-Path $TestDrive 'cli-config') }
            $cli.ExitCode | Should -Be 0 -Because $cli.StdErr
            $result = Test-DockerTlsConnection
            $result.Success | Should -BeTrue
            $result.Failure | Should -Be 'ServerNotVerified'
            $result.Diagnosis | Should -BeLike '*does not check the daemon*would fail it (NameMismatch)*'
            $result.Remedy | Should -BeLike '*DOCKER_TLS_VERIFY=1*Set-DockerClientEnv*'
        }

        It 'a context without TLS files: TlsNotUsed, as the docker CLI fails' {
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'plain-context-config'
            $made = Invoke-TestDocker -ArgumentList 'context', 'create', 'plainctx', '--docker', "host=$($daemon.DockerHost)" -Environment @{ DOCKER_CONFIG = $env:DOCKER_CONFIG }
            $made.ExitCode | Should -Be 0 -Because $made.StdErr
            $result = Test-DockerTlsConnection -Context 'plainctx' -TimeoutSec 5
            $result.Failure | Should -Be 'TlsNotUsed'
            $result.Diagnosis | Should -BeLike "*context 'plainctx' holds no TLS files*"
            $result.Remedy | Should -BeLike "*New-DockerContext -Name plainctx -DockerHost $($daemon.DockerHost) -CertPath <kit>/client -Force*"
            Assert-CliQuotes $result @{ DOCKER_CONFIG = $env:DOCKER_CONFIG } -ArgumentList '--context', 'plainctx', 'version'
        }

        It 'DOCKER_CONTEXT wins over currentContext, and DOCKER_HOST over both, as in the docker CLI' {
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'precedence-config'
            New-DockerContext -Name 'good' -DockerHost $daemon.DockerHost -CertPath $client | Out-Null
            New-DockerContext -Name 'refused' -DockerHost "tcp://127.0.0.1:$(Get-FreeTcpPort)" -CertPath $client -Use | Out-Null
            $env:DOCKER_CONTEXT = 'good'
            (Invoke-TestDocker -ArgumentList 'version' -Environment @{ DOCKER_CONFIG = $env:DOCKER_CONFIG; DOCKER_CONTEXT = 'good' }).ExitCode | Should -Be 0
            $result = Test-DockerTlsConnection -TimeoutSec 5
            $result.Source | Should -Be "context 'good'"
            $result.Success | Should -BeTrue
            $env:DOCKER_HOST = $plain.DockerHost
            (Test-DockerTlsConnection -TimeoutSec 5 -WarningAction SilentlyContinue).Source | Should -Be 'DOCKER_HOST'
            (Test-DockerTlsConnection -Context 'refused' -TimeoutSec 5).Failure | Should -Be 'ConnectionRefused'
        }
    }

    Context 'The failure matrix' {
        It 'an address the certificate does not hold, and no address at all: the docker CLI''s "doesn''t contain any IP SANs"' {
            $result = Test-Timed @{ DockerHost = $noAddressDaemon.DockerHost; CertPath = $client; TimeoutSec = 5 }
            $result.Failure | Should -Be 'NameMismatch'
            $result.Diagnosis | Should -BeLike "*cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs*"
            Assert-CliQuotes $result @{ DOCKER_HOST = $noAddressDaemon.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $client }
        }

        It 'no ca.pem: ClientCertificateMissing, quoting the docker CLI''s "open .../ca.pem: no such file or directory"' {
            $folder = New-Folder 'client-no-ca' @{ 'cert.pem' = "$client/cert.pem"; 'key.pem' = "$client/key.pem" }
            $result = Test-Timed @{ DockerHost = $daemon.DockerHost; CertPath = $folder; TimeoutSec = 5 }
            $result.Failure | Should -Be 'ClientCertificateMissing'
            $result.Diagnosis | Should -BeLike "*open $folder/ca.pem: no such file or directory*"
            Assert-CliQuotes $result @{ DOCKER_HOST = $daemon.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $folder }
        }

        It 'nothing listening: ConnectionRefused' {
            $address = "tcp://127.0.0.1:$(Get-FreeTcpPort)"
            $cli = Invoke-DockerVersion $address $client
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match 'connection refused|Cannot connect to the Docker daemon'
            $result = Test-Timed @{ DockerHost = $address; CertPath = $client; TimeoutSec = 5 }
            $result.Failure | Should -Be 'ConnectionRefused'
            $result.Success | Should -BeFalse
            $result.Remedy | Should -BeLike '*Set-DockerDaemonConfig*'
            $result.CallSeconds | Should -BeLessThan 5
        }

        It 'a plain-HTTP daemon: ServerNotTls' {
            $cli = Invoke-DockerVersion $plain.DockerHost $client
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match 'HTTP response to HTTPS client'
            $result = Test-Timed @{ DockerHost = $plain.DockerHost; CertPath = $client; TimeoutSec = 5 }
            Assert-CliQuotes $result @{ DOCKER_HOST = $plain.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $client }
            $result.Failure | Should -Be 'ServerNotTls'
            $result.Diagnosis | Should -BeLike '*plain HTTP (Docker API 1.*'
            $result.CallSeconds | Should -BeLessThan 5
        }

        It 'a server certificate without the name used: NameMismatch, listing the names it holds and the one used' {
            $cli = Invoke-DockerVersion $wrongNameDaemon.DockerHost $client
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match 'certificate is valid for .*not 127\.0\.0\.1'
            $result = Test-Timed @{ DockerHost = $wrongNameDaemon.DockerHost; CertPath = $client; TimeoutSec = 5 }
            Assert-CliQuotes $result @{ DOCKER_HOST = $wrongNameDaemon.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $client }
            $result.Failure | Should -Be 'NameMismatch'
            $result.Diagnosis | Should -BeLike '*valid for docker1.example.com, 192.0.2.10, not 127.0.0.1*'
            $result.Remedy | Should -BeLike '*New-DockerServerCert -CAPath <kit>/ca -DnsName docker1.example.com -IPAddress 192.0.2.10,127.0.0.1 -OutputPath*'
            $result.ServerCertificate.DnsNames | Should -Be @('docker1.example.com')
            $result.CallSeconds | Should -BeLessThan 5
        }

        It 'a client ca.pem from another CA: UnknownAuthority, with both fingerprints' {
            $folder = New-Folder 'client-other-ca' @{ 'ca.pem' = "$otherCA/ca.pem"; 'cert.pem' = "$client/cert.pem"; 'key.pem' = "$client/key.pem" }
            $cli = Invoke-DockerVersion $daemon.DockerHost $folder
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match 'unknown authority'
            $result = Test-Timed @{ DockerHost = $daemon.DockerHost; CertPath = $folder; TimeoutSec = 5 }
            Assert-CliQuotes $result @{ DOCKER_HOST = $daemon.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $folder }
            $result.Failure | Should -Be 'UnknownAuthority'
            $serverPrint = (& openssl x509 -in (Join-Path $pki 'server/server-cert.pem') -noout -fingerprint -sha256) -replace '^.*=', ''
            $caPrint = (& openssl x509 -in "$otherCA/ca.pem" -noout -fingerprint -sha256) -replace '^.*=', ''
            $result.Diagnosis | Should -BeLike "*$serverPrint*"
            $result.Diagnosis | Should -BeLike "*$caPrint*"
            $result.Remedy | Should -BeLike '*Install-DockerClientCert*'
            $result.CallSeconds | Should -BeLessThan 5
        }

        It 'a client certificate from another CA: ClientCertificateRejected, naming the likely reason' {
            $folder = New-Folder 'client-cert-other-ca' @{ 'ca.pem' = "$client/ca.pem"; 'cert.pem' = "$otherClient/cert.pem"; 'key.pem' = "$otherClient/key.pem" }
            $cli = Invoke-DockerVersion $daemon.DockerHost $folder
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match $refused
            $result = Test-Timed @{ DockerHost = $daemon.DockerHost; CertPath = $folder; TimeoutSec = 5 }
            Assert-CliQuotes $result @{ DOCKER_HOST = $daemon.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $folder }
            $result.Failure | Should -Be 'ClientCertificateRejected'
            $result.Diagnosis | Should -Match 'not (signed )?by the CA in ca\.pem'
            $result.Diagnosis | Should -Not -Match 'error:[0-9A-F]{8}|SSL routines' -Because 'OpenSSL''s internals mean nothing to a Docker user'
            $result.Remedy | Should -BeLike '*New-DockerClientCert*'
            $result.CallSeconds | Should -BeLessThan 5
        }

        It 'no client certificate: ClientCertificateMissing' {
            $folder = New-Folder 'client-ca-only' @{ 'ca.pem' = "$client/ca.pem" }
            $cli = Invoke-DockerVersion $daemon.DockerHost $folder
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match $refused
            $result = Test-Timed @{ DockerHost = $daemon.DockerHost; CertPath = $folder; TimeoutSec = 5 }
            Assert-CliQuotes $result @{ DOCKER_HOST = $daemon.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $folder }
            $result.Failure | Should -Be 'ClientCertificateMissing'
            $result.Diagnosis | Should -BeLike '*cert.pem, key.pem are missing*'
            $result.Remedy | Should -BeLike '*Install-DockerClientCert*'
        }

        It 'an expired client certificate: ClientCertificateExpired' {
            $cli = Invoke-DockerVersion $daemon.DockerHost $expired
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match "$refused|expired"
            $result = Test-Timed @{ DockerHost = $daemon.DockerHost; CertPath = $expired; TimeoutSec = 5 }
            $result.Failure | Should -Be 'ClientCertificateExpired'
            $result.Diagnosis | Should -BeLike '*expired on 2020-02-01 00:00 UTC*'
            $result.Remedy | Should -BeLike '*New-DockerClientCert*Install-DockerClientCert*'
        }

        It 'a server certificate not yet valid: NotYetValid' {
            $cli = Invoke-DockerVersion $futureDaemon.DockerHost $client
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match 'expired or is not yet valid'
            $result = Test-Timed @{ DockerHost = $futureDaemon.DockerHost; CertPath = $client; TimeoutSec = 5 }
            Assert-CliQuotes $result @{ DOCKER_HOST = $futureDaemon.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $client }
            $result.Failure | Should -Be 'NotYetValid'
            $result.Diagnosis | Should -BeLike '*not valid before 2099-01-01 00:00 UTC*'
            $result.CallSeconds | Should -BeLessThan 5
        }

        It 'cert.pem and key.pem from different pairs: KeyMismatch' {
            $folder = New-Folder 'client-mismatch' @{ 'ca.pem' = "$client/ca.pem"; 'cert.pem' = "$client/cert.pem"; 'key.pem' = "$otherClient/key.pem" }
            $cli = Invoke-DockerVersion $daemon.DockerHost $folder
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match 'private key does not match public key'
            $result = Test-Timed @{ DockerHost = $daemon.DockerHost; CertPath = $folder; TimeoutSec = 5 }
            Assert-CliQuotes $result @{ DOCKER_HOST = $daemon.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $folder }
            $result.Failure | Should -Be 'KeyMismatch'
        }

        It 'an encrypted key.pem: EncryptedKey' {
            $folder = New-Folder 'client-encrypted' @{ 'ca.pem' = "$client/ca.pem"; 'cert.pem' = "$client/cert.pem" }
            Invoke-OpenSslChecked pkey -in "$client/key.pem" -aes256 -passout 'pass:secret' -out (Join-Path $folder 'key.pem')
            $cli = Invoke-DockerVersion $daemon.DockerHost $folder
            $cli.ExitCode | Should -Not -Be 0
            $result = Test-Timed @{ DockerHost = $daemon.DockerHost; CertPath = $folder; TimeoutSec = 5 }
            Assert-CliQuotes $result @{ DOCKER_HOST = $daemon.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $folder }
            $result.Failure | Should -Be 'EncryptedKey'
            $result.Remedy | Should -BeLike '*New-DockerClientCert*'
        }

        It 'a port that accepts but never answers: Timeout, within -TimeoutSec' {
            # The kernel completes the TCP handshake into the backlog; nobody ever reads the TLS hello.
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $listener.Start()
            try {
                $address = "tcp://127.0.0.1:$(([System.Net.IPEndPoint] $listener.LocalEndpoint).Port)"
                $cli = Invoke-DockerVersion $address $client -TimeoutSec 3
                $cli.ExitCode | Should -Not -Be 0
                $result = Test-Timed @{ DockerHost = $address; CertPath = $client; TimeoutSec = 2 }
                $result.Failure | Should -Be 'Timeout'
                $result.CallSeconds | Should -BeGreaterOrEqual 1.9
                $result.CallSeconds | Should -BeLessThan 3
            } finally {
                $listener.Stop()
            }
        }

        It 'a client certificate without clientAuth: ClientCertificateRejected, naming the missing usage' {
            $folder = New-Folder 'client-server-cert' @{ 'ca.pem' = "$client/ca.pem"; 'cert.pem' = "$pki/server/server-cert.pem"; 'key.pem' = "$pki/server/server-key.pem" }
            $cli = Invoke-DockerVersion $daemon.DockerHost $folder
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match $refused
            $result = Test-Timed @{ DockerHost = $daemon.DockerHost; CertPath = $folder; TimeoutSec = 5 }
            Assert-CliQuotes $result @{ DOCKER_HOST = $daemon.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $folder }
            $result.Failure | Should -Be 'ClientCertificateRejected'
            $result.Diagnosis | Should -BeLike '*has no clientAuth extended key usage*'
        }

        It 'an expired server certificate: ServerCertificateExpired' {
            $cli = Invoke-DockerVersion $expiredDaemon.DockerHost $client
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match 'expired or is not yet valid'
            $result = Test-Timed @{ DockerHost = $expiredDaemon.DockerHost; CertPath = $client; TimeoutSec = 5 }
            Assert-CliQuotes $result @{ DOCKER_HOST = $expiredDaemon.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $client }
            $result.Failure | Should -Be 'ServerCertificateExpired'
            $result.Diagnosis | Should -BeLike '*expired on 2020-02-01 00:00 UTC*'
            $result.Remedy | Should -BeLike '*New-DockerServerCert -CAPath <kit>/ca -DnsName localhost -IPAddress 127.0.0.1 -OutputPath*Set-DockerDaemonConfig*'
        }

        It 'a server certificate without serverAuth: IncompatibleKeyUsage' {
            $cli = Invoke-DockerVersion $clientUsageDaemon.DockerHost $client
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match 'incompatible key usage'
            $result = Test-Timed @{ DockerHost = $clientUsageDaemon.DockerHost; CertPath = $client; TimeoutSec = 5 }
            Assert-CliQuotes $result @{ DOCKER_HOST = $clientUsageDaemon.DockerHost; DOCKER_TLS_VERIFY = '1'; DOCKER_CERT_PATH = $client }
            $result.Success | Should -BeFalse
            $result.Failure | Should -Be 'IncompatibleKeyUsage'
            $result.Diagnosis | Should -BeLike '*lacks serverAuth*'
            $result.Remedy | Should -BeLike '*New-DockerServerCert*'
        }

        It 'a host name that does not resolve: HostNotFound' {
            # .invalid never resolves (RFC 6761); nothing is contacted but the resolver.
            $address = 'tcp://docker.invalid:2376'
            $cli = Invoke-DockerVersion $address $client
            $cli.ExitCode | Should -Not -Be 0
            $cli.StdErr | Should -Match 'no such host|lookup'
            $result = Test-Timed @{ DockerHost = $address; CertPath = $client; TimeoutSec = 5 }
            $result.Failure | Should -Be 'HostNotFound'
            $result.Diagnosis | Should -BeLike "*'docker.invalid' does not resolve*"
            $result.CallSeconds | Should -BeLessThan 5
        }

        It 'a TLS port that is not Docker: ApiError' {
            # A TLS server on loopback that answers every request with 404, as a web server on the wrong port would.
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $listener.Start()
            $server = Start-ThreadJob -ArgumentList $listener, "$pki/server/server-cert.pem", "$pki/server/server-key.pem" -ScriptBlock {
                param($listener, $certPath, $keyPath)
                $certificate = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($certPath, $keyPath)
                while ($true) {
                    $connection = $listener.AcceptTcpClient()
                    try {
                        $tls = [System.Net.Security.SslStream]::new($connection.GetStream())
                        $tls.AuthenticateAsServer($certificate)
                        $reader = [System.IO.StreamReader]::new($tls)
                        while ($reader.ReadLine()) { }
                        $answer = [Text.Encoding]::ASCII.GetBytes("HTTP/1.1 404 Not Found`r`nContent-Length: 0`r`nConnection: close`r`n`r`n")
                        $tls.Write($answer, 0, $answer.Length)
                        $tls.Flush()
                    } catch {
                    } finally {
                        $connection.Dispose()
                    }
                }
            }
            try {
                $address = "tcp://127.0.0.1:$(([System.Net.IPEndPoint] $listener.LocalEndpoint).Port)"
                $cli = Invoke-DockerVersion $address $client -TimeoutSec 20
                $cli.ExitCode | Should -Not -Be 0
                $cli.TimedOut | Should -BeFalse
                $result = Test-Timed @{ DockerHost = $address; CertPath = $client; TimeoutSec = 5 }
                $result.Failure | Should -Be 'ApiError'
                $result.TlsProtocol | Should -Not -BeNullOrEmpty
                $result.Diagnosis | Should -BeLike "*GET /_ping answered 'HTTP/1.1 404 Not Found'*"
            } finally {
                $listener.Stop()
                $server | Remove-Job -Force
            }
        }

        It 'returns $false with -Quiet on a failure, and never throws' {
            Test-DockerTlsConnection -DockerHost $plain.DockerHost -CertPath $client -Quiet | Should -BeFalse
        }
    }

    Context 'Bad arguments' {
        It 'refuses a unix:// DOCKER_HOST with InvalidDockerHost' {
            { Test-DockerTlsConnection -DockerHost 'unix:///var/run/docker.sock' -CertPath $client } |
                Should -Throw -ErrorId 'InvalidDockerHost,DockerTls.Commands.TestDockerTlsConnectionCommand'
        }

        It 'refuses -DockerHost with -Context' {
            { Test-DockerTlsConnection -DockerHost $daemon.DockerHost -Context 'tlsctx' } |
                Should -Throw -ErrorId 'ConflictingHostAndContext,DockerTls.Commands.TestDockerTlsConnectionCommand'
        }

        It 'names a context that does not exist' {
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'empty-config'
            { Test-DockerTlsConnection -Context 'nosuch' } |
                Should -Throw -ErrorId 'ContextNotFound,DockerTls.Commands.TestDockerTlsConnectionCommand'
        }

        It 'says so when there is no TLS daemon to test at all' {
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'empty-config'
            { Test-DockerTlsConnection } | Should -Throw -ErrorId 'DockerHostNotSet,DockerTls.Commands.TestDockerTlsConnectionCommand'
        }
    }
}
