#requires -Version 7.0
# The write path under attack, against the built module: concurrent writers released together, a failure in the
# middle of a commit, kill -9, a full disk, a read-only file system, no permission; owner, mode and links of the
# files it rewrites. Every file set is checked with openssl; every wait and round is bounded.

BeforeDiscovery {
    $script:isRootLinux = $IsLinux -and ((& id -u) -eq '0')
}

BeforeAll {
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1')).Path
    Import-Module $modulePath -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/Barrier.psm1') -Force

    # The public key of a certificate and of a key, and whether ca.pem signs the certificate, as openssl sees them.
    function Test-Set([string] $CAFile, [string] $CertFile, [string] $KeyFile) {
        $certKey = (& openssl x509 -in $CertFile -noout -pubkey 2>&1) -join "`n"
        $keyKey = (& openssl pkey -in $KeyFile -pubout 2>&1) -join "`n"
        $null = & openssl verify -CAfile $CAFile $CertFile 2>&1
        [pscustomobject] @{ KeyMatches = $certKey -eq $keyKey -and $certKey -match 'BEGIN PUBLIC KEY'; Signed = $LASTEXITCODE -eq 0 }
    }

    # Every file under a folder with its hash, hidden ones included.
    function Get-Snapshot([string] $Path) {
        (Get-ChildItem -Recurse -Force $Path | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { $_.FullName } else { "$($_.FullName) $((Get-FileHash $_.FullName).Hash)" }
        }) -join "`n"
    }

    function Get-TempFiles([string] $Path) {
        @(Get-ChildItem -Recurse -Force $Path | Where-Object { $_.Name -match '^\..*\.[0-9a-f]{32}\.tmp$' -or $_.Name -eq '.dockertls.lock' })
    }
}

Describe 'Concurrent writers' {
    BeforeAll {
        $script:work = Join-Path $TestDrive 'concurrent'
        $script:caOne = Join-Path $work 'ca1'
        $script:caTwo = Join-Path $work 'ca2'
        New-DockerCA -OutputPath $caOne -KeyAlgorithm ECDSA -CommonName 'CA one' | Out-Null
        New-DockerCA -OutputPath $caTwo -KeyAlgorithm ECDSA -CommonName 'CA two' | Out-Null
        $script:kitOne = Join-Path $work 'kit1'
        $script:kitTwo = Join-Path $work 'kit2'
        Initialize-DockerTls -OutputPath $kitOne -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA | Out-Null
        Initialize-DockerTls -OutputPath $kitTwo -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA | Out-Null
        $script:systemd = New-Item -ItemType Directory -Force -Path (Join-Path $work 'systemd-root')
        $warm = "param(`$Id) New-DockerServerCert -CAPath '$caOne' -OutputPath (Join-Path '$work/warm' `$Id) -DnsName w -KeyAlgorithm ECDSA"
        $script:barrier = Start-Barrier -Module $modulePath -Folder (Join-Path $work 'barrier') -Count 8 -WarmUp $warm
        $script:rounds = 4
    }

    AfterAll { if ($barrier) { Stop-Barrier $barrier } }

    It 'eight New-DockerServerCert into one folder without -Force: exactly one writes, the others get KeyFileExists' {
        foreach ($round in 1..$rounds) {
            $out = Join-Path $work "plain-$round"
            $results = Invoke-Together $barrier "param(`$Id) New-DockerServerCert -CAPath ((`$Id % 2) ? '$caOne' : '$caTwo') -OutputPath '$out' -DnsName ""w`$Id"" -KeyAlgorithm ECDSA"
            $ok = @($results.Values | Where-Object { $_ -eq 'OK' })
            $ok.Count | Should -Be 1 -Because "round $round gave $(($results.Values | Sort-Object) -join ', ')"
            @($results.Values | Where-Object { $_ -notin 'OK', 'KeyFileExists', 'TargetBusy' }) | Should -BeNullOrEmpty
            $set = Test-Set "$out/ca.pem" "$out/server-cert.pem" "$out/server-key.pem"
            $set.KeyMatches | Should -BeTrue -Because "round $round"
            $set.Signed | Should -BeTrue -Because "round $round"
            Get-TempFiles $out | Should -BeNullOrEmpty
        }
    }

    It 'eight New-DockerServerCert -Force from two CAs into one folder: the folder always holds one writer''s whole set' {
        $out = Join-Path $work 'forced'
        foreach ($round in 1..$rounds) {
            $results = Invoke-Together $barrier "param(`$Id) New-DockerServerCert -CAPath ((`$Id % 2) ? '$caOne' : '$caTwo') -OutputPath '$out' -DnsName ""w`$Id"" -KeyAlgorithm ECDSA -Force"
            @($results.Values | Where-Object { $_ -ne 'OK' }) | Should -BeNullOrEmpty -Because "round $round"
            $set = Test-Set "$out/ca.pem" "$out/server-cert.pem" "$out/server-key.pem"
            $set.KeyMatches | Should -BeTrue -Because "round ${round}: cert and key from one writer"
            $set.Signed | Should -BeTrue -Because "round ${round}: ca.pem from the writer of the certificate"
            Get-TempFiles $out | Should -BeNullOrEmpty
        }
    }

    It 'eight Set-DockerDaemonConfig with two kits on one daemon.json: the installed files are always one kit''s whole set' {
        foreach ($round in 1..$rounds) {
            $root = New-Item -ItemType Directory -Force -Path (Join-Path $work "daemon-$round")
            [IO.File]::WriteAllText("$root/daemon.json", '{ "debug": true }')
            $results = Invoke-Together $barrier "param(`$Id) Set-DockerDaemonConfig -Path '$root/daemon.json' -CertPath ((`$Id % 2) ? '$kitOne/server' : '$kitTwo/server') -CertDestination '$root/certs' -SystemdRoot '$systemd' -DockerHost tcp://127.0.0.1:2376 -NoLocalSocket -WarningAction SilentlyContinue -InformationAction SilentlyContinue"
            @($results.Values | Where-Object { $_ -eq 'OK' }).Count | Should -BeGreaterOrEqual 1
            @($results.Values | Where-Object { $_ -notin 'OK', 'TargetChanged', 'TargetBusy' }) | Should -BeNullOrEmpty -Because "round $round gave $(($results.Values | Sort-Object) -join ', ')"
            $set = Test-Set "$root/certs/ca.pem" "$root/certs/server-cert.pem" "$root/certs/server-key.pem"
            $set.KeyMatches | Should -BeTrue -Because "round $round"
            $set.Signed | Should -BeTrue -Because "round $round"
            $config = Get-Content -Raw "$root/daemon.json" | ConvertFrom-Json
            $config.debug | Should -BeTrue
            $config.tlscert | Should -Be "$root/certs/server-cert.pem"
            # Every backup of daemon.json holds the original: no writer backed up another's half-done work.
            foreach ($backup in Get-ChildItem "$root/daemon.json.*.bak") { Get-Content -Raw $backup | Should -Be '{ "debug": true }' }
            Get-TempFiles $root | Should -BeNullOrEmpty
        }
    }
}
