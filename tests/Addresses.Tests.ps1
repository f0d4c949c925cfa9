#requires -Version 7.0
# Addresses mean what they say (issue 12, item 7): an IPv4 address with a leading zero is refused everywhere one is
# taken, as Go's net.ParseIP refuses it (.NET read 192.168.001.010 as 192.168.1.8 and 010.0.0.1 as 8.0.0.1; the docker
# CLI takes 127.0.0.010 for a host name), and a name holding a control character (C0, DEL, C1) is refused instead of
# landing in a certificate, a shell, a context or daemon.json. Each refusal has its error id and writes nothing.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force

    $script:savedEnv = @{}
    foreach ($variable in 'HOME', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT') {
        $savedEnv[$variable] = [Environment]::GetEnvironmentVariable($variable)
    }
    $env:HOME = Join-Path $TestDrive 'home'
    $env:DOCKER_CONFIG = Join-Path $TestDrive 'docker-config'
    foreach ($variable in 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT') { Remove-Item "Env:$variable" -ErrorAction Ignore }

    $script:kit = Join-Path $TestDrive 'kit'
    Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null
    $script:ca = Join-Path $kit 'ca'
    $script:client = Join-Path $kit 'client'

    # Every file under the test drive with its bytes, to show that a refusal wrote nothing anywhere.
    function Get-Tree {
        Get-ChildItem -LiteralPath $TestDrive -Recurse -Force | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { "$($_.FullName)/" } else { "$($_.FullName) $((Get-FileHash -LiteralPath $_.FullName).Hash)" }
        }
    }

    # Runs the command, which must end with the error id, and checks that no file and no client variable changed.
    function Assert-Refused([scriptblock] $Command, [string] $ErrorId) {
        $before = Get-Tree
        $variables = 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH' | ForEach-Object { [Environment]::GetEnvironmentVariable($_) }
        $command = $Command
        { & $command } | Should -Throw -ErrorId $ErrorId
        Get-Tree | Should -Be $before
        'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH' | ForEach-Object { [Environment]::GetEnvironmentVariable($_) } | Should -Be $variables
    }
}

AfterAll {
    foreach ($variable in $savedEnv.Keys) {
        if ($null -eq $savedEnv[$variable]) { Remove-Item "Env:$variable" -ErrorAction Ignore } else { Set-Item "Env:$variable" $savedEnv[$variable] }
    }
}

Describe 'IPv4 with a leading zero is refused wherever an address is taken' {
    It '<Name>' -ForEach @(
        @{ Name = 'New-DockerServerCert -IPAddress 192.168.001.010 (was SAN 192.168.1.8)'; ErrorId = 'InvalidIPAddress,DockerTls.Commands.NewDockerServerCertCommand'
            Command = { New-DockerServerCert -CAPath $ca -DnsName web1 -IPAddress 192.168.001.010 -OutputPath (Join-Path $TestDrive 'srv') -KeyAlgorithm ECDSA -ErrorAction Stop } }
        @{ Name = 'New-DockerServerCert from a CSV row with 010.0.0.1'; ErrorId = 'InvalidIPAddress,DockerTls.Commands.NewDockerServerCertCommand'
            Command = { [pscustomobject]@{ DnsName = 'web2'; IPAddress = '010.0.0.1' } | New-DockerServerCert -CAPath $ca -OutputPath (Join-Path $TestDrive 'rows') -KeyAlgorithm ECDSA -ErrorAction Stop } }
        @{ Name = 'Initialize-DockerTls -IPAddress 010.0.0.1 (was 8.0.0.1)'; ErrorId = 'InvalidIPAddress,DockerTls.Commands.InitializeDockerTlsCommand'
            Command = { Initialize-DockerTls -OutputPath (Join-Path $TestDrive 'kit2') -DnsName localhost -IPAddress 010.0.0.1 -KeyAlgorithm ECDSA -ErrorAction Stop 6>$null } }
        @{ Name = 'Initialize-DockerTls -DnsName 127.0.0.010 (an address in disguise)'; ErrorId = 'InvalidDnsName,DockerTls.Commands.InitializeDockerTlsCommand'
            Command = { Initialize-DockerTls -OutputPath (Join-Path $TestDrive 'kit3') -DnsName 127.0.0.010 -KeyAlgorithm ECDSA -ErrorAction Stop 6>$null } }
        @{ Name = 'Get-DockerClientEnv -DockerHost 192.168.001.010 (was DOCKER_HOST=tcp://192.168.1.8:2376)'; ErrorId = 'InvalidDockerHost,DockerTls.Commands.GetDockerClientEnvCommand'
            Command = { Get-DockerClientEnv -DockerHost 192.168.001.010 -CertPath $client -Shell bash } }
        @{ Name = 'Set-DockerClientEnv -DockerHost tcp://127.0.0.010:2376'; ErrorId = 'InvalidDockerHost,DockerTls.Commands.SetDockerClientEnvCommand'
            Command = { Set-DockerClientEnv -DockerHost tcp://127.0.0.010:2376 -CertPath $client } }
        @{ Name = 'New-DockerContext -DockerHost 010.0.0.1'; ErrorId = 'InvalidDockerHost,DockerTls.Commands.NewDockerContextCommand'
            Command = { New-DockerContext -Name zeros -DockerHost 010.0.0.1 -CertPath $client } }
        @{ Name = 'Test-DockerTlsConnection -DockerHost 127.0.0.010'; ErrorId = 'InvalidDockerHost,DockerTls.Commands.TestDockerTlsConnectionCommand'
            Command = { Test-DockerTlsConnection -DockerHost 127.0.0.010 -CertPath $client -TimeoutSec 2 } }
        @{ Name = 'Set-DockerDaemonConfig -DockerHost tcp://0.0.0.010:2376'; ErrorId = 'InvalidDockerHost,DockerTls.Commands.SetDockerDaemonConfigCommand'
            Command = { Set-DockerDaemonConfig -Path (Join-Path $TestDrive 'etc/daemon.json') -CertPath (Join-Path $kit 'server') -CertDestination (Join-Path $TestDrive 'etc/certs') `
                -SystemdRoot (Join-Path $TestDrive 'systemd') -DockerHost 'tcp://0.0.0.010:2376' -NoLocalSocket -WarningAction SilentlyContinue } }
    ) {
        Assert-Refused $Command $ErrorId
    }

    It 'says why: the leading zero, which other parsers read as octal' {
        { New-DockerServerCert -CAPath $ca -DnsName web1 -IPAddress 192.168.001.010 -OutputPath (Join-Path $TestDrive 'srv') -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*leading zero*octal*'
        { Get-DockerClientEnv -DockerHost 192.168.001.010 -Shell bash } | Should -Throw -ExpectedMessage '*leading zero*'
    }

    It 'refuses DOCKER_HOST=tcp://127.0.0.010:2376 from the environment, as the diagnosis reads it' {
        $env:DOCKER_HOST = 'tcp://127.0.0.010:2376'
        try { Assert-Refused { Test-DockerTlsConnection -CertPath $client -TimeoutSec 2 } 'InvalidDockerHost,DockerTls.Commands.TestDockerTlsConnectionCommand' }
        finally { Remove-Item Env:DOCKER_HOST -ErrorAction Ignore }
    }

    It 'refuses a context that the docker CLI made with tcp://127.0.0.010:2376, when Test-DockerTlsConnection reads it' -Skip:(-not (Get-Command docker -CommandType Application -ErrorAction Ignore)) {
        $made = & docker context create zeros --docker 'host=tcp://127.0.0.010:2376' 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($made -join "`n")
        Assert-Refused { Test-DockerTlsConnection -Context zeros -TimeoutSec 2 } 'InvalidDockerHost,DockerTls.Commands.TestDockerTlsConnectionCommand'
    }

    It 'still takes addresses whose numbers are 0 alone, and openssl sees them as written' {
        $server = New-DockerServerCert -CAPath $ca -DnsName web0 -IPAddress 10.0.0.100, 0.0.0.1 -OutputPath (Join-Path $TestDrive 'zero-ok') -KeyAlgorithm ECDSA
        $server.IPAddresses | Should -Be @('10.0.0.100', '0.0.0.1')
        (& openssl x509 -in $server.Path -noout -ext subjectAltName) -join ' ' | Should -Match 'IP Address:10\.0\.0\.100, IP Address:0\.0\.0\.1'
    }
}

Describe 'A control character in a name is refused, not written' {
    It '<Name>' -ForEach @(
        @{ Name = 'New-DockerServerCert -DnsName with a line feed before the final dot'; ErrorId = 'InvalidDnsName,DockerTls.Commands.NewDockerServerCertCommand'
            Command = { New-DockerServerCert -CAPath $ca -DnsName "web1`n." -OutputPath (Join-Path $TestDrive 'lf') -KeyAlgorithm ECDSA -ErrorAction Stop } }
        @{ Name = 'New-DockerServerCert -DnsName with a trailing carriage return'; ErrorId = 'InvalidDnsName,DockerTls.Commands.NewDockerServerCertCommand'
            Command = { New-DockerServerCert -CAPath $ca -DnsName "web1.example.com`r" -OutputPath (Join-Path $TestDrive 'cr') -KeyAlgorithm ECDSA -ErrorAction Stop } }
        @{ Name = 'New-DockerServerCert -CommonName with a line feed'; ErrorId = 'InvalidCommonName,DockerTls.Commands.NewDockerServerCertCommand'
            Command = { New-DockerServerCert -CAPath $ca -DnsName web1 -CommonName "web1`nCN=admin" -OutputPath (Join-Path $TestDrive 'cn') -KeyAlgorithm ECDSA -ErrorAction Stop } }
        @{ Name = 'New-DockerClientCert -CommonName with an escape sequence'; ErrorId = 'InvalidCommonName,DockerTls.Commands.NewDockerClientCertCommand'
            Command = { New-DockerClientCert -CAPath $ca -CommonName "ops$([char] 27)[2J" -OutputPath (Join-Path $TestDrive 'esc') -KeyAlgorithm ECDSA -ErrorAction Stop } }
        @{ Name = 'New-DockerCA -CommonName with a C1 CSI'; ErrorId = 'InvalidCommonName,DockerTls.Commands.NewDockerCACommand'
            Command = { New-DockerCA -CommonName "CA$([char] 0x9B)31m" -OutputPath (Join-Path $TestDrive 'c1') -KeyAlgorithm ECDSA -ErrorAction Stop } }
        @{ Name = 'Initialize-DockerTls -DnsName with DEL'; ErrorId = 'InvalidDnsName,DockerTls.Commands.InitializeDockerTlsCommand'
            Command = { Initialize-DockerTls -OutputPath (Join-Path $TestDrive 'del') -DnsName "web1$([char] 0x7F)" -KeyAlgorithm ECDSA -ErrorAction Stop 6>$null } }
        @{ Name = 'Set-DockerClientEnv -DockerHost with a line feed'; ErrorId = 'InvalidDockerHost,DockerTls.Commands.SetDockerClientEnvCommand'
            Command = { Set-DockerClientEnv -DockerHost "docker1`n" -CertPath $client } }
        @{ Name = 'New-DockerContext -Name with a line feed'; ErrorId = 'InvalidContextName,DockerTls.Commands.NewDockerContextCommand'
            Command = { New-DockerContext -Name "prod`n" -DockerHost docker1 -CertPath $client } }
        @{ Name = 'Set-DockerDaemonConfig -DockerHost with a line feed and a directive'; ErrorId = 'InvalidDockerHost,DockerTls.Commands.SetDockerDaemonConfigCommand'
            Command = { Set-DockerDaemonConfig -Path (Join-Path $TestDrive 'etc/daemon.json') -CertPath (Join-Path $kit 'server') -CertDestination (Join-Path $TestDrive 'etc/certs') `
                -SystemdRoot (Join-Path $TestDrive 'systemd') -DockerHost "tcp://127.0.0.1:2376`nExecStart=/bin/sh" -NoLocalSocket -WarningAction SilentlyContinue } }
    ) {
        Assert-Refused $Command $ErrorId
    }

    It 'shows the refused name with its control characters replaced' {
        $error.Clear()
        { New-DockerClientCert -CAPath $ca -CommonName "ops$([char] 27)]0;pwned$([char] 7)" -OutputPath (Join-Path $TestDrive 'msg') -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*'ops?]0;pwned?'*"
    }
}
