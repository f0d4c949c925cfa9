#requires -Version 7.0
# A fleet of Docker hosts over SSH (issue 16), against real parts: one real sshd (Debian's openssh-server) per
# host on a loopback address of its own, each host in a mount namespace of its own (its own /etc/docker,
# /etc/systemd, /etc/default, /run) with a real dockerd, and the real docker CLI. THE ONE STAND-IN: systemd cannot
# run here, so in each host's namespace `systemctl` (and `journalctl`) is tests/Support/fleet-systemctl.sh, which
# restarts that host's dockerd. Keys are made per run with ssh-keygen; known_hosts is written by the test.

BeforeDiscovery {
    $script:canRunFleet = $IsLinux -and ((& id -u) -eq '0') -and (Test-Path /usr/sbin/sshd) -and (Test-Path /usr/sbin/dockerd) -and [bool] (Get-Command unshare -ErrorAction SilentlyContinue)
    $script:hasBusyBox = (Test-Path /usr/bin/busybox) -or (Test-Path /bin/busybox)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Support/TestFleet.psm1') -Force
    $script:hosts = [System.Collections.Generic.List[object]]::new()
    $script:admin = $null
    $script:setId = 'DockerTls.Commands.SetDockerDaemonConfigCommand'

    # The administrator's SSH key and known_hosts, made once for the file by whichever Describe runs first, and $ssh:
    # the parameters that make the cmdlets use them.
    function Initialize-FleetAdmin {
        if (-not $script:admin) { $script:admin = New-TestFleetClientKey -Folder (Join-Path ([System.IO.Path]::GetTempPath()) "dt-fleet-admin-$PID") }
        $script:ssh = @{ KeyFilePath = $admin.KeyFilePath; Options = @{ UserKnownHostsFile = $admin.KnownHosts; GlobalKnownHostsFile = '/dev/null'; IdentitiesOnly = 'yes' } }
    }

    function Invoke-Ssh($TestHost, [string] $Command, [string] $User = 'root') {
        $output = & ssh -T -o BatchMode=yes -o "UserKnownHostsFile=$($admin.KnownHosts)" -o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes `
            -i $admin.KeyFilePath -p $TestHost.SshPort -l $User -- $TestHost.Address $Command 2>&1
        return [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output -join "`n") }
    }

    # A test host started and in known_hosts (unless -Unknown), with a server certificate for its address from the CA
    # in $Pki/ca (the module imported first): CertPath, and Target, the host's parameters for Set-DockerDaemonConfig.
    function New-CertifiedHost([string] $Pki, [string] $Name, [string] $Address, [hashtable] $Extra = @{}, [switch] $Unknown) {
        $h = Start-TestFleetHost -Name $Name -Address $Address -ClientKey $admin @Extra
        $script:hosts.Add($h)
        if (-not $Unknown) { Add-Content -LiteralPath $admin.KnownHosts -Value $h.HostKeyLine }
        New-DockerServerCert -CAPath "$Pki/ca" -IPAddress $Address -OutputPath "$Pki/hosts/$Name" -KeyAlgorithm ECDSA | Out-Null
        $h | Add-Member -NotePropertyName CertPath -NotePropertyValue "$Pki/hosts/$Name"
        $h | Add-Member -NotePropertyName Target -NotePropertyValue @{ HostName = $Address; Port = $h.SshPort; CertPath = "$Pki/hosts/$Name"; DockerHost = "tcp://${Address}:$($h.TlsPort)" }
        return $h
    }
}

AfterAll {
    if ($script:hosts.Count -gt 0) { Stop-TestFleetHost $script:hosts.ToArray() }
    if ($script:admin) { Remove-Item -Recurse -Force -LiteralPath (Split-Path $script:admin.KeyFilePath) -ErrorAction SilentlyContinue }
}

Describe 'The test fleet (tests/Support/TestFleet.psm1)' -Skip:(-not $canRunFleet) {
    BeforeAll {
        Initialize-FleetAdmin
        foreach ($n in 1..3) {
            $h = Start-TestFleetHost -Name "host$n" -Address "127.0.0.$(20 + $n)" -ClientKey $admin
            $script:hosts.Add($h)
            Add-Content -LiteralPath $admin.KnownHosts -Value $h.HostKeyLine
        }
    }

    It 'gives every host its own /etc/docker, unseen by the others and by this machine' {
        $marker = "marker-$PID-$([guid]::NewGuid().ToString('N'))"
        (Invoke-Ssh $hosts[0] "echo $marker >/etc/docker/$marker").ExitCode | Should -Be 0
        (Invoke-Ssh $hosts[0] "cat /etc/docker/$marker").Output | Should -Be $marker
        (Invoke-Ssh $hosts[1] "test -e /etc/docker/$marker; echo `$?").Output | Should -Be '1'
        Test-Path "/etc/docker/$marker" | Should -BeFalse
        (Invoke-Ssh $hosts[0] "rm /etc/docker/$marker").ExitCode | Should -Be 0
    }

    It 'runs a real dockerd in each host, which the systemctl stand-in restarts' {
        $before = (Invoke-Ssh $hosts[2] 'docker -H unix:///var/run/docker.sock info --format "{{.ID}} {{.Driver}}"')
        $before.ExitCode | Should -Be 0
        $before.Output | Should -Match ' vfs$'
        $pid1 = (Invoke-Ssh $hosts[2] "cat $($hosts[2].Root)/dockerd.pid").Output
        (Invoke-Ssh $hosts[2] 'systemctl restart docker').ExitCode | Should -Be 0
        $pid2 = (Invoke-Ssh $hosts[2] "cat $($hosts[2].Root)/dockerd.pid").Output
        $pid2 | Should -Not -Be $pid1
        (Invoke-Ssh $hosts[2] 'systemctl is-active docker').Output | Should -Be 'active'
        (Invoke-Ssh $hosts[2] 'docker -H unix:///var/run/docker.sock version --format "{{.Server.Os}}"').Output | Should -Be 'linux'
    }

    It 'checks host keys: a host missing from known_hosts refuses the connection' {
        $stranger = Start-TestFleetHost -Name 'stranger' -Address '127.0.0.29' -ClientKey $admin
        $script:hosts.Add($stranger)
        $r = Invoke-Ssh $stranger 'true'
        $r.ExitCode | Should -Be 255
        $r.Output | Should -Match 'Host key verification failed'
    }

    It 'stops every process of a host by pid, leaving no dockerd behind' {
        $h = $hosts[$hosts.Count - 1]
        $pids = Get-TestFleetHostPid $h
        $pids.Count | Should -BeGreaterOrEqual 2
        Stop-TestFleetHost $h
        $hosts.Remove($h) | Out-Null
        @($pids | Where-Object { Test-Path "/proc/$_" }) | Should -BeNullOrEmpty
    }
}

Describe 'Set-DockerDaemonConfig -HostName: a fleet configured, restarted and verified over SSH' -Skip:(-not $canRunFleet) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
        Initialize-FleetAdmin
        $script:pki = Join-Path $TestDrive 'pki'
        New-DockerCA -OutputPath "$pki/ca" -KeyAlgorithm ECDSA | Out-Null
        New-DockerClientCert -CAPath "$pki/ca" -CommonName ops -OutputPath "$pki/ops" -KeyAlgorithm ECDSA | Out-Null

        function New-FleetHost([string] $Name, [string] $Address, [hashtable] $Extra = @{}, [switch] $Unknown) {
            $h = New-CertifiedHost $pki $Name $Address $Extra -Unknown:$Unknown
            $h | Add-Member -NotePropertyName DaemonJson -NotePropertyValue ((Invoke-TestFleetHost $h @('cat', '/etc/docker/daemon.json')) -join "`n")
            return $h
        }
        # What the host holds (read from inside its namespace, not over SSH): daemon.json and the three TLS files.
        function Get-HostFiles($h) {
            [ordered]@{
                'daemon.json'     = (Invoke-TestFleetHost $h @('cat', '/etc/docker/daemon.json')) -join "`n"
                'ca.pem'          = (Invoke-TestFleetHost $h @('sh', '-c', 'cat /etc/docker/ca.pem 2>/dev/null')) -join "`n"
                'server-cert.pem' = (Invoke-TestFleetHost $h @('sh', '-c', 'cat /etc/docker/server-cert.pem 2>/dev/null')) -join "`n"
                'server-key.pem'  = (Invoke-TestFleetHost $h @('sh', '-c', 'cat /etc/docker/server-key.pem 2>/dev/null')) -join "`n"
                'leftovers'       = (Invoke-TestFleetHost $h @('sh', '-c', 'ls -A /etc/docker | grep "\.tmp$" || true')) -join "`n"
            }
        }
        function Invoke-DockerTls($h) {
            & docker --tlsverify --tlscacert "$pki/ops/ca.pem" --tlscert "$pki/ops/cert.pem" --tlskey "$pki/ops/key.pem" -H "tcp://$($h.Address):$($h.TlsPort)" version --format '{{.Server.Os}}' 2>&1
        }

        $script:good = @(foreach ($n in 1..3) { New-FleetHost "good$n" "127.0.0.$(30 + $n)" })
        $script:sudoer = New-FleetHost 'sudoer' '127.0.0.34' @{ ExtraUser = 'fleetsudo'; Sudo = $true }
        $script:breaks = New-FleetHost 'breaks' '127.0.0.35'
        $script:noRoot = New-FleetHost 'noroot' '127.0.0.36' @{ ExtraUser = 'fleetuser'; NoDockerd = $true }
        $script:stranger = New-FleetHost 'unknown' '127.0.0.37' @{ NoDockerd = $true } -Unknown
        $script:closedPort = Get-FreeTcpPortOn '127.0.0.38'

        # One row per host, as an Import-Csv of the fleet gives them (the sudo host logs in as its own user; the
        # daemon that breaks is given an address that is not on any interface, so dockerd cannot listen there).
        $rows = @(
            foreach ($h in $good) { [pscustomobject]@{ HostName = $h.Address; Port = $h.SshPort; UserName = 'root'; CertPath = $h.CertPath; DockerHost = "tcp://$($h.Address):$($h.TlsPort)" } }
            [pscustomobject]@{ HostName = $sudoer.Address; Port = $sudoer.SshPort; UserName = 'fleetsudo'; CertPath = $sudoer.CertPath; DockerHost = "tcp://$($sudoer.Address):$($sudoer.TlsPort)" }
            [pscustomobject]@{ HostName = $breaks.Address; Port = $breaks.SshPort; UserName = 'root'; CertPath = $breaks.CertPath; DockerHost = 'tcp://192.0.2.1:2376' }
            [pscustomobject]@{ HostName = $noRoot.Address; Port = $noRoot.SshPort; UserName = 'fleetuser'; CertPath = $noRoot.CertPath; DockerHost = "tcp://$($noRoot.Address):2376" }
            [pscustomobject]@{ HostName = $stranger.Address; Port = $stranger.SshPort; UserName = 'root'; CertPath = $stranger.CertPath; DockerHost = "tcp://$($stranger.Address):2376" }
            [pscustomobject]@{ HostName = '127.0.0.38'; Port = $closedPort; UserName = 'root'; CertPath = $good[0].CertPath; DockerHost = 'tcp://127.0.0.38:2376' }
        )
        $rows | Export-Csv -LiteralPath (Join-Path $TestDrive 'fleet.csv')
        $script:before = @{}
        foreach ($h in @($noRoot, $stranger)) { $before[$h.Name] = Get-HostFiles $h }

        # -WhatIf first: it reads every host and writes nothing.
        $script:whatIf = @(Import-Csv (Join-Path $TestDrive 'fleet.csv') | Select-Object -First 1 | Set-DockerDaemonConfig @ssh -WhatIf)
        $script:afterWhatIf = Get-HostFiles $good[0]

        # sshd's own log counts the logins each host accepted (LogLevel VERBOSE: "Accepted publickey").
        function Get-Logins($h) { @(Select-String -LiteralPath (Join-Path $h.Root 'sshd.log') -Pattern 'Accepted publickey' -SimpleMatch).Count }
        $script:loginsBefore = @{}
        foreach ($h in $good + $sudoer) { $loginsBefore[$h.Name] = Get-Logins $h }
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $script:results = @(Import-Csv (Join-Path $TestDrive 'fleet.csv') |
                Set-DockerDaemonConfig @ssh -Restart -ClientCertPath "$pki/ops" -ThrottleLimit 8 -ErrorVariable fleetErrors -ErrorAction SilentlyContinue -WarningVariable fleetWarnings -WarningAction SilentlyContinue)
        $script:elapsed = $clock.Elapsed
        $script:loginsAfter = @{}
        foreach ($h in $good + $sudoer) { $loginsAfter[$h.Name] = Get-Logins $h }
        $script:errors = @($fleetErrors)
        $script:warnings = @($fleetWarnings)
        function Result([string] $Address) { $results | Where-Object HostName -EQ $Address }
    }

    It 'gives one result per host, whatever happened to it' {
        $results.Count | Should -Be 8
        @($results.HostName | Sort-Object -Unique).Count | Should -Be 8
        $results[0].PSObject.TypeNames[0] | Should -Be 'DockerTls.Core.Fleet.DockerHostResult'
    }

    It '-WhatIf read the host and wrote nothing' {
        $afterWhatIf['daemon.json'] | Should -Be $good[0].DaemonJson
        $afterWhatIf['ca.pem'] | Should -BeNullOrEmpty
    }

    It 'configured, restarted and verified every good host; the real docker CLI reaches each over mutual TLS' {
        foreach ($h in $good + $sudoer) {
            $r = Result $h.Address
            $r.Verdict | Should -Be 'Verified' -Because ($r.Problems -join '; ')
            $r.Changed | Should -BeTrue
            $r.Restarted | Should -BeTrue
            $r.Connection.Success | Should -BeTrue
            Invoke-DockerTls $h | Should -Be 'linux'
            $files = Get-HostFiles $h
            $files['server-key.pem'] | Should -Be ((Get-Content -Raw "$($h.CertPath)/server-key.pem").TrimEnd("`n"))
            (Invoke-TestFleetHost $h @('stat', '-c', '%a', '/etc/docker/server-key.pem')) | Should -Be '400'
            $json = $files['daemon.json'] | ConvertFrom-Json -AsHashtable
            $json['data-root'] | Should -Be "$($h.Root)/data" -Because 'every other key of daemon.json is kept'
            $json['tlsverify'] | Should -BeTrue
            $files['leftovers'] | Should -BeNullOrEmpty
        }
    }

    It 'configured and restarted each good host in one login: the snapshot, the commit and the restart go over one connection' {
        foreach ($h in $good + $sudoer) {
            $loginsAfter[$h.Name] - $loginsBefore[$h.Name] | Should -Be 1 -Because "$($h.Name) was read, written and restarted"
        }
    }

    It 'warns that live-restore is off before the restarts' {
        ($warnings | Where-Object { "$_" -match 'live-restore' }).Count | Should -BeGreaterOrEqual 4
        $names = @($rows.HostName)
        foreach ($w in $warnings) { $names | Should -Contain ("$w" -split ': ', 2)[0] -Because "a fleet's warning names its host: $w" }
    }

    It 'rolled back the host whose new settings make dockerd fail: old files back, dockerd running on them' {
        $r = Result $breaks.Address
        $r.Verdict | Should -Be 'RolledBack'
        $r.Changed | Should -BeFalse
        $r.Restarted | Should -BeFalse
        ($r.Problems -join "`n") | Should -Match '192\.0\.2\.1'  -Because "the daemon's last log lines say why it failed"
        (Get-HostFiles $breaks)['daemon.json'] | Should -Be $breaks.DaemonJson
        (Invoke-TestFleetHost $breaks @('systemctl', 'is-active', 'docker')) | Should -Be 'active'
        (Invoke-TestFleetHost $breaks @('docker', '-H', 'unix:///var/run/docker.sock', 'version', '--format', '{{.Server.Os}}')) | Should -Be 'linux'
    }

    It 'refuses a login without root or sudo, an unknown host key and a closed port, each with its id, writing nothing' {
        (Result $noRoot.Address).Verdict | Should -Be 'Failed'
        (Result $noRoot.Address).ErrorId | Should -Be 'SshRootRequired'
        (Result $stranger.Address).ErrorId | Should -Be 'SshHostKeyUnknown'
        (Result '127.0.0.38').ErrorId | Should -Be 'SshUnreachable'
        $ids = @($errors | ForEach-Object FullyQualifiedErrorId)
        $ids | Should -Contain "SshRootRequired,$setId"
        $ids | Should -Contain "SshHostKeyUnknown,$setId"
        $ids | Should -Contain "SshUnreachable,$setId"
        foreach ($h in @($noRoot, $stranger)) {
            $now = Get-HostFiles $h
            foreach ($k in $before[$h.Name].Keys) { $now[$k] | Should -Be $before[$h.Name][$k] }
        }
    }

    It 'worked on the hosts in parallel: their restarts overlap in time (the daemons'' own logs)' {
        # Each restart is the daemon's "Processing signal 'terminated'" and then its next "API listen on"; with the
        # hosts taken one after another no two windows would overlap.
        $windows = foreach ($h in $good + $sudoer) {
            $lines = Get-Content -LiteralPath (Join-Path $h.Root 'dockerd.log')
            $stop = $lines | Where-Object { $_ -match "Processing signal 'terminated'" } | Select-Object -Last 1
            $up = $lines | Where-Object { $_ -match 'API listen on' } | Select-Object -Last 1
            $time = { param($line) [DateTime]::Parse(([regex]::Match($line, 'time="([^"]+)"')).Groups[1].Value).ToUniversalTime() }
            [pscustomobject]@{ Start = & $time $stop; End = & $time $up }
        }
        $overlapping = @(foreach ($a in $windows) { foreach ($b in $windows) { if ($a -ne $b -and $a.Start -lt $b.End -and $b.Start -lt $a.End) { 1 } } })
        $overlapping.Count | Should -BeGreaterThan 0 -Because "restart windows: $($windows | ForEach-Object { '{0:HH:mm:ss.fff}-{1:HH:mm:ss.fff}' -f $_.Start, $_.End })"
        $elapsed.TotalSeconds | Should -BeLessThan 120
    }

    It 'leaves a host cut off in the middle of its transfer with its old files or its new ones, never a mix, and no temporary file after the next run' {
        $cut = New-FleetHost 'cut' '127.0.0.39' @{ NoDockerd = $true }
        $proxy = Join-Path $PSScriptRoot 'Support/cut_proxy.py'
        $options = $ssh.Options.Clone()
        $options['ProxyCommand'] = "python3 $proxy %h %p 9000"
        $r = Set-DockerDaemonConfig -HostName $cut.Address -Port $cut.SshPort -KeyFilePath $admin.KeyFilePath -Options $options -CertPath $cut.CertPath -DockerHost "tcp://$($cut.Address):2376" -ErrorAction SilentlyContinue -ErrorVariable cutErrors
        $r.Verdict | Should -Be 'Failed'
        $cutErrors[0].FullyQualifiedErrorId | Should -Be "SshTransferFailed,$setId"
        $files = Get-HostFiles $cut
        $old = $files['daemon.json'] -eq $cut.DaemonJson -and -not $files['ca.pem'] -and -not $files['server-cert.pem'] -and -not $files['server-key.pem']
        $new = $files['server-key.pem'] -eq ((Get-Content -Raw "$($cut.CertPath)/server-key.pem").TrimEnd("`n")) -and $files['daemon.json'] -match 'tlsverify'
        ($old -or $new) | Should -BeTrue -Because 'the files are all old or all new'
        $old | Should -BeTrue -Because 'a script cut short runs nothing'

        $again = Set-DockerDaemonConfig -HostName $cut.Address -Port $cut.SshPort @ssh -CertPath $cut.CertPath -DockerHost "tcp://$($cut.Address):2376"
        $again.Verdict | Should -Be 'Configured'
        (Get-HostFiles $cut)['leftovers'] | Should -BeNullOrEmpty
    }

    It 'checks the bytes it staged before it moves any: a host that stores other bytes than it was sent keeps its old files' {
        # The stand-in for a disk or a tool that corrupts silently: this host's base64 (first on its PATH, in its own
        # /usr/local/sbin) adds a byte to whatever it decodes and still reports success.
        $liar = New-FleetHost 'liar' '127.0.0.40' @{ NoDockerd = $true }
        $before = Get-HostFiles $liar
        $fake = Join-Path $liar.Root 'sbin/base64'
        Set-Content -LiteralPath $fake -Value "#!/bin/sh`nif [ `"`${1-}`" = -d ]; then /usr/bin/base64 -d; s=`$?; printf x; exit `$s; fi`nexec /usr/bin/base64 `"`$@`"`n"
        & chmod 755 $fake
        $target = @{ HostName = $liar.Address; Port = $liar.SshPort; CertPath = $liar.CertPath; DockerHost = "tcp://$($liar.Address):2376" }
        $r = Set-DockerDaemonConfig @target @ssh -ErrorAction SilentlyContinue -ErrorVariable liarErrors
        $r.Verdict | Should -Be 'Failed'
        $liarErrors[0].FullyQualifiedErrorId | Should -Be "HostWriteFailed,$setId"
        $liarErrors[0].TargetObject | Should -Be '/etc/docker/ca.pem' -Because 'the first file whose staged bytes differ is named'
        Get-HostFiles $liar | ConvertTo-Json | Should -Be ($before | ConvertTo-Json) -Because 'nothing was moved into place and nothing staged is left'

        Remove-Item -LiteralPath $fake
        (Set-DockerDaemonConfig @target @ssh).Verdict | Should -Be 'Configured'
        (Get-HostFiles $liar)['server-key.pem'] | Should -Be ((Get-Content -Raw "$($liar.CertPath)/server-key.pem").TrimEnd("`n"))
    }

    It 'rolls back a host whose script was killed in the middle of its renames before it writes there again' {
        # The stand-in for kill -9 or a power cut at an exact instruction: this host's mv (first on its PATH) kills
        # the script's own sh at its third rename, so two of the set's files are new and the rest old.
        $killed = New-FleetHost 'killed' '127.0.0.42' @{ NoDockerd = $true }
        $before = Get-HostFiles $killed
        $fake = Set-TestFleetKillingMv $killed -At 3
        $target = @{ HostName = $killed.Address; Port = $killed.SshPort; CertPath = $killed.CertPath; DockerHost = "tcp://$($killed.Address):2376" }
        $r = Set-DockerDaemonConfig @target @ssh -ErrorAction SilentlyContinue -ErrorVariable killedErrors -WarningAction SilentlyContinue
        $r.Verdict | Should -Be 'Failed'
        $killedErrors[0].FullyQualifiedErrorId | Should -Be "SshTransferFailed,$setId"
        Remove-Item -LiteralPath $fake
        $half = Get-HostFiles $killed
        @('daemon.json', 'ca.pem', 'server-cert.pem', 'server-key.pem').Where({ $half[$_] -ne $before[$_] }).Count | Should -Be 2 -Because 'the script was killed after two renames'
        (Invoke-TestFleetHost $killed @('stat', '-c', '%a %U', '/etc/docker/.dockertls.journal')) | Should -Be '600 root'

        # -WhatIf reads the half set as it is and writes nothing.
        Set-DockerDaemonConfig @target @ssh -WhatIf -WarningAction SilentlyContinue | Out-Null
        Get-HostFiles $killed | ConvertTo-Json | Should -Be ($half | ConvertTo-Json)

        $again = Set-DockerDaemonConfig @target @ssh -WarningVariable rolledBack -WarningAction SilentlyContinue
        $again.Verdict | Should -Be 'Configured'
        # The two files renamed before the kill were new on this host: the roll-back removed them, and says so.
        @($rolledBack | Where-Object { "$_" -match '^127\.0\.0\.42: ''/etc/docker/[a-z-]+\.pem'' removed: an interrupted run had made it, and its set was rolled back' }).Count | Should -Be 2
        $after = Get-HostFiles $killed
        $after['server-key.pem'] | Should -Be ((Get-Content -Raw "$($killed.CertPath)/server-key.pem").TrimEnd("`n"))
        $after['leftovers'] | Should -BeNullOrEmpty
        # One backup, of the daemon.json from before the killed run (the plan read the old set), and no journal left.
        (Invoke-TestFleetHost $killed @('sh', '-c', 'cat /etc/docker/daemon.json.*.bak')) -join "`n" | Should -Be $before['daemon.json']
        (Invoke-TestFleetHost $killed @('ls', '-A', '/etc/docker')) -join ' ' | Should -Match '^ca\.pem daemon\.json daemon\.json\.\d{14}\.bak server-cert\.pem server-key\.pem$'
    }
}

Describe 'A host whose userland is BusyBox, as Alpine''s: its sh and every tool the scripts start' -Skip:(-not $canRunFleet -or -not $hasBusyBox) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
        Initialize-FleetAdmin
        $script:pki4 = Join-Path $TestDrive 'pki4'
        New-DockerCA -OutputPath "$pki4/ca" -KeyAlgorithm ECDSA | Out-Null
        New-DockerClientCert -CAPath "$pki4/ca" -CommonName ops -OutputPath "$pki4/ops" -KeyAlgorithm ECDSA | Out-Null
        # What the scripts' sh is on a host, and whose sha256sum it runs: asked over ssh, as the scripts are run.
        function Get-HostShell($h) { (Invoke-Ssh $h 'sh -c ''readlink /proc/$$/exe; sha256sum --help 2>&1 | head -n 1''').Output }
        # Each name in the host's /etc/docker with its mode and owner, read from inside its namespace.
        function Get-Listing($h) { (Invoke-TestFleetHost $h @('sh', '-c', 'cd /etc/docker && stat -c "%n %a %U" $(ls -A)')) -join "`n" }
        # What a configured host holds (key.json is dockerd's own, on a host where it ran).
        $script:configuredListing = '^ca\.pem 444 root\ndaemon\.json 644 root\ndaemon\.json\.\d{14}\.bak 644 root\n(key\.json 600 root\n)?server-cert\.pem 444 root\nserver-key\.pem 400 root$'
    }

    It 'is configured, restarted and verified with BusyBox''s sh and tools; the real docker CLI then reaches it over mutual TLS' {
        $bb = New-CertifiedHost $pki4 'busybox' '127.0.0.43'
        $old = (Invoke-TestFleetHost $bb @('cat', '/etc/docker/daemon.json')) -join "`n"
        Enable-TestFleetBusyBox $bb
        Get-HostShell $bb | Should -Match '^/usr/bin/busybox\nBusyBox v' -Because 'the premise: the host''s sh and sha256sum are BusyBox''s'

        $target = $bb.Target
        $r = Set-DockerDaemonConfig @target @ssh -Restart -ClientCertPath "$pki4/ops" -WarningAction SilentlyContinue
        $r.Verdict | Should -Be 'Verified' -Because ($r.Problems -join '; ')
        $r.Restarted | Should -BeTrue
        & docker --tlsverify --tlscacert "$pki4/ops/ca.pem" --tlscert "$pki4/ops/cert.pem" --tlskey "$pki4/ops/key.pem" -H $target.DockerHost version --format '{{.Server.Os}}' 2>&1 | Should -Be 'linux'
        Get-Listing $bb | Should -Match $configuredListing
        (Invoke-TestFleetHost $bb @('sh', '-c', 'cat /etc/docker/daemon.json.*.bak')) -join "`n" | Should -Be $old
        (Invoke-TestFleetHost $bb @('cat', '/etc/docker/server-key.pem')) -join "`n" | Should -Be ((Get-Content -Raw "$($bb.CertPath)/server-key.pem").TrimEnd("`n"))
        $json = (Invoke-TestFleetHost $bb @('cat', '/etc/docker/daemon.json')) -join "`n" | ConvertFrom-Json -AsHashtable
        $json['data-root'] | Should -Be "$($bb.Root)/data" -Because 'every other key of daemon.json is kept'

        $report = Get-DockerDaemonConfig -HostName $bb.Address -Port $bb.SshPort @ssh
        $report.TlsMode | Should -Be 'TlsVerify'
        $report.ServerCertificate.IPAddresses | Should -Contain '127.0.0.43'
        (Set-DockerDaemonConfig @target @ssh -WarningAction SilentlyContinue).Verdict | Should -Be 'Unchanged'
    }

    It 'rolls back with BusyBox a set whose script was killed in its renames, then writes the new one, in a hostile folder' {
        # Killed while the host still had GNU tools (BusyBox's sh runs its own mv, never a stand-in on the PATH):
        # the stand-in mv kills the script's sh at its third rename. Then the host becomes BusyBox, and the next
        # run's snapshot, roll-back and commit all run there. The certificates go to a folder whose name has quotes,
        # $(), backticks and a byte beyond ASCII (its journal names it %xx-encoded, with od), daemon.json stays in /etc/docker.
        $k = New-CertifiedHost $pki4 'bbkilled' '127.0.0.44' @{ NoDockerd = $true }
        $dest = '/etc/docker/it''s $(touch PWNED) `id` ü'
        $target = $k.Target.Clone()
        $target['CertDestination'] = $dest
        $old = (Invoke-TestFleetHost $k @('cat', '/etc/docker/daemon.json')) -join "`n"
        $fake = Set-TestFleetKillingMv $k -At 3
        Set-DockerDaemonConfig @target @ssh -ErrorAction SilentlyContinue -ErrorVariable killedErrors -WarningAction SilentlyContinue | Out-Null
        $killedErrors[0].FullyQualifiedErrorId | Should -Be "SshTransferFailed,$setId"
        Remove-Item -LiteralPath $fake
        (Invoke-TestFleetHost $k @('ls', '-A', $dest)) -join ' ' | Should -Match '\.dockertls\.journal' -Because 'the killed script left its journal'

        Enable-TestFleetBusyBox $k
        Get-HostShell $k | Should -Match '^/usr/bin/busybox\nBusyBox v'
        $again = Set-DockerDaemonConfig @target @ssh -WarningVariable rolledBack -WarningAction SilentlyContinue
        $again.Verdict | Should -Be 'Configured'
        @($rolledBack | Where-Object { "$_" -match ('^127\.0\.0\.44: ' + [regex]::Escape("'$dest/") + '[a-z-]+\.pem'' removed: an interrupted run had made it') }).Count | Should -Be 2
        (Invoke-TestFleetHost $k @('sh', '-c', 'cat /etc/docker/daemon.json.*.bak')) -join "`n" | Should -Be $old -Because 'the one backup is of the daemon.json from before the killed run'
        (Invoke-TestFleetHost $k @('stat', '-c', '%a %U', "$dest/ca.pem", "$dest/server-cert.pem", "$dest/server-key.pem", '/etc/docker/daemon.json')) -join ' ' | Should -Be '444 root 444 root 400 root 644 root'
        (Invoke-TestFleetHost $k @('cat', "$dest/server-key.pem")) -join "`n" | Should -Be ((Get-Content -Raw "$($k.CertPath)/server-key.pem").TrimEnd("`n"))
        ((Invoke-TestFleetHost $k @('cat', '/etc/docker/daemon.json')) -join "`n" | ConvertFrom-Json -AsHashtable)['tlscert'] | Should -Be "$dest/server-cert.pem"
        (Invoke-TestFleetHost $k @('ls', '-A', '/etc/docker', $dest)) -join ' ' | Should -Not -Match 'journal|\.tmp' -Because 'the roll-back and the commit leave no journal and no staged file'
        Invoke-TestFleetHost $k @('find', '/', '/root', '/etc/docker', $dest, '-maxdepth', '1', '-name', 'PWNED') | Should -BeNullOrEmpty
    }

    It 'is configured with -Restart where the host has no systemd (OpenRC, as Alpine''s), and says it restarted nothing: RestartNotSupported' {
        $o = New-CertifiedHost $pki4 'openrc' '127.0.0.45' @{ NoDockerd = $true }
        $target = $o.Target
        Enable-TestFleetBusyBox $o
        # No systemctl on its PATH: the stand-in goes, and this machine's own systemctl is hidden in the host's namespace.
        Remove-Item -LiteralPath (Join-Path $o.Root 'sbin/systemctl')
        Invoke-TestFleetHost $o @('mount', '--bind', '/dev/null', '/usr/bin/systemctl') | Out-Null
        (Invoke-Ssh $o 'sh -c ''command -v systemctl || echo none''').Output | Should -Be 'none' -Because 'the premise: no systemctl'

        $r = Set-DockerDaemonConfig @target @ssh -Restart -ClientCertPath "$pki4/ops" -ErrorAction SilentlyContinue -ErrorVariable noSystemd -WarningAction SilentlyContinue
        $r.Verdict | Should -Be 'Failed'
        $r.ErrorId | Should -Be 'RestartNotSupported'
        $r.Changed | Should -BeTrue -Because 'the files are written, as without -Restart'
        $r.Restarted | Should -BeFalse
        ($r.Problems -join ' ') | Should -Match "has none \(a host with OpenRC, as Alpine's, restarts it with 'rc-service docker restart'\)\. The new files are written"
        $noSystemd[0].FullyQualifiedErrorId | Should -Be "RestartNotSupported,$setId"
        Get-Listing $o | Should -Match $configuredListing
    }
}


Describe 'Get-DockerDaemonConfig and New-DockerSystemdUnit -HostName, and the -H conflict in a remote host''s own units' -Skip:(-not $canRunFleet) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
        Initialize-FleetAdmin
        $script:pki2 = Join-Path $TestDrive 'pki'
        New-DockerCA -OutputPath "$pki2/ca" -KeyAlgorithm ECDSA | Out-Null
        # Debian's docker.service passes -H fd:// (tests/DaemonConfig.Tests.ps1 has the whole unit); in this host's own /usr/lib/systemd/system.
        $unit = Join-Path $TestDrive 'docker.service'
        Set-Content -LiteralPath $unit -Value "[Unit]`nDescription=Docker Application Container Engine`n`n[Service]`nType=notify`nExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock`n"
        $script:unitHost = Start-TestFleetHost -Name 'unit' -Address '127.0.0.41' -ClientKey $admin -SystemdUnit $unit -NoDockerd
        $script:hosts.Add($unitHost)
        Add-Content -LiteralPath $admin.KnownHosts -Value $unitHost.HostKeyLine
        New-DockerServerCert -CAPath "$pki2/ca" -IPAddress 127.0.0.41 -OutputPath "$pki2/unit" -KeyAlgorithm ECDSA | Out-Null
        $script:getId = 'DockerTls.Commands.GetDockerDaemonConfigCommand'
    }

    It 'finds the -H flag of the remote''s own docker.service and writes nothing until -ConfigureSystemd' {
        $target = @{ HostName = $unitHost.Address; Port = $unitHost.SshPort }
        $r = Set-DockerDaemonConfig @target @ssh -CertPath "$pki2/unit" -DockerHost 'tcp://127.0.0.41:2376' -ErrorAction SilentlyContinue -ErrorVariable conflict
        $conflict[0].FullyQualifiedErrorId | Should -Be 'DaemonHostsConflict,DockerTls.Commands.SetDockerDaemonConfigCommand'
        $r.Verdict | Should -Be 'Failed'
        (Invoke-TestFleetHost $unitHost @('sh', '-c', 'ls /etc/docker /etc/systemd/system 2>&1')) -join ' ' | Should -Not -Match 'ca\.pem|docker\.service\.d'

        $r = Set-DockerDaemonConfig @target @ssh -CertPath "$pki2/unit" -DockerHost 'tcp://127.0.0.41:2376' -ConfigureSystemd
        $r.Verdict | Should -Be 'Configured'
        $dropIn = (Invoke-TestFleetHost $unitHost @('cat', '/etc/systemd/system/docker.service.d/docker.conf')) -join "`n"
        $dropIn | Should -Match '(?m)^ExecStart=$'
        $dropIn | Should -Match '(?m)^ExecStart=/usr/sbin/dockerd --containerd=/run/containerd/containerd.sock$'
    }

    It 'reads every host of a piped list and returns one report each, the TLS files found on that host' {
        $rows = @([pscustomobject]@{ HostName = $unitHost.Address; Port = $unitHost.SshPort }, [pscustomobject]@{ HostName = '127.0.0.49'; Port = (Get-FreeTcpPortOn '127.0.0.49') })
        $reports = @($rows | Get-DockerDaemonConfig @ssh -ErrorAction SilentlyContinue -ErrorVariable getErrors)
        $report = $reports | Where-Object { $_.PSObject.TypeNames[0] -eq 'DockerTls.Core.Daemon.DaemonConfigReport' }
        $report.TlsMode | Should -Be 'TlsVerify'
        $report.TlsKeyExists | Should -BeTrue
        $report.ServerCertificate.IPAddresses | Should -Contain '127.0.0.41'
        $getErrors[0].FullyQualifiedErrorId | Should -Be "SshUnreachable,$getId"
    }

    It 'writes a socket unit on the remote host with New-DockerSystemdUnit -HostName' {
        $unitFile = New-DockerSystemdUnit -Kind Socket -Port 2376 -HostName $unitHost.Address -SshPort $unitHost.SshPort @ssh
        $unitFile.Path | Should -Be '/etc/systemd/system/docker-tcp.socket'
        (Invoke-TestFleetHost $unitHost @('cat', '/etc/systemd/system/docker-tcp.socket')) -join "`n" | Should -Match 'ListenStream=2376'
        Test-Path /etc/systemd/system/docker-tcp.socket | Should -BeFalse -Because 'this machine is left alone'
    }
}

Describe 'A pipeline stopped downstream starts no more hosts' -Skip:(-not $canRunFleet) {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
        Initialize-FleetAdmin
        $pki3 = Join-Path $TestDrive 'pki3'
        New-DockerCA -OutputPath "$pki3/ca" -KeyAlgorithm ECDSA | Out-Null
        $script:stopHosts = @(foreach ($n in 1..4) {
                $h = Start-TestFleetHost -Name "stop$n" -Address "127.0.0.$(50 + $n)" -ClientKey $admin -NoDockerd
                $script:hosts.Add($h)
                Add-Content -LiteralPath $admin.KnownHosts -Value $h.HostKeyLine
                New-DockerServerCert -CAPath "$pki3/ca" -IPAddress $h.Address -OutputPath "$pki3/$($h.Name)" -KeyAlgorithm ECDSA | Out-Null
                [pscustomobject]@{ HostName = $h.Address; Port = $h.SshPort; UserName = 'root'; CertPath = "$pki3/$($h.Name)"; DockerHost = "tcp://$($h.Address):2376"; Host = $h }
            })
    }

    It 'configures the hosts at work when Select-Object -First 1 stops it, and starts none after' {
        # One host at a time: the first is at work while the others wait, and the first result stops the pipeline.
        $first = @($stopHosts | Set-DockerDaemonConfig @ssh -ThrottleLimit 1 -WarningAction SilentlyContinue | Select-Object -First 1)
        $first.Count | Should -Be 1
        $first[0].Verdict | Should -Be 'Configured'
        Start-Sleep -Seconds 3 # a host started in the background would be written by now (one login takes well under a second)
        $configured = @($stopHosts | Where-Object { (Invoke-TestFleetHost $_.Host @('sh', '-c', 'test -e /etc/docker/ca.pem && echo yes || echo no')) -eq 'yes' })
        $configured.Count | Should -BeLessOrEqual 2 -Because 'the host at work when the pipeline stopped may finish, and no host starts after'
        $configured.HostName | Should -Contain $first[0].HostName
    }
}

Describe 'README: A fleet over SSH, run as written' -Skip:(-not $canRunFleet) {
    BeforeAll {
        $repo = (Resolve-Path "$PSScriptRoot/..").ProviderPath
        $readme = Get-Content -Raw (Join-Path $repo 'README.md')
        $section = [regex]::Match($readme, '(?ms)^## A fleet over SSH\s*$(.*?)(?=^## )').Groups[1].Value
        $script:fleetBlocks = @([regex]::Matches($section, '(?ms)^```powershell\s*$\n(.*?)^```\s*$') | ForEach-Object { $_.Groups[1].Value })
        Initialize-FleetAdmin

        # What the README's text says the reader has: journey 2's ./fleet (a CA with a passphrase, a folder per host,
        # the operators' client files), ~/.ssh/id_ed25519 and known_hosts, and ./fleet/ssh-hosts.csv (here with the
        # test hosts' loopback addresses and ports).
        $script:readmeHosts = @(foreach ($n in 1..2) {
                $h = Start-TestFleetHost -Name "readme$n" -Address "127.0.0.$(50 + $n)" -ClientKey $admin
                $script:hosts.Add($h)
                Add-Content -LiteralPath $admin.KnownHosts -Value $h.HostKeyLine
                $h
            })
        $script:work = Join-Path $TestDrive 'readme'
        $home_ = Join-Path $work 'home'
        New-Item -ItemType Directory -Path "$home_/.ssh" | Out-Null
        Copy-Item -LiteralPath $admin.KeyFilePath -Destination "$home_/.ssh/id_ed25519"
        $script:readmeSession = [powershell]::Create()
        $null = $readmeSession.AddScript(@"
`$ErrorActionPreference = 'Stop'
Import-Module '$repo/output/DockerTls/DockerTls.psd1'
Set-Location '$work'
(Get-PSProvider FileSystem).Home = '$home_'
function global:Read-Host { param([Parameter(Position = 0)] `$Prompt, [switch] `$AsSecureString) ConvertTo-SecureString 'readme passphrase' -AsPlainText -Force }
`$sshOptions = @{ UserKnownHostsFile = '$($admin.KnownHosts)'; GlobalKnownHostsFile = '/dev/null'; IdentitiesOnly = 'yes' }
`$PSDefaultParameterValues['Set-DockerDaemonConfig:Options'] = `$sshOptions
`$PSDefaultParameterValues['Get-DockerDaemonConfig:Options'] = `$sshOptions
`$passphrase = Read-Host -AsSecureString 'CA passphrase'
New-DockerCA -OutputPath ./fleet/ca -Passphrase `$passphrase -KeyAlgorithm ECDSA | Out-Null
New-DockerClientCert -CAPath ./fleet/ca -CAPassphrase `$passphrase -CommonName ops -OutputPath ./fleet/ops -KeyAlgorithm ECDSA | Out-Null
"@)
        New-Item -ItemType Directory -Path $work -Force | Out-Null
        $readmeSession.Invoke() | Out-Null
        if ($readmeSession.Streams.Error.Count) { throw "README session setup: $($readmeSession.Streams.Error -join '; ')" }
        $rows = foreach ($h in $readmeHosts) {
            $readmeSession.Commands.Clear()
            $null = $readmeSession.AddScript("New-DockerServerCert -CAPath ./fleet/ca -CAPassphrase `$passphrase -IPAddress $($h.Address) -OutputPath ./fleet/hosts/$($h.Address) -KeyAlgorithm ECDSA | Out-Null")
            $readmeSession.Invoke() | Out-Null
            [pscustomobject]@{ HostName = $h.Address; UserName = 'root'; CertPath = "./fleet/hosts/$($h.Address)"; DockerHost = "tcp://$($h.Address):$($h.TlsPort)"; Port = $h.SshPort }
        }
        $rows | Export-Csv -LiteralPath (Join-Path $work 'fleet/ssh-hosts.csv')

        function Invoke-ReadmeBlock([int] $Index) {
            $readmeSession.Commands.Clear()
            $readmeSession.Streams.ClearStreams()
            $null = $readmeSession.AddScript($fleetBlocks[$Index]).AddCommand('Out-String')
            $text = $readmeSession.Invoke() -join ''
            [pscustomobject]@{ Text = $text; Errors = @($readmeSession.Streams.Error) }
        }
        function Get-ServedSerial($h) {
            $pem = (Invoke-TestFleetHost $h @('cat', '/etc/docker/server-cert.pem')) -join "`n"
            [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem($pem).SerialNumber
        }
        function Invoke-DockerOps($h) {
            & docker --tlsverify --tlscacert "$work/fleet/ops/ca.pem" --tlscert "$work/fleet/ops/cert.pem" --tlskey "$work/fleet/ops/key.pem" -H "tcp://$($h.Address):$($h.TlsPort)" version --format '{{.Server.Os}}' 2>&1
        }
    }

    AfterAll {
        if ($script:readmeSession) { $readmeSession.Dispose() }
    }

    It 'has the two blocks: configure the fleet, and renew and install' {
        $fleetBlocks.Count | Should -Be 2
        $fleetBlocks[0] | Should -Match 'Import-Csv ./fleet/ssh-hosts.csv \|'
        $fleetBlocks[1] | Should -Match 'Update-DockerCertificate'
    }

    It 'configures, restarts and verifies every host; the docker CLI then reaches each over mutual TLS' {
        $r = Invoke-ReadmeBlock 0
        $r.Errors | Should -BeNullOrEmpty
        foreach ($h in $readmeHosts) {
            $r.Text | Should -Match "$([regex]::Escape($h.Address))\s+Verified\s+True\s+True"
            Invoke-DockerOps $h | Should -Be 'linux'
        }
        $r.Text | Should -Match 'TlsVerify'
    }

    It 'renews each host''s server certificate and installs it on its host in one pipeline' {
        $before = @{}
        foreach ($h in $readmeHosts) { $before[$h.Name] = Get-ServedSerial $h }
        $r = Invoke-ReadmeBlock 1
        $r.Errors | Should -BeNullOrEmpty
        foreach ($h in $readmeHosts) {
            Get-ServedSerial $h | Should -Not -Be $before[$h.Name]
            $r.Text | Should -Match "$([regex]::Escape($h.Address))\s+Verified\s+True\s+True"
            Invoke-DockerOps $h | Should -Be 'linux'
        }
    }
}
