#requires -Version 7.0
# Pipelines that compose (issue 13): only a CA-kind certificate binds to -CA; a server or client certificate
# coming down the pipeline binds to nothing, so that leaves can later flow as items. openssl is the oracle.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force

    function Test-Strict([string] $CAFile, [string] $CertFile, [string] $Purpose) {
        $null = & openssl verify -x509_strict -purpose $Purpose -CAfile $CAFile $CertFile 2>&1
        $LASTEXITCODE
    }

    $script:caFolder = Join-Path $TestDrive 'ca'
    $script:ca = New-DockerCA -OutputPath $caFolder -KeyAlgorithm ECDSA
    $script:serverFolder = Join-Path $TestDrive 'server'
    $script:server = New-DockerServerCert -CAPath $caFolder -DnsName old.example.com -OutputPath $serverFolder -KeyAlgorithm ECDSA
}

Describe 'The CA down the pipeline' {
    It 'takes a CA read back with Get-DockerCertificate ./ca' {
        $out = Join-Path $TestDrive 'from-read-ca'
        $issued = Get-DockerCertificate $caFolder | New-DockerServerCert -DnsName web1.example.com -OutputPath $out -KeyAlgorithm ECDSA
        $issued.Kind | Should -Be 'Server'
        $issued.DnsNames | Should -Be @('web1.example.com')
        Test-Strict $ca.Path $issued.Path sslserver | Should -Be 0
    }

    It 'takes only the CA of a folder that also holds a leaf, and says why the leaf did not bind' {
        $mixed = Join-Path $TestDrive 'mixed'
        New-DockerCA -OutputPath $mixed -KeyAlgorithm ECDSA | New-DockerClientCert -OutputPath $mixed -KeyAlgorithm ECDSA | Out-Null
        (Get-DockerCertificate $mixed).Kind | Sort-Object | Should -Be @('CA', 'Client')
        $out = Join-Path $TestDrive 'from-mixed'
        $issued = Get-DockerCertificate $mixed | New-DockerServerCert -DnsName web2.example.com -OutputPath $out -KeyAlgorithm ECDSA -ErrorVariable problems -ErrorAction SilentlyContinue
        @($issued).Count | Should -Be 1
        Test-Strict (Join-Path $mixed 'ca.pem') $issued.Path sslserver | Should -Be 0
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'ParameterArgumentValidationError,DockerTls.Commands.NewDockerServerCertCommand'
        $problems[0].Exception.Message | Should -Match 'client certificate, not a CA\. Pipe a CA \(Get-DockerCertificate \./ca'
    }
}

Describe 'A leaf down the pipeline' {
    It 'does not bind a server certificate as the CA of New-DockerServerCert: a validation error that names the way out, nothing written' {
        $out = Join-Path $TestDrive 'leaf-as-ca'
        $err = $null
        try { Get-DockerCertificate (Join-Path $serverFolder 'server-cert.pem') | New-DockerServerCert -DnsName web3.example.com -OutputPath $out -KeyAlgorithm ECDSA -ErrorAction Stop }
        catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ParameterArgumentValidationError,DockerTls.Commands.NewDockerServerCertCommand'
        $err.Exception.Message | Should -Match "Cannot validate argument on parameter 'CA'"
        $err.Exception.Message | Should -Match 'server certificate, not a CA\. Pipe a CA \(Get-DockerCertificate \./ca or New-DockerCA\) or give -CAPath'
        Test-Path $out | Should -BeFalse
    }

    It 'takes the copy of ca.pem in a server folder as the CA, and ends on its missing key before the leaf' {
        $out = Join-Path $TestDrive 'server-folder'
        { Get-DockerCertificate $serverFolder | New-DockerServerCert -DnsName web5.example.com -OutputPath $out -KeyAlgorithm ECDSA -ErrorAction Stop } |
            Should -Throw -ErrorId 'CAKeyNotFound,DockerTls.Commands.NewDockerServerCertCommand'
        Test-Path $out | Should -BeFalse
    }

    It 'does not bind a server certificate as the CA of New-DockerClientCert either' {
        $out = Join-Path $TestDrive 'leaf-as-ca-client'
        { $server | New-DockerClientCert -OutputPath $out -KeyAlgorithm ECDSA -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,DockerTls.Commands.NewDockerClientCertCommand'
        Test-Path $out | Should -BeFalse
    }

    It 'refuses a leaf given as -CA on the command line the same way' {
        $out = Join-Path $TestDrive 'leaf-by-name'
        { New-DockerServerCert -CA $server -DnsName web4.example.com -OutputPath $out -KeyAlgorithm ECDSA -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,DockerTls.Commands.NewDockerServerCertCommand'
        Test-Path $out | Should -BeFalse
    }
}
