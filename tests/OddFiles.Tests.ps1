#requires -Version 7.0
# Odd files where the module reads (issue 12 item 9): a FIFO made by mkfifo, /dev/zero, a link to nothing, a file over
# its cap, a file its user may not read. Each is refused within a second with its own error id, and nothing changes.
# A cmdlet that could block (a FIFO opened for reading waits for a writer; /dev/zero never ends) runs in a child pwsh
# that is killed after a bound, so that a reader that blocks fails its test instead of hanging the run.

BeforeDiscovery {
    $script:onUnix = -not $IsWindows
    $script:canDropCapabilities = $IsLinux -and ((& id -u) -eq '0') -and [bool] (Get-Command setpriv -ErrorAction SilentlyContinue)
}

BeforeAll {
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1')).ProviderPath
    Import-Module $modulePath -Force
    # This pwsh may be `dotnet pwsh.dll` (the local tool): children start the same way.
    $script:pwsh = @([Environment]::ProcessPath)
    if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $script:pwsh += [Reflection.Assembly]::GetEntryAssembly().Location }

    $script:kit = Join-Path $TestDrive 'kit'
    Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null
    $script:emptyRoot = Join-Path $TestDrive 'empty-root'
    New-Item -ItemType Directory -Path $emptyRoot | Out-Null

    function New-Folder([string] $Name) {
        $folder = Join-Path $TestDrive ($Name + '-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $folder | Out-Null
        $folder
    }

    function New-Fifo([string] $Path) {
        & mkfifo $Path
        if ($LASTEXITCODE -ne 0) { throw "mkfifo $Path failed" }
    }

    # Every name below the folder with the bytes of each regular file: what "nothing changed" compares.
    function Get-Snapshot([string] $Folder) {
        Get-ChildItem -LiteralPath $Folder -Recurse -Force | Sort-Object FullName | ForEach-Object {
            $kind = & stat -c '%F %a' $_.FullName
            $bytes = if ($kind -like 'regular*') { [Convert]::ToBase64String([IO.File]::ReadAllBytes($_.FullName)) }
            "$($_.FullName)|$kind|$bytes"
        }
    }

    # Runs $Script in a child pwsh with the module, killed after $TimeoutSec. Every line the script printed is a JSON
    # object with a Name: the result is a table of them by name, as far as the child came (one that blocked came no further).
    # $Prefix goes before the command (setpriv, to take away root's power to read any file).
    function Invoke-Bounded([string] $Script, [int] $TimeoutSec = 30, [string[]] $Prefix = @()) {
        $file = Join-Path $TestDrive ('child-' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.ps1')
        [IO.File]::WriteAllText($file, "Import-Module '$modulePath'`n" + $measure + "`n" + $Script + "`n")
        $command = @($Prefix) + $pwsh + @('-NoProfile', '-NonInteractive', '-File', $file)
        $psi = [Diagnostics.ProcessStartInfo]::new($command[0])
        foreach ($arg in @($command | Select-Object -Skip 1)) { $psi.ArgumentList.Add($arg) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        foreach ($key in @($psi.Environment.Keys)) { if ($key -like 'DOCKER_*') { [void] $psi.Environment.Remove($key) } }
        # Should a test's own profile or config folder not apply, the real ones stay untouched all the same.
        $psi.Environment['DOCKER_CONFIG'] = Join-Path $TestDrive 'child-docker-config'
        $psi.Environment['XDG_CONFIG_HOME'] = Join-Path $TestDrive 'child-xdg'
        $process = [Diagnostics.Process]::Start($psi)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) { $process.Kill($true) }
        $process.WaitForExit()
        $results = @{}
        foreach ($line in $stdout.GetAwaiter().GetResult().Split("`n")) {
            if ($line.Trim().StartsWith('{')) { $result = $line | ConvertFrom-Json; $results[$result.Name] = $result }
        }
        $results['stderr'] = $stderr.GetAwaiter().GetResult()
        $results
    }

    # The child's part. Each call runs twice: the first loads and compiles the cmdlet's code, the second is timed. A read
    # that blocks never comes back from the first, and the parent kills the child.
    $script:measure = @'
function Measure-Call([string] $Name, [scriptblock] $Call) {
    $ErrorActionPreference = 'Stop'
    $null = try { & $Call } catch { }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    try { $result = & $Call; $id = $null; $message = $null } catch { $result = $null; $id = $_.FullyQualifiedErrorId; $message = $_.Exception.Message }
    $seconds = $watch.Elapsed.TotalSeconds
    [pscustomobject]@{ Name = $Name; Seconds = $seconds; ErrorId = $id; Message = $message; Result = $result } | ConvertTo-Json -Depth 4 -Compress -EnumsAsStrings
}
'@

    function Quote([string] $Text) { "'" + ($Text -replace "'", "''") + "'" }

    # What the child said of one call, or why there is nothing.
    function Get-Call([hashtable] $Results, [string] $Name) {
        if (-not $Results.ContainsKey($Name)) { throw "no result for '$Name': the child blocked or failed before it. $($Results['stderr'])" }
        $Results[$Name]
    }
}

Describe 'Reading odd files' -Skip:(-not $onUnix) {
    Context 'A FIFO or a device where a file is read: refused at once, not waited on' {
        BeforeAll {
            $script:daemonFolder = New-Folder 'daemon-fifo'
            New-Fifo (Join-Path $daemonFolder 'daemon.json')
            $script:profileFolder = New-Folder 'profile-fifo'
            New-Fifo (Join-Path $profileFolder 'profile.ps1')
            $script:config = New-Folder 'config-fifo'
            New-Fifo (Join-Path $config 'config.json')
            $script:clientFolder = New-Folder 'client-fifo'
            Copy-Item "$kit/client/cert.pem", "$kit/client/key.pem" $clientFolder
            New-Fifo (Join-Path $clientFolder 'ca.pem')
            $script:source = New-Folder 'install-fifo'
            Copy-Item "$kit/client/ca.pem", "$kit/client/key.pem" $source
            New-Fifo (Join-Path $source 'cert.pem')
            $script:destination = New-Folder 'install-destination'
            $script:fifoDestination = New-Folder 'install-fifo-destination'
            New-Fifo (Join-Path $fifoDestination 'ca.pem')
            $script:certFolder = New-Folder 'folder-fifo'
            Copy-Item "$kit/client/ca.pem", "$kit/client/cert.pem", "$kit/client/key.pem" $certFolder
            New-Fifo (Join-Path $certFolder 'a-fifo.pem')
            $script:before = @{}
            foreach ($folder in $daemonFolder, $profileFolder, $config, $source, $destination, $fifoDestination) { $before[$folder] = Get-Snapshot $folder }

            $script:results = Invoke-Bounded @"
Measure-Call daemon { Set-DockerDaemonConfig -Path $(Quote "$daemonFolder/daemon.json") -CertPath $(Quote "$kit/server") -CertDestination $(Quote "$daemonFolder/certs") -SystemdRoot $(Quote $emptyRoot) -WarningAction SilentlyContinue }
Measure-Call report { Get-DockerDaemonConfig -Path $(Quote "$daemonFolder/daemon.json") -SystemdRoot $(Quote $emptyRoot) }
`$global:PROFILE = [pscustomobject]@{ CurrentUserAllHosts = $(Quote "$profileFolder/profile.ps1") }
Measure-Call profile { Set-DockerClientEnv -DockerHost tcp://127.0.0.1:2376 -CertPath $(Quote "$kit/client") -Scope User }
`$saved = `$env:DOCKER_CONFIG
`$env:DOCKER_CONFIG = $(Quote $config)
Measure-Call context { New-DockerContext -Name odd -DockerHost tcp://127.0.0.1:2376 -CertPath $(Quote "$kit/client") -Use }
`$env:DOCKER_CONFIG = `$saved
Measure-Call probe { Test-DockerTlsConnection -DockerHost tcp://127.0.0.1:9 -CertPath $(Quote $clientFolder) -TimeoutSec 2 }
Measure-Call install { Install-DockerClientCert -Path $(Quote $source) -Destination $(Quote $destination) }
Measure-Call folder { Get-DockerCertificate -Path $(Quote $certFolder) -ErrorVariable problems -ErrorAction SilentlyContinue | ForEach-Object Path; `$problems | ForEach-Object FullyQualifiedErrorId }
Measure-Call zero { Get-DockerCertificate -Path /dev/zero }
Measure-Call destination { Install-DockerClientCert -Path $(Quote "$kit/client") -Destination $(Quote $fifoDestination) }
"@
        }

        It 'Set-DockerDaemonConfig: a FIFO at daemon.json' {
            $call = Get-Call $results daemon
            $call.ErrorId | Should -Be 'FileNotRegular,DockerTls.Commands.SetDockerDaemonConfigCommand'
            $call.Message | Should -BeLike "*'$daemonFolder/daemon.json' is a FIFO (named pipe), not a regular file*"
            $call.Seconds | Should -BeLessThan 1
            Get-Snapshot $daemonFolder | Should -Be $before[$daemonFolder]
        }

        It 'Get-DockerDaemonConfig: a FIFO at daemon.json is a problem named FileNotRegular' {
            $call = Get-Call $results report
            $call.ErrorId | Should -BeNullOrEmpty
            $call.Result.Problems.Id | Should -Contain 'FileNotRegular'
            $call.Seconds | Should -BeLessThan 1
        }

        It 'Set-DockerClientEnv -Scope User: a FIFO at the profile' {
            $call = Get-Call $results profile
            $call.ErrorId | Should -Be 'FileNotRegular,DockerTls.Commands.SetDockerClientEnvCommand'
            $call.Seconds | Should -BeLessThan 1
            Get-Snapshot $profileFolder | Should -Be $before[$profileFolder]
        }

        It 'New-DockerContext -Use: a FIFO at config.json, and no context is made' {
            $call = Get-Call $results context
            $call.ErrorId | Should -Be 'FileNotRegular,DockerTls.Commands.NewDockerContextCommand'
            $call.Seconds | Should -BeLessThan 1
            Get-Snapshot $config | Should -Be $before[$config]
        }

        It 'Test-DockerTlsConnection -TimeoutSec 2: a FIFO at ca.pem is a verdict within a second' {
            $call = Get-Call $results probe
            $call.ErrorId | Should -BeNullOrEmpty
            $call.Result.Success | Should -BeFalse
            $call.Result.Failure | Should -Be 'ClientCertificateMissing'
            $call.Result.Diagnosis | Should -BeLike "*'$clientFolder/ca.pem' is a FIFO (named pipe)*(FileNotRegular)*"
            $call.Seconds | Should -BeLessThan 1
        }

        It 'Install-DockerClientCert: a FIFO at cert.pem of the source, and nothing is installed' {
            $call = Get-Call $results install
            $call.ErrorId | Should -Be 'FileNotRegular,DockerTls.Commands.InstallDockerClientCertCommand'
            $call.Seconds | Should -BeLessThan 1
            Get-Snapshot $source | Should -Be $before[$source]
            Get-Snapshot $destination | Should -Be $before[$destination]
        }

        It 'Get-DockerCertificate: a certificate folder with a FIFO named *.pem lists the others and reports the FIFO' {
            $call = Get-Call $results folder
            $call.Result | Should -Contain "$certFolder/ca.pem"
            $call.Result | Should -Contain "$certFolder/cert.pem"
            $call.Result | Should -Contain 'FileNotRegular,DockerTls.Commands.GetDockerCertificateCommand'
            $call.Seconds | Should -BeLessThan 1
        }

        It 'Install-DockerClientCert: a FIFO at ca.pem of the destination, where it compares what is there' {
            $call = Get-Call $results destination
            $call.ErrorId | Should -Be 'FileNotRegular,DockerTls.Commands.InstallDockerClientCertCommand'
            $call.Seconds | Should -BeLessThan 1
            Get-Snapshot $fifoDestination | Should -Be $before[$fifoDestination]
        }

        It 'Get-DockerCertificate -Path /dev/zero is refused within a second, not read until memory runs out' {
            $call = Get-Call $results zero
            $call.ErrorId | Should -Be 'FileNotRegular,DockerTls.Commands.GetDockerCertificateCommand'
            $call.Message | Should -BeLike "*'/dev/zero' is a character device*"
            $call.Seconds | Should -BeLessThan 1
        }
    }

    Context 'A link to nothing, a file over its cap' {
        It 'Get-DockerCertificate: a link to nothing is FileLinkBroken, naming its target' {
            $folder = New-Folder 'dangling'
            New-Item -ItemType SymbolicLink -Path (Join-Path $folder 'cert.pem') -Target (Join-Path $folder 'gone.pem') | Out-Null
            { Get-DockerCertificate -Path (Join-Path $folder 'cert.pem') -ErrorAction Stop } |
                Should -Throw -ErrorId 'FileLinkBroken,DockerTls.Commands.GetDockerCertificateCommand' -ExpectedMessage "*symbolic link to '$folder/gone.pem', which does not exist*"
        }

        It 'Set-DockerDaemonConfig: a daemon.json that links to nothing is FileLinkBroken, and nothing is written' {
            $folder = New-Folder 'daemon-dangling'
            New-Item -ItemType SymbolicLink -Path (Join-Path $folder 'daemon.json') -Target '/nonexistent/daemon.json' | Out-Null
            $before = Get-Snapshot $folder
            { Set-DockerDaemonConfig -Path (Join-Path $folder 'daemon.json') -CertPath "$kit/server" -CertDestination "$folder/certs" -SystemdRoot $emptyRoot -WarningAction SilentlyContinue } |
                Should -Throw -ErrorId 'FileLinkBroken,DockerTls.Commands.SetDockerDaemonConfigCommand'
            Get-Snapshot $folder | Should -Be $before
        }

        It 'Get-DockerCertificate: a file over the 1 MiB cap of a PEM file is FileTooLarge' {
            $folder = New-Folder 'large'
            $path = Join-Path $folder 'big.pem'
            [IO.File]::WriteAllBytes($path, [byte[]]::new((1 -shl 20) + 1))
            { Get-DockerCertificate -Path $path -ErrorAction Stop } |
                Should -Throw -ErrorId 'FileTooLarge,DockerTls.Commands.GetDockerCertificateCommand' -ExpectedMessage '*larger than 1 MiB*'
        }
    }

    Context 'A file its user may not read' -Skip:(-not $canDropCapabilities) {
        # Root reads any file; root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH is held to the mode bits as any user
        # is, and can still start this repository's pwsh from root's home.
        It 'chmod 000: Get-DockerCertificate and Set-DockerDaemonConfig say FileUnreadable with the system''s words' {
            $folder = New-Folder 'unreadable'
            Copy-Item "$kit/server/server-cert.pem" (Join-Path $folder 'cert.pem')
            Set-Content -Path (Join-Path $folder 'daemon.json') -Value '{"debug": true}'
            & chmod 000 (Join-Path $folder 'cert.pem') (Join-Path $folder 'daemon.json')
            $before = Get-Snapshot $folder
            $prefix = 'setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--inh-caps', '-dac_override,-dac_read_search'
            $results = Invoke-Bounded -Prefix $prefix @"
Measure-Call certificate { Get-DockerCertificate -Path $(Quote "$folder/cert.pem") }
Measure-Call daemon { Set-DockerDaemonConfig -Path $(Quote "$folder/daemon.json") -CertPath $(Quote "$kit/server") -CertDestination $(Quote "$folder/certs") -SystemdRoot $(Quote $emptyRoot) -WarningAction SilentlyContinue }
"@
            $certificate = Get-Call $results certificate
            $certificate.ErrorId | Should -Be 'FileUnreadable,DockerTls.Commands.GetDockerCertificateCommand'
            $certificate.Message | Should -BeLike "*'$folder/cert.pem' cannot be read as a certificate or key file (PEM): Permission denied*"
            $daemon = Get-Call $results daemon
            $daemon.ErrorId | Should -Be 'FileUnreadable,DockerTls.Commands.SetDockerDaemonConfigCommand'
            $daemon.Message | Should -BeLike "*'$folder/daemon.json' cannot be read as a daemon.json: Permission denied*"
            Get-Snapshot $folder | Should -Be $before
        }
    }
}

# Bytes it did not mean to change stay (issue 12 item 10): a file it would rewrite that is not UTF-8 is refused with
# the line of the first bad byte, and its bytes are as before; main rewrote them with '?' or U+FFFD.
Describe 'Files that are not UTF-8' {
    BeforeAll {
        $script:savedConfig = $env:DOCKER_CONFIG
        $script:latin1 = [Text.Encoding]::Latin1
    }

    AfterAll {
        if ($null -eq $savedConfig) { Remove-Item Env:DOCKER_CONFIG -ErrorAction Ignore } else { $env:DOCKER_CONFIG = $savedConfig }
    }

    It 'Set-DockerClientEnv -Scope User: a Latin-1 profile, with a path of non-ASCII letters to write' {
        $folder = New-Folder 'latin1-profile'
        $path = Join-Path $folder 'profile.ps1'
        $bytes = $latin1.GetBytes("# my profile`n`$env:PATH += ':/home/jos$([char] 0xE9)/bin'`n")
        [IO.File]::WriteAllBytes($path, $bytes)
        $certs = Join-Path $folder "jos$([char] 0xE9) $([char] 0x4E2D)"
        Copy-Item "$kit/client" $certs -Recurse
        # In a child: the profile is found through $PROFILE of the session, which is the child's own.
        $results = Invoke-Bounded @"
`$global:PROFILE = [pscustomobject]@{ CurrentUserAllHosts = $(Quote $path) }
Measure-Call profile { Set-DockerClientEnv -DockerHost tcp://127.0.0.1:2376 -CertPath $(Quote $certs) -Scope User }
"@
        $call = Get-Call $results profile
        $call.ErrorId | Should -Be 'FileNotUtf8,DockerTls.Commands.SetDockerClientEnvCommand'
        $call.Message | Should -BeLike "*'$path' is not valid UTF-8: byte 0xE9 on line 2, column 25*"
        [IO.File]::ReadAllBytes($path) | Should -Be $bytes
        @(Get-ChildItem -Force $folder -File).Name | Should -Be @('profile.ps1')
    }

    It 'New-DockerContext -Use: a config.json holding byte 0xE9, and no context is made' {
        $config = New-Folder 'latin1-config'
        $path = Join-Path $config 'config.json'
        $bytes = $latin1.GetBytes("{`n  `"auths`": {},`n  `"detachKeys`": `"ctrl-$([char] 0xE9)`"`n}`n")
        [IO.File]::WriteAllBytes($path, $bytes)
        $env:DOCKER_CONFIG = $config
        { New-DockerContext -Name latin -DockerHost tcp://127.0.0.1:2376 -CertPath "$kit/client" -Use } |
            Should -Throw -ErrorId 'FileNotUtf8,DockerTls.Commands.NewDockerContextCommand' -ExpectedMessage "*'$path' is not valid UTF-8: byte 0xE9 on line 3, column 23*"
        [IO.File]::ReadAllBytes($path) | Should -Be $bytes
        @(Get-ChildItem -Force $config).Name | Should -Be @('config.json')
    }

    It 'Set-DockerDaemonConfig: a daemon.json holding byte 0xE9 names its line' {
        $folder = New-Folder 'latin1-daemon'
        $path = Join-Path $folder 'daemon.json'
        $bytes = $latin1.GetBytes("{`n  `"debug`": true,`n  `"labels`": [`"caf$([char] 0xE9)`"]`n}`n")
        [IO.File]::WriteAllBytes($path, $bytes)
        { Set-DockerDaemonConfig -Path $path -CertPath "$kit/server" -CertDestination "$folder/certs" -SystemdRoot $emptyRoot -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId 'DaemonConfigInvalidJson,DockerTls.Commands.SetDockerDaemonConfigCommand' -ExpectedMessage "*'$path' is not valid UTF-8: byte 0xE9 on line 3, column 18*"
        [IO.File]::ReadAllBytes($path) | Should -Be $bytes
        @(Get-ChildItem -Force $folder).Name | Should -Be @('daemon.json')
    }
}
