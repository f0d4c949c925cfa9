#requires -Version 7.0
# A CA whose only fault is its extensions (issue 15, item 7): the Docker docs' openssl recipe makes a CA without
# keyUsage, which openssl -x509_strict and Python 3.13 refuse; another tool may make one whose keyUsage lacks
# keyCertSign. Update-DockerCertificate repairs either with the same key, name and serial, and the leaves it issued
# pass the strict peers (openssl verify -x509_strict, Python's ssl with VERIFY_X509_STRICT) once the new ca.pem is in place.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/StrictPeers.psm1') -Force

    # The recipe of https://docs.docker.com/engine/security/protect-access/, in Folder, with real openssl commands:
    # the CA key RSA 4096, AES-256 encrypted, the CA from `req -new -x509` (openssl's v3_ca: no keyUsage), the leaves signed with
    # an extfile. CAKeyUsage replaces the CA's extensions (e.g. a keyUsage without keyCertSign). A third leaf names
    # the CA by issuer and serial in its AKI (authorityKeyIdentifier=keyid,issuer:always), as older guides do.
    function New-RecipeKit([string] $Folder, [string] $CAKeyUsage) {
        New-Item -ItemType Directory -Force $Folder | Out-Null
        Push-Location $Folder
        try {
            Invoke-OpenSslChecked genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -aes256 -pass pass:recipe -out ca-key.pem
            $caArgs = @('req', '-new', '-x509', '-days', '365', '-key', 'ca-key.pem', '-passin', 'pass:recipe', '-sha256', '-subj', '/CN=recipe CA', '-out', 'ca.pem')
            if ($CAKeyUsage) { $caArgs += '-addext', $CAKeyUsage }
            Invoke-OpenSslChecked @caArgs
            foreach ($leaf in @(
                    @{ Name = 'server'; Cert = 'server-cert.pem'; Key = 'server-key.pem'; Ext = "subjectAltName = DNS:localhost,IP:127.0.0.1`nextendedKeyUsage = serverAuth" },
                    @{ Name = 'client'; Cert = 'cert.pem'; Key = 'key.pem'; Ext = 'extendedKeyUsage = clientAuth' },
                    @{ Name = 'old-style'; Cert = 'old-style-cert.pem'; Key = 'old-style-key.pem'; Ext = "subjectAltName = DNS:localhost`nextendedKeyUsage = serverAuth`nauthorityKeyIdentifier = keyid,issuer:always" })) {
                Invoke-OpenSslChecked genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $leaf.Key
                Invoke-OpenSslChecked req -subj "/CN=$($leaf.Name)" -sha256 -new -key $leaf.Key -out "$($leaf.Name).csr"
                Set-Content -LiteralPath "$($leaf.Name).cnf" -Value $leaf.Ext
                Invoke-OpenSslChecked x509 -req -days 365 -sha256 -in "$($leaf.Name).csr" -CA ca.pem -CAkey ca-key.pem -passin pass:recipe -CAcreateserial -out $leaf.Cert -extfile "$($leaf.Name).cnf"
            }
        } finally { Pop-Location }
    }
    $pass = ConvertTo-SecureString 'recipe' -AsPlainText -Force
}

Describe 'Repairing the Docker docs'' recipe CA (no keyUsage)' {
    BeforeAll {
        $kit = Join-Path $TestDrive 'recipe'
        New-RecipeKit $kit
        $caFile = Join-Path $kit 'ca.pem'
        $before = @{
            Serial = (Invoke-OpenSsl x509 -noout -serial -in $caFile).Output
            Subject = (Invoke-OpenSsl x509 -noout -subject -in $caFile).Output
            PublicKey = (Invoke-OpenSsl x509 -noout -pubkey -in $caFile).Output
            Bytes = [IO.File]::ReadAllBytes($caFile)
        }
        $oldStyleAki = (Invoke-OpenSsl x509 -noout -ext authorityKeyIdentifier -in (Join-Path $kit 'old-style-cert.pem')).Output
        $serverBefore = Get-DockerCertificate (Join-Path $kit 'server-cert.pem') -CAPath $caFile
        $strictBefore = Test-Strict $caFile (Join-Path $kit 'server-cert.pem') sslserver
        $pythonBefore = Test-Python $caFile (Join-Path $kit 'server-cert.pem') (Join-Path $kit 'server-key.pem') localhost
        $wrongError = $null
        try { Update-DockerCertificate $caFile -CAPath $kit -CAPassphrase (ConvertTo-SecureString 'wrong' -AsPlainText -Force) } catch { $wrongError = $_ }
        $afterWrong = [IO.File]::ReadAllBytes($caFile)
        $repaired = Update-DockerCertificate $caFile -CAPath $kit -CAPassphrase $pass -WarningVariable repairWarnings 3>$null
    }

    It 'names the findings of the recipe kit by id, and ChainValid is what a strict verifier decides' {
        $serverBefore.Findings.Id | Should -Contain 'CAKeyUsageMissing'
        $serverBefore.ChainValid | Should -BeFalse
        $strictBefore.ExitCode | Should -Not -Be 0
        $strictBefore.Output | Should -Match 'key usage'
        $pythonBefore.ExitCode | Should -Not -Be 0
    }

    It 'the old-style leaf names the CA by issuer and serial in its AKI' {
        $oldStyleAki | Should -Match 'DirName:/?CN.?=.?recipe CA'
        $oldStyleAki | Should -Match 'serial:'
    }

    It 'says CAPassphraseWrong for a wrong CA passphrase, changing nothing' {
        $wrongError.FullyQualifiedErrorId | Should -Be 'CAPassphraseWrong,DockerTls.Commands.UpdateDockerCertificateCommand'
        $afterWrong | Should -Be $before.Bytes
    }

    It 'repairs the CA without -Force (its extensions make it due), with the same key, name and serial, and says so' {
        $repaired.Kind | Should -Be 'CA'
        (Invoke-OpenSsl x509 -noout -serial -in $caFile).Output | Should -Be $before.Serial
        (Invoke-OpenSsl x509 -noout -subject -in $caFile).Output | Should -Be $before.Subject
        (Invoke-OpenSsl x509 -noout -pubkey -in $caFile).Output | Should -Be $before.PublicKey
        (Invoke-OpenSsl x509 -noout -ext 'keyUsage,basicConstraints' -in $caFile).Output | Should -Match 'critical[\s\S]*Certificate Sign'
        ($repairWarnings -join "`n") | Should -Match 'repaired'
        @(Get-ChildItem (Join-Path $kit 'ca.pem.*.bak')).Count | Should -Be 1
    }

    It 'keeps every leaf valid under openssl verify -x509_strict, the old-style leaf too' {
        (Test-Strict $caFile (Join-Path $kit 'server-cert.pem') sslserver).Output | Should -Match ': OK$'
        (Test-Strict $caFile (Join-Path $kit 'cert.pem') sslclient).Output | Should -Match ': OK$'
        (Test-Strict $caFile (Join-Path $kit 'old-style-cert.pem') sslserver).Output | Should -Match ': OK$'
    }

    It 'passes Python''s ssl with VERIFY_X509_STRICT, and the module''s own verdict' {
        (Test-Python $caFile (Join-Path $kit 'server-cert.pem') (Join-Path $kit 'server-key.pem') localhost).Output | Should -Be 'ok'
        (Test-Python $caFile (Join-Path $kit 'old-style-cert.pem') (Join-Path $kit 'old-style-key.pem') localhost).Output | Should -Be 'ok'
        $after = Get-DockerCertificate (Join-Path $kit 'server-cert.pem') -CAPath $caFile
        $after.Findings.Id | Should -Not -Contain 'CAKeyUsageMissing'
        $after.ChainValid | Should -BeTrue
    }
}

Describe 'Repairing a CA whose keyUsage lacks keyCertSign' {
    BeforeAll {
        $kit = Join-Path $TestDrive 'nosign'
        New-RecipeKit $kit -CAKeyUsage 'keyUsage = critical, digitalSignature'
        $caFile = Join-Path $kit 'ca.pem'
        $findings = (Get-DockerCertificate (Join-Path $kit 'server-cert.pem') -CAPath $caFile).Findings.Id
        $issueError = $null
        try { New-DockerServerCert -CAPath $kit -CAPassphrase $pass -DnsName web -OutputPath (Join-Path $TestDrive 'web') -KeyAlgorithm ECDSA } catch { $issueError = $_ }
        $leafFirst = $null
        $caBytes = [IO.File]::ReadAllBytes($caFile)
        Update-DockerCertificate (Join-Path $kit 'server-cert.pem') -CAPath $kit -CAPassphrase $pass -Force -ErrorVariable leafFirst -ErrorAction SilentlyContinue
        $afterLeafFirst = [IO.File]::ReadAllBytes($caFile)
        $repaired = Update-DockerCertificate $caFile -CAPath $kit -CAPassphrase $pass 3>$null
    }

    It 'names the finding, refuses to issue from it (CACannotSign), and refuses to renew a leaf before the CA (CACannotSign), changing nothing' {
        $findings | Should -Contain 'CAKeyCertSignMissing'
        $issueError.FullyQualifiedErrorId | Should -BeLike 'CACannotSign,*'
        $leafFirst[0].FullyQualifiedErrorId | Should -Be 'CACannotSign,DockerTls.Commands.UpdateDockerCertificateCommand'
        $afterLeafFirst | Should -Be $caBytes
        Test-Path (Join-Path $TestDrive 'web') | Should -BeFalse
    }

    It 'loads it for renewal and repairs it, so that its leaves pass openssl -x509_strict and Python''s ssl' {
        $repaired.Kind | Should -Be 'CA'
        (Test-Strict $caFile (Join-Path $kit 'server-cert.pem') sslserver).Output | Should -Match ': OK$'
        (Test-Strict $caFile (Join-Path $kit 'cert.pem') sslclient).Output | Should -Match ': OK$'
        (Test-Python $caFile (Join-Path $kit 'server-cert.pem') (Join-Path $kit 'server-key.pem') localhost).Output | Should -Be 'ok'
    }

    It 'then issues from it again' {
        (New-DockerServerCert -CAPath $kit -CAPassphrase $pass -DnsName web -OutputPath (Join-Path $TestDrive 'web2') -KeyAlgorithm ECDSA 3>$null).Issuer | Should -Be 'CN=recipe CA'
    }
}

Describe 'Renewing an expired CA' {
    BeforeAll {
        # A CA that lived a year and ended 35 days ago, and a server certificate it issued for the same year.
        $ca = Join-Path $TestDrive 'expired/ca'
        & python3 (Join-Path $PSScriptRoot 'Support/expired_ca.py') $ca 'Expired CA' 400 365
        $LASTEXITCODE | Should -Be 0
        $web = Join-Path $TestDrive 'expired/web'
        & python3 (Join-Path $PSScriptRoot 'Support/backdated_leaf.py') $ca $web server web 400 365 localhost
        $LASTEXITCODE | Should -Be 0
        $caFile = Join-Path $ca 'ca.pem'
        $findings = (Get-DockerCertificate $caFile).Findings.Id
        $issueError = $null
        try { New-DockerServerCert -CAPath $ca -DnsName other -OutputPath (Join-Path $TestDrive 'expired/other') -KeyAlgorithm ECDSA } catch { $issueError = $_ }
        $leafBytes = [IO.File]::ReadAllBytes((Join-Path $web 'server-cert.pem'))
        Update-DockerCertificate (Join-Path $web 'server-cert.pem') -CAPath $ca -ErrorVariable leafFirst -ErrorAction SilentlyContinue
        $leafAfterRefusal = [IO.File]::ReadAllBytes((Join-Path $web 'server-cert.pem'))
        $publicKey = (Invoke-OpenSsl x509 -noout -pubkey -in $caFile).Output
        $renewedCa = Update-DockerCertificate $caFile -CAPath $ca -WarningVariable caWarnings 3>$null
        $renewedLeaf = Update-DockerCertificate (Join-Path $web 'server-cert.pem') -CAPath $ca 3>$null
    }

    It 'names it (CertificateExpired), and issues nothing from it (CAExpired)' {
        $findings | Should -Contain 'CertificateExpired'
        $issueError.FullyQualifiedErrorId | Should -BeLike 'CAExpired,*'
        Test-Path (Join-Path $TestDrive 'expired/other') | Should -BeFalse
    }

    It 'refuses to renew a leaf of it before the CA itself (CAExpired), changing nothing' {
        $leafFirst[0].FullyQualifiedErrorId | Should -Be 'CAExpired,DockerTls.Commands.UpdateDockerCertificateCommand'
        $leafAfterRefusal | Should -Be $leafBytes
    }

    It 'renews the CA without -Force, with the same key and name, valid from now, and a clear warning' {
        $renewedCa.Kind | Should -Be 'CA'
        $renewedCa.Subject | Should -Be 'CN=Expired CA'
        $renewedCa.DaysRemaining | Should -BeGreaterThan 360
        (Invoke-OpenSsl x509 -noout -pubkey -in $caFile).Output | Should -Be $publicKey
        ($caWarnings -join "`n") | Should -Match 'expired on .*same key and name.*renew them next'
    }

    It 'then renews its expired leaf, with the renewed ca.pem beside it, and it passes openssl verify -x509_strict' {
        $renewedLeaf.DaysRemaining | Should -BeGreaterThan 360
        [IO.File]::ReadAllBytes((Join-Path $web 'ca.pem')) | Should -Be ([IO.File]::ReadAllBytes($caFile))
        (Test-Strict $caFile (Join-Path $web 'server-cert.pem') sslserver).Output | Should -Match ': OK$'
    }
}
