#requires -Version 7.0
<#
.SYNOPSIS
Runs real Docker engines on loopback for the Pester tests, and the real docker CLI against them.
.DESCRIPTION
Each test daemon lives under its own short root folder (/tmp/dt-XXXXXX: unix socket paths are limited to
about 108 bytes and containerd puts its sockets under exec-root), with its own data-root, exec-root,
pidfile and unix socket, the vfs storage driver, no iptables and no bridge, and a TCP host on 127.0.0.1.
Linux only, as root (what CI runs).
#>

Set-StrictMode -Version Latest

$script:DockerdHelp = $null

function Get-DockerdPath {
    $cmd = Get-Command dockerd -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $cmd) {
        foreach ($candidate in '/usr/sbin/dockerd', '/usr/bin/dockerd') {
            if (Test-Path $candidate) { return $candidate }
        }
        throw 'dockerd is not installed (apt-get install docker.io).'
    }
    return $cmd.Source
}

function Get-DockerCliPath {
    <# Debian's docker.io CLI first: it matches the engine; any docker on PATH otherwise. #>
    if ($env:DOCKERTLS_TEST_DOCKER) { return $env:DOCKERTLS_TEST_DOCKER }
    if (Test-Path '/usr/bin/docker') { return '/usr/bin/docker' }
    $cmd = Get-Command docker -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $cmd) { throw 'The docker CLI is not installed (apt-get install docker.io).' }
    return $cmd.Source
}

function Test-DockerdOption([string] $Name) {
    if ($null -eq $script:DockerdHelp) {
        $script:DockerdHelp = (& (Get-DockerdPath) --help 2>&1) -join "`n"
    }
    return $script:DockerdHelp -match "(?m)--$([regex]::Escape($Name))\b"
}

function Get-FreeTcpPort {
    <# A TCP port that is free on 127.0.0.1 right now. #>
    [OutputType([int])]
    param()
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { return ([System.Net.IPEndPoint] $listener.LocalEndpoint).Port } finally { $listener.Stop() }
}

function New-TestDockerdRoot {
    <# A new, short, empty folder /tmp/dt-XXXXXX (mode 0700) for one test daemon. #>
    [OutputType([string])]
    param()
    $root = (& mktemp -d /tmp/dt-XXXXXX)
    if ($LASTEXITCODE -ne 0 -or -not $root) { throw 'mktemp -d /tmp/dt-XXXXXX failed.' }
    return $root.Trim()
}

function New-TestDockerdSettings {
    <#
    .SYNOPSIS
    The base daemon.json settings of a test daemon rooted at Root, as an ordered hashtable.
    .DESCRIPTION
    Tests add their TLS keys and write it with Write-TestDockerdConfig (or the module's own cmdlet).
    -Insecure adds "tls": false: a TCP host without TLS, and the explicit intent makes dockerd skip the
    16-second warning pause it takes for an unauthenticated TCP host.
    #>
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param(
        [Parameter(Mandatory)] [string] $Root,
        [int] $Port = 0,
        [switch] $Insecure
    )
    if ($Port -le 0) { $Port = Get-FreeTcpPort }
    $settings = [ordered]@{
        'data-root'      = "$Root/data"
        'exec-root'      = "$Root/exec"
        'pidfile'        = "$Root/docker.pid"
        'storage-driver' = 'vfs'
        'iptables'       = $false
    }
    if (Test-DockerdOption 'ip6tables') { $settings['ip6tables'] = $false }
    $settings['bridge'] = 'none'
    $settings['hosts'] = @("unix://$Root/docker.sock", "tcp://127.0.0.1:$Port")
    if ($Insecure) { $settings['tls'] = $false }
    return $settings
}

function Write-TestDockerdConfig {
    <# Writes settings as daemon.json (UTF-8 without BOM) and returns the path. #>
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Settings,
        [Parameter(Mandatory)] [string] $Path
    )
    $json = $Settings | ConvertTo-Json -Depth 10
    [System.IO.File]::WriteAllText($Path, $json, [System.Text.UTF8Encoding]::new($false))
    return $Path
}

function Get-LogTail([string] $Path, [int] $Lines = 40) {
    if (-not (Test-Path $Path)) { return '(no log)' }
    return (Get-Content $Path -Tail $Lines) -join "`n"
}

function Test-ProcessAlive([int] $ProcessId) {
    $stat = "/proc/$ProcessId/stat"
    try { $text = [System.IO.File]::ReadAllText($stat) } catch { return $false }
    # The state follows the last ')' (the command name may hold spaces and brackets); Z is a zombie.
    $state = $text.Substring($text.LastIndexOf(')') + 2, 1)
    return $state -ne 'Z' -and $state -ne 'X'
}

function Invoke-DockerPing([string] $Socket) {
    <# True when the daemon's unix socket answers GET /_ping with 200 OK. #>
    if (-not (Test-Path $Socket)) { return $false }
    $sock = [System.Net.Sockets.Socket]::new([System.Net.Sockets.AddressFamily]::Unix, [System.Net.Sockets.SocketType]::Stream, [System.Net.Sockets.ProtocolType]::Unspecified)
    try {
        $sock.ReceiveTimeout = 2000
        $sock.SendTimeout = 2000
        $sock.Connect([System.Net.Sockets.UnixDomainSocketEndPoint]::new($Socket))
        [void] $sock.Send([System.Text.Encoding]::ASCII.GetBytes("GET /_ping HTTP/1.0`r`nHost: docker`r`n`r`n"))
        $buffer = [byte[]]::new(4096)
        $text = ''
        while ($true) {
            $n = $sock.Receive($buffer)
            if ($n -le 0) { break }
            $text += [System.Text.Encoding]::ASCII.GetString($buffer, 0, $n)
        }
        return $text -match '^HTTP/1\.\d 200' -and $text -match "`r`n`r`nOK"
    } catch {
        return $false
    } finally {
        $sock.Dispose()
    }
}

function Start-TestDockerd {
    <#
    .SYNOPSIS
    Starts `dockerd --config-file ConfigFile [ArgumentList]` in the background and waits until it answers _ping.
    .DESCRIPTION
    Returns an object with Pid, Root, Socket, Port, DockerHost, LogPath, ConfigFile. On failure the daemon is
    stopped and the error holds the tail of its log.
    -SocketActivation takes addresses (a unix socket's path, 127.0.0.1:port) on which systemd-socket-activate
    listens; it starts dockerd with -H fd:// at the first connection and hands it those sockets, by the protocol
    systemd's socket units use (LISTEN_FDS).
    #>
    param(
        [Parameter(Mandatory)] [string] $ConfigFile,
        [Parameter(Mandatory)] [string] $Root,
        [int] $TimeoutSec = 60,
        # More dockerd flags after --config-file (e.g. '-H', 'fd://' to see the hosts conflict).
        [string[]] $ArgumentList = @(),
        [string[]] $SocketActivation = @()
    )
    $ConfigFile = (Resolve-Path -LiteralPath $ConfigFile).ProviderPath
    $config = Get-Content -Raw -LiteralPath $ConfigFile | ConvertFrom-Json -AsHashtable
    # The hosts of daemon.json, then those of -H/--host in ArgumentList (a daemon.json without hosts takes them there).
    $hosts = @($config['hosts']) + @(for ($i = 0; $i -lt $ArgumentList.Count - 1; $i++) {
            if ($ArgumentList[$i] -in '-H', '--host') { $ArgumentList[$i + 1] }
        }) + @($SocketActivation | ForEach-Object { if ($_.StartsWith('/')) { "unix://$_" } else { "tcp://$_" } })
    $unix = $hosts | Where-Object { $_ -like 'unix://*' } | Select-Object -First 1
    $tcp = $hosts | Where-Object { $_ -like 'tcp://*' } | Select-Object -First 1
    if (-not $unix) { throw "$ConfigFile has no unix:// host: the harness needs one to know when the daemon is up." }
    $socket = $unix.Substring('unix://'.Length)
    $port = 0
    if ($tcp -and $tcp -match ':(\d+)$') { $port = [int] $Matches[1] }

    New-Item -ItemType Directory -Force -Path $Root | Out-Null
    $log = Join-Path $Root 'dockerd.log'
    $dockerd = Get-DockerdPath
    # sh execs dockerd, so the pid is dockerd's; its output goes to the log, never to our pipes (a CI runner
    # waiting for EOF on them would hang), and stdin is /dev/null.
    $psi = [System.Diagnostics.ProcessStartInfo]::new('/bin/sh')
    $psi.UseShellExecute = $false
    $psi.ArgumentList.Add('-c')
    if ($SocketActivation.Count -gt 0) {
        # systemd-socket-activate execs dockerd in its own process, so the pid stays the daemon's.
        if ($ArgumentList.Count -gt 0) { throw '-SocketActivation takes no -ArgumentList.' }
        $activate = (Get-Command systemd-socket-activate -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
        $psi.ArgumentList.Add('activate=$1 dockerd=$2 config=$3 log=$4; shift 4; exec "$activate" "$@" "$dockerd" --config-file "$config" -H fd:// </dev/null >"$log" 2>&1')
        $psi.ArgumentList.Add('sh')
        $listen = @($SocketActivation | ForEach-Object { '-l'; $_ })
        foreach ($arg in @($activate, $dockerd, $ConfigFile, $log) + $listen) { $psi.ArgumentList.Add($arg) }
    } else {
        $psi.ArgumentList.Add('dockerd=$1 config=$2 log=$3; shift 3; exec "$dockerd" --config-file "$config" "$@" </dev/null >"$log" 2>&1')
        $psi.ArgumentList.Add('sh')
        foreach ($arg in @($dockerd, $ConfigFile, $log) + $ArgumentList) { $psi.ArgumentList.Add($arg) }
    }
    foreach ($name in @($psi.Environment.Keys)) {
        if ($name -like 'DOCKER_*') { [void] $psi.Environment.Remove($name) }
    }
    $started = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($psi)
    $daemon = [pscustomobject]@{
        PSTypeName = 'DockerTls.TestDockerd'
        Pid        = $process.Id
        Root       = $Root
        Socket     = $socket
        Port       = $port
        DockerHost = if ($tcp) { $tcp } else { $unix }
        LogPath    = $log
        ConfigFile = $ConfigFile
        StartSeconds = 0.0
    }
    while ($true) {
        if (Invoke-DockerPing $socket) { break }
        if ($process.HasExited) {
            $tail = Get-LogTail $log
            Stop-TestDockerd $daemon -KeepRoot
            throw "dockerd exited with code $($process.ExitCode) before answering on $socket. Log ($log):`n$tail"
        }
        if ($started.Elapsed.TotalSeconds -gt $TimeoutSec) {
            $tail = Get-LogTail $log
            Stop-TestDockerd $daemon -KeepRoot
            throw "dockerd did not answer _ping on $socket within $TimeoutSec s. Log ($log):`n$tail"
        }
        Start-Sleep -Milliseconds 100
    }
    $daemon.StartSeconds = [math]::Round($started.Elapsed.TotalSeconds, 2)
    return $daemon
}

function Start-TestTlsDockerd {
    <#
    .SYNOPSIS
    Starts a test daemon with mutual TLS (tlsverify) from CertPath's ca.pem, server-cert.pem, server-key.pem.
    .DESCRIPTION
    -NoVerify uses "tls": true, "tlsverify": false (encrypts, does not authenticate clients).
    -Insecure starts a plain-HTTP TCP daemon instead (CertPath is then not needed).
    -Settings adds or overrides daemon.json keys.
    #>
    param(
        [string] $CertPath,
        [string] $Root,
        [int] $Port = 0,
        [switch] $NoVerify,
        [switch] $Insecure,
        [System.Collections.IDictionary] $Settings,
        [int] $TimeoutSec = 60
    )
    $ownRoot = -not $Root
    if ($ownRoot) { $Root = New-TestDockerdRoot } else { New-Item -ItemType Directory -Force -Path $Root | Out-Null }
    $config = New-TestDockerdSettings -Root $Root -Port $Port -Insecure:$Insecure
    if (-not $Insecure) {
        if (-not $CertPath) { throw 'Start-TestTlsDockerd needs -CertPath (or -Insecure).' }
        $CertPath = (Resolve-Path -LiteralPath $CertPath).ProviderPath
        if ($NoVerify) {
            $config['tls'] = $true
            $config['tlsverify'] = $false
        } else {
            $config['tlsverify'] = $true
            $config['tlscacert'] = Join-Path $CertPath 'ca.pem'
        }
        $config['tlscert'] = Join-Path $CertPath 'server-cert.pem'
        $config['tlskey'] = Join-Path $CertPath 'server-key.pem'
    }
    if ($Settings) { foreach ($key in $Settings.Keys) { $config[$key] = $Settings[$key] } }
    # A free port can be taken by another test between Get-FreeTcpPort and dockerd's bind: then take another.
    for ($attempt = 1; ; $attempt++) {
        $file = Write-TestDockerdConfig -Settings $config -Path (Join-Path $Root 'daemon.json')
        try {
            return Start-TestDockerd -ConfigFile $file -Root $Root -TimeoutSec $TimeoutSec
        } catch {
            if ($Port -gt 0 -or $attempt -ge 3 -or $_.Exception.Message -notmatch 'address already in use') {
                # The error holds the log's tail; a root made here would otherwise be left in /tmp.
                if ($ownRoot) { & rm -rf --one-file-system $Root 2>$null }
                throw
            }
            $config['hosts'] = @($config['hosts'] | ForEach-Object { $_ -replace '^tcp://127\.0\.0\.1:\d+$', "tcp://127.0.0.1:$(Get-FreeTcpPort)" })
        }
    }
}

function Get-ProcessIdsUnder([string] $Root) {
    <#
    Processes a killed dockerd leaves behind: those whose command line names Root (containerd, shims) and all
    their descendants (the containers' processes, which name nothing of Root). Never this process or its parents.
    #>
    $parent = @{}
    $named = [System.Collections.Generic.List[int]]::new()
    foreach ($dir in [System.IO.Directory]::EnumerateDirectories('/proc')) {
        $name = [System.IO.Path]::GetFileName($dir)
        if ($name -notmatch '^\d+$') { continue }
        try {
            $stat = [System.IO.File]::ReadAllText("$dir/stat")
            $cmdline = [System.IO.File]::ReadAllText("$dir/cmdline")
        } catch { continue }
        $parent[[int] $name] = [int] ($stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')[1])
        if ($cmdline.Contains($Root)) { $named.Add([int] $name) }
    }
    $protected = [System.Collections.Generic.HashSet[int]]::new()
    $walk = $PID
    while ($walk -gt 1 -and $protected.Add($walk)) { $walk = if ($parent.ContainsKey($walk)) { $parent[$walk] } else { 0 } }
    $found = [System.Collections.Generic.HashSet[int]]::new()
    foreach ($id in $named) { if (-not $protected.Contains($id)) { [void] $found.Add($id) } }
    do {
        $added = $false
        foreach ($entry in $parent.GetEnumerator()) {
            if ($found.Contains($entry.Value) -and -not $protected.Contains($entry.Key) -and $found.Add($entry.Key)) { $added = $true }
        }
    } while ($added)
    return @($found)
}

function Stop-ProcessBounded([int[]] $ProcessIds, [int] $TimeoutSec) {
    $alive = @($ProcessIds | Where-Object { Test-ProcessAlive $_ })
    if (-not $alive) { return }
    if ($TimeoutSec -gt 0) { & kill -TERM @alive 2>$null }
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    while ($watch.Elapsed.TotalSeconds -lt $TimeoutSec) {
        $alive = @($alive | Where-Object { Test-ProcessAlive $_ })
        if (-not $alive) { return }
        Start-Sleep -Milliseconds 100
    }
    & kill -KILL @alive 2>$null
    $watch.Restart()
    while ($watch.Elapsed.TotalSeconds -lt 5) {
        $alive = @($alive | Where-Object { Test-ProcessAlive $_ })
        if (-not $alive) { return }
        Start-Sleep -Milliseconds 50
    }
}

function Stop-TestDockerd {
    <#
    .SYNOPSIS
    Stops a test daemon (SIGTERM, bounded wait, SIGKILL), then whatever it left running or mounted, and removes its Root.
    #>
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)] $Daemon,
        [int] $TimeoutSec = 20,
        [switch] $KeepRoot
    )
    process {
        if (-not $Daemon) { return }
        $root = $Daemon.Root
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        Stop-ProcessBounded -ProcessIds @($Daemon.Pid) -TimeoutSec $TimeoutSec
        if ($root -and $root.Length -gt 5) {
            # Left behind only when dockerd was killed: containerd, shims and the containers' processes, which
            # need no grace (a container's init ignores SIGTERM).
            $left = Get-ProcessIdsUnder $root
            if ($left) { Stop-ProcessBounded -ProcessIds $left -TimeoutSec 0 }
            # Mount points under root, deepest first (dockerd leaves data-root bind-mounted if killed).
            $mounts = Get-Content /proc/self/mountinfo | ForEach-Object { ($_ -split ' ')[4] -replace '\\040', ' ' } |
                Where-Object { $_ -eq $root -or $_.StartsWith("$root/") } | Sort-Object Length -Descending
            foreach ($mount in $mounts) { & umount -l $mount 2>$null }
            if (-not $KeepRoot -and (Test-Path -LiteralPath $root)) {
                & rm -rf --one-file-system $root 2>$null
            }
        }
        $Daemon | Add-Member -NotePropertyName StopSeconds -NotePropertyValue ([math]::Round($watch.Elapsed.TotalSeconds, 2)) -Force
    }
}

function Invoke-TestDocker {
    <#
    .SYNOPSIS
    Runs the real docker CLI with a clean DOCKER_* environment plus what is given; returns ExitCode, StdOut, StdErr.
    .DESCRIPTION
    -DockerHost sets DOCKER_HOST; -CertPath sets DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH; -Daemon talks to a
    test daemon over its unix socket (when no -DockerHost is given). -Environment adds or overrides variables
    (a $null value removes one). The run is killed after TimeoutSec (ExitCode 124, TimedOut true).
    #>
    param(
        [Parameter(Mandatory, Position = 0)] [string[]] $ArgumentList,
        [string] $DockerHost,
        [string] $CertPath,
        $Daemon,
        [hashtable] $Environment,
        [string] $WorkingDirectory,
        [string] $StandardInput,
        [int] $TimeoutSec = 120
    )
    $psi = [System.Diagnostics.ProcessStartInfo]::new((Get-DockerCliPath))
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.RedirectStandardInput = $true
    foreach ($arg in $ArgumentList) { $psi.ArgumentList.Add($arg) }
    $psi.WorkingDirectory = if ($WorkingDirectory) { $WorkingDirectory } else { (Get-Location -PSProvider FileSystem).ProviderPath }
    foreach ($name in @($psi.Environment.Keys)) {
        if ($name -like 'DOCKER_*') { [void] $psi.Environment.Remove($name) }
    }
    if ($Daemon -and -not $DockerHost) { $psi.Environment['DOCKER_HOST'] = "unix://$($Daemon.Socket)" }
    if ($DockerHost) { $psi.Environment['DOCKER_HOST'] = $DockerHost }
    if ($CertPath) {
        $psi.Environment['DOCKER_TLS_VERIFY'] = '1'
        $psi.Environment['DOCKER_CERT_PATH'] = $CertPath
    }
    if ($Environment) {
        foreach ($key in $Environment.Keys) {
            if ($null -eq $Environment[$key]) { [void] $psi.Environment.Remove($key) }
            else { $psi.Environment[$key] = [string] $Environment[$key] }
        }
    }
    $process = [System.Diagnostics.Process]::Start($psi)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    if ($StandardInput) { $process.StandardInput.Write($StandardInput) }
    $process.StandardInput.Close()
    $timedOut = -not $process.WaitForExit($TimeoutSec * 1000)
    if ($timedOut) {
        $process.Kill($true)
        $process.WaitForExit()
    } else {
        $process.WaitForExit()
    }
    $err = $stderr.GetAwaiter().GetResult()
    if ($timedOut) { $err += "`n(killed by Invoke-TestDocker after $TimeoutSec s)" }
    return [pscustomobject]@{
        PSTypeName = 'DockerTls.TestDockerResult'
        ExitCode   = if ($timedOut) { 124 } else { $process.ExitCode }
        StdOut     = $stdout.GetAwaiter().GetResult()
        StdErr     = $err
        TimedOut   = $timedOut
    }
}

function Get-TestBusyboxPath {
    <# The path of Debian's busybox (busybox-static), or an error that says what to install. #>
    $busybox = @('/bin/busybox', '/usr/bin/busybox') | Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $busybox) { throw 'busybox is not installed (apt-get install busybox-static).' }
    return $busybox
}

function Import-TestBusyboxImage {
    <#
    .SYNOPSIS
    Makes a `busybox` image in a test daemon with `docker import` of Debian's static /bin/busybox and its applet links.
    #>
    param(
        [Parameter(Mandatory)] $Daemon,
        [string] $Tag = 'busybox:latest'
    )
    $busybox = Get-TestBusyboxPath
    $null = & ldd $busybox 2>&1
    if ($LASTEXITCODE -eq 0) {
        throw "$busybox is dynamically linked: install busybox-static, not busybox."
    }
    $work = Join-Path $Daemon.Root 'busybox-rootfs'
    if (Test-Path $work) { & rm -rf $work }
    foreach ($dir in 'bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root') {
        New-Item -ItemType Directory -Force -Path (Join-Path $work $dir) | Out-Null
    }
    Copy-Item -LiteralPath $busybox -Destination (Join-Path $work 'bin/busybox')
    & chmod 0755 (Join-Path $work 'bin/busybox')
    & chmod 1777 (Join-Path $work 'tmp')
    $applets = & $busybox --list
    if ($LASTEXITCODE -ne 0) { $applets = 'sh', 'cat', 'ls', 'echo', 'env', 'true', 'false', 'sleep', 'id', 'uname' }
    foreach ($applet in $applets) {
        if ($applet -eq 'busybox' -or $applet -notmatch '^[\w.\[\]-]+$') { continue }
        $link = Join-Path $work "bin/$applet"
        if (-not (Test-Path $link)) { [void] [System.IO.File]::CreateSymbolicLink($link, 'busybox') }
    }
    $tar = Join-Path $Daemon.Root 'busybox.tar'
    & tar -C $work -cf $tar --numeric-owner --owner=0 --group=0 .
    if ($LASTEXITCODE -ne 0) { throw "tar of $work failed." }
    try {
        $result = Invoke-TestDocker -Daemon $Daemon -ArgumentList @('import', '--change', 'CMD ["sh"]', $tar, $Tag)
        if ($result.ExitCode -ne 0) { throw "docker import failed ($($result.ExitCode)): $($result.StdErr)" }
    } finally {
        & rm -rf $work $tar
    }
    return $Tag
}

Export-ModuleMember -Function Get-FreeTcpPort, New-TestDockerdRoot, New-TestDockerdSettings, Write-TestDockerdConfig,
    Start-TestDockerd, Start-TestTlsDockerd, Stop-TestDockerd, Invoke-TestDocker, Import-TestBusyboxImage, Get-TestBusyboxPath
