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
