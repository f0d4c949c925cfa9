#requires -Version 7.0
# Pipelines that compose (issue 13): only a CA-kind certificate binds to -CA; a server or client certificate
# coming down the pipeline binds to nothing, so that leaves can later flow as items. openssl is the oracle.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/StrictPeers.psm1') -Force

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
        $strict = Test-Strict $ca.Path $issued.Path sslserver
        $strict.ExitCode | Should -Be 0 -Because $strict.Output
    }

    It 'takes only the CA of a folder that also holds a leaf, and says why the leaf did not bind' {
        $mixed = Join-Path $TestDrive 'mixed'
        New-DockerCA -OutputPath $mixed -KeyAlgorithm ECDSA | New-DockerClientCert -OutputPath $mixed -KeyAlgorithm ECDSA | Out-Null
        (Get-DockerCertificate $mixed).Kind | Sort-Object | Should -Be @('CA', 'Client')
        $out = Join-Path $TestDrive 'from-mixed'
        $issued = Get-DockerCertificate $mixed | New-DockerServerCert -DnsName web2.example.com -OutputPath $out -KeyAlgorithm ECDSA -ErrorVariable problems -ErrorAction SilentlyContinue
        @($issued).Count | Should -Be 1
        $strict = Test-Strict (Join-Path $mixed 'ca.pem') $issued.Path sslserver
        $strict.ExitCode | Should -Be 0 -Because $strict.Output
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

Describe 'A bad CA under a pipeline of rows' {
    # One bad row among many is an error and the rest go on; a CA that cannot issue fails every row alike, so the
    # command ends on it once. No list of "CA" ids in the cmdlet decides that: every failure to load the CA does.
    BeforeAll {
        $script:rows = 'r1.example.com', 'r2.example.com', 'r3.example.com' | ForEach-Object { [pscustomobject] @{ DnsName = $_; CommonName = $_ } }
        $script:locked = Join-Path $TestDrive 'locked-ca'
        New-DockerCA -OutputPath $locked -KeyAlgorithm ECDSA -Passphrase (ConvertTo-SecureString 'right' -AsPlainText -Force) | Out-Null

        # The rows through New-DockerServerCert: the terminating error (or null) and the errors written.
        function Invoke-Rows([hashtable] $Parameters) {
            $caught = $null
            try { $rows | New-DockerServerCert @Parameters -KeyAlgorithm ECDSA -ErrorVariable rowErrors -ErrorAction SilentlyContinue | Out-Null }
            catch { $caught = $_ }
            [pscustomobject] @{ Terminating = $caught; Errors = @($rowErrors) }
        }
    }

    It 'ends the command once on a wrong CA passphrase (CAPassphraseWrong), writing no row' {
        $out = Join-Path $TestDrive 'rows-wrong-passphrase'
        $wrong = ConvertTo-SecureString 'nope' -AsPlainText -Force
        $run = Invoke-Rows @{ CAPath = $locked; CAPassphrase = $wrong; OutputPath = $out }
        $run.Terminating.FullyQualifiedErrorId | Should -Be 'CAPassphraseWrong,DockerTls.Commands.NewDockerServerCertCommand'
        $run.Errors.Count | Should -Be 1
        Test-Path $out | Should -BeFalse
    }

    It 'ends the command once on a ca.pem that holds no certificate (CertificateInvalid), writing no row' {
        $broken = Join-Path $TestDrive 'broken-ca'
        New-Item -ItemType Directory $broken | Out-Null
        Set-Content -Path (Join-Path $broken 'ca.pem') -Value "-----BEGIN CERTIFICATE-----`nnot base64`n-----END CERTIFICATE-----"
        $out = Join-Path $TestDrive 'rows-broken-ca'
        $run = Invoke-Rows @{ CAPath = $broken; OutputPath = $out }
        $run.Terminating.FullyQualifiedErrorId | Should -Be 'CertificateInvalid,DockerTls.Commands.NewDockerServerCertCommand'
        $run.Errors.Count | Should -Be 1
        Test-Path $out | Should -BeFalse
    }

    It 'goes on after a bad row when the CA is good (InvalidDnsName for that row only)' {
        $out = Join-Path $TestDrive 'rows-one-bad'
        $mixedRows = @($rows[0], [pscustomobject] @{ DnsName = 'bad name!'; CommonName = 'bad' }, $rows[2])
        $issued = $mixedRows | New-DockerServerCert -CAPath $caFolder -OutputPath $out -KeyAlgorithm ECDSA -ErrorVariable rowErrors -ErrorAction SilentlyContinue
        $issued.CommonName | Should -Be @('r1.example.com', 'r3.example.com')
        $rowErrors.Count | Should -Be 1
        $rowErrors[0].FullyQualifiedErrorId | Should -Be 'InvalidDnsName,DockerTls.Commands.NewDockerServerCertCommand'
    }
}
