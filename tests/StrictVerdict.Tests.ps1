#requires -Version 7.0
# The one certificate verdict (issues 12.6, 15.7, 17.2): certificates made by openssl alone, one fault each, judged by
# the strict peers in the same test (openssl verify -x509_strict at security level 2, Python's ssl with
# VERIFY_X509_STRICT over an in-memory handshake), and by the real docker CLI against a real dockerd where Docker's own
# verdict is the point. Get-DockerCertificate's ChainValid must agree with the strict peers, and its findings name the
# fault by id.

BeforeDiscovery {
    $script:canRunDockerd = $IsLinux -and ((& id -u) -eq '0') -and [bool] (Get-Command dockerd -ErrorAction SilentlyContinue)
    # Name: the folder New-StrictTestCertificates.sh makes; Oracle: what openssl and Python say (OK or their message);
    # Ids: findings Get-DockerCertificate must report for server-cert.pem.
    $script:table = @(
        @{ Name = 'good'; Oracle = 'OK'; Ids = @() }
        @{ Name = 'chained'; Oracle = 'OK'; Ids = @() }
        @{ Name = 'recipe'; Oracle = 'CA cert does not include key usage extension'; Ids = @('CAKeyUsageMissing') }
        @{ Name = 'nocertsign'; Oracle = 'invalid CA certificate'; Ids = @('CAKeyCertSignMissing') }
        @{ Name = 'notca'; Oracle = 'invalid CA certificate'; Ids = @('IssuerNotCA') }
        @{ Name = 'bcnoncritical'; Oracle = 'Basic Constraints of CA cert not marked critical'; Ids = @('CABasicConstraintsNotCritical') }
        @{ Name = 'noski'; Oracle = 'Missing (Subject|Authority) Key Identifier'; Ids = @('CASubjectKeyIdentifierMissing', 'AuthorityKeyIdentifierMissing') }
        @{ Name = 'noaki'; Oracle = 'Missing Authority Key Identifier'; Ids = @('AuthorityKeyIdentifierMissing') }
        @{ Name = 'pathlen'; Oracle = 'path length constraint exceeded'; Ids = @('PathLengthExceeded') }
        @{ Name = 'sha1'; Oracle = 'CA signature digest algorithm too weak'; Ids = @('WeakSignatureAlgorithm') }
        @{ Name = 'rsa1024'; Oracle = 'EE certificate key too weak'; Ids = @('WeakKey') }
        @{ Name = 'expired'; Oracle = 'certificate has expired'; Ids = @('CertificateExpired') }
        @{ Name = 'notyet'; Oracle = 'certificate is not yet valid'; Ids = @('CertificateNotYetValid') }
        # A chain the strict peers accept (they do not check host names here), but no name for Go to match.
        @{ Name = 'nosan'; Oracle = 'OK'; Ids = @('SubjectAltNameMissing') }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/StrictPeers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/TestDockerd.psm1') -Force

    $script:certs = Join-Path $TestDrive 'table'
    & bash (Join-Path $PSScriptRoot 'Support/New-StrictTestCertificates.sh') $certs
    if ($LASTEXITCODE -ne 0) { throw 'New-StrictTestCertificates.sh failed' }

    # openssl verify -x509_strict at OpenSSL's security level 2 (Debian's default, which Python and curl apply), the
    # certificates after the leaf in its file offered as intermediates: OK or the first error's words.
    function Invoke-OpenSslStrict([string] $Folder, [string] $Cert = 'server-cert.pem', [string] $Purpose = 'sslserver') {
        $path = Join-Path $Folder $Cert
        $result = Test-Strict -CAFile (Join-Path $Folder 'ca.pem') -CertFile $path -Purpose $Purpose -AuthLevel 2 -Untrusted $path
        if ($result.ExitCode -eq 0) { return 'OK' }
        $line = @($result.Output -split "`n" | Where-Object { $_ -match '^error \d+ at \d+ depth lookup: ' })[0]
        return ("$line" -replace '^error \d+ at \d+ depth lookup: ', '')
    }

    # Python's ssl, VERIFY_X509_STRICT, as the client of a handshake with a server presenting the folder's server files.
    function Invoke-PythonStrict([string] $Folder) {
        $result = Test-Python -CAFile (Join-Path $Folder 'ca.pem') -CertFile (Join-Path $Folder 'server-cert.pem') -KeyFile (Join-Path $Folder 'server-key.pem')
        return (($result.Output -split "`n") -join ' ').Trim()
    }

    function Invoke-DockerVersion([string] $DockerHost, [string] $CertPath) {
        Invoke-TestDocker -ArgumentList 'version', '--format', '{{.Server.Version}}' -DockerHost $DockerHost -CertPath $CertPath `
            -Environment @{ DOCKER_CONFIG = (Join-Path $TestDrive 'cli-config') } -TimeoutSec 30
    }
}

Describe 'Get-DockerCertificate: ChainValid is what strict verifiers decide' {
    It '<Name>: openssl -x509_strict and Python say "<Oracle>"; ChainValid and the findings agree' -ForEach $table {
        $folder = Join-Path $certs $Name
        $openssl = Invoke-OpenSslStrict $folder
        $python = Invoke-PythonStrict $folder
        $openssl | Should -Match "^($Oracle)$"
        $python | Should -Match "^($Oracle)$"
        $strictOk = $openssl -eq 'OK' -and $python -eq 'OK'

        $certificate = Get-DockerCertificate (Join-Path $folder 'server-cert.pem')
        $certificate.ChainValid | Should -Be $strictOk
        $certificate.ChainCAPath | Should -Be (Join-Path $folder 'ca.pem')
        # (PowerShell's names are case-insensitive: $found, not $ids, beside the table's $Ids.)
        $found = @($certificate.Findings | ForEach-Object Id)
        foreach ($id in $Ids) { $found | Should -Contain $id }
        if ($Ids.Count -eq 0) { $found | Should -BeNullOrEmpty }
        # A finding breaks the chain exactly when the strict peers refuse it.
        [bool] @($certificate.Findings | Where-Object BreaksChain).Count | Should -Be (-not $strictOk)
        foreach ($finding in $certificate.Findings) {
            $finding.Severity | Should -BeIn @('Error', 'Warning')
            $finding.Message | Should -Match '(New|Update)-Docker\w+'
        }
    }

    It 'judges the recipe''s ca.pem alone as openssl does (a trust anchor alone holds), and still names its fault' {
        $folder = Join-Path $certs 'recipe'
        Invoke-OpenSslStrict $folder -Cert 'ca.pem' -Purpose any | Should -Be 'OK'
        $ca = Get-DockerCertificate (Join-Path $folder 'ca.pem')
        $ca.Kind | Should -Be 'CA'
        $ca.ChainValid | Should -BeTrue
        $finding = $ca.Findings | Where-Object Id -eq 'CAKeyUsageMissing'
        $finding.Severity | Should -Be 'Warning'
        $finding.BreaksChain | Should -BeFalse
        $finding.Message | Should -BeLike '*refuse every certificate it issued*Update-DockerCertificate*'
    }

    It 'passes a kit of its own without a finding, as openssl and Python do' {
        $kit = Join-Path $TestDrive 'kit'
        Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null
        Invoke-OpenSslStrict (Join-Path $kit 'server') | Should -Be 'OK'
        Invoke-PythonStrict (Join-Path $kit 'server') | Should -Be 'OK'
        foreach ($certificate in Get-DockerCertificate (Join-Path $kit 'server'), (Join-Path $kit 'client')) {
            $certificate.ChainValid | Should -BeTrue
            $certificate.Findings | Should -BeNullOrEmpty
        }
    }

    It 'shows the findings in the list view' {
        $text = Get-DockerCertificate (Join-Path $certs 'nocertsign/server-cert.pem') | Format-List | Out-String -Width 200
        $text | Should -Match 'Findings\s+: CAKeyCertSignMissing \(Error\)'
    }
}

Describe 'A CA whose keyUsage lacks keyCertSign' {
    It 'is refused by New-DockerServerCert and New-DockerClientCert with CACannotSign, nothing written' {
        $ca = Join-Path $certs 'nocertsign'
        $out = Join-Path $TestDrive 'from-nocertsign'
        { New-DockerServerCert -CAPath $ca -DnsName localhost -OutputPath $out -KeyAlgorithm ECDSA } |
            Should -Throw -ErrorId 'CACannotSign,DockerTls.Commands.NewDockerServerCertCommand' -ExpectedMessage '*keyCertSign*New-DockerCA*'
        { New-DockerClientCert -CAPath $ca -OutputPath $out -KeyAlgorithm ECDSA } |
            Should -Throw -ErrorId 'CACannotSign,DockerTls.Commands.NewDockerClientCertCommand'
        Test-Path $out | Should -BeFalse
    }

    It 'lets New-DockerServerCert issue from the recipe''s CA (Docker accepts it), warning once that strict verifiers refuse it' {
        $out = Join-Path $TestDrive 'from-recipe'
        $issued = New-DockerServerCert -CAPath (Join-Path $certs 'recipe') -DnsName localhost -IPAddress 127.0.0.1 -OutputPath $out -KeyAlgorithm ECDSA `
            -WarningVariable warnings -WarningAction SilentlyContinue
        $issued.Kind | Should -Be 'Server'
        @($warnings | Where-Object { "$_" -like 'CAKeyUsageMissing: *' }) | Should -HaveCount 1
        & openssl verify -purpose sslserver -CAfile (Join-Path $out 'ca.pem') (Join-Path $out 'server-cert.pem') 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        Invoke-OpenSslStrict $out | Should -Be 'CA cert does not include key usage extension'
    }

    It 'makes Install-DockerClientCert refuse its client certificate, naming the finding' {
        $destination = Join-Path $TestDrive 'installed-nocertsign'
        { Install-DockerClientCert -Path (Join-Path $certs 'nocertsign/client') -Destination $destination } |
            Should -Throw -ErrorId 'ClientCertificateInvalid,DockerTls.Commands.InstallDockerClientCertCommand' -ExpectedMessage '*CAKeyCertSignMissing*'
        Test-Path $destination | Should -BeFalse
    }

    It 'leaves the recipe''s client certificate installable and usable in a context (Docker accepts it), with its finding as a warning' {
        $destination = Join-Path $TestDrive 'installed-recipe'
        $installed = Install-DockerClientCert -Path (Join-Path $certs 'recipe/client') -Destination $destination -WarningVariable warnings -WarningAction SilentlyContinue
        Test-Path (Join-Path $destination 'cert.pem') | Should -BeTrue
        $installed.Findings.Id | Should -Contain 'CAKeyUsageMissing'
        "$warnings" | Should -BeLike '*CAKeyUsageMissing: *Python 3.13*Update-DockerCertificate*'
        $savedConfig = $env:DOCKER_CONFIG
        $env:DOCKER_CONFIG = Join-Path $TestDrive 'context-config'
        try {
            New-DockerContext -Name recipe -DockerHost tcp://127.0.0.1:2376 -CertPath (Join-Path $certs 'recipe/client') -WarningVariable contextWarnings -WarningAction SilentlyContinue | Out-Null
        } finally {
            if ($null -eq $savedConfig) { Remove-Item Env:DOCKER_CONFIG } else { $env:DOCKER_CONFIG = $savedConfig }
        }
        "$contextWarnings" | Should -BeLike '*CAKeyUsageMissing: *'
    }
}

Describe 'Set-DockerDaemonConfig and Get-DockerDaemonConfig name the real cause first' {
    BeforeAll {
        $script:emptyRoot = Join-Path $TestDrive 'systemd-empty'
        New-Item -ItemType Directory -Force $emptyRoot | Out-Null
    }

    It 'an expired server certificate is expired (on its date), not from another CA' {
        $folder = Join-Path $TestDrive 'daemon-expired'
        New-Item -ItemType Directory $folder | Out-Null
        $path = Join-Path $folder 'daemon.json'
        $thrown = { Set-DockerDaemonConfig -Path $path -CertPath (Join-Path $certs 'expired') -CertDestination (Join-Path $folder 'certs') -SystemdRoot $emptyRoot } |
            Should -Throw -ErrorId 'ServerCertificateInvalid,DockerTls.Commands.SetDockerDaemonConfigCommand' -PassThru
        $thrown.Exception.Message | Should -BeLike '*expired on 2020-02-01 00:00 UTC*'
        $thrown.Exception.Message | Should -Not -BeLike '*not signed*'
        @(Get-ChildItem -Force $folder) | Should -BeNullOrEmpty

        $expired = Join-Path $certs 'expired'
        [IO.File]::WriteAllText($path, (@{ tlsverify = $true; tlscacert = "$expired/ca.pem"; tlscert = "$expired/server-cert.pem"; tlskey = "$expired/server-key.pem"; hosts = @('unix:///var/run/docker.sock', 'tcp://127.0.0.1:2376') } | ConvertTo-Json))
        $report = Get-DockerDaemonConfig -Path $path -SystemdRoot $emptyRoot
        $first = $report.Problems | Where-Object FindingId | Select-Object -First 1
        $first.Id | Should -Be 'ServerCertificateInvalid'
        $first.FindingId | Should -Be 'CertificateExpired'
        $first.Message | Should -BeLike '*expired on 2020-02-01 00:00 UTC*'
        $report.Problems.FindingId | Should -Not -Contain 'IssuerNotFound'
    }

    It 'a server certificate not yet valid says so, with its date' {
        $folder = Join-Path $TestDrive 'daemon-notyet'
        New-Item -ItemType Directory $folder | Out-Null
        { Set-DockerDaemonConfig -Path (Join-Path $folder 'daemon.json') -CertPath (Join-Path $certs 'notyet') -CertDestination (Join-Path $folder 'certs') -SystemdRoot $emptyRoot } |
            Should -Throw -ErrorId 'ServerCertificateInvalid,DockerTls.Commands.SetDockerDaemonConfigCommand' -ExpectedMessage '*not valid before 2099-01-01 00:00 UTC*'
    }

    It 'a CA that may not sign stops Set-DockerDaemonConfig; the recipe''s CA only warns' {
        $folder = Join-Path $TestDrive 'daemon-cas'
        New-Item -ItemType Directory $folder | Out-Null
        { Set-DockerDaemonConfig -Path (Join-Path $folder 'a.json') -CertPath (Join-Path $certs 'nocertsign') -CertDestination (Join-Path $folder 'a') -SystemdRoot $emptyRoot } |
            Should -Throw -ErrorId 'ServerCertificateInvalid,DockerTls.Commands.SetDockerDaemonConfigCommand' -ExpectedMessage '*parent certificate cannot sign*'
        Set-DockerDaemonConfig -Path (Join-Path $folder 'b.json') -CertPath (Join-Path $certs 'recipe') -CertDestination (Join-Path $folder 'b') -SystemdRoot $emptyRoot `
            -DockerHost 'tcp://127.0.0.1:2376' -WarningVariable warnings -WarningAction SilentlyContinue 6>$null | Out-Null
        Test-Path (Join-Path $folder 'b.json') | Should -BeTrue
        "$warnings" | Should -BeLike '*CA cert does not include key usage extension*'
    }
}

Describe 'Test-DockerTlsConnection judges the chain as the docker CLI does' -Skip:(-not $canRunDockerd) {
    BeforeAll {
        $script:noCertSign = Start-TestTlsDockerd -CertPath (Join-Path $certs 'nocertsign')
        $script:sha1 = Start-TestTlsDockerd -CertPath (Join-Path $certs 'sha1')
        $script:recipe = Start-TestTlsDockerd -CertPath (Join-Path $certs 'recipe')
    }

    AfterAll {
        foreach ($d in $noCertSign, $sha1, $recipe) { if ($d) { Stop-TestDockerd $d } }
    }

    It 'a CA without keyCertSign: the docker CLI fails, and so does the test (InvalidCertificateAuthority)' {
        $client = Join-Path $certs 'nocertsign/client'
        $cli = Invoke-DockerVersion $noCertSign.DockerHost $client
        $cli.ExitCode | Should -Not -Be 0
        $cli.StdErr | Should -Match 'parent certificate cannot sign this kind of certificate'
        $result = Test-DockerTlsConnection -DockerHost $noCertSign.DockerHost -CertPath $client -TimeoutSec 10
        $result.Success | Should -BeFalse
        $result.Failure | Should -Be 'InvalidCertificateAuthority'
        $result.Diagnosis | Should -BeLike '*CAKeyCertSignMissing*'
        $result.ServerCertificate.ChainValid | Should -BeFalse
        $result.ServerCertificate.Findings.Id | Should -Contain 'CAKeyCertSignMissing'
    }

    It 'a SHA-1 server certificate: the docker CLI fails, and so does the test (InsecureAlgorithm)' {
        $client = Join-Path $certs 'sha1/client'
        $cli = Invoke-DockerVersion $sha1.DockerHost $client
        $cli.ExitCode | Should -Not -Be 0
        $cli.StdErr | Should -Match 'insecure algorithm'
        $result = Test-DockerTlsConnection -DockerHost $sha1.DockerHost -CertPath $client -TimeoutSec 10
        $result.Success | Should -BeFalse
        $result.Failure | Should -Be 'InsecureAlgorithm'
        $result.Diagnosis | Should -BeLike '*WeakSignatureAlgorithm*'
    }

    It 'the Docker docs recipe: the docker CLI works and so does the test, while the strict verdict is False' {
        $client = Join-Path $certs 'recipe/client'
        $cli = Invoke-DockerVersion $recipe.DockerHost $client
        $cli.ExitCode | Should -Be 0 -Because $cli.StdErr
        $result = Test-DockerTlsConnection -DockerHost $recipe.DockerHost -CertPath $client -TimeoutSec 10
        $result.Success | Should -BeTrue
        $result.ServerCertificate.ChainValid | Should -BeFalse
        $result.ServerCertificate.Findings.Id | Should -Contain 'CAKeyUsageMissing'
        Invoke-PythonStrict (Join-Path $certs 'recipe') | Should -Be 'CA cert does not include key usage extension'
    }
}
