#requires -Version 7.0
# A fleet of Docker hosts over SSH (issue 16), against real parts: one real sshd (Debian's openssh-server) per
# host on a loopback address of its own, each host in a mount namespace of its own (its own /etc/docker,
# /etc/systemd, /etc/default, /run) with a real dockerd, and the real docker CLI. THE ONE STAND-IN: systemd cannot
# run here, so in each host's namespace `systemctl` (and `journalctl`) is tests/Support/fleet-systemctl.sh, which
# restarts that host's dockerd. Keys are made per run with ssh-keygen; known_hosts is written by the test.

BeforeDiscovery {
    $script:canRunFleet = $IsLinux -and ((& id -u) -eq '0') -and (Test-Path /usr/sbin/sshd) -and (Test-Path /usr/sbin/dockerd) -and [bool] (Get-Command unshare -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Support/TestFleet.psm1') -Force
    $script:hosts = [System.Collections.Generic.List[object]]::new()
    $script:admin = $null

    function Invoke-Ssh($TestHost, [string] $Command, [string] $User = 'root') {
        $output = & ssh -T -o BatchMode=yes -o "UserKnownHostsFile=$($admin.KnownHosts)" -o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes `
            -i $admin.KeyFilePath -p $TestHost.SshPort -l $User -- $TestHost.Address $Command 2>&1
        return [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output -join "`n") }
    }
}

AfterAll {
    if ($script:hosts.Count -gt 0) { Stop-TestFleetHost $script:hosts.ToArray() }
    if ($script:admin) { Remove-Item -Recurse -Force -LiteralPath (Split-Path $script:admin.KeyFilePath) -ErrorAction SilentlyContinue }
}

Describe 'The test fleet (tests/Support/TestFleet.psm1)' -Skip:(-not $canRunFleet) {
    BeforeAll {
        $script:admin = New-TestFleetClientKey -Folder (Join-Path ([System.IO.Path]::GetTempPath()) "dt-fleet-admin-$PID")
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
