#requires -Version 7.0
# CA rollover with overlap (issue 15, item 5): Start-DockerCARollover, Update-DockerCertificate from the new CA,
# Complete-DockerCARollover, against two real dockerds and three clients (one that stays, one revoked, one issued
# after the start), the daemons restarted on each stage's files. Checked with the real docker CLI and openssl -x509_strict.

BeforeDiscovery {
    $script:canRunDockerd = $IsLinux -and ((& id -u) -eq '0') -and [bool] (Get-Command dockerd -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/StrictPeers.psm1') -Force

    # Every file under Path with its mode and hash: what "nothing changed" is compared by.
    function Get-Snapshot([string[]] $Path) {
        (Get-ChildItem -Recurse -Force $Path | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { "$($_.FullName)/ $($_.UnixMode)" } else { "$($_.FullName) $($_.UnixMode) $((Get-FileHash $_.FullName).Hash)" }
        }) -join "`n"
    }
    function Get-CertCount([string] $File) { @(Select-String -LiteralPath $File -Pattern 'BEGIN CERTIFICATE').Count }
}

Describe 'A CA rollover with overlap' {
    BeforeAll {
        # Not under $TestDrive: Pester removes what an It makes there when its Context ends, and the stages build on each other.
        $work = (& mktemp -d /tmp/rollover-XXXXXX).Trim()
        $fleet = Join-Path $work 'fleet'
        $ca = Join-Path $fleet 'ca'
        $pass = ConvertTo-SecureString 'rollover passphrase' -AsPlainText -Force
        $wrong = ConvertTo-SecureString 'not the passphrase' -AsPlainText -Force
        New-DockerCA -CommonName 'Fleet CA' -OutputPath $ca -KeyAlgorithm ECDSA -Passphrase $pass | Out-Null
        foreach ($name in 'host1', 'host2') {
            New-DockerServerCert -CAPath $ca -CAPassphrase $pass -DnsName localhost -IPAddress 127.0.0.1 -OutputPath (Join-Path $fleet $name) -KeyAlgorithm ECDSA | Out-Null
        }
        foreach ($name in 'alice', 'mallory', 'laptop') {
            New-DockerClientCert -CAPath $ca -CAPassphrase $pass -CommonName $name -OutputPath (Join-Path $fleet $name) -KeyAlgorithm ECDSA | Out-Null
        }
        Revoke-DockerClientCert -CAPath $ca -CommonName mallory -Confirm:$false 3>$null | Out-Null
        $oldCaPem = [IO.File]::ReadAllBytes((Join-Path $ca 'ca.pem'))
        $oldKey = [IO.File]::ReadAllBytes((Join-Path $ca 'ca-key.pem'))
        # The certificates as the old CA issued them, kept to prove at the end that they are refused.
        Copy-Item -Recurse (Join-Path $fleet 'host1') (Join-Path $work 'old-host1')
        Copy-Item -Recurse (Join-Path $fleet 'alice') (Join-Path $work 'old-alice')
        # The laptop is elsewhere (its folder is not on this machine) when the rollover starts.
        Move-Item (Join-Path $fleet 'laptop') (Join-Path $work 'away-laptop')

        $beforeStart = Get-Snapshot $fleet
        $whatIf = Start-DockerCARollover -CAPath $ca -CAPassphrase $pass -WhatIf
        $afterWhatIf = Get-Snapshot $fleet
        $wrongError = $null
        try { Start-DockerCARollover -CAPath $ca -CAPassphrase $wrong } catch { $wrongError = $_ }
        $afterWrong = Get-Snapshot $fleet
        # One listed copy that cannot be replaced (immutable): the rename phase fails at it, after others moved.
        & chattr +i (Join-Path $fleet 'alice/ca.pem') 2>$null
        $canFreeze = $LASTEXITCODE -eq 0
        $frozenError = $null
        if ($canFreeze) {
            try { Start-DockerCARollover -CAPath $ca -CAPassphrase $pass } catch { $frozenError = $_ }
            & chattr -i (Join-Path $fleet 'alice/ca.pem')
        }
        $afterFrozen = Get-Snapshot $fleet
        $frozenLeftRetiring = Test-Path (Join-Path $ca 'retiring')
        $started = Start-DockerCARollover -CAPath $ca -CAPassphrase $pass -WarningVariable startWarnings 3>$null
    }

    AfterAll {
        if ($work -and $work.StartsWith('/tmp/rollover-')) { & rm -rf --one-file-system $work }
    }

    Context 'Start-DockerCARollover' {
        It 'writes nothing with -WhatIf, and nothing with a wrong CA passphrase (CAPassphraseWrong)' {
            $whatIf | Should -BeNullOrEmpty
            $afterWhatIf | Should -Be $beforeStart
            $wrongError.FullyQualifiedErrorId | Should -Be 'CAPassphraseWrong,DockerTls.Commands.StartDockerCARolloverCommand'
            $afterWrong | Should -Be $beforeStart
        }

        It 'writes all or none: one copy it cannot replace (chattr +i) fails the stage, and every file is as it was' {
            if (-not $canFreeze) { Set-ItResult -Skipped -Because 'this file system or container does not allow chattr +i'; return }
            $frozenError.Exception.Message | Should -BeLike "*$(Join-Path $fleet 'alice/ca.pem')*"
            $afterFrozen | Should -Be $beforeStart
            $frozenLeftRetiring | Should -BeFalse
        }

        It 'keeps the old CA byte for byte in retiring/ (folder 0700, key 0400) and makes the new CA the one in the CA folder' {
            [IO.File]::ReadAllBytes((Join-Path $ca 'retiring/ca.pem')) | Should -Be $oldCaPem
            [IO.File]::ReadAllBytes((Join-Path $ca 'retiring/ca-key.pem')) | Should -Be $oldKey
            (Get-Item (Join-Path $ca 'retiring')).UnixMode | Should -Be 'drwx------'
            (Get-Item (Join-Path $ca 'retiring/ca-key.pem')).UnixMode | Should -Be '-r--------'
            (Get-Item (Join-Path $ca 'ca-key.pem')).UnixMode | Should -Be '-r--------'
            Get-Content -Raw (Join-Path $ca 'ca-key.pem') | Should -Match 'BEGIN ENCRYPTED PRIVATE KEY' # the old key's passphrase
            $started.Stage | Should -Be 'Started'
            $started.NewCA.CommonName | Should -Not -Be 'Fleet CA'
            $started.OldCA.CommonName | Should -Be 'Fleet CA'
            (Invoke-OpenSsl x509 -noout -pubkey -in (Join-Path $ca 'ca.pem')).Output |
                Should -Be (Invoke-OpenSsl pkey -pubout -in (Join-Path $ca 'ca-key.pem') -passin 'pass:rollover passphrase').Output
        }

        It 'writes the bundle of both CAs as ca.pem and as every copy the inventory lists on this machine, except the revoked client''s' {
            $bundle = [IO.File]::ReadAllBytes((Join-Path $ca 'ca.pem'))
            Get-CertCount (Join-Path $ca 'ca.pem') | Should -Be 2
            foreach ($name in 'host1', 'host2', 'alice') {
                [IO.File]::ReadAllBytes((Join-Path $fleet "$name/ca.pem")) | Should -Be $bundle
            }
            [IO.File]::ReadAllBytes((Join-Path $fleet 'mallory/ca.pem')) | Should -Be $oldCaPem
            $started.Revoked.CommonName | Should -Be 'mallory'
        }

        It 'says what is left: the copy not on this machine, and the leaves still signed by the old CA' {
            $started.Missing | Should -Be @((Join-Path $fleet 'laptop/ca.pem'))
            ($startWarnings -join "`n") | Should -Match ([regex]::Escape((Join-Path $fleet 'laptop/ca.pem')))
            @($started.OldLeaves.CommonName | Sort-Object) | Should -Be @('alice', 'laptop', 'localhost', 'localhost')
            $started.NextStep | Should -Match 'Update-DockerCertificate'
            $shown = $started | Out-String -Width 120
            $shown | Should -Match '(?m)^Stage\s+: Started'
            $shown | Should -Match "(?m)^Missing\s+: $([regex]::Escape((Join-Path $fleet 'laptop/ca.pem')))"
            $shown | Should -Match "(?m)^OldLeaves\s+: .*\(.*$([regex]::Escape($fleet))/"
            $shown | Should -Match '(?m)^Revoked\s+: mallory \('
        }

        It 'resumes: run again, it writes only the copy that came back, and nothing when none lacks the bundle' {
            Move-Item (Join-Path $work 'away-laptop') (Join-Path $fleet 'laptop')
            $resumed = Start-DockerCARollover -CAPath $ca -CAPassphrase $pass
            $resumed.Written | Should -Be @((Join-Path $fleet 'laptop/ca.pem'))
            $resumed.Missing | Should -BeNullOrEmpty
            $resumed.NewCA.SerialNumber | Should -Be $started.NewCA.SerialNumber
            $again = Start-DockerCARollover -CAPath $ca -CAPassphrase $pass
            $again.Written | Should -BeNullOrEmpty
            $again.UpToDate.Count | Should -Be 4
        }

        It 'issues new certificates from the new CA, with the bundle as ca.pem' {
            $carol = New-DockerClientCert -CAPath $ca -CAPassphrase $pass -CommonName carol -OutputPath (Join-Path $fleet 'carol') -KeyAlgorithm ECDSA
            $carol.Issuer | Should -Be $started.NewCA.Subject
            [IO.File]::ReadAllBytes((Join-Path $fleet 'carol/ca.pem')) | Should -Be ([IO.File]::ReadAllBytes((Join-Path $ca 'ca.pem')))
        }

        It 'passes openssl verify -x509_strict for old and new certificates against every bundle' {
            foreach ($pair in @(('host1/server-cert.pem', 'sslserver'), ('host2/server-cert.pem', 'sslserver'), ('alice/cert.pem', 'sslclient'), ('carol/cert.pem', 'sslclient'))) {
                (Test-Strict (Join-Path $fleet 'alice/ca.pem') (Join-Path $fleet $pair[0]) $pair[1]).Output | Should -Match ': OK$'
                (Test-Strict (Join-Path $fleet 'host1/ca.pem') (Join-Path $fleet $pair[0]) $pair[1]).Output | Should -Match ': OK$'
            }
        }
    }

    Context 'Complete-DockerCARollover before the leaves are re-issued' {
        It 'refuses (CARolloverLeavesLeft) while unrevoked leaves of the old CA are in place, naming them, and changes nothing' {
            $before = Get-Snapshot $fleet
            $err = $null
            try { Complete-DockerCARollover -CAPath $ca -Confirm:$false } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'CARolloverLeavesLeft,DockerTls.Commands.CompleteDockerCARolloverCommand'
            $err.Exception.Message | Should -Match ([regex]::Escape((Join-Path $fleet 'alice/cert.pem')))
            $err.Exception.Message | Should -Not -Match 'mallory'
            Get-Snapshot $fleet | Should -Be $before
        }
    }

    Context 'Update-DockerCertificate during the rollover' {
        BeforeAll {
            # One host first: the command then says which certificates of the retiring CA are left.
            $partial = @(Update-DockerCertificate (Join-Path $fleet 'host1/server-cert.pem') -CAPath $ca -CAPassphrase $pass -WarningVariable partialWarnings 3>$null)
            $reissued = @(Get-DockerCertificate -IssuedBy $ca | Where-Object { -not $_.Revoked } |
                Update-DockerCertificate -CAPath $ca -CAPassphrase $pass -Verbose 4>&1)
            $renewed = @($partial) + @($reissued | Where-Object { $_ -is [DockerTls.Core.Pki.DockerCertificate] })
            $messages = ($reissued | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        }

        It 're-issues every leaf the old CA signed (not due by date) from the new CA, and leaves the new ones alone' {
            @($renewed.CommonName | Sort-Object) | Should -Be @('alice', 'laptop', 'localhost', 'localhost')
            $renewed.Issuer | Sort-Object -Unique | Should -Be $started.NewCA.Subject
            $messages | Should -Match 'retires'
            ($partialWarnings -join "`n") | Should -Match "3 certificate\(s\) in the inventory are still signed by the CA it retires: .*$([regex]::Escape((Join-Path $fleet 'alice/cert.pem')))"
            ($partialWarnings -join "`n") | Should -Not -Match 'mallory'
            $messages | Should -Match 'no unrevoked certificate of the retiring CA is left in the inventory: Complete-DockerCARollover'
            $messages | Should -Match 'carol.*not due|not due.*carol|cert\.pem: the client certificate ''carol'' is not due'
        }

        It 'writes the bundle as ca.pem beside each, and the strict chain holds' {
            foreach ($pair in @(('host1/server-cert.pem', 'sslserver'), ('host2/server-cert.pem', 'sslserver'), ('alice/cert.pem', 'sslclient'), ('laptop/cert.pem', 'sslclient'))) {
                Get-CertCount (Join-Path $fleet (Split-Path $pair[0]) | Join-Path -ChildPath 'ca.pem') | Should -Be 2
                (Test-Strict (Join-Path $ca 'ca.pem') (Join-Path $fleet $pair[0]) $pair[1]).Output | Should -Match ': OK$'
            }
        }

        It 'leaves nothing of the old CA for Start-DockerCARollover to report' {
            (Start-DockerCARollover -CAPath $ca -CAPassphrase $pass).OldLeaves | Should -BeNullOrEmpty
        }
    }

    Context 'Complete-DockerCARollover' {
        BeforeAll {
            $beforeComplete = Get-Snapshot $fleet
            Complete-DockerCARollover -CAPath $ca -WhatIf
            $afterWhatIf = Get-Snapshot $fleet
            $completed = Complete-DockerCARollover -CAPath $ca -Confirm:$false
        }

        It 'writes nothing with -WhatIf' {
            $afterWhatIf | Should -Be $beforeComplete
        }

        It 'rewrites ca.pem and every listed copy as the new CA alone, and keeps the old CA in retired-<time>/' {
            $newOnly = [IO.File]::ReadAllBytes((Join-Path $ca 'ca.pem'))
            Get-CertCount (Join-Path $ca 'ca.pem') | Should -Be 1
            (Invoke-OpenSsl x509 -noout -serial -in (Join-Path $ca 'ca.pem')).Output | Should -Be ('serial=' + $started.NewCA.SerialNumber)
            foreach ($name in 'host1', 'host2', 'alice', 'laptop', 'carol') {
                [IO.File]::ReadAllBytes((Join-Path $fleet "$name/ca.pem")) | Should -Be $newOnly
            }
            Test-Path (Join-Path $ca 'retiring') | Should -BeFalse
            $retired = @(Get-ChildItem -Directory (Join-Path $ca 'retired-*'))
            $retired.Count | Should -Be 1
            [IO.File]::ReadAllBytes((Join-Path $retired[0] 'ca-key.pem')) | Should -Be $oldKey
            $retired[0].UnixMode | Should -Be 'drwx------'
            $completed.Stage | Should -Be 'Completed'
            $completed.Revoked.CommonName | Should -Be 'mallory'
        }

        It 'refuses every old-CA certificate under openssl -x509_strict, and passes the new ones' {
            foreach ($pair in @(('old-host1/server-cert.pem', 'sslserver'), ('old-alice/cert.pem', 'sslclient'))) {
                (Test-Strict (Join-Path $ca 'ca.pem') (Join-Path $work $pair[0]) $pair[1]).ExitCode | Should -Not -Be 0
            }
            (Test-Strict (Join-Path $ca 'ca.pem') (Join-Path $fleet 'mallory/cert.pem') sslclient).ExitCode | Should -Not -Be 0
            foreach ($pair in @(('host1/server-cert.pem', 'sslserver'), ('host2/server-cert.pem', 'sslserver'), ('alice/cert.pem', 'sslclient'), ('carol/cert.pem', 'sslclient'))) {
                (Test-Strict (Join-Path $ca 'ca.pem') (Join-Path $fleet $pair[0]) $pair[1]).Output | Should -Match ': OK$'
            }
        }

        It 'resumes: run again, it writes nothing, and a leaf of the old CA is no longer renewed (NotIssuedByCA)' {
            $again = Complete-DockerCARollover -CAPath $ca -Confirm:$false
            $again.Written | Should -BeNullOrEmpty
            { Update-DockerCertificate -LiteralPath (Join-Path $work 'old-alice/cert.pem') -CAPath $ca -CAPassphrase $pass -Force -ErrorAction Stop } |
                Should -Throw -ErrorId 'NotIssuedByCA,DockerTls.Commands.UpdateDockerCertificateCommand'
        }

        It 'with -Force retires the old CA although a leaf of it is left, and the warning names that leaf' {
            $forced = Join-Path $work 'forced'
            New-DockerCA -CommonName 'Forced CA' -OutputPath (Join-Path $forced 'ca') -KeyAlgorithm ECDSA | Out-Null
            New-DockerServerCert -CAPath (Join-Path $forced 'ca') -DnsName left -OutputPath (Join-Path $forced 'left') -KeyAlgorithm ECDSA | Out-Null
            Start-DockerCARollover -CAPath (Join-Path $forced 'ca') | Out-Null
            $status = Complete-DockerCARollover -CAPath (Join-Path $forced 'ca') -Force -Confirm:$false -WarningVariable forcedWarnings 3>$null
            $status.Stage | Should -Be 'Completed'
            $status.OldLeaves.CommonName | Should -Be 'left'
            ($forcedWarnings -join "`n") | Should -Match ([regex]::Escape((Join-Path $forced 'left/server-cert.pem')))
            (Test-Strict (Join-Path $forced 'ca/ca.pem') (Join-Path $forced 'left/server-cert.pem') sslserver).ExitCode | Should -Not -Be 0
        }

        It 'says CARolloverNotStarted for a CA that never began one' {
            $other = Join-Path $work 'other-ca'
            New-DockerCA -CommonName 'Other CA' -OutputPath $other -KeyAlgorithm ECDSA | Out-Null
            { Complete-DockerCARollover -CAPath $other -Confirm:$false } | Should -Throw -ErrorId 'CARolloverNotStarted,DockerTls.Commands.CompleteDockerCARolloverCommand'
        }
    }
}

Describe 'A CA rollover against two real Docker engines' -Skip:(-not $canRunDockerd) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'Support/TestDockerd.psm1') -Force
        $fleet = Join-Path $TestDrive 'fleet'
        $ca = Join-Path $fleet 'ca'
        $script:daemons = @()
        New-DockerCA -CommonName 'Engine CA' -OutputPath $ca -KeyAlgorithm ECDSA | Out-Null
        foreach ($name in 'host1', 'host2') {
            New-DockerServerCert -CAPath $ca -DnsName localhost -IPAddress 127.0.0.1 -OutputPath (Join-Path $fleet $name) -KeyAlgorithm ECDSA | Out-Null
        }
        foreach ($name in 'stays', 'revoked') {
            New-DockerClientCert -CAPath $ca -CommonName $name -OutputPath (Join-Path $fleet $name) -KeyAlgorithm ECDSA | Out-Null
        }
        Copy-Item -Recurse (Join-Path $fleet 'host1') (Join-Path $TestDrive 'old-host1')
        Copy-Item -Recurse (Join-Path $fleet 'stays') (Join-Path $TestDrive 'old-stays')

        # The daemons stopped and started again on the files as they are now: dockerd reads them only at start.
        function Restart-Fleet {
            foreach ($daemon in $script:daemons) { Stop-TestDockerd $daemon }
            $script:daemons = @()
            $script:daemons = @(foreach ($name in 'host1', 'host2') { Start-TestTlsDockerd -CertPath (Join-Path $fleet $name) })
        }
        # The exit code of the real docker CLI of each client against each daemon, as "client@host=code".
        function Get-Reach([string[]] $Clients) {
            @(foreach ($client in $Clients) {
                    for ($i = 0; $i -lt $script:daemons.Count; $i++) {
                        $result = Invoke-TestDocker -ArgumentList version, --format, '{{.Server.Version}}' -DockerHost $script:daemons[$i].DockerHost -CertPath (Join-Path $fleet $client) -TimeoutSec 60
                        "$client@host$($i + 1)=$($result.ExitCode)"
                    }
                })
        }
        function Get-Expected([string[]] $Clients, [int] $Code = 0) { @(foreach ($c in $Clients) { "$c@host1=$Code"; "$c@host2=$Code" }) }

        Restart-Fleet
        $reach0 = Get-Reach stays, revoked
        Revoke-DockerClientCert -CAPath $ca -CommonName revoked -Confirm:$false 3>$null | Out-Null

        $started = Start-DockerCARollover -CAPath $ca
        New-DockerClientCert -CAPath $ca -CommonName later -OutputPath (Join-Path $fleet 'later') -KeyAlgorithm ECDSA | Out-Null
        Restart-Fleet
        $reach1 = Get-Reach stays, later

        $reissued = @(Get-DockerCertificate -IssuedBy $ca | Where-Object { -not $_.Revoked } | Update-DockerCertificate -CAPath $ca)
        Restart-Fleet
        $reach2 = Get-Reach stays, later

        $completed = Complete-DockerCARollover -CAPath $ca -Confirm:$false
        Restart-Fleet
        $reach3 = Get-Reach stays, later
        $refused3 = Get-Reach revoked
        # The old client certificate, with nothing old but itself (the new ca.pem beside it).
        Copy-Item -Force (Join-Path $ca 'ca.pem') (Join-Path $TestDrive 'old-stays/ca.pem')
        $oldClient = foreach ($daemon in $script:daemons) {
            Invoke-TestDocker -ArgumentList version, --format, '{{.Server.Version}}' -DockerHost $daemon.DockerHost -CertPath (Join-Path $TestDrive 'old-stays') -TimeoutSec 60
        }
        # A daemon still serving the old server certificate, trusting only the new CA.
        Copy-Item -Force (Join-Path $ca 'ca.pem') (Join-Path $TestDrive 'old-host1/ca.pem')
        $oldServer = Start-TestTlsDockerd -CertPath (Join-Path $TestDrive 'old-host1')
        $toOldServer = Invoke-TestDocker -ArgumentList version, --format, '{{.Server.Version}}' -DockerHost $oldServer.DockerHost -CertPath (Join-Path $fleet 'stays') -TimeoutSec 60
    }

    AfterAll {
        foreach ($daemon in $script:daemons) { Stop-TestDockerd $daemon }
        if ($oldServer) { Stop-TestDockerd $oldServer }
    }

    It 'before the rollover: both clients reach both daemons' {
        $reach0 | Should -Be (Get-Expected stays, revoked)
    }

    It 'after Start (daemons on the bundle and their old server certificates): the client that stays and the one issued after the start reach both' {
        $started.OldLeaves.Count | Should -Be 3
        $reach1 | Should -Be (Get-Expected stays, later)
    }

    It 'after Update-DockerCertificate (every leaf but the revoked one from the new CA): both still reach both daemons' {
        @($reissued.CommonName | Sort-Object) | Should -Be @('localhost', 'localhost', 'stays')
        $reach2 | Should -Be (Get-Expected stays, later)
    }

    It 'after Complete (the new CA alone): both still reach both daemons' {
        $completed.Stage | Should -Be 'Completed'
        $reach3 | Should -Be (Get-Expected stays, later)
    }

    It 'at the end refuses the revoked client on both daemons' {
        $refused3 | Should -Not -Contain 'revoked@host1=0'
        $refused3 | Should -Not -Contain 'revoked@host2=0'
    }

    It 'at the end refuses the old client certificate (the daemons) and the old server certificate (the client)' {
        foreach ($result in $oldClient) {
            $result.ExitCode | Should -Not -Be 0
            $result.StdErr | Should -Match 'certificate|tls|remote error'
        }
        $toOldServer.ExitCode | Should -Not -Be 0
        $toOldServer.StdErr | Should -Match 'certificate signed by unknown authority|x509'
    }
}
