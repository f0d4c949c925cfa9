#requires -Version 7.0
# The daemon side, end to end against the built module: daemon.json merged and then served by the real dockerd
# with mutual TLS to the real docker CLI; the systemd hosts conflict with a Debian docker.service, and the
# drop-in checked by systemd-analyze; malformed files left byte-identical; -WhatIf writing nothing.

BeforeDiscovery {
    $script:canRunDockerd = $IsLinux -and ((& id -u) -eq '0') -and [bool] (Get-Command dockerd -ErrorAction SilentlyContinue)
    $script:hasSystemdAnalyze = [bool] (Get-Command systemd-analyze -ErrorAction SilentlyContinue)
    $script:canSocketActivate = $canRunDockerd -and [bool] (Get-Command systemd-socket-activate -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/TestDockerd.psm1') -Force

    $script:setId = 'DockerTls.Commands.SetDockerDaemonConfigCommand'

    # The docker.service Debian's docker.io ships: dockerd gets -H fd:// on its command line.
    $script:debianUnit = @'
[Unit]
Description=Docker Application Container Engine
Documentation=https://docs.docker.com
After=network-online.target docker.socket firewalld.service containerd.service
Wants=network-online.target containerd.service
Requires=docker.socket

[Service]
Type=notify
EnvironmentFile=-/etc/default/docker
ExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $DOCKER_OPTS
ExecReload=/bin/kill -s HUP $MAINPID
TimeoutStartSec=0
Delegate=yes
KillMode=process
Restart=on-failure

[Install]
WantedBy=multi-user.target
'@ -replace "`r`n", "`n"

    $script:debianSocket = @'
[Unit]
Description=Docker Socket for the API

[Socket]
ListenStream=/run/docker.sock
SocketMode=0660
SocketUser=root
SocketGroup=docker

[Install]
WantedBy=sockets.target
'@ -replace "`r`n", "`n"

    function New-SystemdRoot([string] $Path, [switch] $Debian) {
        New-Item -ItemType Directory -Force -Path $Path | Out-Null
        if ($Debian) {
            $lib = New-Item -ItemType Directory -Force -Path (Join-Path $Path 'lib/systemd/system')
            [IO.File]::WriteAllText((Join-Path $lib 'docker.service'), $debianUnit)
            [IO.File]::WriteAllText((Join-Path $lib 'docker.socket'), $debianSocket)
        }
        return $Path
    }

    # What systemd-analyze verify says of docker.service and its drop-ins (or another unit) under a root:
    # SYSTEMD_UNIT_PATH puts the root's unit folders first and keeps the system's (targets, executables).
    function Invoke-SystemdVerify([string] $Root, [string] $Unit = 'docker.service') {
        $env:SYSTEMD_UNIT_PATH = "$Root/etc/systemd/system:$Root/lib/systemd/system:"
        try {
            $output = & systemd-analyze verify $Unit 2>&1
            [pscustomobject] @{ ExitCode = $LASTEXITCODE; Output = ($output -join "`n") }
        } finally {
            Remove-Item Env:SYSTEMD_UNIT_PATH
        }
    }

    function Get-Mode([string] $Path) { (& stat -c '%a' $Path).Trim() }

    # Every file under a folder with its hash, to prove that nothing changed.
    function Get-Snapshot([string] $Path) {
        if (-not (Test-Path $Path)) { return '' }
        (Get-ChildItem -Recurse -Force $Path | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { $_.FullName } else { "$($_.FullName) $((Get-FileHash $_.FullName).Hash)" }
        }) -join "`n"
    }

    function Write-Utf8([string] $Path, [string] $Text) {
        [IO.File]::WriteAllText($Path, $Text, [Text.UTF8Encoding]::new($false))
    }

    $script:kit = Join-Path $TestDrive 'kit'
    Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA | Out-Null
    $script:serverFiles = Join-Path $kit 'server'
    $script:clientFiles = Join-Path $kit 'client'
    $script:emptyRoot = New-SystemdRoot (Join-Path $TestDrive 'empty-root')
}

Describe 'Set-DockerDaemonConfig' {
    Context 'an existing daemon.json, then the real dockerd with mutual TLS' -Skip:(-not $canRunDockerd) {
        BeforeAll {
            $root = New-TestDockerdRoot
            $port = Get-FreeTcpPort
            $settings = New-TestDockerdSettings -Root $root -Port $port
            $settings['hosts'] = @("unix://$root/docker.sock")
            $settings['log-opts'] = [ordered] @{ 'max-size' = '10m'; 'max-file' = '3' }
            $settings['debug'] = $false
            $configFile = Write-TestDockerdConfig -Settings $settings -Path (Join-Path $root 'daemon.json')
            $before = Get-Content -Raw $configFile | ConvertFrom-Json -AsHashtable
            $beforeBytes = [IO.File]::ReadAllBytes($configFile)
            $certDestination = Join-Path $root 'certs'

            $result = Set-DockerDaemonConfig -Path $configFile -CertPath $serverFiles -CertDestination $certDestination `
                -DockerHost "unix://$root/docker.sock", "tcp://127.0.0.1:$port" -NoLocalSocket -SystemdRoot $emptyRoot `
                -PassThru -WarningVariable warnings -WarningAction SilentlyContinue -InformationVariable info
            $afterText = Get-Content -Raw $configFile
            $after = $afterText | ConvertFrom-Json -AsHashtable
            $daemon = Start-TestDockerd -ConfigFile $configFile -Root $root
        }

        AfterAll {
            if ($daemon) { Stop-TestDockerd $daemon }
            elseif ($root) { & rm -rf --one-file-system $root 2>$null }
        }

        It 'keeps every other key with its value and in its order' {
            $keys = @($after.Keys)
            $keys[0..($before.Count - 1)] | Should -Be @($before.Keys)
            $keys[$before.Count..($keys.Count - 1)] | Should -Be @('tlsverify', 'tlscacert', 'tlscert', 'tlskey')
            foreach ($key in 'data-root', 'exec-root', 'pidfile', 'storage-driver', 'iptables', 'bridge', 'debug') {
                $after[$key] | Should -Be $before[$key] -Because $key
            }
            $after['log-opts'] | ConvertTo-Json -Compress | Should -Be ($before['log-opts'] | ConvertTo-Json -Compress)
        }

        It 'sets tlsverify, the installed files and hosts' {
            $after['tlsverify'] | Should -BeTrue
            $after['tlscacert'] | Should -Be (Join-Path $certDestination 'ca.pem')
            $after['tlscert'] | Should -Be (Join-Path $certDestination 'server-cert.pem')
            $after['tlskey'] | Should -Be (Join-Path $certDestination 'server-key.pem')
            $after['hosts'] | Should -Be @("unix://$root/docker.sock", "tcp://127.0.0.1:$port")
        }

        It 'writes UTF-8 without BOM, two-space indent, a final newline' {
            $bytes = [IO.File]::ReadAllBytes($configFile)
            $bytes[0] | Should -Be ([byte][char]'{')
            $afterText | Should -Match '^\{\n  "data-root": '
            $afterText | Should -Not -Match "`r"
            $afterText | Should -Match '\n\}\n$'
        }

        It 'installs the server files with key 0400 and certificates 0444' {
            Get-Mode (Join-Path $certDestination 'server-key.pem') | Should -Be '400'
            Get-Mode (Join-Path $certDestination 'server-cert.pem') | Should -Be '444'
            Get-Mode (Join-Path $certDestination 'ca.pem') | Should -Be '444'
            (Get-FileHash (Join-Path $certDestination 'server-key.pem')).Hash | Should -Be (Get-FileHash (Join-Path $serverFiles 'server-key.pem')).Hash
        }

        It 'leaves a timestamped backup holding the old bytes' {
            $backup = @(Get-ChildItem $root -Filter 'daemon.json.*.bak')
            $backup.Count | Should -Be 1
            $backup[0].Name | Should -Match '^daemon\.json\.\d{14}\.bak$'
            [IO.File]::ReadAllBytes($backup[0].FullName) | Should -Be $beforeBytes
        }

        It 'warns that live-restore is off and prints the restart command' {
            $warnings -join "`n" | Should -Match 'live-restore'
            ($info | ForEach-Object { "$_" }) -join "`n" | Should -Match 'Restart it to apply them: '
        }

        It 'returns the new configuration with -PassThru' {
            $result.TlsMode | Should -Be 'TlsVerify'
            $result.Problems | Should -BeNullOrEmpty
            $result.ServerCertificate.DnsNames | Should -Contain 'localhost'
        }

        It 'is served by dockerd: the docker CLI connects over mutual TLS' {
            $run = Invoke-TestDocker -ArgumentList 'version', '--format', '{{.Server.Version}}' -DockerHost "tcp://127.0.0.1:$port" -CertPath $clientFiles
            $run.StdErr | Should -BeNullOrEmpty
            $run.ExitCode | Should -Be 0
            $run.StdOut.Trim() | Should -Not -BeNullOrEmpty
        }

        It 'refuses a client without a certificate' {
            $noCert = Join-Path $TestDrive 'ca-only'
            New-Item -ItemType Directory -Force $noCert | Out-Null
            Copy-Item (Join-Path $clientFiles 'ca.pem') $noCert
            $run = Invoke-TestDocker -ArgumentList 'version' -DockerHost "tcp://127.0.0.1:$port" -CertPath $noCert -TimeoutSec 30
            $run.ExitCode | Should -Not -Be 0
            # Under TLS 1.3 the CLI sees the daemon's alert, or the reset when it writes after the daemon closed.
            $run.StdErr | Should -Match 'bad certificate|certificate required|connection reset by peer'
        }

        It 'is seen by Get-DockerDaemonConfig as mutual TLS with no problems' {
            $report = Get-DockerDaemonConfig -Path $configFile -SystemdRoot $emptyRoot
            $report.TlsMode | Should -Be 'TlsVerify'
            $report.TlsCACertExists | Should -BeTrue
            $report.TlsCertExists | Should -BeTrue
            $report.TlsKeyExists | Should -BeTrue
            $report.DaysRemaining | Should -BeGreaterThan 300
            $report.Problems | Should -BeNullOrEmpty
        }
    }

    Context 'a daemon.json that is not strict JSON' {
        BeforeDiscovery {
            $script:malformed = @(
                @{ Name = 'a byte-order mark'; Text = "`u{FEFF}{`"debug`": true}"; Message = 'byte-order mark' }
                @{ Name = 'a trailing comma'; Text = "{`n  `"debug`": true,`n}`n"; Message = 'line 2, column 16: trailing comma' }
                @{ Name = 'a comment'; Text = "{`n  // debug`n  `"debug`": true`n}`n"; Message = 'line 2, column 3: comments' }
                @{ Name = 'single quotes'; Text = "{'debug': true}"; Message = 'single quotes' }
                @{ Name = 'hosts as a string'; Text = "{`n  `"hosts`": `"tcp://0.0.0.0:2376`"`n}`n"; Message = 'line 2: "hosts" must be an array of strings' }
                # A duplicate key is no longer here: dockerd takes the last one (tests/DockerOwnedJson.Tests.ps1).
            )
        }

        It 'refuses <Name> with DaemonConfigInvalidJson and leaves the file byte-identical' -ForEach $malformed {
            $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
            New-Item -ItemType Directory $folder | Out-Null
            $path = Join-Path $folder 'daemon.json'
            # A BOM is written as bytes: .NET's UTF8Encoding without BOM would still write U+FEFF as EF BB BF.
            Write-Utf8 $path $Text
            $bytes = [IO.File]::ReadAllBytes($path)
            { Set-DockerDaemonConfig -Path $path -CertPath $serverFiles -CertDestination (Join-Path $folder 'certs') -SystemdRoot $emptyRoot -WarningAction SilentlyContinue } |
                Should -Throw -ErrorId "DaemonConfigInvalidJson,$setId" -ExpectedMessage "*$Message*"
            [IO.File]::ReadAllBytes($path) | Should -Be $bytes
            @(Get-ChildItem -Force $folder).Name | Should -Be @('daemon.json')
        }
    }

    Context '-WhatIf' {
        It 'shows the change and writes nothing' {
            $folder = Join-Path $TestDrive 'whatif'
            New-Item -ItemType Directory $folder | Out-Null
            $path = Join-Path $folder 'daemon.json'
            Write-Utf8 $path "{`"debug`": true}"
            $snapshot = Get-Snapshot $folder
            # What if: lines go to the host, which only a transcript records.
            $transcript = Join-Path $TestDrive 'whatif.txt'
            Start-Transcript -Path $transcript | Out-Null
            try {
                Set-DockerDaemonConfig -Path $path -CertPath $serverFiles -CertDestination (Join-Path $folder 'certs') -SystemdRoot $emptyRoot -WhatIf -WarningAction SilentlyContinue
            } finally {
                Stop-Transcript | Out-Null
            }
            Get-Snapshot $folder | Should -Be $snapshot
            $output = Get-Content -Raw $transcript
            $output | Should -Match 'What if: Configure mutual TLS'
            $output | Should -Match 'set "tlsverify": true'
        }
    }

    Context 'backups' {
        BeforeAll {
            $folder = Join-Path $TestDrive 'backups'
            New-Item -ItemType Directory $folder | Out-Null
            $path = Join-Path $folder 'daemon.json'
            $certs = Join-Path $folder 'certs'
            Write-Utf8 $path "{`"debug`": true}"
            $common = @{ Path = $path; CertPath = $serverFiles; CertDestination = $certs; SystemdRoot = $emptyRoot; WarningAction = 'SilentlyContinue' }
        }

        It 'makes no second backup when run again with the same settings' {
            Set-DockerDaemonConfig @common
            $first = Get-Snapshot $folder
            @(Get-ChildItem $folder -Filter '*.bak').Count | Should -Be 1
            Set-DockerDaemonConfig @common
            Get-Snapshot $folder | Should -Be $first
        }

        It 'makes none with -NoBackup' {
            Set-DockerDaemonConfig @common -DockerHost 'tcp://127.0.0.1:2376' -NoBackup
            @(Get-ChildItem $folder -Filter '*.bak').Count | Should -Be 1
            (Get-Content -Raw $path | ConvertFrom-Json).hosts | Should -Contain 'tcp://127.0.0.1:2376'
        }
    }

    Context 'plain TCP' {
        It 'refuses port 2375 with InsecureHost and writes nothing' {
            $folder = Join-Path $TestDrive 'insecure'
            New-Item -ItemType Directory $folder | Out-Null
            $path = Join-Path $folder 'daemon.json'
            { Set-DockerDaemonConfig -Path $path -CertPath $serverFiles -CertDestination (Join-Path $folder 'certs') -DockerHost 'tcp://127.0.0.1:2375' -SystemdRoot $emptyRoot -WarningAction SilentlyContinue } |
                Should -Throw -ErrorId "InsecureHost,$setId"
            Get-ChildItem -Force $folder | Should -BeNullOrEmpty
        }

        It 'accepts it with -AllowInsecure and warns that the port gives root' {
            $folder = Join-Path $TestDrive 'allow-insecure'
            New-Item -ItemType Directory $folder | Out-Null
            $path = Join-Path $folder 'daemon.json'
            Set-DockerDaemonConfig -Path $path -CertPath $serverFiles -CertDestination (Join-Path $folder 'certs') -DockerHost 'tcp://127.0.0.1:2375' -AllowInsecure -SystemdRoot $emptyRoot -WarningVariable warnings -WarningAction SilentlyContinue
            $warnings -join "`n" | Should -Match 'root on this host'
            (Get-Content -Raw $path | ConvertFrom-Json).hosts | Should -Contain 'tcp://127.0.0.1:2375'
        }
    }

    Context 'the hosts conflict with a Debian docker.service' {
        BeforeAll {
            $sysroot = New-SystemdRoot (Join-Path $TestDrive 'debian-root') -Debian
            $folder = Join-Path $TestDrive 'conflict'
            New-Item -ItemType Directory $folder | Out-Null
            $path = Join-Path $folder 'daemon.json'
            Write-Utf8 $path "{`n  `"debug`": true`n}`n"
            $bytes = [IO.File]::ReadAllBytes($path)
            $dropIn = Join-Path $sysroot 'etc/systemd/system/docker.service.d/docker.conf'
        }

        It 'refuses with DaemonHostsConflict naming the file and line, and writes nothing' {
            $snapshot = Get-Snapshot $TestDrive
            { Set-DockerDaemonConfig -Path $path -CertPath $serverFiles -CertDestination (Join-Path $folder 'certs') -SystemdRoot $sysroot -WarningAction SilentlyContinue } |
                Should -Throw -ErrorId "DaemonHostsConflict,$setId" -ExpectedMessage "*lib/systemd/system/docker.service line 11 passes -H fd://*"
            [IO.File]::ReadAllBytes($path) | Should -Be $bytes
            Get-Snapshot $TestDrive | Should -Be $snapshot
        }

        It 'is a real conflict: dockerd refuses hosts in daemon.json plus -H' -Skip:(-not $canRunDockerd) {
            $root = New-TestDockerdRoot
            try {
                $config = Write-TestDockerdConfig -Settings (New-TestDockerdSettings -Root $root) -Path (Join-Path $root 'daemon.json')
                { Start-TestDockerd -ConfigFile $config -Root $root -ArgumentList '-H', "unix://$root/other.sock" -TimeoutSec 30 } |
                    Should -Throw -ExpectedMessage '*specified both as a flag and in the configuration file*hosts*'
            } finally {
                & rm -rf --one-file-system $root 2>$null
            }
        }

        It 'writes with -ConfigureSystemd the drop-in that resets ExecStart= and keeps --containerd' {
            Set-DockerDaemonConfig -Path $path -CertPath $serverFiles -CertDestination (Join-Path $folder 'certs') -SystemdRoot $sysroot -ConfigureSystemd -WarningAction SilentlyContinue -InformationVariable info
            $text = Get-Content -Raw $dropIn
            $text | Should -Match '(?m)^\[Service\]\nExecStart=\nExecStart=/usr/sbin/dockerd --containerd=/run/containerd/containerd\.sock \$DOCKER_OPTS\n'
            ($text -split "`n" | Where-Object { $_ -notmatch '^#' }) -join "`n" | Should -Not -Match '-H'
            Get-Mode $dropIn | Should -Be '644'
            (Get-Content -Raw $path | ConvertFrom-Json).hosts | Should -Be @('unix:///var/run/docker.sock', 'tcp://0.0.0.0:2376')
            ($info | ForEach-Object { "$_" }) -join "`n" | Should -Match 'systemctl daemon-reload && systemctl restart docker'
        }

        It 'leaves units that systemd-analyze verify accepts' -Skip:(-not $hasSystemdAnalyze) {
            $verify = Invoke-SystemdVerify $sysroot
            $verify.Output | Should -BeNullOrEmpty
            $verify.ExitCode | Should -Be 0
        }

        It 'leaves no -H for Get-DockerDaemonConfig to report' {
            $report = Get-DockerDaemonConfig -Path $path -SystemdRoot $sysroot
            $report.HostFlags | Should -BeNullOrEmpty
            $report.Problems.Id | Should -Not -Contain 'DaemonHostsConflict'
        }
    }

    Context 'the socket-activation style: -NoHosts, and the hosts on dockerd''s command line' {
        BeforeAll {
            $sysroot = New-SystemdRoot (Join-Path $TestDrive 'nohosts-root') -Debian
            $folder = Join-Path $TestDrive 'nohosts'
            New-Item -ItemType Directory $folder | Out-Null
            $path = Join-Path $folder 'daemon.json'
            Write-Utf8 $path "{`n  `"hosts`": [`"unix:///var/run/docker.sock`", `"tcp://0.0.0.0:2376`"],`n  `"debug`": true`n}`n"
            $bytes = [IO.File]::ReadAllBytes($path)
            $certs = Join-Path $folder 'certs'
        }

        It 'shows with -WhatIf that it removes hosts, and writes nothing' {
            $snapshot = (Get-Snapshot $folder) + (Get-Snapshot $sysroot)
            $transcript = Join-Path $TestDrive 'nohosts-whatif.txt'
            Start-Transcript -Path $transcript | Out-Null
            try {
                Set-DockerDaemonConfig -Path $path -CertPath $serverFiles -CertDestination $certs -SystemdRoot $sysroot -NoHosts -WhatIf -WarningAction SilentlyContinue
            } finally {
                Stop-Transcript | Out-Null
            }
            (Get-Snapshot $folder) + (Get-Snapshot $sysroot) | Should -Be $snapshot
            [IO.File]::ReadAllBytes($path) | Should -Be $bytes
            $output = Get-Content -Raw $transcript
            $output | Should -Match 'remove "hosts": \["unix:///var/run/docker.sock","tcp://0.0.0.0:2376"\]'
            $output | Should -Match 'set "tlsverify": true'
            $output | Should -Not -Match 'drop-in'
        }

        It 'refuses -NoHosts with -DockerHost or -ConfigureSystemd with NoHostsConflict, and writes nothing' {
            $snapshot = Get-Snapshot $TestDrive
            { Set-DockerDaemonConfig -Path $path -CertPath $serverFiles -CertDestination $certs -SystemdRoot $sysroot -NoHosts -DockerHost tcp://0.0.0.0:2376 } |
                Should -Throw -ErrorId "NoHostsConflict,$setId" -ExpectedMessage '*-DockerHost only applies to "hosts" in daemon.json*'
            { Set-DockerDaemonConfig -Path $path -CertPath $serverFiles -CertDestination $certs -SystemdRoot $sysroot -NoHosts -ConfigureSystemd } |
                Should -Throw -ErrorId "NoHostsConflict,$setId"
            Get-Snapshot $TestDrive | Should -Be $snapshot
        }

        It 'keeps the TLS keys but no hosts, next to a docker.service with -H fd://, and writes no drop-in' {
            Set-DockerDaemonConfig -Path $path -CertPath $serverFiles -CertDestination $certs -SystemdRoot $sysroot -NoHosts -WarningVariable warnings -WarningAction SilentlyContinue
            $after = Get-Content -Raw $path | ConvertFrom-Json -AsHashtable
            $after.Keys | Should -Not -Contain 'hosts'
            $after['debug'] | Should -BeTrue
            $after['tlsverify'] | Should -BeTrue
            $after['tlskey'] | Should -Be (Join-Path $certs 'server-key.pem')
            Get-Mode (Join-Path $certs 'server-key.pem') | Should -Be '400'
            Test-Path (Join-Path $sysroot 'etc/systemd/system/docker.service.d') | Should -BeFalse
            $warnings -join "`n" | Should -Not -Match 'has no -H'
            $report = Get-DockerDaemonConfig -Path $path -SystemdRoot $sysroot
            $report.Hosts | Should -BeNullOrEmpty
            $report.Problems.Id | Should -Not -Contain 'DaemonHostsConflict'
            $report.Problems.Id | Should -Not -Contain 'NoTcpHost'
        }

        It 'warns when dockerd''s command line has no -H to take the hosts from' {
            $bare = New-SystemdRoot (Join-Path $TestDrive 'nohosts-bare-root') -Debian
            $unit = Join-Path $bare 'lib/systemd/system/docker.service'
            [IO.File]::WriteAllText($unit, ((Get-Content -Raw $unit) -replace '-H fd:// ', ''))
            $other = Join-Path $TestDrive 'nohosts-bare.json'
            Set-DockerDaemonConfig -Path $other -CertPath $serverFiles -CertDestination (Join-Path $TestDrive 'nohosts-bare-certs') -SystemdRoot $bare -NoHosts -WarningVariable warnings -WarningAction SilentlyContinue
            $warnings -join "`n" | Should -Match 'has no -H.*local socket only.*New-DockerSystemdUnit -Kind Socket'
            (Get-DockerDaemonConfig -Path $other -SystemdRoot $bare).Problems.Id | Should -Contain 'NoTcpHost'
        }

        It 'is served by the real dockerd taking its sockets from socket activation (-H fd://): mutual TLS on TCP, the local socket plain, a client without a certificate refused' -Skip:(-not $canSocketActivate) {
            $root = New-TestDockerdRoot
            $daemon = $null
            try {
                $port = Get-FreeTcpPort
                # A daemon.json that lists hosts, which dockerd refuses beside -H fd://: -NoHosts takes them out.
                $settings = New-TestDockerdSettings -Root $root -Port $port
                $config = Write-TestDockerdConfig -Settings $settings -Path (Join-Path $root 'daemon.json')
                Set-DockerDaemonConfig -Path $config -CertPath $serverFiles -CertDestination (Join-Path $root 'certs') -SystemdRoot $sysroot -NoHosts -WarningAction SilentlyContinue
                (Get-Content -Raw $config | ConvertFrom-Json -AsHashtable).Keys | Should -Not -Contain 'hosts'
                # As docker.socket and docker-tcp.socket would: a unix socket and a TCP port, handed to dockerd -H fd://.
                $daemon = Start-TestDockerd -ConfigFile $config -Root $root -SocketActivation "$root/docker.sock", "127.0.0.1:$port"

                $run = Invoke-TestDocker -ArgumentList 'version', '--format', '{{.Server.Version}}' -DockerHost "tcp://127.0.0.1:$port" -CertPath $clientFiles
                $run.StdErr | Should -BeNullOrEmpty
                $run.ExitCode | Should -Be 0
                $local = Invoke-TestDocker -ArgumentList 'version', '--format', '{{.Server.Version}}' -DockerHost "unix://$root/docker.sock"
                $local.ExitCode | Should -Be 0
                $local.StdOut.Trim() | Should -Be $run.StdOut.Trim()
                $noCert = Join-Path $TestDrive 'nohosts-ca-only'
                New-Item -ItemType Directory -Force $noCert | Out-Null
                Copy-Item (Join-Path $clientFiles 'ca.pem') $noCert
                $refused = Invoke-TestDocker -ArgumentList 'version' -DockerHost "tcp://127.0.0.1:$port" -CertPath $noCert -TimeoutSec 30
                $refused.ExitCode | Should -Not -Be 0
                Get-Content -Raw $daemon.LogPath | Should -Match "API listen on 127\.0\.0\.1:$port"
            } finally {
                if ($daemon) { Stop-TestDockerd $daemon } else { & rm -rf --one-file-system $root 2>$null }
            }
        }
    }

    Context 'server files that cannot serve' {
        It 'refuses a missing folder with ServerCertificateNotFound' {
            $folder = Join-Path $TestDrive 'missing-files'
            { Set-DockerDaemonConfig -Path (Join-Path $folder 'daemon.json') -CertPath (Join-Path $folder 'none') -CertDestination (Join-Path $folder 'certs') -SystemdRoot $emptyRoot } |
                Should -Throw -ErrorId "ServerCertificateNotFound,$setId"
            Test-Path $folder | Should -BeFalse
        }

        It 'refuses a client certificate in place of the server one with ServerCertificateInvalid' {
            $folder = Join-Path $TestDrive 'wrong-files'
            New-Item -ItemType Directory $folder | Out-Null
            Copy-Item (Join-Path $clientFiles 'ca.pem') $folder
            Copy-Item (Join-Path $clientFiles 'cert.pem') (Join-Path $folder 'server-cert.pem')
            Copy-Item (Join-Path $clientFiles 'key.pem') (Join-Path $folder 'server-key.pem')
            { Set-DockerDaemonConfig -Path (Join-Path $TestDrive 'wrong.json') -CertPath $folder -CertDestination (Join-Path $TestDrive 'wrong-certs') -SystemdRoot $emptyRoot } |
                Should -Throw -ErrorId "ServerCertificateInvalid,$setId" -ExpectedMessage '*serverAuth*'
            Test-Path (Join-Path $TestDrive 'wrong.json') | Should -BeFalse
        }
    }
}

Describe 'Get-DockerDaemonConfig' {
    Context 'problems, each with its fix' {
        It 'reports plain TCP, a missing local socket and the hosts conflict' {
            $sysroot = New-SystemdRoot (Join-Path $TestDrive 'get-root') -Debian
            $path = Join-Path $TestDrive 'plain.json'
            Write-Utf8 $path '{"hosts": ["tcp://0.0.0.0:2375"]}'
            $report = Get-DockerDaemonConfig -Path $path -SystemdRoot $sysroot
            $report.TlsMode | Should -Be 'None'
            $report.Problems.Id | Should -Contain 'InsecureHost'
            $report.Problems.Id | Should -Contain 'NoLocalSocket'
            $report.Problems.Id | Should -Contain 'DaemonHostsConflict'
            ($report.Problems | Where-Object Id -EQ 'InsecureHost').Message | Should -Match 'root on this host.*Set-DockerDaemonConfig'
        }

        It 'reports a BOM, and still reads the rest' {
            $path = Join-Path $TestDrive 'bom.json'
            [IO.File]::WriteAllBytes($path, [byte[]] (0xEF, 0xBB, 0xBF) + [Text.Encoding]::UTF8.GetBytes('{"tls": true}'))
            $report = Get-DockerDaemonConfig -Path $path -SystemdRoot $emptyRoot
            $report.Problems.Id | Should -Contain 'DaemonConfigByteOrderMark'
            $report.TlsMode | Should -Be 'TlsVerify'
        }

        It 'reports missing TLS files' {
            $path = Join-Path $TestDrive 'missing.json'
            Write-Utf8 $path '{"tlsverify": true, "tlscacert": "/nonexistent/ca.pem", "tlscert": "/nonexistent/server-cert.pem", "tlskey": "/nonexistent/server-key.pem", "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"]}'
            $report = Get-DockerDaemonConfig -Path $path -SystemdRoot $emptyRoot
            $report.TlsCertExists | Should -BeFalse
            @($report.Problems | Where-Object Id -EQ 'ServerCertificateNotFound').Count | Should -Be 3
        }
    }
}

Describe 'New-DockerSystemdUnit' {
    Context 'the CoreOS-style socket' {
        BeforeAll {
            $sysroot = New-SystemdRoot (Join-Path $TestDrive 'socket-root') -Debian
            $unit = New-DockerSystemdUnit -Kind Socket -Port 2376 -SystemdRoot $sysroot -InformationVariable info -WarningAction SilentlyContinue
            $path = Join-Path $sysroot 'etc/systemd/system/docker-tcp.socket'
        }

        It 'writes docker-tcp.socket listening on the port for docker.service' {
            $unit.Path | Should -Be $path
            $text = Get-Content -Raw $path
            $text | Should -Match '(?m)^ListenStream=2376$'
            $text | Should -Match '(?m)^BindIPv6Only=both$'
            $text | Should -Match '(?m)^Service=docker\.service$'
            $text | Should -Match '(?m)^WantedBy=sockets\.target$'
        }

        It 'prints the commands with the socket started before docker' {
            $text = ($info | ForEach-Object { "$_" }) -join "`n"
            $text | Should -Match 'systemctl stop docker && systemctl start docker-tcp\.socket && systemctl start docker$'
        }

        It 'is accepted by systemd-analyze verify' -Skip:(-not $hasSystemdAnalyze) {
            $verify = Invoke-SystemdVerify $sysroot 'docker-tcp.socket'
            $verify.Output | Should -BeNullOrEmpty
            $verify.ExitCode | Should -Be 0
        }

        It 'refuses to replace it without -Force with SystemdUnitExists' {
            $before = Get-FileHash $path
            { New-DockerSystemdUnit -Kind Socket -Port 2377 -SystemdRoot $sysroot -WarningAction SilentlyContinue } |
                Should -Throw -ErrorId 'SystemdUnitExists,DockerTls.Commands.NewDockerSystemdUnitCommand'
            (Get-FileHash $path).Hash | Should -Be $before.Hash
            New-DockerSystemdUnit -Kind Socket -Port 2377 -SystemdRoot $sysroot -Force -WarningAction SilentlyContinue | Out-Null
            Get-Content -Raw $path | Should -Match '(?m)^ListenStream=2377$'
        }
    }

    Context 'the drop-in' {
        It 'writes nothing with -WhatIf' {
            $sysroot = New-SystemdRoot (Join-Path $TestDrive 'whatif-root') -Debian
            $snapshot = Get-Snapshot $sysroot
            New-DockerSystemdUnit -Kind DropIn -SystemdRoot $sysroot -WhatIf
            Get-Snapshot $sysroot | Should -Be $snapshot
        }

        It 'resets ExecStart= keeping --containerd, and systemd-analyze verify accepts it' {
            $sysroot = New-SystemdRoot (Join-Path $TestDrive 'dropin-root') -Debian
            $unit = New-DockerSystemdUnit -Kind DropIn -SystemdRoot $sysroot
            Get-Content -Raw $unit.Path | Should -Match '(?m)^ExecStart=\nExecStart=/usr/sbin/dockerd --containerd=/run/containerd/containerd\.sock \$DOCKER_OPTS$'
            if ($hasSystemdAnalyze) { (Invoke-SystemdVerify $sysroot).ExitCode | Should -Be 0 }
        }
    }
}
