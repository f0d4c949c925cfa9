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

    # A kit as Initialize-DockerTls writes it, whole: each pair matches, ca.pem signs it, every ca.pem is the CA.
    function Test-Kit([string] $Path) {
        foreach ($pair in @(@('server', 'server-cert.pem', 'server-key.pem'), @('client', 'cert.pem', 'key.pem'))) {
            $set = Test-Set "$Path/ca/ca.pem" "$Path/$($pair[0])/$($pair[1])" "$Path/$($pair[0])/$($pair[2])"
            $set.KeyMatches | Should -BeTrue -Because "$Path/$($pair[0])"
            $set.Signed | Should -BeTrue -Because "$Path/$($pair[0])"
            (Get-FileHash "$Path/ca/ca.pem").Hash | Should -Be (Get-FileHash "$Path/$($pair[0])/ca.pem").Hash
        }
    }

    # Every file under a folder with its hash, hidden ones included.
    function Get-Snapshot([string] $Path) {
        (Get-ChildItem -Recurse -Force $Path | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { $_.FullName } else { "$($_.FullName) $((Get-FileHash $_.FullName).Hash)" }
        }) -join "`n"
    }

    function Get-TempFiles([string] $Path) {
        @(Get-ChildItem -Recurse -Force $Path | Where-Object { $_.Name -match '^\..*\.[0-9a-f]{32}\.tmp$' -or $_.Name -in '.dockertls.lock', '.dockertls.journal' })
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

Describe 'All or none' -Skip:(-not $isRootLinux) {
    BeforeAll {
        # A kit, then a fresh set over it with one target immutable: the rename phase fails at that file.
        function New-Kit([string] $Path, [switch] $Force) {
            Initialize-DockerTls -OutputPath $Path -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA -Force:$Force -InformationAction SilentlyContinue | Out-Null
        }

        $script:mounts = [Collections.Generic.List[string]]::new()
        function New-Tmpfs([string] $Path, [string] $Size) {
            New-Item -ItemType Directory -Force -Path $Path | Out-Null
            & mount -t tmpfs -o "size=$Size,mode=0755" tmpfs $Path 2>$null
            if ($LASTEXITCODE -ne 0) { return $false } # a container without CAP_SYS_ADMIN
            $mounts.Add($Path)
            $true
        }
    }

    AfterAll { foreach ($mount in $mounts) { & umount $mount 2>$null } }

    It 'a rename that fails half-way (chattr +i client/key.pem) puts back every file already moved: the old set stays byte-identical' {
        $kit = Join-Path $TestDrive 'immutable'
        New-Kit $kit
        $before = Get-Snapshot $kit
        & chattr +i "$kit/client/key.pem" 2>$null
        if ($LASTEXITCODE -ne 0) { Set-ItResult -Skipped -Because 'this file system or container does not allow chattr +i'; return }
        try {
            { New-Kit $kit -Force } | Should -Throw -ErrorId 'PermissionDenied,*'
            $error[0].Exception.Message | Should -BeLike "*'$kit/client/key.pem'*Operation not permitted*chattr -i*"
        } finally {
            & chattr -i "$kit/client/key.pem"
        }
        Get-Snapshot $kit | Should -Be $before
        Get-TempFiles $kit | Should -BeNullOrEmpty
    }

    It 'a full disk is DiskFull in the system''s words, names the target, and leaves nothing behind' {
        $disk = Join-Path $TestDrive 'full'
        if (-not (New-Tmpfs $disk '24k')) { Set-ItResult -Skipped -Because 'tmpfs cannot be mounted here'; return }
        { New-Kit "$disk/kit" } | Should -Throw -ErrorId 'DiskFull,*'
        $error[0].Exception.Message | Should -Match "Cannot write '$([regex]::Escape($disk))/kit/[a-z]+/[a-z-]+\.pem': No space left on device\."
        $error[0].Exception.Message | Should -Not -Match 'errno|\.tmp'
        @(Get-ChildItem -Force -Recurse $disk) | Should -BeNullOrEmpty
    }

    It 'a read-only file system is ReadOnlyFileSystem and the old set stays byte-identical' {
        $disk = Join-Path $TestDrive 'readonly'
        if (-not (New-Tmpfs $disk '1m')) { Set-ItResult -Skipped -Because 'tmpfs cannot be mounted here'; return }
        New-Kit "$disk/kit"
        $before = Get-Snapshot $disk
        & mount -o remount,ro $disk
        { New-Kit "$disk/kit" -Force } | Should -Throw -ErrorId 'ReadOnlyFileSystem,*'
        $error[0].Exception.Message | Should -BeLike "*'$disk/kit/*': Read-only file system.*remount*"
        & mount -o remount,rw $disk
        Get-Snapshot $disk | Should -Be $before
    }

    It 'survives 20 kill -9 at random moments: the next run removes every leftover and writes a whole set' {
        $work = Join-Path $TestDrive 'killed'
        $loop = Join-Path $work 'loop.ps1'
        New-Item -ItemType Directory -Force -Path $work | Out-Null
        [IO.File]::WriteAllText($loop, @"
param([string] `$Kit)
Import-Module '$modulePath'
while (`$true) { Initialize-DockerTls -OutputPath `$Kit -DnsName localhost -KeyAlgorithm ECDSA -Force -InformationAction SilentlyContinue | Out-Null; [IO.File]::WriteAllText("`$Kit.ready", '') }
"@)
        $pwsh = Get-PwshCommand
        $random = [Random]::new()
        $kills = 0
        $leftBehind = 0
        foreach ($generation in 1..4) {
            $processes = foreach ($i in 1..5) {
                $kit = Join-Path $work "kit-$i"
                Remove-Item -Force "$kit.ready" -ErrorAction SilentlyContinue
                [pscustomobject] @{ Kit = $kit; Process = (Start-Process -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-File', $loop, $kit)) -PassThru -RedirectStandardOutput "$kit.out" -RedirectStandardError "$kit.err") }
            }
            $deadline = [DateTime]::UtcNow.AddSeconds(90)
            foreach ($p in $processes) {
                while (-not (Test-Path "$($p.Kit).ready") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            }
            foreach ($p in $processes) {
                Start-Sleep -Milliseconds ($random.Next(0, 400))
                & kill -9 $p.Process.Id
                $null = $p.Process.WaitForExit(10000)
                $kills++
                if (Get-TempFiles $p.Kit) { $leftBehind++ }
            }
        }
        Write-Host "kill -9: $kills kills, $leftBehind left temporary files behind"
        $kills | Should -Be 20
        foreach ($i in 1..5) {
            $kit = Join-Path $work "kit-$i"
            New-Kit $kit -Force
            Get-TempFiles $kit | Should -BeNullOrEmpty
            Test-Kit $kit
        }
    }
}

Describe 'Killed inside the rename phase' -Skip:(-not ($isRootLinux -and (Get-Command strace -ErrorAction SilentlyContinue))) {
    BeforeAll {
        # The rename phase takes a few milliseconds; strace makes it long enough to kill inside it, from outside the
        # module: every rename(2) of the child waits 200 ms before it runs (strace's fault injection, as a slow disk
        # would), and the module carries no hook of its own. The child gets SIGKILL once the log shows a random number
        # of its targets renamed (1 to all but one), so the kill lands while a later rename waits (bounded: 60 s to get
        # there, 20 s to die).
        $script:random = [Random]::new()
        function Stop-InRenamePhase([string] $Script, [string] $Log, [int] $Renames) {
            Remove-Item -Force $Log -ErrorAction SilentlyContinue
            $arguments = @('-f', '--seccomp-bpf', '-qq', '-o', $Log, '-e', 'trace=rename,renameat,renameat2',
                '-e', 'inject=rename,renameat,renameat2:delay_enter=200000') + (Get-PwshCommand) + @('-NoProfile', '-NonInteractive', '-File', $Script)
            $strace = Start-Process -FilePath strace -ArgumentList $arguments -PassThru -RedirectStandardOutput "$Log.out" -RedirectStandardError "$Log.err"
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            $wanted = $random.Next(1, $Renames)
            $lines = @()
            while ($lines.Count -lt $wanted -and -not $strace.HasExited -and [DateTime]::UtcNow -lt $deadline) {
                # A target renamed: a staged name moved onto a name that does not start with a dot (the journal's does).
                $lines = if (Test-Path $Log) { @(Select-String -Path $Log -Pattern '\.tmp", "[^"]*/[^./"][^/"]*"\)') } else { @() }
                if ($lines.Count -lt $wanted) { Start-Sleep -Milliseconds 5 }
            }
            $lines.Count | Should -BeGreaterOrEqual $wanted -Because "the child reaches its renames within 60 s: $(Get-Content -Raw "$Log.err", "$Log.out", $Log -ErrorAction SilentlyContinue)"
            # The log's first field is the thread that renamed; its process (strace also forks a probe child of its own).
            $thread = $lines[-1].Line.Split(' ')[0]
            $process = ((Get-Content "/proc/$thread/status" -ErrorAction SilentlyContinue) -match '^Tgid:' -replace '\D', '')
            & kill -9 ($process ? $process : $thread) 2>$null
            $strace.WaitForExit(20000) | Should -BeTrue
        }

        # The kit's files as Get-Snapshot lists them, without the CA inventory's lock file, which a killed run leaves (empty,
        # 0600) until the next command that issues from that CA takes and removes it; a run refused with KeyFileExists does not.
        function Get-SetSnapshot([string] $Path) { ((Get-Snapshot $Path) -split "`n" | Where-Object { $_ -notmatch 'ca-inventory\.jsonl\.lock ' }) -join "`n" }

        # What differs from a snapshot (Get-Snapshot): the names of the files whose bytes changed, came or went.
        function Get-Changed([string] $Before, [string] $After) {
            @(Compare-Object @($Before -split "`n") @($After -split "`n") | ForEach-Object { ($_.InputObject -split ' ')[0] } | Sort-Object -Unique)
        }

        $script:killWork = Join-Path $TestDrive 'renames'
        New-Item -ItemType Directory -Force -Path $killWork | Out-Null
        $script:figures = [ordered] @{}
    }

    AfterAll { foreach ($entry in $figures.GetEnumerator()) { Write-Host "kill -9 in the rename phase, $($entry.Key): $($entry.Value)" } }

    It 'Initialize-DockerTls -Force killed 20 times: the next run puts back the old kit byte for byte, or the new one is whole' {
        $kit = Join-Path $killWork 'kit'
        Initialize-DockerTls -OutputPath $kit -DnsName localhost -KeyAlgorithm ECDSA 6> $null | Out-Null
        $script_ = Join-Path $killWork 'initialize.ps1'
        [IO.File]::WriteAllText($script_, "Import-Module '$modulePath'; Initialize-DockerTls -OutputPath '$kit' -DnsName localhost -KeyAlgorithm ECDSA -Force -InformationAction SilentlyContinue | Out-Null")
        $journaled = 0; $mixed = 0
        foreach ($round in 1..20) {
            $before = Get-SetSnapshot $kit
            Stop-InRenamePhase $script_ (Join-Path $killWork "initialize-$round.log") 9
            $halfDone = Test-Path "$kit/ca/.dockertls.journal"
            $changed = @(Get-Changed $before (Get-SetSnapshot $kit) | Where-Object { [IO.Path]::GetFileName($_) -notmatch '^\.' })
            if ($halfDone) { $journaled++; if ($changed.Count -gt 0 -and $changed.Count -lt 9) { $mixed++ } }
            $verbose = Join-Path $killWork "next-$round.txt"
            # The next run, without -Force: it rolls the half set back before it looks, then finds the kit there.
            { Initialize-DockerTls -OutputPath $kit -DnsName localhost -KeyAlgorithm ECDSA -InformationAction SilentlyContinue -Verbose 4> $verbose } | Should -Throw -ErrorId 'KeyFileExists,*'
            if ($halfDone) {
                Get-SetSnapshot $kit | Should -Be $before -Because "round ${round}: killed with $($changed.Count) of 9 files renamed, the old kit comes back"
                if ($changed.Count -gt 0) { Get-Content -Raw $verbose | Should -Match 'rolled back' }
            } else {
                Test-Kit $kit
            }
            Get-TempFiles $kit | Should -BeNullOrEmpty -Because "round $round"
        }
        $figures['Initialize-DockerTls'] = "20 kills, $journaled inside the renames ($mixed of them left a mixed kit before the next run), every one put back byte for byte"
        $journaled | Should -BeGreaterOrEqual 15 -Because 'nearly every kill lands while a rename waits'
        $mixed | Should -BeGreaterOrEqual 10 -Because 'most kills come after some of the files and before others'
    }

    It 'Set-DockerDaemonConfig killed 20 times: the next DockerTls run on any folder of the set puts back the old files and daemon.json' {
        $kits = foreach ($i in 1..2) { $k = Join-Path $killWork "daemon-kit-$i"; Initialize-DockerTls -OutputPath $k -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6> $null | Out-Null; $k }
        $root = New-Item -ItemType Directory -Force -Path (Join-Path $killWork 'daemon')
        $systemd = New-Item -ItemType Directory -Force -Path (Join-Path $killWork 'systemd-root')
        [IO.File]::WriteAllText("$root/daemon.json", '{ "debug": true }')
        $set = { param($Kit) "Set-DockerDaemonConfig -Path '$root/daemon.json' -CertPath '$Kit/server' -CertDestination '$root/certs' -SystemdRoot '$systemd' -DockerHost tcp://127.0.0.1:2376 -NoLocalSocket -WarningAction SilentlyContinue -InformationAction SilentlyContinue" }
        Invoke-Expression (& $set $kits[0]) 6> $null | Out-Null
        $installed = 0 # the kit in place; each killed run installs the other one
        $journaled = 0; $mixed = 0
        foreach ($round in 1..20) {
            $before = Get-Snapshot $root
            $script_ = Join-Path $killWork "daemon-$round.ps1"
            [IO.File]::WriteAllText($script_, "Import-Module '$modulePath'; $(& $set $kits[1 - $installed])")
            # Three backups and three server files (daemon.json holds the configuration already after the first run).
            Stop-InRenamePhase $script_ (Join-Path $killWork "daemon-$round.log") 6
            $halfDone = (Test-Path "$root/.dockertls.journal") -or (Test-Path "$root/certs/.dockertls.journal")
            $changed = @(Get-Changed $before (Get-Snapshot $root) | Where-Object { [IO.Path]::GetFileName($_) -notmatch '^\.' })
            if ($halfDone) { $journaled++; if ($changed.Count -gt 0 -and $changed.Count -lt 6) { $mixed++ } }
            # The next run writes into certs/ only (a CA there, without -Force): it rolls back the whole set, daemon.json too.
            { New-DockerCA -OutputPath "$root/certs" -KeyAlgorithm ECDSA 4> $null } | Should -Throw -ErrorId 'KeyFileExists,*'
            if ($halfDone) {
                Get-Snapshot $root | Should -Be $before -Because "round ${round}: killed with $($changed.Count) of 6 files renamed"
            } else {
                $pair = Test-Set "$root/certs/ca.pem" "$root/certs/server-cert.pem" "$root/certs/server-key.pem"
                $pair.KeyMatches | Should -BeTrue -Because "round $round"
                $pair.Signed | Should -BeTrue -Because "round $round"
                (Get-Content -Raw "$root/daemon.json" | ConvertFrom-Json).tlscert | Should -Be "$root/certs/server-cert.pem"
                $installed = 1 - $installed
            }
            Get-TempFiles $root | Should -BeNullOrEmpty -Because "round $round"
        }
        $figures['Set-DockerDaemonConfig'] = "20 kills, $journaled inside the renames ($mixed of them left a mixed set before the next run), every one put back byte for byte"
        $journaled | Should -BeGreaterOrEqual 15 -Because 'nearly every kill lands while a rename waits'
        $mixed | Should -BeGreaterOrEqual 10 -Because 'most kills come after some of the files and before others'
    }
}

Describe 'Without permission' -Skip:(-not ($isRootLinux -and (Get-Command setpriv -ErrorAction SilentlyContinue))) {
    BeforeAll {
        # A user that may read everything (CAP_DAC_READ_SEARCH, so that it can run this pwsh and read the kit) but
        # write only what it owns: nobody.
        $script:home_ = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'nobody-home')
        & chown 65534:65534 $home_
        function Invoke-AsNobody([string] $Command) {
            $pwsh = Get-PwshCommand
            $env:HOME_SAVED = $env:HOME
            $env:HOME = $home_
            try {
                $out = & setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+dac_read_search --ambient-caps=+dac_read_search `
                    $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "Import-Module '$modulePath'; `$ErrorActionPreference = 'Stop'; try { $Command; 'OK' } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }" 2>&1
            } finally {
                $env:HOME = $env:HOME_SAVED
            }
            , @($out | ForEach-Object { "$_" })
        }

        $script:etc = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'etc-docker')
        [IO.File]::WriteAllText("$etc/daemon.json", '{ "debug": true }')
        $script:kit = Join-Path $TestDrive 'nobody-kit'
        Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA -InformationAction SilentlyContinue | Out-Null
        $script:systemd = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'nobody-systemd')
        $script:setCommand = "Set-DockerDaemonConfig -Path '$etc/daemon.json' -CertPath '$kit/server' -CertDestination '$etc/certs' -SystemdRoot '$systemd' -DockerHost tcp://127.0.0.1:2376 -WarningAction SilentlyContinue"
    }

    It 'Set-DockerDaemonConfig says permission denied in words, names the file it would write and says to run as root' {
        $before = Get-Snapshot $etc
        $out = Invoke-AsNobody $setCommand
        $out[0] | Should -BeLike 'PermissionDenied,*'
        $out[1] | Should -BeLike "Cannot write '$etc/*': Permission denied. Nothing was changed. Run as root (sudo*"
        ($out -join "`n") | Should -Not -Match 'errno|\.tmp'
        Get-Snapshot $etc | Should -Be $before
    }

    It '-WhatIf as that user reports the same problem a real run would, writing nothing' {
        $before = Get-Snapshot $etc
        $real = Invoke-AsNobody $setCommand
        $whatIf = Invoke-AsNobody "$setCommand -WhatIf"
        $whatIf[0] | Should -Be $real[0]
        $whatIf[1] | Should -Be $real[1]
        Get-Snapshot $etc | Should -Be $before
    }
}

Describe 'Owner, mode and links of the files it rewrites' -Skip:(-not $isRootLinux) {
    BeforeAll {
        function Get-Owner([string] $Path) { (& stat -c '%u:%g %a' $Path).Trim() }
        $script:kit = Join-Path $TestDrive 'owner-kit'
        Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA -InformationAction SilentlyContinue | Out-Null
        $script:emptySystemd = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'owner-systemd')
        function Set-Daemon([string] $Root, [string] $Systemd = $emptySystemd, [switch] $ConfigureSystemd) {
            Set-DockerDaemonConfig -Path "$Root/daemon.json" -CertPath "$kit/server" -CertDestination "$Root/certs" -SystemdRoot $Systemd `
                -DockerHost tcp://127.0.0.1:2376 -ConfigureSystemd:$ConfigureSystemd -WarningAction SilentlyContinue -InformationAction SilentlyContinue
        }
        $script:saved = @{ HOME = $env:HOME; DOCKER_CONFIG = $env:DOCKER_CONFIG; DOCKER_HOST = $env:DOCKER_HOST; DOCKER_TLS_VERIFY = $env:DOCKER_TLS_VERIFY; DOCKER_CERT_PATH = $env:DOCKER_CERT_PATH }
        $script:savedProfile = $global:PROFILE
    }

    AfterAll {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        $global:PROFILE = $savedProfile
    }

    It 'a daemon.json owned 1000:1000 stays so, and so does its backup' {
        $root = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'owned')
        [IO.File]::WriteAllText("$root/daemon.json", '{ "debug": true }')
        & chown 1000:1000 "$root/daemon.json"
        Set-Daemon $root
        Get-Owner "$root/daemon.json" | Should -Be '1000:1000 644'
        (Get-Content -Raw "$root/daemon.json" | ConvertFrom-Json).tlsverify | Should -BeTrue
        $backup = @(Get-ChildItem "$root/daemon.json.*.bak")
        $backup.Count | Should -Be 1
        Get-Owner $backup[0].FullName | Should -Be '1000:1000 644'
    }

    It 'a 0640 root:adm daemon.json keeps its group and mode' {
        $root = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'adm')
        [IO.File]::WriteAllText("$root/daemon.json", '{ "debug": true }')
        & chown 0:4 "$root/daemon.json"
        & chmod 0640 "$root/daemon.json"
        Set-Daemon $root
        Get-Owner "$root/daemon.json" | Should -Be '0:4 640'
    }

    It 'an existing 0640 drop-in keeps its mode when rewritten, and is backed up like daemon.json' {
        $root = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'dropin')
        $systemd = Join-Path $root 'systemd'
        New-Item -ItemType Directory -Force -Path "$systemd/lib/systemd/system", "$systemd/etc/systemd/system/docker.service.d" | Out-Null
        [IO.File]::WriteAllText("$systemd/lib/systemd/system/docker.service", "[Service]`nExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock`n")
        $dropIn = "$systemd/etc/systemd/system/docker.service.d/docker.conf"
        $oldDropIn = "[Service]`nEnvironment=KEEP=1`n"
        [IO.File]::WriteAllText($dropIn, $oldDropIn)
        & chown 1000:4 $dropIn
        & chmod 0640 $dropIn
        Set-Daemon $root -Systemd $systemd -ConfigureSystemd
        Get-Owner $dropIn | Should -Be '1000:4 640'
        Get-Content -Raw $dropIn | Should -Match 'ExecStart='
        $backup = @(Get-ChildItem "$dropIn.*.bak")
        $backup.Count | Should -Be 1
        Get-Content -Raw $backup[0].FullName | Should -Be $oldDropIn
        Get-Owner $backup[0].FullName | Should -Be '1000:4 640'
    }

    It 'root rewriting a user''s profile and docker config.json keeps them the user''s' {
        $userHome = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'user-home')
        $profilePath = Join-Path $userHome '.config/powershell/profile.ps1'
        New-Item -ItemType Directory -Force -Path (Split-Path $profilePath) | Out-Null
        [IO.File]::WriteAllText($profilePath, "# mine`n")
        $config = New-Item -ItemType Directory -Force -Path (Join-Path $userHome '.docker')
        [IO.File]::WriteAllText("$config/config.json", "{`"auths`": {}}`n")
        & chown -R 1000:1000 $userHome
        & chmod 0600 "$config/config.json"
        $env:HOME = $userHome
        $env:DOCKER_CONFIG = $config
        $global:PROFILE = [pscustomobject] @{ CurrentUserAllHosts = $profilePath }

        Set-DockerClientEnv -DockerHost tcp://localhost:2376 -CertPath "$kit/client" -Scope User -WarningAction SilentlyContinue | Out-Null
        New-DockerContext -Name owner-test -DockerHost tcp://localhost:2376 -CertPath "$kit/client" -Use -WarningAction SilentlyContinue | Out-Null

        Get-Content -Raw $profilePath | Should -Match 'DockerTls'
        Get-Owner $profilePath | Should -Be '1000:1000 644'
        (Get-Content -Raw "$config/config.json" | ConvertFrom-Json).currentContext | Should -Be 'owner-test'
        Get-Owner "$config/config.json" | Should -Be '1000:1000 600'
    }

    It 'a profile that is a symbolic link (a dotfile manager''s) is written at its target and stays a link' {
        $userHome = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'dotfiles-home')
        $dotfile = Join-Path $userHome 'dotfiles/profile.ps1'
        New-Item -ItemType Directory -Force -Path (Split-Path $dotfile), "$userHome/.config/powershell" | Out-Null
        [IO.File]::WriteAllText($dotfile, "# managed`n")
        $profilePath = "$userHome/.config/powershell/profile.ps1"
        $null = New-Item -ItemType SymbolicLink -Path $profilePath -Target '../../dotfiles/profile.ps1'
        & chown -h -R 1000:1000 $userHome
        $env:HOME = $userHome
        $global:PROFILE = [pscustomobject] @{ CurrentUserAllHosts = $profilePath }

        Set-DockerClientEnv -DockerHost tcp://localhost:2376 -CertPath "$kit/client" -Scope User -WarningAction SilentlyContinue | Out-Null

        (Get-Item $profilePath).LinkType | Should -Be 'SymbolicLink'
        (Get-Item $profilePath).Target | Should -Be '../../dotfiles/profile.ps1'
        Get-Content -Raw $dotfile | Should -BeLike "# managed`n# >>> DockerTls*"
        Get-Owner $dotfile | Should -Be '1000:1000 644'
        Get-TempFiles $userHome | Should -BeNullOrEmpty
    }

    It 'a link that another user could point at a file not theirs, or at nothing, is refused (LinkedFileRefused, FileLinkBroken)' {
        $root = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'hostile-link')
        $victim = Join-Path $root 'victim'
        [IO.File]::WriteAllText($victim, "{}`n")
        $null = New-Item -ItemType SymbolicLink -Path "$root/daemon.json" -Target $victim
        & chown -h 1000:1000 "$root/daemon.json"
        $before = Get-Snapshot $root
        { Set-Daemon $root } | Should -Throw -ErrorId 'LinkedFileRefused,*'
        $error[0].Exception.Message | Should -BeLike "*'$root/daemon.json' is a symbolic link owned by uid 1000 to '$victim', owned by uid 0*"
        Get-Snapshot $root | Should -Be $before

        $dangling = New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'dangling-link')
        $null = New-Item -ItemType SymbolicLink -Path "$dangling/daemon.json" -Target "$dangling/missing.json"
        { Set-Daemon $dangling } | Should -Throw -ErrorId 'FileLinkBroken,*'
        Test-Path "$dangling/missing.json" | Should -BeFalse
    }
}
