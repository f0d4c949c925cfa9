#requires -Version 7.0
# Certificates over their whole life (issue 15): leaves that survive a CA renewal, the CA's inventory, renewal
# with Update-DockerCertificate, and contexts that follow. Checked with real peers: openssl -x509_strict,
# Python's ssl, and the real docker CLI against a real dockerd.

BeforeDiscovery {
    $script:canRunDockerd = $IsLinux -and ((& id -u) -eq '0') -and [bool] (Get-Command dockerd -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force

    function Invoke-OpenSsl {
        $output = & openssl @args 2>&1
        [pscustomobject] @{ ExitCode = $LASTEXITCODE; Output = ($output -join "`n") }
    }

    function Test-Strict([string] $CAFile, [string] $CertFile, [string] $Purpose) {
        Invoke-OpenSsl verify -x509_strict -purpose $Purpose -CAfile $CAFile $CertFile
    }

    # Python's ssl (strict flags) in a TLS handshake with the server certificate, trusting CAFile.
    function Test-Python([string] $CAFile, [string] $CertFile, [string] $KeyFile, [string] $HostName) {
        $output = & python3 (Join-Path $PSScriptRoot 'Support/verify_with_python.py') $CAFile $CertFile $KeyFile $HostName 2>&1
        [pscustomobject] @{ ExitCode = $LASTEXITCODE; Output = ($output -join "`n") }
    }

    # The CA certificate renewed by openssl with the same key and name: a new serial, new dates, the strict profile.
    function Step-CAWithOpenSsl([string] $Folder, [string] $CommonName) {
        $renewed = Join-Path $Folder 'ca-renewed.pem'
        $result = Invoke-OpenSsl req -new -x509 -key (Join-Path $Folder 'ca-key.pem') -subj "/CN=$CommonName" -days 30 -out $renewed `
            -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' -addext 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $renewed
    }
}

Describe 'Leaves survive a CA renewal (key identifier only in the AKI)' {
    BeforeAll {
        $ca = Join-Path $TestDrive 'ca'
        New-DockerCA -CommonName 'Fleet CA' -OutputPath $ca -KeyAlgorithm ECDSA | Out-Null
        New-DockerServerCert -CAPath $ca -DnsName localhost -OutputPath (Join-Path $TestDrive 'server') -KeyAlgorithm ECDSA | Out-Null
        New-DockerClientCert -CAPath $ca -CommonName alice -OutputPath (Join-Path $TestDrive 'client') -KeyAlgorithm ECDSA | Out-Null
        $renewed = Step-CAWithOpenSsl $ca 'Fleet CA'
    }

    It 'gives a renewed CA certificate a serial of its own' {
        (Invoke-OpenSsl x509 -noout -serial -in $renewed).Output | Should -Not -Be (Invoke-OpenSsl x509 -noout -serial -in (Join-Path $ca 'ca.pem')).Output
    }

    It 'carries only the key identifier in the leaves'' AKI' {
        $text = (Invoke-OpenSsl x509 -noout -ext authorityKeyIdentifier -in (Join-Path $TestDrive 'server/server-cert.pem')).Output
        $text | Should -Not -Match 'DirName|serial'
    }

    It 'keeps the earlier server certificate valid under openssl -x509_strict' {
        $result = Test-Strict $renewed (Join-Path $TestDrive 'server/server-cert.pem') sslserver
        $result.Output | Should -Match ': OK$'
    }

    It 'keeps the earlier client certificate valid under openssl -x509_strict' {
        $result = Test-Strict $renewed (Join-Path $TestDrive 'client/cert.pem') sslclient
        $result.Output | Should -Match ': OK$'
    }

    It 'keeps the earlier server certificate valid for Python''s ssl' {
        $result = Test-Python $renewed (Join-Path $TestDrive 'server/server-cert.pem') (Join-Path $TestDrive 'server/server-key.pem') localhost
        $result.Output | Should -Be 'ok'
    }
}

Describe 'The CA''s inventory' {
    BeforeAll {
        $kit = Join-Path $TestDrive 'kit'
        Initialize-DockerTls -OutputPath $kit -DnsName localhost -KeyAlgorithm ECDSA 6>$null | Out-Null
        $ca = Join-Path $kit 'ca'
        $inventory = Join-Path $ca 'ca-inventory.jsonl'
    }

    It 'records the kit''s CA, server and client, each with its file, serial and fingerprint' {
        $records = Get-Content $inventory | ConvertFrom-Json
        $records.kind | Should -Be @('CA', 'Server', 'Client')
        $records[1].path | Should -Be (Join-Path $kit 'server/server-cert.pem')
        $records[1].dnsNames | Should -Be @('localhost')
        $records[1].keyAlgorithm | Should -Be 'ECDSA P-256'
        $opensslSerial = ((Invoke-OpenSsl x509 -noout -serial -in (Join-Path $kit 'server/server-cert.pem')).Output -replace '^serial=', '').TrimStart('0')
        $records[1].serial | Should -Be $opensslSerial
        $fingerprint = (Invoke-OpenSsl x509 -noout -fingerprint -sha256 -in (Join-Path $kit 'client/cert.pem')).Output -replace '^.*Fingerprint=', ''
        $records[2].sha256 | Should -Be $fingerprint
        $records | ForEach-Object { $_.revoked | Should -BeFalse }
    }

    It 'never holds a key, and is readable by people (mode 0644)' {
        Get-Content -Raw $inventory | Should -Not -Match 'PRIVATE KEY'
        (& stat -c '%a' $inventory).Trim() | Should -Be '644'
    }

    It 'adds a record for each certificate of a pipeline, and lists them with Get-DockerCertificate -IssuedBy' {
        $hosts = 1..12 | ForEach-Object { [pscustomobject] @{ DnsName = "web$_.example.com" } }
        $hosts | New-DockerServerCert -CAPath $ca -OutputPath (Join-Path $TestDrive 'fleet') -KeyAlgorithm ECDSA | Out-Null
        New-DockerClientCert -CAPath (Join-Path $ca 'ca.pem') -CommonName bob -OutputPath (Join-Path $TestDrive 'bob') -KeyAlgorithm ECDSA | Out-Null
        $listed = Get-DockerCertificate -IssuedBy $ca
        $listed.Count | Should -Be 16
        ($listed | Where-Object CommonName -Like 'web*').Count | Should -Be 12
        $bob = $listed | Where-Object CommonName -EQ bob
        $bob.Path | Should -Be (Join-Path $TestDrive 'bob/cert.pem')
        $bob.DaysRemaining | Should -BeIn 364, 365
        $bob.Revoked | Should -BeFalse
    }

    It 'keeps every record when two processes issue from the same CA at once' {
        $module = Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1'
        $before = @(Get-Content $inventory).Count
        $pwsh = (Get-Process -Id $PID).Path
        $runs = 1..2 | ForEach-Object {
            $script = "Import-Module '$module'; 1..40 | ForEach-Object { [pscustomobject] @{ CommonName = 'p$_-' + `$_ } } | New-DockerClientCert -CAPath '$ca' -OutputPath '$(Join-Path $TestDrive "race$_")' -KeyAlgorithm ECDSA | Out-Null"
            $arguments = if ($pwsh -match 'dotnet$') { @('pwsh', '-NoProfile', '-Command', $script) } else { @('-NoProfile', '-Command', $script) }
            Start-Process -FilePath $pwsh -ArgumentList $arguments -PassThru -NoNewWindow
        }
        $runs | ForEach-Object { $_.WaitForExit(120000) | Should -BeTrue; $_.ExitCode | Should -Be 0 }
        @(Get-Content $inventory).Count | Should -Be ($before + 80)
        (Get-DockerCertificate -IssuedBy $ca | Where-Object CommonName -Like 'p*').Count | Should -Be 80
    }

    It 'lists nothing, without an error, for a CA made before there was an inventory' {
        $old = Join-Path $TestDrive 'oldca'
        New-DockerCA -OutputPath $old -KeyAlgorithm ECDSA | Out-Null
        Remove-Item (Join-Path $old 'ca-inventory.jsonl')
        Get-DockerCertificate -IssuedBy $old -ErrorVariable problems | Should -BeNullOrEmpty
        $problems | Should -BeNullOrEmpty
    }

    It 'says CANotFound for a folder without a CA' {
        Get-DockerCertificate -IssuedBy (Join-Path $TestDrive 'nowhere') -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'CANotFound,DockerTls.Commands.GetDockerCertificateCommand'
    }

    It 'writes no record when the certificate''s files are not written' {
        $before = Get-FileHash $inventory
        { New-DockerClientCert -CAPath $ca -CommonName bob -OutputPath (Join-Path $TestDrive 'bob') -KeyAlgorithm ECDSA } |
            Should -Throw -ErrorId 'KeyFileExists,DockerTls.Commands.NewDockerClientCertCommand'
        (Get-FileHash $inventory).Hash | Should -Be $before.Hash
    }
}
