#requires -Version 7.0
# Certificates over their whole life (issue 15): leaves that survive a CA renewal, the CA's inventory, renewal
# with Update-DockerCertificate, and contexts that follow. Checked with real peers: openssl -x509_strict,
# Python's ssl, and the real docker CLI against a real dockerd.

BeforeDiscovery {
    $script:canRunDockerd = $IsLinux -and ((& id -u) -eq '0') -and [bool] (Get-Command dockerd -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/StrictPeers.psm1') -Force

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

Describe 'Update-DockerCertificate' {
    BeforeAll {
        function New-Backdated([string] $CA, [string] $Out, [string] $Kind, [string] $Name, [double] $DaysAgo, [double] $Lifetime, [string[]] $Dns) {
            & python3 (Join-Path $PSScriptRoot 'Support/backdated_leaf.py') $CA $Out $Kind $Name $DaysAgo $Lifetime @Dns
            $LASTEXITCODE | Should -Be 0
        }
        function Get-Snapshot([string[]] $Path) {
            (Get-ChildItem -Recurse -Force $Path | Sort-Object FullName | ForEach-Object {
                if ($_.PSIsContainer) { $_.FullName } else { "$($_.FullName) $((Get-FileHash $_.FullName).Hash)" }
            }) -join "`n"
        }
        function Get-PublicKey([string] $CertFile) { (Invoke-OpenSsl x509 -noout -pubkey -in $CertFile).Output }
        function Get-Serial([string] $CertFile) { (Invoke-OpenSsl x509 -noout -serial -in $CertFile).Output }
        $ca = Join-Path $TestDrive 'fleet/ca'
        New-DockerCA -CommonName 'Fleet CA' -OutputPath $ca -KeyAlgorithm ECDSA | Out-Null
    }

    Context 'a server certificate in the last third of its life' {
        BeforeAll {
            $web = Join-Path $TestDrive 'fleet/hosts/web1'
            New-Backdated $ca $web server web1 30 39 web1.example.com, localhost
            $cert = Join-Path $web 'server-cert.pem'
            $before = @{
                Cert = [IO.File]::ReadAllBytes($cert); Key = [IO.File]::ReadAllBytes((Join-Path $web 'server-key.pem'))
                Serial = Get-Serial $cert; PublicKey = Get-PublicKey $cert
                Subject = (Invoke-OpenSsl x509 -noout -subject -ext subjectAltName,extendedKeyUsage -in $cert).Output
            }
            $fresh = Join-Path $TestDrive 'fleet/hosts/db1'
            New-DockerServerCert -CAPath $ca -DnsName db1.example.com -OutputPath $fresh -KeyAlgorithm ECDSA | Out-Null
            $freshBefore = Get-Snapshot $fresh
            $whatIf = Get-Snapshot (Join-Path $TestDrive 'fleet')
            Update-DockerCertificate -Path (Join-Path $TestDrive 'fleet/hosts/*/server-cert.pem') -CAPath $ca -WhatIf -Verbose 4>&1 | Out-Null
            $afterWhatIf = Get-Snapshot (Join-Path $TestDrive 'fleet')
            $verbose = Update-DockerCertificate -Path (Join-Path $TestDrive 'fleet/hosts/*/server-cert.pem') -CAPath $ca -Verbose 4>&1
            $renewed = @($verbose | Where-Object { $_ -is [DockerTls.Core.Pki.DockerCertificate] })
            $messages = ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        }

        It 'writes nothing with -WhatIf' {
            $afterWhatIf | Should -Be $whatIf
        }

        It 'renews only the certificate that is due, and -Verbose says why each is renewed or not' {
            $renewed.Count | Should -Be 1
            $renewed[0].CommonName | Should -Be 'web1'
            $messages | Should -Match 'web1/server-cert.pem: renewing the server certificate ''web1'': due: 8 of 39 days left, past two thirds'
            $messages | Should -Match 'db1/server-cert.pem: the server certificate ''db1.example.com'' is not due until \d{4}-\d\d-\d\d \(36\d of 365 days left\); -Force renews it now'
            Get-Snapshot $fresh | Should -Be $freshBefore
        }

        It 'keeps the subject, names and extended key usage, with a new serial and a new key, for the original lifetime' {
            (Invoke-OpenSsl x509 -noout -subject -ext subjectAltName,extendedKeyUsage -in $cert).Output | Should -Be $before.Subject
            Get-Serial $cert | Should -Not -Be $before.Serial
            Get-PublicKey $cert | Should -Not -Be $before.PublicKey
            (Invoke-OpenSsl x509 -noout -pubkey -in $cert).Output | Should -Be (Invoke-OpenSsl pkey -pubout -in (Join-Path $web 'server-key.pem')).Output
            ($renewed[0].NotAfter - $renewed[0].NotBefore).TotalDays | Should -BeGreaterOrEqual 39
            ($renewed[0].NotAfter - $renewed[0].NotBefore).TotalDays | Should -BeLessThan 39.01
            $renewed[0].KeyAlgorithm | Should -Be 'ECDSA P-256'
        }

        It 'passes openssl verify -x509_strict and Python''s ssl' {
            (Test-Strict (Join-Path $ca 'ca.pem') $cert sslserver).Output | Should -Match ': OK$'
            (Test-Python (Join-Path $web 'ca.pem') $cert (Join-Path $web 'server-key.pem') web1.example.com).Output | Should -Be 'ok'
        }

        It 'keeps the replaced files beside them, byte-identical, the key backup private' {
            $certBackup = @(Get-ChildItem $web -Filter 'server-cert.pem.*.bak')
            $keyBackup = @(Get-ChildItem $web -Filter 'server-key.pem.*.bak')
            $certBackup.Count | Should -Be 1
            $keyBackup.Count | Should -Be 1
            [IO.File]::ReadAllBytes($certBackup[0].FullName) | Should -Be $before.Cert
            [IO.File]::ReadAllBytes($keyBackup[0].FullName) | Should -Be $before.Key
            (& stat -c '%a' $keyBackup[0].FullName).Trim() | Should -Be '400'
            (& stat -c '%a' (Join-Path $web 'server-key.pem')).Trim() | Should -Be '400'
        }

        It 'records the renewal in the inventory, in place of the certificate it replaces' {
            $listed = @(Get-DockerCertificate -IssuedBy $ca | Where-Object CommonName -EQ web1)
            $listed.Count | Should -Be 1
            $listed[0].SerialNumber | Should -Be $renewed[0].SerialNumber
        }

        It 'renews a certificate that is not due with -Force, for -ValidityDays, and keeps its key with -KeepKey' {
            $key = Get-PublicKey (Join-Path $fresh 'server-cert.pem')
            $serial = Get-Serial (Join-Path $fresh 'server-cert.pem')
            $result = Update-DockerCertificate -LiteralPath (Join-Path $fresh 'server-cert.pem') -CAPath $ca -Force -KeepKey -ValidityDays 10
            $result.DaysRemaining | Should -BeIn 9, 10
            Get-PublicKey (Join-Path $fresh 'server-cert.pem') | Should -Be $key
            Get-Serial (Join-Path $fresh 'server-cert.pem') | Should -Not -Be $serial
            @(Get-ChildItem $fresh -Filter 'server-key.pem.*.bak').Count | Should -Be 0
            (Test-Strict (Join-Path $ca 'ca.pem') (Join-Path $fresh 'server-cert.pem') sslserver).Output | Should -Match ': OK$'
        }
    }

    Context 'the pipeline' {
        BeforeAll {
            $pipeCa = Join-Path $TestDrive 'pipe/ca'
            New-DockerCA -OutputPath $pipeCa -KeyAlgorithm ECDSA | Out-Null
            $odd = Join-Path $TestDrive 'pipe/hosts/[odd] one'
            New-Backdated $pipeCa $odd server odd 300 365 odd.example.com
            New-Backdated $pipeCa (Join-Path $TestDrive 'pipe/hosts/two') server two 300 365 two.example.com
            New-Backdated $pipeCa (Join-Path $TestDrive 'pipe/users/carol') client carol 300 365
            New-DockerClientCert -CAPath $pipeCa -CommonName dave -OutputPath (Join-Path $TestDrive 'pipe/users/dave') -KeyAlgorithm ECDSA | Out-Null
        }

        It 'renews DockerCertificate objects from Get-DockerCertificate, and files from Get-ChildItem (a folder with brackets)' {
            $objects = Get-ChildItem -LiteralPath $odd -Filter server-cert.pem | Update-DockerCertificate -CAPath $pipeCa
            $objects.CommonName | Should -Be 'odd'
            $objects = Get-DockerCertificate (Join-Path $TestDrive 'pipe/hosts/two/server-cert.pem') | Update-DockerCertificate -CAPath $pipeCa
            $objects.CommonName | Should -Be 'two'
        }

        It 'renews what is due across the inventory with Get-DockerCertificate -IssuedBy' {
            # carol was made elsewhere (not in the inventory yet): renew her by path once, then she is listed.
            Update-DockerCertificate (Join-Path $TestDrive 'pipe/users/carol/cert.pem') -CAPath $pipeCa -Force | Out-Null
            $listed = Get-DockerCertificate -IssuedBy $pipeCa
            $listed.CommonName | Sort-Object | Should -Be @('carol', 'dave', 'Docker CA', 'odd', 'two')
            Get-DockerCertificate -IssuedBy $pipeCa | Update-DockerCertificate -CAPath $pipeCa | Should -BeNullOrEmpty  # nothing due now
            $forced = Get-DockerCertificate -IssuedBy $pipeCa | Where-Object Kind -EQ Client | Update-DockerCertificate -CAPath $pipeCa -Force
            $forced.CommonName | Sort-Object | Should -Be @('carol', 'dave')
            (Test-Strict (Join-Path $pipeCa 'ca.pem') (Join-Path $TestDrive 'pipe/users/dave/cert.pem') sslclient).Output | Should -Match ': OK$'
        }
    }

    Context 'a pipeline of many hosts, written in groups in the background' {
        BeforeAll {
            $manyCa = Join-Path $TestDrive 'many/ca'
            New-DockerCA -OutputPath $manyCa -KeyAlgorithm ECDSA | Out-Null
            $hosts = 0..23 | ForEach-Object { [pscustomobject] @{ DnsName = "m$_.example.com" } }
            $hosts | New-DockerServerCert -CAPath $manyCa -OutputPath (Join-Path $TestDrive 'many/hosts') -KeyAlgorithm ECDSA | Out-Null
            $files = 0..23 | ForEach-Object { Join-Path $TestDrive "many/hosts/m$_.example.com/server-cert.pem" }
            $stuck = Split-Path $files[9]
            $stuckBefore = Get-ChildItem -LiteralPath $stuck | ForEach-Object { [pscustomobject] @{ Name = $_.Name; Hash = (Get-FileHash -LiteralPath $_.FullName).Hash } }
            $oldSerials = $files | ForEach-Object { (Get-DockerCertificate $_).SerialNumber }
            $canChattr = $IsLinux -and ((& id -u) -eq '0')
            if ($canChattr) { & chattr +i $stuck }
            try {
                $renewed = $files | Update-DockerCertificate -CAPath $manyCa -Force -Verbose -ErrorVariable failures -ErrorAction SilentlyContinue 4>&1
            } finally {
                if ($canChattr) { & chattr -i $stuck }
            }
            $objects = @($renewed | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            $verbose = @($renewed | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        }

        It 'renews every other host, in pipeline order, each with a new serial' -Skip:(-not ($IsLinux -and ((& id -u) -eq '0'))) {
            $expected = @($files | Where-Object { $_ -ne $files[9] })
            $objects.Path | Should -Be $expected
            foreach ($i in 0..23) {
                if ($i -eq 9) { continue }
                (Get-DockerCertificate $files[$i]).SerialNumber | Should -Not -Be $oldSerials[$i]
                (Test-Strict (Join-Path $manyCa 'ca.pem') $files[$i] sslserver).Output | Should -Match ': OK$'
            }
        }

        It 'fails the host whose folder cannot be written alone, with its own id, and leaves its files as they were' -Skip:(-not ($IsLinux -and ((& id -u) -eq '0'))) {
            @($failures).Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'PermissionDenied,DockerTls.Commands.UpdateDockerCertificateCommand'
            $failures[0].Exception.Message | Should -BeLike "*$stuck*"
            $after = Get-ChildItem -LiteralPath $stuck | ForEach-Object { [pscustomobject] @{ Name = $_.Name; Hash = (Get-FileHash -LiteralPath $_.FullName).Hash } }
            ($after | ConvertTo-Json) | Should -Be ($stuckBefore | ConvertTo-Json)
            (Get-DockerCertificate $files[9]).SerialNumber | Should -Be $oldSerials[9]
        }

        It 'says -Verbose which files each renewal wrote, and records every renewal in the inventory' -Skip:(-not ($IsLinux -and ((& id -u) -eq '0'))) {
            foreach ($i in 0..23) {
                $written = @($verbose | Where-Object { $_ -like "Wrote $($files[$i]) *" })
                $written.Count | Should -Be ([int] ($i -ne 9))
            }
            $current = Get-DockerCertificate -IssuedBy $manyCa | Where-Object Kind -EQ Server
            @($current).Count | Should -Be 24
            ($current | Where-Object Path -EQ $files[9]).SerialNumber | Should -Be $oldSerials[9]
            @($current | Where-Object { $oldSerials -contains $_.SerialNumber }).Count | Should -Be 1
        }
    }

    Context 'what it refuses, changing nothing' {
        BeforeAll {
            $other = Join-Path $TestDrive 'bad/other-ca'
            New-DockerCA -OutputPath $other -KeyAlgorithm ECDSA | Out-Null
            $stranger = Join-Path $TestDrive 'bad/stranger'
            New-Backdated $other $stranger server stranger 30 39 stranger.example.com
            $locked = Join-Path $TestDrive 'bad/locked-ca'
            New-DockerCA -OutputPath $locked -KeyAlgorithm ECDSA -Passphrase (ConvertTo-SecureString 'right one' -AsPlainText -Force) | Out-Null
            $lockedLeaf = Join-Path $TestDrive 'bad/locked-leaf'
            New-DockerClientCert -CAPath $locked -CAPassphrase (ConvertTo-SecureString 'right one' -AsPlainText -Force) -OutputPath $lockedLeaf -KeyAlgorithm ECDSA | Out-Null
            $revoked = Join-Path $TestDrive 'bad/revoked'
            New-DockerClientCert -CAPath $ca -CommonName mallory -OutputPath $revoked -KeyAlgorithm ECDSA | Out-Null
            Revoke-DockerClientCert -CommonName mallory -CAPath $ca -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        }

        It 'says NotIssuedByCA for a certificate another CA signed' {
            $snapshot = Get-Snapshot (Join-Path $TestDrive 'bad'), $ca
            Update-DockerCertificate (Join-Path $stranger 'server-cert.pem') -CAPath $ca -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $problems[0].FullyQualifiedErrorId | Should -Be 'NotIssuedByCA,DockerTls.Commands.UpdateDockerCertificateCommand'
            $problems[0].Exception.Message | Should -Match 'Renew it with the CA that issued it'
            Get-Snapshot (Join-Path $TestDrive 'bad'), $ca | Should -Be $snapshot
        }

        It 'says CAPassphraseWrong for a wrong CA passphrase' {
            $snapshot = Get-Snapshot (Join-Path $TestDrive 'bad')
            { Update-DockerCertificate (Join-Path $lockedLeaf 'cert.pem') -CAPath $locked -CAPassphrase (ConvertTo-SecureString 'wrong' -AsPlainText -Force) -Force } |
                Should -Throw -ErrorId 'CAPassphraseWrong,DockerTls.Commands.UpdateDockerCertificateCommand'
            Get-Snapshot (Join-Path $TestDrive 'bad') | Should -Be $snapshot
        }

        It 'never renews a revoked certificate, not even with -Force' {
            $snapshot = Get-Snapshot (Join-Path $TestDrive 'bad'), $ca
            Update-DockerCertificate (Join-Path $revoked 'cert.pem') -CAPath $ca -Force -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $problems[0].FullyQualifiedErrorId | Should -Be 'CertificateRevoked,DockerTls.Commands.UpdateDockerCertificateCommand'
            Get-Snapshot (Join-Path $TestDrive 'bad'), $ca | Should -Be $snapshot
            (Get-DockerCertificate -IssuedBy $ca | Where-Object CommonName -EQ mallory).Revoked | Should -BeTrue
        }

        It 'says KeyMismatch for -KeepKey when the key beside it is another''s' {
            $mixed = Join-Path $TestDrive 'bad/mixed'
            New-Item -ItemType Directory $mixed | Out-Null
            Copy-Item (Join-Path $lockedLeaf 'cert.pem') $mixed
            Copy-Item (Join-Path $revoked 'key.pem') $mixed
            $snapshot = Get-Snapshot $mixed
            Update-DockerCertificate (Join-Path $mixed 'cert.pem') -CAPath $locked -CAPassphrase (ConvertTo-SecureString 'right one' -AsPlainText -Force) -Force -KeepKey -ErrorVariable problems -ErrorAction SilentlyContinue
            $problems[0].FullyQualifiedErrorId | Should -Be 'KeyMismatch,DockerTls.Commands.UpdateDockerCertificateCommand'
            Get-Snapshot $mixed | Should -Be $snapshot
        }
    }
}

Describe 'Revoke-DockerClientCert' {
    BeforeAll {
        $ca = Join-Path $TestDrive 'ca'
        Initialize-DockerTls -OutputPath $TestDrive -DnsName localhost -KeyAlgorithm ECDSA 6>$null | Out-Null
        $inventory = Join-Path $ca 'ca-inventory.jsonl'
        $erin = Join-Path $TestDrive 'erin'
        $frank = Join-Path $TestDrive 'frank'
        New-DockerClientCert -CAPath $ca -CommonName erin -OutputPath $erin -KeyAlgorithm ECDSA | Out-Null
        New-DockerClientCert -CAPath $ca -CommonName frank -OutputPath $frank -KeyAlgorithm ECDSA | Out-Null
    }

    It 'marks nothing with -WhatIf' {
        $before = (Get-FileHash $inventory).Hash
        Revoke-DockerClientCert -LiteralPath (Join-Path $erin 'cert.pem') -CAPath $ca -WhatIf | Should -BeNullOrEmpty
        (Get-FileHash $inventory).Hash | Should -Be $before
    }

    It 'marks a client revoked by its certificate file, and says what ends its access' {
        $revoked = Revoke-DockerClientCert -LiteralPath (Join-Path $erin 'cert.pem') -CAPath $ca -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $revoked.CommonName | Should -Be 'erin'
        $revoked.Revoked | Should -BeTrue
        ($warnings -join ' ') | Should -Match 'dockerd cannot check revocation.*a rollover, which re-issues every other certificate.*Start-DockerCARollover'
        (Get-Content $inventory | ConvertFrom-Json | Where-Object commonName -EQ erin).revoked | Should -BeTrue
        (Get-DockerCertificate -IssuedBy $ca | Where-Object CommonName -EQ frank).Revoked | Should -BeFalse
    }

    It 'marks a client revoked by its serial number' {
        $serial = (Get-DockerCertificate (Join-Path $frank 'cert.pem')).SerialNumber
        (Revoke-DockerClientCert $serial -CAPath $ca -Confirm:$false -WarningAction SilentlyContinue).CommonName | Should -Be 'frank'
        (Get-DockerCertificate -IssuedBy $ca | Where-Object CommonName -EQ frank).Revoked | Should -BeTrue
    }

    It 'then never renews it' {
        Update-DockerCertificate (Join-Path $frank 'cert.pem') -CAPath $ca -Force -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'CertificateRevoked,DockerTls.Commands.UpdateDockerCertificateCommand'
    }

    It 'refuses a server certificate (NotAClientCertificate) and an unknown one (CertificateNotInInventory), marking nothing' {
        $before = (Get-FileHash $inventory).Hash
        { Revoke-DockerClientCert -LiteralPath (Join-Path $TestDrive 'server/server-cert.pem') -CAPath $ca -Confirm:$false } |
            Should -Throw -ErrorId 'NotAClientCertificate,DockerTls.Commands.RevokeDockerClientCertCommand'
        { Revoke-DockerClientCert -CommonName nobody -CAPath $ca -Confirm:$false } |
            Should -Throw -ErrorId 'CertificateNotInInventory,DockerTls.Commands.RevokeDockerClientCertCommand'
        (Get-FileHash $inventory).Hash | Should -Be $before
    }
}

Describe 'Renewal against the real Docker engine' -Skip:(-not $canRunDockerd) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'Support/TestDockerd.psm1') -Force
        $root = Join-Path $TestDrive 'tls'
        Initialize-DockerTls -OutputPath $root -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null
        $ca = Join-Path $root 'ca'
        # The leaves as issued, before anything is renewed.
        Copy-Item -Recurse (Join-Path $root 'server') (Join-Path $TestDrive 'old-server')
        Copy-Item -Recurse (Join-Path $root 'client') (Join-Path $TestDrive 'old-client')
        $oldCa = [IO.File]::ReadAllBytes((Join-Path $ca 'ca.pem'))
        $oldCaSubject = (Get-DockerCertificate (Join-Path $ca 'ca.pem')).Subject
        $renewedCa = Update-DockerCertificate (Join-Path $ca 'ca.pem') -CAPath $ca -Force
        # The earlier leaves with nothing new but the renewed ca.pem.
        foreach ($folder in 'old-server', 'old-client') {
            Remove-Item -Force (Join-Path $TestDrive "$folder/ca.pem")
            Copy-Item (Join-Path $ca 'ca.pem') (Join-Path $TestDrive "$folder/ca.pem")
        }
        $renewed = Update-DockerCertificate (Join-Path $root 'server/server-cert.pem'), (Join-Path $root 'client/cert.pem') -CAPath $ca -Force
        # Script scope: the restart below replaces it, and AfterAll stops the one running then.
        $script:daemon = Start-TestTlsDockerd -CertPath (Join-Path $TestDrive 'old-server')
    }

    AfterAll {
        if ($script:daemon) { Stop-TestDockerd $script:daemon }
        $script:daemon = $null
    }

    It 'renews the CA with the same key and name and a new serial' {
        $oldCaSubject | Should -BeLike 'CN=Docker CA *' # the kit's CA is named for its host and date
        $renewedCa.Subject | Should -Be $oldCaSubject
        [IO.File]::ReadAllBytes((Join-Path $ca 'ca.pem')) | Should -Not -Be $oldCa
        (Invoke-OpenSsl x509 -noout -pubkey -in (Join-Path $ca 'ca.pem')).Output | Should -Be (Invoke-OpenSsl pkey -pubout -in (Join-Path $ca 'ca-key.pem')).Output
        $renewedCa.SerialNumber | Should -Not -Be ((Get-Content (Join-Path $ca 'ca-inventory.jsonl') -TotalCount 1 | ConvertFrom-Json).serial)
    }

    It 'keeps every earlier leaf valid under openssl -x509_strict with the renewed ca.pem' {
        (Test-Strict (Join-Path $ca 'ca.pem') (Join-Path $TestDrive 'old-server/server-cert.pem') sslserver).Output | Should -Match ': OK$'
        (Test-Strict (Join-Path $ca 'ca.pem') (Join-Path $TestDrive 'old-client/cert.pem') sslclient).Output | Should -Match ': OK$'
    }

    It 'passes the renewed leaves under openssl -x509_strict' {
        $renewed.Count | Should -Be 2
        (Test-Strict (Join-Path $ca 'ca.pem') (Join-Path $root 'server/server-cert.pem') sslserver).Output | Should -Match ': OK$'
        (Test-Strict (Join-Path $ca 'ca.pem') (Join-Path $root 'client/cert.pem') sslclient).Output | Should -Match ': OK$'
        [IO.File]::ReadAllBytes((Join-Path $root 'server/ca.pem')) | Should -Be ([IO.File]::ReadAllBytes((Join-Path $ca 'ca.pem')))
    }

    It 'lets the docker CLI with the earlier client certificate reach a daemon on the earlier server certificate, both trusting the renewed CA' {
        $result = Invoke-TestDocker -ArgumentList version, --format, '{{.Server.Version}}' -DockerHost $daemon.DockerHost -CertPath (Join-Path $TestDrive 'old-client')
        $result.StdErr | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
    }

    It 'lets the docker CLI with the renewed client certificate reach the same daemon' {
        $result = Invoke-TestDocker -ArgumentList version, --format, '{{.Server.Version}}' -DockerHost $daemon.DockerHost -CertPath (Join-Path $root 'client')
        $result.StdErr | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
    }

    It 'serves the renewed server certificate after a restart, to renewed and earlier clients' {
        Stop-TestDockerd $daemon
        $script:daemon = $null
        $script:daemon = Start-TestTlsDockerd -CertPath (Join-Path $root 'server')
        foreach ($client in (Join-Path $root 'client'), (Join-Path $TestDrive 'old-client')) {
            $result = Invoke-TestDocker -ArgumentList version, --format, '{{.Server.Version}}' -DockerHost $script:daemon.DockerHost -CertPath $client
            $result.StdErr | Should -BeNullOrEmpty
            $result.ExitCode | Should -Be 0
        }
    }
}

Describe 'Update-DockerContext against the real Docker engine' -Skip:(-not $canRunDockerd) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'Support/TestDockerd.psm1') -Force
        $root = Join-Path $TestDrive 'tls'
        Initialize-DockerTls -OutputPath $root -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null
        $daemon = Start-TestTlsDockerd -CertPath (Join-Path $root 'server')
        $savedDockerConfig = $env:DOCKER_CONFIG
        $config = Join-Path $TestDrive 'docker-config'
        $env:DOCKER_CONFIG = $config
        New-DockerContext -Name fleet1 -DockerHost $daemon.DockerHost -CertPath (Join-Path $root 'client') -Description 'the first host' | Out-Null
        $tls = Join-Path $config "contexts/tls/$((New-Object Security.Cryptography.SHA256Managed).ComputeHash([Text.Encoding]::UTF8.GetBytes('fleet1')) | ForEach-Object { $_.ToString('x2') } | Join-String)/docker"
        $metaBefore = Get-Content -Raw (Get-ChildItem -Recurse -Filter meta.json (Join-Path $config 'contexts/meta')).FullName
        $oldCert = [IO.File]::ReadAllBytes((Join-Path $tls 'cert.pem'))
        Update-DockerCertificate (Join-Path $root 'client/cert.pem') -CAPath (Join-Path $root 'ca') -Force | Out-Null
        $whatIfCert = & { Update-DockerContext -Name fleet1 -CertPath (Join-Path $root 'client') -WhatIf | Out-Null; [IO.File]::ReadAllBytes((Join-Path $tls 'cert.pem')) }
        $refreshed = Update-DockerContext -Name fleet1 -CertPath (Join-Path $root 'client')
    }

    AfterAll {
        if ($daemon) { Stop-TestDockerd $daemon }
        $env:DOCKER_CONFIG = $savedDockerConfig
    }

    It 'writes nothing with -WhatIf' {
        $whatIfCert | Should -Be $oldCert
    }

    It 'replaces the context''s TLS files with the renewed ones, private (0600)' {
        foreach ($file in 'ca.pem', 'cert.pem', 'key.pem') {
            [IO.File]::ReadAllBytes((Join-Path $tls $file)) | Should -Be ([IO.File]::ReadAllBytes((Join-Path $root "client/$file")))
            (& stat -c '%a' (Join-Path $tls $file)).Trim() | Should -Be '600'
        }
        [IO.File]::ReadAllBytes((Join-Path $tls 'cert.pem')) | Should -Not -Be $oldCert
    }

    It 'keeps the context''s host and description, meta.json byte for byte' {
        $refreshed.DockerHost | Should -Be $daemon.DockerHost
        $refreshed.Description | Should -Be 'the first host'
        Get-Content -Raw (Get-ChildItem -Recurse -Filter meta.json (Join-Path $config 'contexts/meta')).FullName | Should -Be $metaBefore
        $inspect = Invoke-TestDocker -ArgumentList context, inspect, fleet1 -Environment @{ DOCKER_CONFIG = $config }
        $inspect.ExitCode | Should -Be 0 -Because $inspect.StdErr
        $seen = ($inspect.StdOut | ConvertFrom-Json)[0]
        $seen.Endpoints.docker.Host | Should -Be $daemon.DockerHost
        $seen.Metadata.Description | Should -Be 'the first host'
        $seen.TLSMaterial.docker | Sort-Object | Should -Be @('ca.pem', 'cert.pem', 'key.pem')
    }

    It 'lets docker --context reach the daemon with the renewed client certificate' {
        $result = Invoke-TestDocker -ArgumentList --context, fleet1, version, --format, '{{.Server.Version}}' -Environment @{ DOCKER_CONFIG = $config }
        $result.StdErr | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
    }

    It 'says ContextNotFound for a context that does not exist, writing nothing' {
        { Update-DockerContext -Name nosuch -CertPath (Join-Path $root 'client') } | Should -Throw -ErrorId 'ContextNotFound,DockerTls.Commands.UpdateDockerContextCommand'
        Test-Path (Join-Path $config "contexts/tls") | Should -BeTrue
        @(Get-ChildItem (Join-Path $config 'contexts/tls')).Count | Should -Be 1
    }
}

Describe 'Expiry in view' -Skip:(-not $canRunDockerd) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'Support/TestDockerd.psm1') -Force
        $ca = Join-Path $TestDrive 'ca'
        New-DockerCA -OutputPath $ca -KeyAlgorithm ECDSA | Out-Null
        # Both leaves 29 days into a 39-day life: 10 days left, in their last third.
        $server = Join-Path $TestDrive 'server'
        $client = Join-Path $TestDrive 'client'
        & python3 (Join-Path $PSScriptRoot 'Support/backdated_leaf.py') $ca $server server localhost 29 39 localhost
        & python3 (Join-Path $PSScriptRoot 'Support/backdated_leaf.py') $ca $client client ops 29 39
        # Script scope: the restart in the last test replaces it, and AfterAll stops the one running then.
        $script:daemon = Start-TestTlsDockerd -CertPath $server
        $dockerHost = $daemon.DockerHost -replace '127\.0\.0\.1', 'localhost'
        $daemonJson = Join-Path $TestDrive 'daemon.json'
        @{ tlsverify = $true; tlscacert = "$server/ca.pem"; tlscert = "$server/server-cert.pem"; tlskey = "$server/server-key.pem"; hosts = @($daemon.DockerHost) } |
            ConvertTo-Json | Set-Content $daemonJson
        $systemd = Join-Path $TestDrive 'systemd'
        New-Item -ItemType Directory $systemd | Out-Null
    }

    AfterAll {
        if ($script:daemon) { Stop-TestDockerd $script:daemon }
        $script:daemon = $null
    }

    It 'Test-DockerTlsConnection reports the days left of the server''s and the client''s certificate, and warns' {
        $result = Test-DockerTlsConnection -DockerHost $dockerHost -CertPath $client -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Success | Should -BeTrue -Because $result.Diagnosis
        $result.ServerDaysRemaining | Should -BeIn 9, 10
        $result.ClientDaysRemaining | Should -BeIn 9, 10
        $warnings.Count | Should -Be 2
        ($warnings -join "`n") | Should -Match "CertificateExpiring: The server's certificate \(CN=localhost\) expires in (9|10) days"
        ($warnings -join "`n") | Should -Match "CertificateExpiring: The client's certificate \(CN=ops\) expires in (9|10) days.*Update-DockerCertificate"
    }

    It 'Get-DockerDaemonConfig warns of the server certificate that ends within 30 days (ServerCertificateExpiring)' {
        $report = Get-DockerDaemonConfig -Path $daemonJson -SystemdRoot $systemd -WarningVariable warnings -WarningAction SilentlyContinue
        ($report.Problems | Where-Object Id -EQ 'ServerCertificateExpiring').Message | Should -Match 'expires in (9|10) days.*Update-DockerCertificate'
        $warnings.Count | Should -Be 1
    }

    It 'after renewal and a restart neither warns, and the days left are the renewed ones' {
        Update-DockerCertificate "$server/server-cert.pem", "$client/cert.pem" -CAPath $ca | Should -HaveCount 2
        Stop-TestDockerd $daemon
        $script:daemon = $null
        $script:daemon = Start-TestTlsDockerd -CertPath $server
        $result = Test-DockerTlsConnection -DockerHost ($script:daemon.DockerHost -replace '127\.0\.0\.1', 'localhost') -CertPath $client -WarningVariable warnings
        $result.Success | Should -BeTrue -Because $result.Diagnosis
        $result.ServerDaysRemaining | Should -BeIn 38, 39
        $result.ClientDaysRemaining | Should -BeIn 38, 39
        $warnings | Should -BeNullOrEmpty
        Get-DockerDaemonConfig -Path $daemonJson -SystemdRoot $systemd -WarningVariable configWarnings | Out-Null
        $configWarnings | Should -BeNullOrEmpty
    }
}
