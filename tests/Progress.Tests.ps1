#requires -Version 7.0
# Long work shows Write-Progress; -Verbose names every file written with its mode.

BeforeAll {
    $script:manifest = "$PSScriptRoot/../output/DockerTls/DockerTls.psd1"
    Import-Module $manifest -Force

    # Runs a script in a new runspace with the module and returns its output and progress records.
    function script:Invoke-WithProgress([string] $Script) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$manifest'; Set-Location '$TestDrive'; $Script")
            $output = $ps.Invoke()
            [pscustomobject]@{ Output = $output; Progress = @($ps.Streams.Progress); Errors = @($ps.Streams.Error) }
        } finally { $ps.Dispose() }
    }

    # Every file under the folders, with its mode as FileModes.Format writes it (0444) and its last write time.
    function script:Get-FileState([string[]] $Folders) {
        $state = @{}
        foreach ($folder in $Folders) {
            if (-not (Test-Path $folder)) { continue }
            Get-ChildItem -LiteralPath $folder -Recurse -File -Force | ForEach-Object {
                $state[$_.FullName] = [pscustomobject]@{ Mode = '0' + (& stat -c %a $_.FullName); Written = $_.LastWriteTimeUtc.Ticks }
            }
        }
        return $state
    }

    # Runs the command with -Verbose and returns the files it created or changed under the folders and the
    # "Wrote <path> (<mode>)" lines it narrated, as path -> mode.
    function script:Invoke-Narrated([scriptblock] $Command, [string[]] $Folders) {
        $before = Get-FileState $Folders
        Start-Sleep -Milliseconds 20
        $verbose = & $Command 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $after = Get-FileState $Folders
        $changed = @{}
        foreach ($path in $after.Keys) {
            if (-not $before.ContainsKey($path) -or $before[$path].Written -ne $after[$path].Written) { $changed[$path] = $after[$path].Mode }
        }
        $narrated = @{}
        foreach ($line in $verbose) { if ($line -match '^Wrote (.+) \((\d{4})\)$') { $narrated[$Matches[1]] = $Matches[2] } }
        [pscustomobject]@{ Changed = $changed; Narrated = $narrated; Verbose = $verbose }
    }

    $null = New-DockerCA -KeyAlgorithm ECDSA -OutputPath "$TestDrive/ca"
}

Describe 'New-DockerServerCert' {
    Context 'Many hosts down the pipeline' {
        BeforeAll {
            $script:run = Invoke-WithProgress @'
$sw = [Diagnostics.Stopwatch]::StartNew()
# The rows come at least 5 ms apart, so that the run spans several 200 ms progress intervals however fast the keys are.
$certs = 1..150 | ForEach-Object { Start-Sleep -Milliseconds 5; [pscustomobject]@{ DnsName = "host$_.example.com"; IPAddress = "127.0.0.$_" } } |
    New-DockerServerCert -CAPath ./ca -KeyAlgorithm ECDSA -OutputPath ./fleet
[pscustomobject]@{ Count = @($certs).Count; Milliseconds = $sw.ElapsedMilliseconds }
'@
        }

        It 'issues every certificate' {
            $run.Errors | Should -BeNullOrEmpty
            $run.Output[0].Count | Should -Be 150
            @(Get-ChildItem "$TestDrive/fleet" -Directory).Count | Should -Be 150
        }

        It 'reports "Issued N: name" as the hosts come, counting up' {
            $issued = @($run.Progress | Where-Object StatusDescription -match '^Issued (\d+): (host\d+\.example\.com)$')
            $issued.Count | Should -BeGreaterThan 0
            $numbers = $issued | ForEach-Object { [int] ($_.StatusDescription -replace '^Issued (\d+):.*', '$1') }
            $numbers | Should -Be ($numbers | Sort-Object)
            $issued | ForEach-Object {
                $_.StatusDescription -match '^Issued (\d+): host(\d+)\.' | Should -BeTrue
                $Matches[1] | Should -Be $Matches[2]
            }
            $run.Progress | ForEach-Object { $_.Activity | Should -Be 'New-DockerServerCert' }
        }

        It 'writes progress at most about every 200 ms, so that the pipeline is not slowed' {
            $shown = @($run.Progress | Where-Object RecordType -eq 'Processing')
            $shown.Count | Should -BeLessOrEqual ([math]::Ceiling($run.Output[0].Milliseconds / 200) + 1)
        }

        It 'completes the progress bar at the end with the count' {
            $run.Progress[-1].RecordType | Should -Be 'Completed'
            $run.Progress[-1].StatusDescription | Should -Be 'Issued 150'
            @($run.Progress | Where-Object RecordType -eq 'Completed').Count | Should -Be 1
        }
    }

    Context 'One RSA key' {
        It 'says which key it is generating before the seconds an RSA key takes' {
            $run = Invoke-WithProgress 'New-DockerServerCert -CAPath ./ca -DnsName rsa.example.com -KeySize 2048 -OutputPath ./rsa | Out-Null'
            $run.Progress[0].StatusDescription | Should -Be 'Generating the RSA 2048 key for rsa.example.com'
            $run.Progress[-1].RecordType | Should -Be 'Completed'
        }
    }
}

Describe 'New-DockerClientCert' {
    Context 'Many clients down the pipeline' {
        It 'reports "Issued N: name" and completes' {
            $run = Invoke-WithProgress @'
1..20 | ForEach-Object { [pscustomobject]@{ CommonName = "user$_" } } | New-DockerClientCert -CAPath ./ca -KeyAlgorithm ECDSA -OutputPath ./users | Out-Null
'@
            $run.Errors | Should -BeNullOrEmpty
            $run.Progress[0].StatusDescription | Should -Be 'Generating the ECDSA P-256 key for user1'
            $run.Progress | Where-Object StatusDescription -match '^Issued \d+: user\d+$' | ForEach-Object { $_.Activity | Should -Be 'New-DockerClientCert' }
            $run.Progress[-1].RecordType | Should -Be 'Completed'
            $run.Progress[-1].StatusDescription | Should -Be 'Issued 20'
        }
    }
}

Describe '-Verbose on the cmdlets that write files' {
    BeforeAll {
        $script:old = @{ DOCKER_CONFIG = $env:DOCKER_CONFIG }
        $env:DOCKER_CONFIG = "$TestDrive/docker-config"
        $null = New-DockerServerCert -CAPath "$TestDrive/ca" -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA -OutputPath "$TestDrive/server"
        $null = New-DockerClientCert -CAPath "$TestDrive/ca" -KeyAlgorithm ECDSA -OutputPath "$TestDrive/client"
        New-Item -ItemType Directory "$TestDrive/etc" | Out-Null
        '{ "debug": true }' | Set-Content "$TestDrive/etc/daemon.json"
    }

    AfterAll {
        $env:DOCKER_CONFIG = $old.DOCKER_CONFIG
    }

    It '<Name> names every file it writes, with its mode' -ForEach @(
        @{ Name = 'New-DockerCA'; Folders = @('v-ca'); Command = { New-DockerCA -KeyAlgorithm ECDSA -OutputPath "$TestDrive/v-ca" -Verbose } }
        @{ Name = 'New-DockerServerCert'; Folders = @('v-server', 'ca'); Command = { New-DockerServerCert -CAPath "$TestDrive/ca" -DnsName web1 -KeyAlgorithm ECDSA -OutputPath "$TestDrive/v-server" -Verbose } }
        @{ Name = 'New-DockerClientCert'; Folders = @('v-client', 'ca'); Command = { New-DockerClientCert -CAPath "$TestDrive/ca" -KeyAlgorithm ECDSA -OutputPath "$TestDrive/v-client" -Verbose } }
        @{ Name = 'Initialize-DockerTls'; Folders = @('v-kit'); Command = { Initialize-DockerTls -KeyAlgorithm ECDSA -DnsName localhost -OutputPath "$TestDrive/v-kit" -Verbose 6>$null } }
        @{ Name = 'Set-DockerDaemonConfig'; Folders = @('etc'); Command = { Set-DockerDaemonConfig -Path "$TestDrive/etc/daemon.json" -CertPath "$TestDrive/server" -CertDestination "$TestDrive/etc/certs" -DockerHost tcp://127.0.0.1:2376 -SystemdRoot "$TestDrive/no-systemd" -Confirm:$false -Verbose 3>$null 6>$null } }
        @{ Name = 'New-DockerSystemdUnit'; Folders = @('systemd'); Command = { New-DockerSystemdUnit -Kind Socket -SystemdRoot "$TestDrive/systemd" -Verbose 3>$null 6>$null } }
        @{ Name = 'Install-DockerClientCert'; Folders = @('v-dest'); Command = { Install-DockerClientCert -Path "$TestDrive/client" -Destination "$TestDrive/v-dest" -Verbose 3>$null } }
        @{ Name = 'New-DockerContext'; Folders = @('docker-config'); Command = { New-DockerContext -Name tls-test -DockerHost tcp://127.0.0.1:2376 -CertPath "$TestDrive/client" -Use -Verbose 3>$null } }
    ) {
        $result = Invoke-Narrated $Command ($Folders | ForEach-Object { Join-Path $TestDrive $_ })
        $result.Changed.Count | Should -BeGreaterThan 0
        foreach ($path in $result.Changed.Keys) {
            $result.Narrated.Keys | Should -Contain $path -Because "$Name wrote $path"
            $result.Narrated[$path] | Should -Be $result.Changed[$path] -Because "$path is $($result.Changed[$path]) on disk"
        }
        foreach ($path in $result.Narrated.Keys) { $result.Changed.Keys | Should -Contain $path -Because "$Name said it wrote $path" }
    }

    It 'Set-DockerClientEnv -Scope User and Clear-DockerClientEnv -Scope User name the profile they write, with its mode' {
        $profilePath = "$TestDrive/profile/profile.ps1"
        $savedProfile = $global:PROFILE
        $global:PROFILE = [pscustomobject]@{ CurrentUserAllHosts = $profilePath }
        try {
            $verbose = Set-DockerClientEnv -DockerHost tcp://127.0.0.1:2376 -CertPath "$TestDrive/client" -Scope User -Verbose 4>&1 3>$null |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
            $cleared = Clear-DockerClientEnv -Scope User -Verbose 4>&1 3>$null |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        } finally {
            $global:PROFILE = $savedProfile
        }
        $profilePath | Should -Exist
        $verbose | Should -Contain "Wrote the DockerTls block into '$profilePath'."
        $verbose | Should -Contain "Wrote $profilePath (0644)"
        $cleared | Should -Contain "Wrote $profilePath (0644)"
        $cleared | Should -Contain "Removed the DockerTls block from '$profilePath'."
    }
}

Describe 'Initialize-DockerTls' {
    It 'says how many of its three keys are done, and which certificates are signed, counting up to 100%' {
        $run = Invoke-WithProgress 'Initialize-DockerTls -OutputPath ./kit-progress -DnsName localhost -KeyAlgorithm ECDSA 6>$null | Out-Null'
        $run.Errors | Should -BeNullOrEmpty
        $shown = @($run.Progress | Where-Object RecordType -eq 'Processing')
        $shown.StatusDescription | Should -Be @(
            'Generating three ECDSA P-256 keys: none done yet'
            '1 of 3 ECDSA P-256 keys done: the CA certificate is signed; making the server and client keys'
            '2 of 3 ECDSA P-256 keys done: the CA and server certificates are signed; making the client key'
            '3 of 3 ECDSA P-256 keys done: the CA, server and client certificates are signed; writing the files')
        $shown.PercentComplete | Should -Be @(0, 33, 66, 100)
        $run.Progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'takes its bar away when it fails, too' {
        $run = Invoke-WithProgress 'Initialize-DockerTls -OutputPath ./kit-progress -DnsName localhost -KeyAlgorithm ECDSA 6>$null | Out-Null'
        $run.Errors.FullyQualifiedErrorId | Should -Be 'KeyFileExists,DockerTls.Commands.InitializeDockerTlsCommand'
        $run.Progress.Count | Should -BeGreaterThan 0
        $run.Progress[-1].RecordType | Should -Be 'Completed'
    }
}

