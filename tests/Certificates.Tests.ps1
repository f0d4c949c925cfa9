#requires -Version 7.0
# The certificate cmdlets, end to end against the built module, checked with real peers: openssl, and the
# real docker CLI against a real dockerd.

BeforeDiscovery {
    $script:canRunDockerd = $IsLinux -and ((& id -u) -eq '0') -and [bool] (Get-Command dockerd -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/StrictPeers.psm1') -Force

    function Get-Mode([string] $Path) { (& stat -c '%a' $Path).Trim() }

    # Names and sizes of every file under a folder, to prove that nothing changed.
    function Get-Snapshot([string] $Path) {
        if (-not (Test-Path $Path)) { return '' }
        (Get-ChildItem -Recurse -Force $Path | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { $_.FullName } else { "$($_.FullName) $((Get-FileHash $_.FullName).Hash)" }
        }) -join "`n"
    }

    $script:secret = ConvertTo-SecureString 'correct horse battery' -AsPlainText -Force

    # Runs a command of the module in a runspace of its own, presses Ctrl+C (Stop) once its progress says the RSA
    # keys are being made, and returns how long the stop took and the state it left.
    function Stop-WhileKeysAreMade([string] $Command, [hashtable] $Parameters) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1')).Invoke()
            $ps.Commands.Clear()
            $null = $ps.AddCommand($Command).AddParameters($Parameters)
            $null = $ps.BeginInvoke()
            # The progress record is written just before the keys are asked for; an RSA 4096 key then takes seconds.
            $waited = [Diagnostics.Stopwatch]::StartNew()
            while ($ps.Streams.Progress.Count -eq 0 -and $waited.Elapsed.TotalSeconds -lt 30) { Start-Sleep -Milliseconds 5 }
            $progress = $ps.Streams.Progress.Count
            $stop = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            [pscustomobject] @{ Progress = $progress; StopSeconds = $stop.Elapsed.TotalSeconds; State = $ps.InvocationStateInfo.State; Reason = $ps.InvocationStateInfo.Reason }
        } finally {
            $ps.Dispose()
        }
    }
}

Describe 'New-DockerCA' {
    Context 'a new CA' {
        BeforeAll {
            $folder = Join-Path $TestDrive 'ca'
            $ca = New-DockerCA -CommonName 'Test CA' -OutputPath $folder -KeyAlgorithm ECDSA
            $text = (Invoke-OpenSsl x509 -in (Join-Path $folder 'ca.pem') -noout -text).Output
        }

        It 'writes ca.pem and ca-key.pem and returns the CA' {
            $ca.Kind | Should -Be 'CA'
            $ca.Path | Should -Be (Join-Path $folder 'ca.pem')
            $ca.KeyPath | Should -Be (Join-Path $folder 'ca-key.pem')
            $ca.Subject | Should -Be 'CN=Test CA'
            $ca.KeyAlgorithm | Should -Be 'ECDSA P-256'
            $ca.DaysRemaining | Should -BeIn 3649, 3650
        }

        It 'leaves the key readable by its owner only (0400) and the certificate read-only (0444)' {
            Get-Mode (Join-Path $folder 'ca-key.pem') | Should -Be '400'
            Get-Mode (Join-Path $folder 'ca.pem') | Should -Be '444'
        }

        It 'has the profile strict verifiers want: critical CA:TRUE and keyUsage, a key identifier' {
            $text | Should -Match 'X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0'
            $text | Should -Match 'X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign'
            $text | Should -Match 'X509v3 Subject Key Identifier'
            (Invoke-OpenSsl verify -x509_strict -CAfile (Join-Path $folder 'ca.pem') (Join-Path $folder 'ca.pem')).ExitCode | Should -Be 0
        }

        It 'backdates notBefore by five minutes for clock skew' {
            $minutes = ([datetime]::UtcNow - $ca.NotBefore).TotalMinutes
            $minutes | Should -BeGreaterThan 4.5
            $minutes | Should -BeLessThan 10
        }
    }

    Context 'a CA key with a passphrase' {
        It 'is encrypted PKCS#8 that openssl opens with the passphrase and not without' {
            $folder = Join-Path $TestDrive 'locked'
            New-DockerCA -OutputPath $folder -KeyAlgorithm ECDSA -Passphrase $secret | Out-Null
            $key = Join-Path $folder 'ca-key.pem'
            (Get-Content $key -First 1) | Should -Be '-----BEGIN ENCRYPTED PRIVATE KEY-----'
            (Invoke-OpenSsl pkey -in $key -passin 'pass:correct horse battery' -noout).ExitCode | Should -Be 0
            (Invoke-OpenSsl pkey -in $key -passin 'pass:wrong' -noout).ExitCode | Should -Not -Be 0
            (Invoke-OpenSsl asn1parse -in $key).Output | Should -Match 'aes-256-cbc'
        }
    }

    Context 'what it refuses' {
        It 'refuses an empty -Passphrase (Read-Host -AsSecureString answered with Enter) with EmptyPassphrase, and writes nothing' {
            $folder = Join-Path $TestDrive 'empty-passphrase'
            { New-DockerCA -OutputPath $folder -KeyAlgorithm ECDSA -Passphrase ([securestring]::new()) -ErrorAction Stop } |
                Should -Throw -ErrorId 'EmptyPassphrase,DockerTls.Commands.NewDockerCACommand'
            Test-Path $folder | Should -BeFalse
        }

        It 'does not overwrite an existing CA without -Force, and writes nothing' {
            $folder = Join-Path $TestDrive 'existing'
            New-DockerCA -OutputPath $folder -KeyAlgorithm ECDSA | Out-Null
            $before = Get-Snapshot $folder
            { New-DockerCA -OutputPath $folder -KeyAlgorithm ECDSA -ErrorAction Stop } |
                Should -Throw -ErrorId 'KeyFileExists,DockerTls.Commands.NewDockerCACommand'
            Get-Snapshot $folder | Should -Be $before
        }

        It 'replaces it with -Force' {
            $folder = Join-Path $TestDrive 'forced'
            $first = New-DockerCA -OutputPath $folder -KeyAlgorithm ECDSA
            $second = New-DockerCA -OutputPath $folder -KeyAlgorithm ECDSA -Force
            $second.Thumbprint | Should -Not -Be $first.Thumbprint
            (Get-DockerCertificate (Join-Path $folder 'ca.pem')).KeyMatches | Should -BeTrue
        }

        It 'writes nothing with -WhatIf' {
            $folder = Join-Path $TestDrive 'whatif'
            New-DockerCA -OutputPath $folder -WhatIf | Should -BeNullOrEmpty
            Test-Path $folder | Should -BeFalse
        }

        It 'stops at once on Ctrl+C while its RSA 4096 key is being made, and writes nothing' {
            $root = Join-Path $TestDrive 'stopped-ca'
            $stopped = Stop-WhileKeysAreMade New-DockerCA @{ OutputPath = $root }
            $stopped.Progress | Should -BeGreaterThan 0
            $stopped.StopSeconds | Should -BeLessThan 0.5
            $stopped.State | Should -Be 'Stopped'
            Test-Path (Join-Path $root 'ca-key.pem') | Should -BeFalse
        }

        It 'refuses RSA keys below 2048 bits' {
            { New-DockerCA -OutputPath (Join-Path $TestDrive 'small') -KeySize 1024 } |
                Should -Throw -ErrorId 'ParameterArgumentValidationError,DockerTls.Commands.NewDockerCACommand'
            Test-Path (Join-Path $TestDrive 'small') | Should -BeFalse
        }

        It 'refuses a validity of zero days' {
            { New-DockerCA -OutputPath (Join-Path $TestDrive 'zero') -ValidityDays 0 -KeyAlgorithm ECDSA -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidValidity,DockerTls.Commands.NewDockerCACommand'
            Test-Path (Join-Path $TestDrive 'zero') | Should -BeFalse
        }

        It 'refuses a registry path' {
            { New-DockerCA -OutputPath 'Env:\' -KeyAlgorithm ECDSA -ErrorAction Stop } |
                Should -Throw -ErrorId 'NotAFileSystemPath,DockerTls.Commands.NewDockerCACommand'
        }
    }
}

Describe 'New-DockerServerCert' {
    BeforeAll {
        $caFolder = Join-Path $TestDrive 'ca'
        $ca = New-DockerCA -OutputPath $caFolder -KeyAlgorithm ECDSA
    }

    Context 'one server from -CAPath' {
        It 'passes openssl verify -x509_strict -purpose sslserver for <Algorithm>' -ForEach @(
            @{ Algorithm = 'ECDSA'; Extra = @{ KeyAlgorithm = 'ECDSA' }; Expected = 'ECDSA P-256' }
            @{ Algorithm = 'ECDSA P-384'; Extra = @{ KeyAlgorithm = 'ECDSA'; Curve = 'P384' }; Expected = 'ECDSA P-384' }
            @{ Algorithm = 'RSA 2048'; Extra = @{ KeySize = 2048 }; Expected = 'RSA 2048' }
        ) {
            $out = Join-Path $TestDrive "server-$Algorithm"
            $server = New-DockerServerCert -CAPath $caFolder -DnsName 'docker1.example.com', 'localhost' -IPAddress '127.0.0.1', '::1' -OutputPath $out @Extra
            $server.KeyAlgorithm | Should -Be $Expected
            $result = Test-Strict (Join-Path $out 'ca.pem') (Join-Path $out 'server-cert.pem') sslserver
            $result.Output | Should -Match ': OK'
            $result.ExitCode | Should -Be 0
            (Test-Strict (Join-Path $out 'ca.pem') (Join-Path $out 'server-cert.pem') sslclient).ExitCode | Should -Not -Be 0
        }

        It 'lists every name and address in subjectAltName, with serverAuth' {
            $out = Join-Path $TestDrive 'server-names'
            $server = New-DockerServerCert -CAPath (Join-Path $caFolder 'ca.pem') -DnsName 'docker1.example.com' -IPAddress '192.168.57.110', '127.0.0.1' -OutputPath $out -KeyAlgorithm ECDSA
            $text = (Invoke-OpenSsl x509 -in (Join-Path $out 'server-cert.pem') -noout -text).Output
            $text | Should -Match 'DNS:docker1.example.com, IP Address:192.168.57.110, IP Address:127.0.0.1'
            $text | Should -Match 'TLS Web Server Authentication'
            $text | Should -Match 'CA:FALSE'
            $text | Should -Match 'X509v3 Authority Key Identifier'
            $server.CommonName | Should -Be 'docker1.example.com'
            $server.DnsNames | Should -Be @('docker1.example.com')
            $server.IPAddresses | Should -Be @('192.168.57.110', '127.0.0.1')
        }

        It 'writes server-cert.pem 0444, server-key.pem 0400 unencrypted, and the CA as ca.pem' {
            $out = Join-Path $TestDrive 'server-modes'
            New-DockerServerCert -CAPath $caFolder -IPAddress 127.0.0.1 -OutputPath $out -KeyAlgorithm ECDSA | Out-Null
            Get-Mode (Join-Path $out 'server-key.pem') | Should -Be '400'
            Get-Mode (Join-Path $out 'server-cert.pem') | Should -Be '444'
            Get-Mode (Join-Path $out 'ca.pem') | Should -Be '444'
            Get-Content (Join-Path $out 'server-key.pem') -First 1 | Should -Be '-----BEGIN PRIVATE KEY-----'
            (Get-FileHash (Join-Path $out 'ca.pem')).Hash | Should -Be (Get-FileHash $ca.Path).Hash
        }
    }

    Context 'the pipeline' {
        It 'takes the CA object from New-DockerCA' {
            $out = Join-Path $TestDrive 'piped'
            $server = New-DockerCA -OutputPath $out -KeyAlgorithm ECDSA | New-DockerServerCert -DnsName web1 -OutputPath $out -KeyAlgorithm ECDSA
            $server.Kind | Should -Be 'Server'
            (Test-Strict (Join-Path $out 'ca.pem') $server.Path sslserver).ExitCode | Should -Be 0
        }

        It 'issues one certificate per CSV row, each host in its own folder' {
            $csv = Join-Path $TestDrive 'hosts.csv'
            Set-Content $csv -Value @('DnsName,IPAddress', 'web1.example.com,10.0.0.1', 'web2.example.com;web2,10.0.0.2', 'db1.example.com,')
            $out = Join-Path $TestDrive 'fleet'
            $issued = Import-Csv $csv | New-DockerServerCert -CAPath $caFolder -OutputPath $out -KeyAlgorithm ECDSA
            $issued.Count | Should -Be 3
            (Get-ChildItem $out -Directory).Name | Sort-Object | Should -Be @('db1.example.com', 'web1.example.com', 'web2.example.com')
            $web2 = Get-DockerCertificate (Join-Path $out 'web2.example.com/server-cert.pem')
            $web2.DnsNames | Should -Be @('web2.example.com', 'web2')
            $web2.IPAddresses | Should -Be @('10.0.0.2')
            $web2.ChainValid | Should -BeTrue
            $web2.KeyMatches | Should -BeTrue
        }

        It 'refuses a host listed twice instead of writing it twice' {
            $csv = Join-Path $TestDrive 'twice.csv'
            Set-Content $csv -Value @('DnsName,IPAddress', 'a.example.com,10.0.0.1', 'b.example.com,10.0.0.2', 'a.example.com,10.0.0.9')
            $out = Join-Path $TestDrive 'twice'
            $issued = Import-Csv $csv | New-DockerServerCert -CAPath $caFolder -OutputPath $out -KeyAlgorithm ECDSA -ErrorVariable problems -ErrorAction SilentlyContinue
            $issued.CommonName | Should -Be @('a.example.com', 'b.example.com')
            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -Be 'KeyFileExists,DockerTls.Commands.NewDockerServerCertCommand'
            (Get-DockerCertificate (Join-Path $out 'a.example.com/server-cert.pem')).IPAddresses | Should -Be @('10.0.0.1')
        }

        It 'writes many hosts side by side and returns them in the order they came' {
            $csv = Join-Path $TestDrive 'many.csv'
            Set-Content $csv -Value (@('DnsName,IPAddress') + (1..40 | ForEach-Object { "h$_.example.com,10.0.1.$_" }))
            $out = Join-Path $TestDrive 'many'
            $issued = Import-Csv $csv | New-DockerServerCert -CAPath $caFolder -OutputPath $out -KeyAlgorithm ECDSA
            $issued.CommonName | Should -Be (1..40 | ForEach-Object { "h$_.example.com" })
            foreach ($certificate in $issued) {
                (Test-Strict (Join-Path $caFolder 'ca.pem') $certificate.Path sslserver).ExitCode | Should -Be 0
                Get-Mode $certificate.KeyPath | Should -Be '400'
            }
            @(Get-ChildItem -Recurse -Force -File $out | Where-Object Name -Like '*.tmp').Count | Should -Be 0
        }

        It 'gives each host of an RSA pipeline a key of its own' {
            $csv = Join-Path $TestDrive 'rsa.csv'
            Set-Content $csv -Value (@('DnsName,IPAddress') + (1..6 | ForEach-Object { "r$_.example.com,10.0.2.$_" }))
            $out = Join-Path $TestDrive 'rsa'
            $issued = Import-Csv $csv | New-DockerServerCert -CAPath $caFolder -OutputPath $out -KeySize 2048
            $issued.CommonName | Should -Be (1..6 | ForEach-Object { "r$_.example.com" })
            $issued.KeyAlgorithm | Sort-Object -Unique | Should -Be 'RSA 2048'
            $issued.KeyMatches | Sort-Object -Unique | Should -Be $true
            $publicKeys = foreach ($certificate in $issued) {
                (Test-Strict (Join-Path $caFolder 'ca.pem') $certificate.Path sslserver).ExitCode | Should -Be 0
                Get-Mode $certificate.KeyPath | Should -Be '400'
                (Invoke-OpenSsl pkey -in $certificate.KeyPath -pubout).Output
            }
            @($publicKeys | Sort-Object -Unique).Count | Should -Be 6
        }

        It 'stops at once on Ctrl+C while an RSA 4096 key is being made, and writes nothing' {
            $root = Join-Path $TestDrive 'stopped-server'
            $stopped = Stop-WhileKeysAreMade New-DockerServerCert @{ CAPath = $caFolder; DnsName = 'stop.example.com'; OutputPath = $root }
            $stopped.Progress | Should -BeGreaterThan 0
            $stopped.StopSeconds | Should -BeLessThan 0.5
            $stopped.State | Should -Be 'Stopped'
            Test-Path (Join-Path $root 'server-key.pem') | Should -BeFalse
        }

        It 'reports a bad row and goes on with the others' {
            $csv = Join-Path $TestDrive 'bad.csv'
            Set-Content $csv -Value @('DnsName,IPAddress', 'ok1.example.com,10.0.0.1', 'bad_name,10.0.0.2', 'ok2.example.com,10.0.0.3')
            $out = Join-Path $TestDrive 'partial'
            $issued = Import-Csv $csv | New-DockerServerCert -CAPath $caFolder -OutputPath $out -KeyAlgorithm ECDSA -ErrorVariable problems -ErrorAction SilentlyContinue
            $issued.Count | Should -Be 2
            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -Be 'InvalidDnsName,DockerTls.Commands.NewDockerServerCertCommand'
            Test-Path (Join-Path $out 'bad_name') | Should -BeFalse
        }
    }

    Context 'what it refuses, leaving the folder as it was' {
        It 'refuses <Value> as -IPAddress with <Id>' -ForEach @(
            @{ Value = '0.0.0.0'; Id = 'UnspecifiedIPAddress' }
            @{ Value = '::'; Id = 'UnspecifiedIPAddress' }
            @{ Value = '10.1'; Id = 'InvalidIPAddress' }
            @{ Value = '300.1.2.3'; Id = 'InvalidIPAddress' }
        ) {
            $out = Join-Path $TestDrive "bad-ip-$($Value -replace '[:.]', '_')"
            { New-DockerServerCert -CAPath $caFolder -IPAddress $Value -OutputPath $out -ErrorAction Stop } |
                Should -Throw -ErrorId "$Id,DockerTls.Commands.NewDockerServerCertCommand"
            Test-Path $out | Should -BeFalse
        }

        It 'refuses an invalid DNS name' {
            $out = Join-Path $TestDrive 'bad-dns'
            { New-DockerServerCert -CAPath $caFolder -DnsName 'under_score.example.com' -OutputPath $out -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidDnsName,DockerTls.Commands.NewDockerServerCertCommand'
            Test-Path $out | Should -BeFalse
        }

        It 'refuses a certificate without any name' {
            { New-DockerServerCert -CAPath $caFolder -OutputPath (Join-Path $TestDrive 'noname') -ErrorAction Stop } |
                Should -Throw -ErrorId 'NoServerNames,DockerTls.Commands.NewDockerServerCertCommand'
        }

        It 'refuses a "CA" that is a server certificate' {
            $leaf = Join-Path $TestDrive 'leaf-as-ca'
            New-DockerServerCert -CAPath $caFolder -DnsName x.example.com -OutputPath $leaf -KeyAlgorithm ECDSA | Out-Null
            Copy-Item (Join-Path $leaf 'server-cert.pem') (Join-Path $leaf 'fake-ca.pem')
            Copy-Item (Join-Path $leaf 'server-key.pem') (Join-Path $leaf 'fake-ca-key.pem')
            $out = Join-Path $TestDrive 'from-fake'
            { New-DockerServerCert -CAPath (Join-Path $leaf 'fake-ca.pem') -DnsName y.example.com -OutputPath $out -ErrorAction Stop } |
                Should -Throw -ErrorId 'NotACertificateAuthority,DockerTls.Commands.NewDockerServerCertCommand'
            Test-Path $out | Should -BeFalse
        }

        It 'refuses a CA whose key does not match it' {
            $mixed = Join-Path $TestDrive 'mixed'
            $other = New-DockerCA -OutputPath (Join-Path $TestDrive 'other-ca') -KeyAlgorithm ECDSA
            New-Item -ItemType Directory $mixed | Out-Null
            Copy-Item $ca.Path (Join-Path $mixed 'ca.pem')
            Copy-Item $other.KeyPath (Join-Path $mixed 'ca-key.pem')
            $out = Join-Path $TestDrive 'from-mixed'
            { New-DockerServerCert -CAPath $mixed -DnsName y.example.com -OutputPath $out -ErrorAction Stop } |
                Should -Throw -ErrorId 'CAKeyMismatch,DockerTls.Commands.NewDockerServerCertCommand'
            Test-Path $out | Should -BeFalse
        }

        It 'refuses a wrong CA passphrase and asks for a missing one' {
            $locked = Join-Path $TestDrive 'locked-ca'
            New-DockerCA -OutputPath $locked -KeyAlgorithm ECDSA -Passphrase $secret | Out-Null
            $out = Join-Path $TestDrive 'from-locked'
            $wrong = ConvertTo-SecureString 'nope' -AsPlainText -Force
            { New-DockerServerCert -CAPath $locked -DnsName a.example.com -OutputPath $out -CAPassphrase $wrong -ErrorAction Stop } |
                Should -Throw -ErrorId 'CAPassphraseWrong,DockerTls.Commands.NewDockerServerCertCommand'
            { New-DockerServerCert -CAPath $locked -DnsName a.example.com -OutputPath $out -ErrorAction Stop } |
                Should -Throw -ErrorId 'CAPassphraseRequired,DockerTls.Commands.NewDockerServerCertCommand'
            Test-Path $out | Should -BeFalse
            $server = New-DockerServerCert -CAPath $locked -DnsName a.example.com -OutputPath $out -CAPassphrase $secret -KeyAlgorithm ECDSA
            (Test-Strict (Join-Path $out 'ca.pem') $server.Path sslserver).ExitCode | Should -Be 0
        }

        It 'does not replace an existing server key without -Force' {
            $out = Join-Path $TestDrive 'twice'
            New-DockerServerCert -CAPath $caFolder -DnsName a.example.com -OutputPath $out -KeyAlgorithm ECDSA | Out-Null
            $before = Get-Snapshot $out
            { New-DockerServerCert -CAPath $caFolder -DnsName a.example.com -OutputPath $out -KeyAlgorithm ECDSA -ErrorAction Stop } |
                Should -Throw -ErrorId 'KeyFileExists,DockerTls.Commands.NewDockerServerCertCommand'
            Get-Snapshot $out | Should -Be $before
        }
    }
}

Describe 'New-DockerClientCert' {
    It 'writes a DOCKER_CERT_PATH folder that passes openssl verify -purpose sslclient' {
        $caFolder = Join-Path $TestDrive 'ca'
        New-DockerCA -OutputPath $caFolder -KeyAlgorithm ECDSA | Out-Null
        $out = Join-Path $TestDrive 'client'
        $client = New-DockerClientCert -CAPath $caFolder -OutputPath $out -KeySize 2048
        $client.Kind | Should -Be 'Client'
        $client.Subject | Should -Be 'CN=client'
        (Get-ChildItem $out).Name | Sort-Object | Should -Be @('ca.pem', 'cert.pem', 'key.pem')
        Get-Mode (Join-Path $out 'key.pem') | Should -Be '400'
        $result = Test-Strict (Join-Path $out 'ca.pem') (Join-Path $out 'cert.pem') sslclient
        $result.ExitCode | Should -Be 0
        (Invoke-OpenSsl x509 -in (Join-Path $out 'cert.pem') -noout -text).Output | Should -Match 'TLS Web Client Authentication'
        (Test-Strict (Join-Path $out 'ca.pem') (Join-Path $out 'cert.pem') sslserver).ExitCode | Should -Not -Be 0
    }

    It 'takes the CA object from the pipeline and writes into -OutputPath itself' {
        $out = Join-Path $TestDrive 'piped-client'
        $client = New-DockerCA -OutputPath (Join-Path $TestDrive 'ca3') -KeyAlgorithm ECDSA | New-DockerClientCert -OutputPath $out -KeyAlgorithm ECDSA
        $client.Subject | Should -Be 'CN=client'
        $client.Path | Should -Be (Join-Path $out 'cert.pem')
    }

    It 'makes one folder per user from a CSV of names' {
        $caFolder = Join-Path $TestDrive 'ca2'
        New-DockerCA -OutputPath $caFolder -KeyAlgorithm ECDSA | Out-Null
        $out = Join-Path $TestDrive 'users'
        $issued = @([pscustomobject] @{ CommonName = 'alice' }, [pscustomobject] @{ CommonName = 'bob' }) |
            New-DockerClientCert -CAPath $caFolder -OutputPath $out -KeyAlgorithm ECDSA
        $issued.Subject | Should -Be @('CN=alice', 'CN=bob')
        Test-Path (Join-Path $out 'alice/cert.pem') | Should -BeTrue
        Test-Path (Join-Path $out 'bob/key.pem') | Should -BeTrue
    }

    It 'keeps a name of . or .. from the pipeline inside -OutputPath' {
        $caFolder = Join-Path $TestDrive 'ca-dots'
        New-DockerCA -OutputPath $caFolder -KeyAlgorithm ECDSA | Out-Null
        $parent = Join-Path $TestDrive 'dots'
        $out = Join-Path $parent 'users'
        New-Item -ItemType Directory -Force $out | Out-Null
        $issued = @([pscustomobject] @{ CommonName = '..' }, [pscustomobject] @{ CommonName = '.' }) |
            New-DockerClientCert -CAPath $caFolder -OutputPath $out -KeyAlgorithm ECDSA
        $issued.Subject | Should -Be @('CN=..', 'CN=.')
        (Get-ChildItem -File $parent).Name | Should -BeNullOrEmpty
        (Get-ChildItem -File $out).Name | Should -BeNullOrEmpty
        (Get-ChildItem -Directory $out).Name | Sort-Object | Should -Be @('_', '__')
        Test-Path (Join-Path $out '__/key.pem') | Should -BeTrue
    }
}

Describe 'Initialize-DockerTls' {
    Context 'the next steps it prints' {
        BeforeAll {
            Push-Location $TestDrive
            try {
                $null = Initialize-DockerTls -OutputPath ./next -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA -InformationVariable nextTold 6>$null
            } finally {
                Pop-Location
            }
            $script:nextText = ($nextTold.MessageData.Message -join "`n")
            $script:kitResult = [DockerTls.Core.Pki.TlsKitResult] @{
                CA = [DockerTls.Core.Pki.DockerCertificate]::new(); Client = [DockerTls.Core.Pki.DockerCertificate]::new()
                Server = [DockerTls.Core.Pki.DockerCertificate] @{ DnsNames = @('docker1') }
            }
            # The commands of the text: its lines four columns in.
            function script:Get-Commands([string] $Text) { ($Text -split "`n") | Where-Object { $_ -match '^    \S' } | ForEach-Object { $_.Trim() } }
        }

        It 'fits 80 columns, each command on a line of its own, whole, with parameters the cmdlet has' {
            $nextText -split "`n" | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 -Because "'$_' must not wrap at 80 columns" }
            $commands = @(Get-Commands $nextText)
            $commands | Should -Contain 'Install-DockerClientCert -Path ./next/client'
            $commands | Should -Contain 'Set-DockerClientEnv -DockerHost tcp://localhost:2376'
            foreach ($line in $commands | Where-Object { $_ -match '^\w+-Docker' }) {
                $ast = [System.Management.Automation.Language.Parser]::ParseInput($line, [ref] $null, [ref] $null)
                $call = $ast.Find({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)
                $command = Get-Command $call.GetCommandName() -Module DockerTls
                foreach ($parameter in $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                    $command.Parameters.Keys | Should -Contain $parameter.ParameterName
                }
            }
        }

        It 'adds -ConfigureSystemd on this host, whose docker.service passes -H, and the command then works where it fails without' -Skip:(-not (Test-Path /lib/systemd/system/docker.service) -or -not ((Get-Content /lib/systemd/system/docker.service) -match '^ExecStart=.*\s-H\s')) {
            $daemonCommand = Get-Commands $nextText | Where-Object { $_ -like 'Set-DockerDaemonConfig *' }
            $daemonCommand | Should -Be 'Set-DockerDaemonConfig -CertPath ./next/server -ConfigureSystemd'
            $nextText | Should -Match 'docker\.service passes -H fd://'
            # The command as copied, against a copy of this host's units and a daemon.json in a temporary folder.
            $system = Join-Path $TestDrive 'next-system'
            New-Item -ItemType Directory (Join-Path $system 'lib/systemd/system') -Force | Out-Null
            Copy-Item /lib/systemd/system/docker.service (Join-Path $system 'lib/systemd/system/')
            $defaults = @{
                'Set-DockerDaemonConfig:Path' = (Join-Path $system 'daemon.json'); 'Set-DockerDaemonConfig:SystemdRoot' = $system
                'Set-DockerDaemonConfig:CertDestination' = (Join-Path $system 'certs'); 'Set-DockerDaemonConfig:Confirm' = $false
                'Set-DockerDaemonConfig:WarningAction' = 'SilentlyContinue'
            }
            Push-Location $TestDrive
            $saved = $PSDefaultParameterValues.Clone()
            try {
                foreach ($key in $defaults.Keys) { $PSDefaultParameterValues[$key] = $defaults[$key] }
                { Invoke-Expression ($daemonCommand -replace ' -ConfigureSystemd$') } | Should -Throw -ErrorId 'DaemonHostsConflict*'
                Invoke-Expression $daemonCommand 6>$null | Out-Null
            } finally {
                $PSDefaultParameterValues.Clear()
                foreach ($key in $saved.Keys) { $PSDefaultParameterValues[$key] = $saved[$key] }
                Pop-Location
            }
            Join-Path $system 'etc/systemd/system/docker.service.d/docker.conf' | Should -Exist
        }

        It 'leaves -ConfigureSystemd out where docker.service passes no -H, or there is no systemd' {
            $plainRoot = Join-Path $TestDrive 'no-units'
            New-Item -ItemType Directory $plainRoot -Force | Out-Null
            $text = [DockerTls.Formatting.KitNextSteps]::Text('/srv/tls', $kitResult, $plainRoot, '/')
            (Get-Commands $text) | Should -Contain 'Set-DockerDaemonConfig -CertPath ./srv/tls/server'
            (Get-Commands ([DockerTls.Formatting.KitNextSteps]::Text('/srv/tls', $kitResult, $null, '/tmp'))) | Should -Contain 'Set-DockerDaemonConfig -CertPath /srv/tls/server'
        }

        It 'quotes a folder for PowerShell, so that a quote in its name cannot end the string' {
            $root = Join-Path ([IO.Path]::GetTempPath()) "it's; Remove-Item x"
            $text = [DockerTls.Formatting.KitNextSteps]::Text($root, $kitResult, $null, '/nowhere')
            $text | Should -BeLike "*Set-DockerDaemonConfig -CertPath '$((Join-Path $root 'server').Replace("'", "''"))'*"
            $text | Should -BeLike "*Install-DockerClientCert -Path '$((Join-Path $root 'client').Replace("'", "''"))'*"
        }
    }

    Context 'a kit for this host with the defaults' {
        BeforeAll {
            $root = Join-Path $TestDrive 'tls'
            $kit = Initialize-DockerTls -OutputPath $root -InformationVariable told 6>$null
        }

        It 'writes ca/, server/ and client/ with Docker''s file names' {
            (Get-ChildItem $root -Directory).Name | Sort-Object | Should -Be @('ca', 'client', 'server')
            (Get-ChildItem (Join-Path $root 'ca')).Name | Sort-Object | Should -Be @('ca-inventory.jsonl', 'ca-key.pem', 'ca.pem')
            (Get-ChildItem (Join-Path $root 'server')).Name | Sort-Object | Should -Be @('ca.pem', 'server-cert.pem', 'server-key.pem')
            (Get-ChildItem (Join-Path $root 'client')).Name | Sort-Object | Should -Be @('ca.pem', 'cert.pem', 'key.pem')
            $kit.Kind | Should -Be @('CA', 'Server', 'Client')
        }

        It 'names this host: its host name, localhost, its addresses and 127.0.0.1' {
            $server = $kit | Where-Object Kind -EQ Server
            $server.DnsNames | Should -Contain 'localhost'
            $server.DnsNames | Should -Contain ([System.Net.Dns]::GetHostName().ToLowerInvariant())
            $server.IPAddresses | Should -Contain '127.0.0.1'
            $server.IPAddresses | Should -Not -Contain '0.0.0.0'
        }

        It 'names ::1 beside localhost and 127.0.0.1, and openssl accepts the certificate for [::1]' {
            $server = $kit | Where-Object Kind -EQ Server
            $server.IPAddresses | Should -Contain '::1'
            & openssl verify -x509_strict -purpose sslserver -verify_ip '::1' -CAfile (Join-Path $root 'server/ca.pem') (Join-Path $root 'server/server-cert.pem') 2>&1 | Should -Match ': OK$'
        }

        It 'names its CA for the host and the day, so that two kits'' CAs can be told apart' {
            ($kit | Where-Object Kind -EQ CA).CommonName | Should -Be "Docker CA $([System.Net.Dns]::GetHostName().ToLowerInvariant()) $([datetime]::UtcNow.ToString('yyyy-MM-dd'))"
            & openssl x509 -in (Join-Path $root 'ca/ca.pem') -noout -subject 2>&1 | Should -Match "CN ?= ?Docker CA $([regex]::Escape([System.Net.Dns]::GetHostName().ToLowerInvariant()))"
        }

        It 'shows a new certificate''s full term in DaysRemaining: 365 and 3650, not 364 and 3649' {
            ($kit | Where-Object Kind -EQ Server).DaysRemaining | Should -Be 365
            ($kit | Where-Object Kind -EQ Client).DaysRemaining | Should -Be 365
            ($kit | Where-Object Kind -EQ CA).DaysRemaining | Should -Be 3650
            (Get-DockerCertificate (Join-Path $root 'server/server-cert.pem')).DaysRemaining | Should -Be 365
        }

        It 'Get-DockerCertificate on a folder with no certificate says so with NoCertificateInFolder' {
            $empty = Join-Path $TestDrive 'no-certificates'
            New-Item -ItemType Directory -Force $empty | Out-Null
            Set-Content (Join-Path $empty 'notes.pem') 'not a certificate'
            $found = Get-DockerCertificate $empty -ErrorVariable problems -ErrorAction SilentlyContinue
            $found | Should -BeNullOrEmpty
            $problems.FullyQualifiedErrorId | Should -Be 'NoCertificateInFolder,DockerTls.Commands.GetDockerCertificateCommand'
            $problems.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'uses RSA 4096 and passes openssl verify -x509_strict for server and client' {
            $kit.KeyAlgorithm | Sort-Object -Unique | Should -Be 'RSA 4096'
            (Test-Strict (Join-Path $root 'server/ca.pem') (Join-Path $root 'server/server-cert.pem') sslserver).ExitCode | Should -Be 0
            (Test-Strict (Join-Path $root 'client/ca.pem') (Join-Path $root 'client/cert.pem') sslclient).ExitCode | Should -Be 0
        }

        It 'says what to do next' {
            ($told.MessageData.Message -join "`n") | Should -Match 'Set-DockerDaemonConfig -CertPath'
        }
    }

    It 'writes nothing when one of its files exists, and names it' {
        $root = Join-Path $TestDrive 'taken'
        New-Item -ItemType Directory (Join-Path $root 'client') | Out-Null
        Set-Content (Join-Path $root 'client/key.pem') 'mine'
        { Initialize-DockerTls -OutputPath $root -KeyAlgorithm ECDSA -DnsName localhost -ErrorAction Stop 6>$null } |
            Should -Throw -ErrorId 'KeyFileExists,DockerTls.Commands.InitializeDockerTlsCommand'
        (Get-ChildItem -Recurse -File $root).FullName | Should -Be @((Join-Path $root 'client/key.pem'))
    }

    It 'refuses an empty -Passphrase with EmptyPassphrase, and writes nothing' {
        $root = Join-Path $TestDrive 'empty-passphrase-kit'
        { Initialize-DockerTls -OutputPath $root -DnsName localhost -KeyAlgorithm ECDSA -Passphrase ([securestring]::new()) -ErrorAction Stop 6>$null } |
            Should -Throw -ErrorId 'EmptyPassphrase,DockerTls.Commands.InitializeDockerTlsCommand'
        Test-Path $root | Should -BeFalse
    }

    It 'encrypts the CA key with -Passphrase: openssl opens it with the passphrase only, and the CA issues with it' {
        $root = Join-Path $TestDrive 'locked-kit'
        Initialize-DockerTls -OutputPath $root -DnsName localhost -KeySize 2048 -Passphrase $secret 6>$null | Out-Null
        $key = Join-Path $root 'ca/ca-key.pem'
        (Get-Content $key -First 1) | Should -Be '-----BEGIN ENCRYPTED PRIVATE KEY-----'
        (Invoke-OpenSsl pkey -in $key -passin 'pass:correct horse battery' -noout).ExitCode | Should -Be 0
        (Invoke-OpenSsl pkey -in $key -passin 'pass:wrong' -noout).ExitCode | Should -Not -Be 0
        (Get-Content (Join-Path $root 'server/server-key.pem') -First 1) | Should -Be '-----BEGIN PRIVATE KEY-----'
        $leaf = New-DockerClientCert -CAPath (Join-Path $root 'ca') -CAPassphrase $secret -OutputPath (Join-Path $root 'more')
        (Test-Strict (Join-Path $root 'ca/ca.pem') $leaf.Path sslclient).ExitCode | Should -Be 0
        { New-DockerClientCert -CAPath (Join-Path $root 'ca') -OutputPath (Join-Path $root 'none') -ErrorAction Stop } |
            Should -Throw -ErrorId 'CAPassphraseRequired,DockerTls.Commands.NewDockerClientCertCommand'
    }

    It 'stops at once on Ctrl+C while its RSA 4096 keys are being made, and writes nothing' {
        $root = Join-Path $TestDrive 'stopped'
        $stopped = Stop-WhileKeysAreMade Initialize-DockerTls @{ OutputPath = $root; DnsName = 'localhost' }
        $stopped.Progress | Should -BeGreaterThan 0
        $stopped.StopSeconds | Should -BeLessThan 0.5
        $stopped.State | Should -Be 'Stopped'
        Test-Path $root | Should -BeFalse
    }

    It 'takes the names given, and -WhatIf writes nothing' {
        $root = Join-Path $TestDrive 'named'
        Initialize-DockerTls -OutputPath $root -DnsName docker1.example.com -IPAddress 10.0.0.5 -WhatIf | Should -BeNullOrEmpty
        Test-Path $root | Should -BeFalse
        $kit = Initialize-DockerTls -OutputPath $root -DnsName docker1.example.com -IPAddress 10.0.0.5 -KeyAlgorithm ECDSA 6>$null
        ($kit | Where-Object Kind -EQ Server).DnsNames | Should -Be @('docker1.example.com')
        ($kit | Where-Object Kind -EQ Server).IPAddresses | Should -Be @('10.0.0.5')
    }
}

Describe 'Get-DockerCertificate' {
    BeforeAll {
        $root = Join-Path $TestDrive 'kit'
        Initialize-DockerTls -OutputPath $root -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null
        $other = Join-Path $TestDrive 'other'
        Initialize-DockerTls -OutputPath $other -DnsName localhost -KeyAlgorithm ECDSA 6>$null | Out-Null
    }

    It 'reads a folder: each certificate with its key and chain' {
        $found = Get-DockerCertificate (Join-Path $root 'server')
        $found.Kind | Should -Be @('CA', 'Server')
        $server = $found | Where-Object Kind -EQ Server
        $server.KeyMatches | Should -BeTrue
        $server.ChainValid | Should -BeTrue
        $server.KeyEncrypted | Should -BeFalse
        $server.Sha256Fingerprint | Should -Be ((& openssl x509 -in $server.Path -noout -fingerprint -sha256) -replace '^.*=', '')
    }

    It 'says ChainValid false against another CA' {
        (Get-DockerCertificate (Join-Path $root 'client/cert.pem') -CAPath (Join-Path $other 'ca/ca.pem')).ChainValid | Should -BeFalse
    }

    It 'says KeyMatches false for a key from another pair' {
        $mixed = Join-Path $TestDrive 'mixed'
        New-Item -ItemType Directory $mixed | Out-Null
        Copy-Item (Join-Path $root 'client/cert.pem') $mixed
        Copy-Item (Join-Path $other 'client/key.pem') $mixed
        (Get-DockerCertificate (Join-Path $mixed 'cert.pem')).KeyMatches | Should -BeFalse
    }

    It 'takes paths from the pipeline and relative paths' {
        Push-Location $root
        try { (Get-ChildItem ./client/cert.pem | Get-DockerCertificate).Kind | Should -Be 'Client' }
        finally { Pop-Location }
    }

    It 'reports a missing path as CertificateNotFound' {
        Get-DockerCertificate (Join-Path $TestDrive 'nothing.pem') -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'CertificateNotFound,DockerTls.Commands.GetDockerCertificateCommand'
    }
}

Describe 'A kit against the real Docker engine' -Skip:(-not $canRunDockerd) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'Support/TestDockerd.psm1') -Force
        $root = Join-Path $TestDrive 'tls'
        Initialize-DockerTls -OutputPath $root -DnsName localhost -IPAddress 127.0.0.1 -KeySize 2048 6>$null | Out-Null
        $stranger = Join-Path $TestDrive 'stranger'
        Initialize-DockerTls -OutputPath $stranger -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null
        # Trusts our CA, but presents a client certificate from another CA.
        $foreign = Join-Path $TestDrive 'foreign'
        New-Item -ItemType Directory $foreign | Out-Null
        Copy-Item (Join-Path $root 'client/ca.pem') $foreign
        Copy-Item (Join-Path $stranger 'client/cert.pem'), (Join-Path $stranger 'client/key.pem') $foreign
        $daemon = Start-TestTlsDockerd -CertPath (Join-Path $root 'server')
    }

    AfterAll {
        if ($daemon) { Stop-TestDockerd $daemon }
    }

    It 'accepts the docker CLI with the kit''s client files (mutual TLS)' {
        $result = Invoke-TestDocker -ArgumentList version, --format, '{{.Server.Version}}' -DockerHost $daemon.DockerHost -CertPath (Join-Path $root 'client')
        $result.StdErr | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $result.StdOut.Trim() | Should -Match '^\d+\.\d+'
    }

    It 'rejects a client certificate from another CA' {
        $result = Invoke-TestDocker -ArgumentList version -DockerHost $daemon.DockerHost -CertPath $foreign
        $result.ExitCode | Should -Not -Be 0
        # Under TLS 1.3 the CLI sees the daemon's alert, or the reset when it writes after the daemon closed.
        $result.StdErr | Should -Match 'bad certificate|unknown certificate authority|connection reset by peer'
    }
}

Describe 'A new CA passphrase typed at the prompt (-PromptPassphrase)' -Skip:(-not $IsLinux -or -not (Get-Command script -CommandType Application -ErrorAction Ignore)) {
    BeforeAll {
        # The prompt reads the console without echo, so the cmdlet runs in a pwsh with a terminal of its own: script(1)
        # gives it a pseudo-terminal, and each answer is typed once its prompt has appeared (every wait bounded).
        $script:pwshCommand = @([Environment]::ProcessPath)
        if ([IO.Path]::GetFileNameWithoutExtension($pwshCommand[0]) -eq 'dotnet') { $script:pwshCommand += [Reflection.Assembly]::GetEntryAssembly().Location }
        function script:Invoke-Typed([string] $Folder, [string[]] $Answers, [string] $Cmdlet = 'New-DockerCA') {
            $scriptFile = Join-Path $TestDrive "prompt-$([guid]::NewGuid().ToString('n')).ps1"
            Set-Content $scriptFile @"
Import-Module '$((Resolve-Path "$PSScriptRoot/../output/DockerTls/DockerTls.psd1").ProviderPath)'
try { $Cmdlet -OutputPath '$Folder' -KeyAlgorithm ECDSA -PromptPassphrase -ErrorAction Stop 6>`$null | Out-Null; 'RESULT=OK' }
catch { 'RESULT=' + `$_.FullyQualifiedErrorId }
"@
            $inner = (@($pwshCommand) + @('-NoProfile', '-File', $scriptFile) | ForEach-Object { "'$_'" }) -join ' '
            $psi = [Diagnostics.ProcessStartInfo]::new('script', [string[]] @('-qec', $inner, '/dev/null'))
            $psi.RedirectStandardInput = $true
            $psi.RedirectStandardOutput = $true
            $psi.UseShellExecute = $false
            $process = [Diagnostics.Process]::Start($psi)
            $output = [Text.StringBuilder]::new()
            $reader = $process.StandardOutput
            $buffer = [char[]]::new(4096)
            $pending = $reader.ReadAsync($buffer, 0, $buffer.Length)
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $prompts = 'Passphrase for the new CA key', 'Type it again'
            $next = 0
            $answered = 0
            while (-not $process.HasExited -or -not $pending.IsCompleted) {
                if ($watch.Elapsed.TotalSeconds -gt 60) { $process.Kill($true); throw "No end after 60 s: $output" }
                if ($pending.Wait(200)) {
                    if ($pending.Result -le 0) { break }
                    [void] $output.Append($buffer, 0, $pending.Result)
                    $pending = $reader.ReadAsync($buffer, 0, $buffer.Length)
                }
                # .NET asks the terminal where the cursor is (ESC [ 6n) and waits for the answer: answer as a terminal does.
                $text = $output.ToString()
                $asked = ([regex]::Matches($text, "`e\[6n")).Count
                while ($answered -lt $asked) { $process.StandardInput.Write("`e[1;1R"); $process.StandardInput.Flush(); $answered++ }
                # Type once the prompt is there and the host reads keys (its first cursor query after the prompt), not before:
                # a terminal still in line mode would echo what is typed.
                $at = $next -lt $Answers.Count ? $text.IndexOf($prompts[$next]) : -1
                if ($at -ge 0 -and $text.IndexOf("`e[6n", $at) -ge 0) {
                    $process.StandardInput.Write($Answers[$next] + "`r")
                    $process.StandardInput.Flush()
                    $next++
                }
            }
            $process.WaitForExit(10000) | Out-Null
            return $output.ToString()
        }
    }

    It 'asks twice and encrypts ca-key.pem with the passphrase typed, which openssl then opens' {
        $folder = Join-Path $TestDrive 'prompted'
        $output = Invoke-Typed $folder 'right horse battery', 'right horse battery'
        $output | Should -Match 'RESULT=OK'
        $output | Should -Not -Match 'right horse' -Because 'the passphrase is never echoed'
        & openssl pkey -in "$folder/ca-key.pem" -passin 'pass:right horse battery' -noout 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        & openssl pkey -in "$folder/ca-key.pem" -passin 'pass:wrong' -noout 2>&1 | Out-Null
        $LASTEXITCODE | Should -Not -Be 0
    }

    It 'refuses two passphrases that differ with PassphraseMismatch, and writes nothing' {
        $folder = Join-Path $TestDrive 'mismatch'
        $output = Invoke-Typed $folder 'right horse battery', 'right horse batery'
        $output | Should -Match 'RESULT=PassphraseMismatch,DockerTls\.Commands\.NewDockerCACommand'
        Test-Path $folder | Should -BeFalse
    }

    It 'does the same in Initialize-DockerTls' {
        $folder = Join-Path $TestDrive 'kit-mismatch'
        $output = Invoke-Typed $folder 'one', 'two' -Cmdlet Initialize-DockerTls
        $output | Should -Match 'RESULT=PassphraseMismatch,DockerTls\.Commands\.InitializeDockerTlsCommand'
        Test-Path $folder | Should -BeFalse
    }

    It 'refuses -Passphrase with -PromptPassphrase' {
        { New-DockerCA -OutputPath (Join-Path $TestDrive 'both') -Passphrase (ConvertTo-SecureString x -AsPlainText) -PromptPassphrase } |
            Should -Throw -ErrorId 'ConflictingPassphrase,DockerTls.Commands.NewDockerCACommand'
    }
}
