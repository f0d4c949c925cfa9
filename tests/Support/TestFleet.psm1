#requires -Version 7.0
<#
.SYNOPSIS
A fleet of test Docker hosts reached over real SSH, for tests/Fleet.Tests.ps1 and bench/fleet.sh.
.DESCRIPTION
Each host is a real sshd (Debian's openssh-server) on a loopback address of its own (127.0.0.x) and a port of its
own, in a mount namespace of its own (unshare -m, tests/Support/fleet-host.sh) with its own /etc/docker,
/etc/systemd, /usr/lib/systemd/system, /etc/default and /run, and a real dockerd (vfs, no iptables, no bridge,
its own data-root, exec-root and pidfile under /tmp/dt-XXXXXX). The one stand-in: in each namespace `systemctl`
(and `journalctl`) is tests/Support/fleet-systemctl.sh, which restarts that host's dockerd, since systemd cannot
run here. Keys are made per run with ssh-keygen; known_hosts is written by the test, as a real administrator has
it. Linux as root only. Everything is stopped by pid (Stop-TestFleetHost): every process in the host's namespace.
#>

Set-StrictMode -Version Latest
Import-Module (Join-Path $PSScriptRoot 'TestDockerd.psm1')

function Invoke-Checked([string] $Program, [string[]] $Arguments) {
    $output = & $Program @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$Program $($Arguments -join ' ') failed: $($output -join "`n")" }
    return $output
}

function Get-FreeTcpPortOn([string] $Address) {
    <# A TCP port free on Address right now. #>
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Parse($Address), 0)
    $listener.Start()
    try { return ([System.Net.IPEndPoint] $listener.LocalEndpoint).Port } finally { $listener.Stop() }
}

function New-TestFleetClientKey {
    <# An ed25519 key pair for the administrator (Folder/id_ed25519, 0600) and an empty known_hosts beside it. #>
    param([Parameter(Mandatory)] [string] $Folder)
    New-Item -ItemType Directory -Force -Path $Folder | Out-Null
    $key = Join-Path $Folder 'id_ed25519'
    Invoke-Checked ssh-keygen @('-q', '-t', 'ed25519', '-N', '', '-C', 'dockertls-fleet-test', '-f', $key) | Out-Null
    $knownHosts = Join-Path $Folder 'known_hosts'
    Set-Content -LiteralPath $knownHosts -Value @() -NoNewline
    return [pscustomobject]@{ KeyFilePath = $key; PublicKey = "$key.pub"; KnownHosts = $knownHosts }
}

function Start-TestFleetHost {
    <#
    .SYNOPSIS
    Starts one test host at Address (127.0.0.x): its namespace, its dockerd (local socket only), its sshd.
    .DESCRIPTION
    -ClientKey authorizes that key for every login. -ExtraUser adds a login without root (and no sudo: this
    machine has none) to the host's own /etc/passwd; with -Sudo that login may `sudo -n` (its own /etc/sudoers.d). -SystemdUnit puts a copy of that docker.service in the host's
    /usr/lib/systemd/system (for the -H conflict). -NoDockerd starts no dockerd (bench/fleet.sh). Returns Name, Address, SshPort, TlsPort (free, for the test's
    -DockerHost), Root, Pid (sshd's), HostKeyLine (the known_hosts line) and Socket (dockerd's, in the namespace).
    #>
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [string] $Address,
        [Parameter(Mandatory)] $ClientKey,
        [string] $ExtraUser,
        # ExtraUser may run everything as root with `sudo -n` (NOPASSWD), in this host only.
        [switch] $Sudo,
        [string] $SystemdUnit,
        # No dockerd: a host for bench/fleet.sh, configured without restart.
        [switch] $NoDockerd,
        [int] $TimeoutSec = 60
    )
    $root = New-TestDockerdRoot
    New-Item -ItemType Directory -Path (Join-Path $root 'sbin') | Out-Null
    $standIn = (Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot 'fleet-systemctl.sh')).Replace('root=ROOT', "root='$root'")
    foreach ($tool in 'systemctl', 'journalctl') {
        $path = Join-Path $root "sbin/$tool"
        [System.IO.File]::WriteAllText($path, $standIn)
        Invoke-Checked chmod @('0755', $path) | Out-Null
    }
    $settings = New-TestDockerdSettings -Root $root
    $settings['hosts'] = @('unix:///var/run/docker.sock')
    Write-TestDockerdConfig -Settings $settings -Path (Join-Path $root 'daemon.json') | Out-Null
    if ($NoDockerd) { New-Item -ItemType File -Path (Join-Path $root 'no-dockerd') | Out-Null }
    if ($SystemdUnit) { Copy-Item -LiteralPath $SystemdUnit -Destination (Join-Path $root 'docker.service') }
    if ($ExtraUser) {
        $passwd = (Get-Content -Raw /etc/passwd).TrimEnd("`n") + "`n${ExtraUser}:x:1500:1500:DockerTls fleet test:/tmp:/bin/sh`n"
        [System.IO.File]::WriteAllText((Join-Path $root 'passwd'), $passwd)
        # A shadow entry without a password (not locked): sudo's PAM account check wants one.
        $shadow = Join-Path $root 'shadow'
        Invoke-Checked cp @('-p', '/etc/shadow', $shadow) | Out-Null
        Add-Content -LiteralPath $shadow -Value "${ExtraUser}:*:19000:0:99999:7:::"
        if ($Sudo) {
            New-Item -ItemType Directory -Path (Join-Path $root 'sudoers.d') | Out-Null
            $rule = Join-Path $root 'sudoers.d/dockertls-fleet'
            [System.IO.File]::WriteAllText($rule, "$ExtraUser ALL=(root) NOPASSWD: ALL`n")
            Invoke-Checked chmod @('0440', $rule) | Out-Null
        }
    }
    Invoke-Checked ssh-keygen @('-q', '-t', 'ed25519', '-N', '', '-f', (Join-Path $root 'host_key')) | Out-Null
    Copy-Item -LiteralPath $ClientKey.PublicKey -Destination (Join-Path $root 'authorized_keys')
    # sshd reads authorized_keys as the user logging in: a login without root must reach it (the folder's other
    # files keep their own modes; the host key stays 0600).
    Invoke-Checked chmod @('0711', $root) | Out-Null
    Invoke-Checked chmod @('0644', (Join-Path $root 'authorized_keys')) | Out-Null
    $sshPort = Get-FreeTcpPortOn $Address
    [System.IO.File]::WriteAllText((Join-Path $root 'sshd_config'), ((
                "Port $sshPort", "ListenAddress $Address", "HostKey $root/host_key", "PidFile none",
                "AuthorizedKeysFile $root/authorized_keys", 'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
                'KbdInteractiveAuthentication no', 'Subsystem sftp internal-sftp', 'UsePAM no', 'StrictModes no', 'LogLevel VERBOSE', 'MaxStartups 100:30:200', ''
            ) -join "`n"))

    $psi = [System.Diagnostics.ProcessStartInfo]::new('/usr/bin/unshare')
    $psi.UseShellExecute = $false
    foreach ($arg in '-m', '--propagation', 'private', '--', '/bin/sh', '-c', 'exec /bin/sh "$1" "$2" </dev/null >"$2/host.log" 2>&1', 'sh', (Join-Path $PSScriptRoot 'fleet-host.sh'), $root) {
        $psi.ArgumentList.Add($arg)
    }
    $process = [System.Diagnostics.Process]::Start($psi)
    $h = [pscustomobject]@{
        PSTypeName  = 'DockerTls.TestFleetHost'
        Name        = $Name
        Address     = $Address
        SshPort     = $sshPort
        TlsPort     = Get-FreeTcpPortOn $Address
        Root        = $root
        Pid         = $process.Id
        HostKeyLine = "[$Address]:$sshPort " + (Get-Content -Raw -LiteralPath (Join-Path $root 'host_key.pub')).Trim()
    }
    $started = [System.Diagnostics.Stopwatch]::StartNew()
    while (-not (Test-TcpOpen $Address $sshPort)) {
        if ($process.HasExited -or $started.Elapsed.TotalSeconds -gt $TimeoutSec) {
            $log = (Get-Content -Raw -ErrorAction SilentlyContinue (Join-Path $root 'host.log')) + (Get-Content -Raw -ErrorAction SilentlyContinue (Join-Path $root 'dockerd.log'))
            Stop-TestFleetHost $h
            throw "Test host $Name ($Address) did not start: $log"
        }
        Start-Sleep -Milliseconds 100
    }
    return $h
}

function Enable-TestFleetBusyBox {
    <#
    Makes the host's userland BusyBox, as Alpine's is: every applet of Debian's busybox-static (sh, mv, cp,
    sha256sum, base64, readlink, sync, od, ...) linked into the host's /usr/local/sbin, first on sshd's PATH, beside
    the systemctl and journalctl stand-ins, which stay. Root's login shell (bash) then runs BusyBox's sh for every
    ssh command, and that sh runs its own applets (this build runs an applet before any PATH look-up). This
    busybox-static has no flock applet: the host's util-linux flock is still found on the PATH after it. New logins
    see the change.
    #>
    param([Parameter(Mandatory)] $TestHost)
    $busybox = Get-TestBusyboxPath
    $sbin = Join-Path $TestHost.Root 'sbin'
    foreach ($applet in (& $busybox --list)) {
        $link = Join-Path $sbin $applet
        if (-not (Test-Path -LiteralPath $link)) { New-Item -ItemType SymbolicLink -Path $link -Target $busybox | Out-Null }
    }
}

function Set-TestFleetKillingMv {
    <#
    The stand-in for kill -9 or a power cut at an exact instruction: the host's mv (first on its PATH, in its
    /usr/local/sbin) kills the calling script's own sh at its At-th rename, after At - 1 renames were done. Returns
    the stand-in's path: remove it to give the host its mv back. (A BusyBox sh runs its own mv and never this one.)
    #>
    param([Parameter(Mandatory)] $TestHost, [int] $At = 3)
    $fake = Join-Path $TestHost.Root 'sbin/mv'
    $count = Join-Path $TestHost.Root 'mv-count'
    Set-Content -LiteralPath $fake -Value "#!/bin/sh`nn=`$(cat $count 2>/dev/null || echo 0); n=`$((n + 1)); echo `$n >$count`nif [ `$n -ge $At ]; then kill -9 `$PPID; exit 1; fi`nexec /bin/mv `"`$@`"`n"
    Invoke-Checked chmod @('755', $fake) | Out-Null
    return $fake
}

function Test-TcpOpen([string] $Address, [int] $Port) {
    $client = [System.Net.Sockets.TcpClient]::new()
    try {
        return $client.ConnectAsync($Address, $Port).Wait(1000) -and $client.Connected
    } catch {
        return $false
    } finally {
        $client.Dispose()
    }
}

function Get-TestFleetHostPid {
    <# The pids of every process in the host's mount namespace (sshd, its sessions, dockerd, containerd). #>
    param([Parameter(Mandatory)] $TestHost)
    $ns = try { [System.IO.File]::ResolveLinkTarget("/proc/$($TestHost.Pid)/ns/mnt", $false).Name } catch { $null }
    if (-not $ns) { $ns = (& readlink "/proc/$($TestHost.Pid)/ns/mnt" 2>$null) }
    if (-not $ns) { return @() }
    $mine = (& readlink /proc/self/ns/mnt)
    if ($ns -eq $mine) { return @($TestHost.Pid) }
    return @(Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -Match '^\d+$' | Where-Object {
            (& readlink "/proc/$($_.Name)/ns/mnt" 2>$null) -eq $ns
        } | ForEach-Object { [int] $_.Name })
}

function Invoke-TestFleetHost {
    <# Runs a command inside the host's namespace from outside (nsenter), for the test's own checks: its output. #>
    param([Parameter(Mandatory)] $TestHost, [Parameter(Mandatory)] [string[]] $Command)
    return (& nsenter -t $TestHost.Pid -m -- @Command 2>&1)
}

function Stop-TestFleetHost {
    <#
    Stops every process of the hosts' namespaces by pid and removes their roots: dockerd first (TERM, so that it
    stops its containerd), then the rest (TERM, then KILL), all hosts at once; bounded at about 15 s in all.
    #>
    param([Parameter(Mandatory)] [object[]] $TestHost)
    $all = @(foreach ($h in $TestHost) { Get-TestFleetHostPid $h })
    $daemons = @(@(foreach ($h in $TestHost) {
            $file = Join-Path $h.Root 'dockerd.pid'
            if (Test-Path $file) { [int] (Get-Content -Raw $file).Trim() }
        }) | Where-Object { $_ -in $all })
    Stop-Pids $daemons 10
    Stop-Pids $all 5
    foreach ($h in $TestHost) { & rm -rf -- $h.Root 2>$null }
}

function Stop-Pids([int[]] $Pids, [int] $Seconds) {
    # No pid is 0 or less: with no dockerd, $Pids came as $null, one $null became pid 0, and `kill -TERM 0` ended the
    # caller's whole process group (bench/fleet.sh exited 143 in its teardown).
    $Pids = @($Pids | Where-Object { $_ -gt 0 -and (Test-Path "/proc/$_") })
    foreach ($p in $Pids) { & kill -TERM $p 2>$null }
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while ([DateTime]::UtcNow -lt $deadline -and @($Pids | Where-Object { Test-Path "/proc/$_" }).Count -gt 0) { Start-Sleep -Milliseconds 100 }
    foreach ($p in $Pids) { if (Test-Path "/proc/$p") { & kill -KILL $p 2>$null } }
}

Export-ModuleMember -Function New-TestFleetClientKey, Start-TestFleetHost, Enable-TestFleetBusyBox, Set-TestFleetKillingMv, Stop-TestFleetHost, Invoke-TestFleetHost, Get-TestFleetHostPid, Get-FreeTcpPortOn, Test-TcpOpen
