#requires -Version 7.0
# Every message names only parameters the user can give (issue 17, item 6): each cmdlet's errors are provoked for real,
# and every -Word in a message must be a parameter of the cmdlet that raised it, or of a cmdlet the message names.

BeforeDiscovery {
    # Each row: the cmdlet, what is wrong, and a script block that makes that cmdlet fail with one of its error ids.
    # The blocks run in $TestDrive with a kit in ./kit (see BeforeAll) and HOME and DOCKER_CONFIG inside $TestDrive.
    $script:triggers = @(
        @{ Cmdlet = 'New-DockerCA'; Case = 'files exist'; Run = { New-DockerCA -OutputPath ./kit/ca -KeyAlgorithm ECDSA } }
        @{ Cmdlet = 'New-DockerCA'; Case = 'a folder where a file goes'; Run = { New-Item -ItemType Directory -Force ./ca-folder/ca.pem | Out-Null; New-DockerCA -OutputPath ./ca-folder -KeyAlgorithm ECDSA } }
        @{ Cmdlet = 'New-DockerCA'; Case = 'a path that is not valid'; Run = { New-DockerCA -OutputPath "bad`0path" -KeyAlgorithm ECDSA } }
        @{ Cmdlet = 'New-DockerServerCert'; Case = 'files exist'; Run = { New-DockerServerCert -CAPath ./kit/ca -DnsName localhost -OutputPath ./kit/server -KeyAlgorithm ECDSA } }
        @{ Cmdlet = 'New-DockerServerCert'; Case = 'no CA there'; Run = { New-DockerServerCert -CAPath ./nowhere -DnsName localhost -OutputPath ./s1 -KeyAlgorithm ECDSA } }
        @{ Cmdlet = 'New-DockerServerCert'; Case = 'IP 0.0.0.0'; Run = { New-DockerServerCert -CAPath ./kit/ca -IPAddress 0.0.0.0 -OutputPath ./s2 -KeyAlgorithm ECDSA } }
        @{ Cmdlet = 'New-DockerServerCert'; Case = 'a bad DNS name'; Run = { New-DockerServerCert -CAPath ./kit/ca -DnsName 'bad name!' -OutputPath ./s3 -KeyAlgorithm ECDSA } }
        @{ Cmdlet = 'New-DockerServerCert'; Case = 'an encrypted CA key without passphrase'; Run = { New-DockerServerCert -CAPath ./locked -DnsName localhost -OutputPath ./s4 -KeyAlgorithm ECDSA } }
        @{ Cmdlet = 'New-DockerServerCert'; Case = 'a wrong CA passphrase'; Run = { New-DockerServerCert -CAPath ./locked -CAPassphrase (ConvertTo-SecureString wrong -AsPlainText) -DnsName localhost -OutputPath ./s5 -KeyAlgorithm ECDSA } }
        @{ Cmdlet = 'New-DockerServerCert'; Case = 'a certificate that is not a CA'; Run = { Get-DockerCertificate ./kit/server/server-cert.pem | New-DockerServerCert -DnsName localhost -OutputPath ./s6 -KeyAlgorithm ECDSA } }
        @{ Cmdlet = 'New-DockerClientCert'; Case = 'files exist'; Run = { New-DockerClientCert -CAPath ./kit/ca -OutputPath ./kit/client -KeyAlgorithm ECDSA } }
        @{ Cmdlet = 'New-DockerClientCert'; Case = 'no CA there'; Run = { New-DockerClientCert -CAPath ./nowhere -OutputPath ./c1 -KeyAlgorithm ECDSA } }
        @{ Cmdlet = 'Initialize-DockerTls'; Case = 'files exist'; Run = { Initialize-DockerTls -OutputPath ./kit -DnsName localhost -KeyAlgorithm ECDSA 6>$null } }
        @{ Cmdlet = 'Initialize-DockerTls'; Case = 'IP 0.0.0.0'; Run = { Initialize-DockerTls -OutputPath ./k2 -IPAddress 0.0.0.0 -KeyAlgorithm ECDSA 6>$null } }
        @{ Cmdlet = 'Get-DockerCertificate'; Case = 'no such file'; Run = { Get-DockerCertificate ./nowhere.pem } }
        @{ Cmdlet = 'Get-DockerCertificate'; Case = 'a key, not a certificate'; Run = { Get-DockerCertificate ./kit/client/key.pem } }
        @{ Cmdlet = 'Install-DockerClientCert'; Case = 'no such folder'; Run = { Install-DockerClientCert -Path ./nowhere } }
        @{ Cmdlet = 'Install-DockerClientCert'; Case = 'no client certificate'; Run = { Install-DockerClientCert -Path ./ca-only } }
        @{ Cmdlet = 'Install-DockerClientCert'; Case = 'a server certificate'; Run = { Install-DockerClientCert -Path ./server-as-client } }
        @{ Cmdlet = 'Install-DockerClientCert'; Case = 'files exist'; Run = { Install-DockerClientCert -Path ./kit/client -Destination ./other-client } }
        @{ Cmdlet = 'Install-DockerClientCert'; Case = 'a folder where a file goes'; Run = { New-Item -ItemType Directory -Force ./dest-folder/cert.pem | Out-Null; Install-DockerClientCert -Path ./kit/client -Destination ./dest-folder } }
        @{ Cmdlet = 'Install-DockerClientCert'; Case = 'key and certificate of two pairs'; Run = { Install-DockerClientCert -Path ./mismatch } }
        @{ Cmdlet = 'Uninstall-DockerClientCert'; Case = 'nothing installed'; Run = { Uninstall-DockerClientCert -Path ./ca-only-nothing } }
        @{ Cmdlet = 'Uninstall-DockerClientCert'; Case = 'a key of another pair'; Run = { Install-DockerClientCert -Path ./kit/client -Destination ./un-mixed | Out-Null; Copy-Item -Force ./mismatch/key.pem ./un-mixed/key.pem; Uninstall-DockerClientCert -Path ./un-mixed } }
        @{ Cmdlet = 'Uninstall-DockerClientCert'; Case = 'a link'; Run = { New-Item -ItemType Directory -Force ./un-link | Out-Null; New-Item -ItemType SymbolicLink -Force -Path ./un-link/key.pem -Target (Resolve-Path ./kit/client/key.pem) | Out-Null; Uninstall-DockerClientCert -Path ./un-link } }
        @{ Cmdlet = 'Set-DockerClientEnv'; Case = 'a unix address'; Run = { Set-DockerClientEnv -DockerHost unix:///var/run/docker.sock } }
        @{ Cmdlet = 'Set-DockerClientEnv'; Case = 'a port out of range'; Run = { Set-DockerClientEnv -DockerHost tcp://docker1:99999 } }
        @{ Cmdlet = 'Set-DockerClientEnv'; Case = 'no such certificate folder'; Run = { Set-DockerClientEnv -DockerHost tcp://docker1:2376 -CertPath ./nowhere } }
        @{ Cmdlet = 'Set-DockerClientEnv'; Case = 'a folder without client files'; Run = { Set-DockerClientEnv -DockerHost tcp://docker1:2376 -CertPath ./ca-only } }
        @{ Cmdlet = 'Set-DockerClientEnv'; Case = 'no files in the default folder'; Run = { Set-DockerClientEnv -DockerHost tcp://docker1:2376 } }
        @{ Cmdlet = 'Get-DockerClientEnv'; Case = 'nothing set'; Run = { Get-DockerClientEnv -Shell bash } }
        @{ Cmdlet = 'Get-DockerClientEnv'; Case = 'a line break in the address'; Run = { Get-DockerClientEnv -Shell bash -DockerHost "tcp://docker1:2376`nrm -rf x" } }
        @{ Cmdlet = 'New-DockerContext'; Case = 'a bad name'; Run = { New-DockerContext -Name 'bad name' -DockerHost tcp://docker1:2376 -CertPath ./kit/client } }
        @{ Cmdlet = 'New-DockerContext'; Case = 'default'; Run = { New-DockerContext -Name default -DockerHost tcp://docker1:2376 -CertPath ./kit/client } }
        @{ Cmdlet = 'New-DockerContext'; Case = 'it exists'; Run = { New-DockerContext -Name twice -DockerHost tcp://docker1:2376 -CertPath ./kit/client | Out-Null; New-DockerContext -Name twice -DockerHost tcp://docker2:2376 -CertPath ./kit/client } }
        @{ Cmdlet = 'New-DockerContext'; Case = 'no client files'; Run = { New-DockerContext -Name nofiles -DockerHost tcp://docker1:2376 -CertPath ./ca-only } }
        @{ Cmdlet = 'Set-DockerDaemonConfig'; Case = 'invalid JSON'; Run = { Set-DockerDaemonConfig -Path ./bad.json -CertPath ./kit/server -CertDestination ./etc -SystemdRoot ./no-systemd -Confirm:$false } }
        @{ Cmdlet = 'Set-DockerDaemonConfig'; Case = 'plain TCP'; Run = { Set-DockerDaemonConfig -Path ./d1.json -CertPath ./kit/server -CertDestination ./etc -DockerHost tcp://0.0.0.0:2375 -SystemdRoot ./no-systemd -Confirm:$false } }
        @{ Cmdlet = 'Set-DockerDaemonConfig'; Case = 'a folder without server files'; Run = { Set-DockerDaemonConfig -Path ./d2.json -CertPath ./ca-only -CertDestination ./etc -SystemdRoot ./no-systemd -Confirm:$false } }
        @{ Cmdlet = 'Set-DockerDaemonConfig'; Case = 'the hosts conflict'; Run = { Set-DockerDaemonConfig -Path ./d3.json -CertPath ./kit/server -CertDestination ./etc -SystemdRoot ./debian -Confirm:$false } }
        @{ Cmdlet = 'Set-DockerDaemonConfig'; Case = 'only some TLS files'; Run = { Set-DockerDaemonConfig -Path ./d4.json -TlsCert ./kit/server/server-cert.pem -SystemdRoot ./no-systemd -Confirm:$false } }
        @{ Cmdlet = 'New-DockerSystemdUnit'; Case = 'the drop-in exists'; Run = { New-DockerSystemdUnit -Kind Socket -Port 2376 -SystemdRoot ./units -Confirm:$false | Out-Null; New-DockerSystemdUnit -Kind Socket -Port 2377 -SystemdRoot ./units -Confirm:$false } }
        @{ Cmdlet = 'Test-DockerTlsConnection'; Case = 'host and context'; Run = { Test-DockerTlsConnection -DockerHost tcp://docker1:2376 -Context prod } }
        @{ Cmdlet = 'Test-DockerTlsConnection'; Case = 'no such context'; Run = { Test-DockerTlsConnection -Context nosuch } }
        @{ Cmdlet = 'Test-DockerTlsConnection'; Case = 'nothing to test'; Run = { Test-DockerTlsConnection } }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    $script:saved = @{}
    foreach ($variable in 'HOME', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT', 'DOCKER_TLS') {
        $saved[$variable] = [Environment]::GetEnvironmentVariable($variable)
        Remove-Item "Env:$variable" -ErrorAction Ignore
    }
    $env:HOME = Join-Path $TestDrive 'home'
    $env:DOCKER_CONFIG = Join-Path $TestDrive 'home/.docker'
    New-Item -ItemType Directory -Force $env:DOCKER_CONFIG | Out-Null

    Push-Location $TestDrive
    Initialize-DockerTls -OutputPath ./kit -DnsName localhost -KeyAlgorithm ECDSA 6>$null | Out-Null
    New-DockerCA -OutputPath ./locked -KeyAlgorithm ECDSA -Passphrase (ConvertTo-SecureString 'right' -AsPlainText) | Out-Null
    New-DockerClientCert -CAPath ./kit/ca -OutputPath ./other-client -CommonName other -KeyAlgorithm ECDSA | Out-Null
    New-Item -ItemType Directory ./ca-only, ./server-as-client, ./mismatch, ./no-systemd | Out-Null
    Copy-Item ./kit/ca/ca.pem ./ca-only/
    Copy-Item ./kit/ca/ca.pem ./server-as-client/; Copy-Item ./kit/server/server-cert.pem ./server-as-client/cert.pem; Copy-Item ./kit/server/server-key.pem ./server-as-client/key.pem
    Copy-Item ./kit/client/ca.pem, ./kit/client/cert.pem ./mismatch/; Copy-Item ./other-client/key.pem ./mismatch/key.pem
    Set-Content ./bad.json '{"hosts": [,]}'
    # A Debian-style docker.service that passes -H fd://.
    New-Item -ItemType Directory -Force ./debian/lib/systemd/system | Out-Null
    Set-Content ./debian/lib/systemd/system/docker.service "[Service]`nExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock"
    Pop-Location

    # Cmdlet names by class (the suffix of FullyQualifiedErrorId), and parameter names by cmdlet.
    $script:byClass = @{}
    foreach ($command in Get-Command -Module DockerTls) { $byClass[$command.ImplementingType.FullName] = $command.Name }
    $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

AfterAll {
    foreach ($variable in $saved.Keys) {
        if ($null -eq $saved[$variable]) { Remove-Item "Env:$variable" -ErrorAction Ignore } else { Set-Item "Env:$variable" $saved[$variable] }
    }
}

Describe 'Error messages' {
    It '<Cmdlet>, <Case>: every -Word in the message is a parameter of <Cmdlet> or of a cmdlet it names' -ForEach $triggers {
        Push-Location $TestDrive
        try {
            $record = $null
            try {
                $ErrorActionPreference = 'Stop'
                & $Run | Out-Null
            } catch {
                $record = $_
            } finally {
                $ErrorActionPreference = 'Continue'
            }
        } finally {
            Pop-Location
        }
        $record | Should -Not -BeNullOrEmpty -Because "the case must make $Cmdlet fail"
        $id, $class = $record.FullyQualifiedErrorId -split ',', 2
        $byClass[$class] | Should -Be $Cmdlet -Because "the error ($($record.FullyQualifiedErrorId): $($record.Exception.Message)) comes from $Cmdlet"
        # Quoted text ('...') is the user's own input or a path, not a parameter the message points to.
        $message = "$($record.Exception.Message) $($record.ErrorDetails.Message)" -replace "'[^']*'", "''"
        $allowed = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
        $named = @($Cmdlet) + @([regex]::Matches($message, '\b(Get|Set|New|Read|Remove|Install|Uninstall|Initialize|Test|Clear|Import|ConvertTo)-[A-Z][A-Za-z]+\b') | ForEach-Object Value)
        foreach ($name in $named | Select-Object -Unique) {
            $command = Get-Command $name -CommandType Cmdlet, Function -ErrorAction Ignore
            $command | Should -Not -BeNullOrEmpty -Because "the message names $name"
            foreach ($parameter in $command.Parameters.Values) { [void] $allowed.Add($parameter.Name); foreach ($alias in $parameter.Aliases) { [void] $allowed.Add($alias) } }
        }
        foreach ($word in [regex]::Matches($message, '(?<![\w/.:-])-([A-Za-z][A-Za-z]+)\b') | ForEach-Object { $_.Groups[1].Value }) {
            $allowed.Contains($word) | Should -BeTrue -Because "'$id' from $Cmdlet says -$word, which neither $($named -join ' nor ') has: $message"
        }
    }
}
