#requires -Version 7.0
# The client side (issue 4): Install-DockerClientCert, Set-/Get-/Clear-DockerClientEnv and New-DockerContext, proved with
# the real docker CLI against a real dockerd with mutual TLS on loopback, real bash, zsh, fish and pwsh child processes,
# and the bytes and modes of the files written. HOME and DOCKER_CONFIG point into $TestDrive for the whole file, and
# $PROFILE too: the real ~/.docker and the real profile are never touched.

BeforeDiscovery {
    $script:canRunDockerd = $IsLinux -and ((& id -u) -eq '0') -and [bool] (Get-Command dockerd -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/StrictPeers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/TestDockerd.psm1') -Force

    $script:savedEnv = @{}
    foreach ($variable in 'HOME', 'XDG_CONFIG_HOME', 'SHELL', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT') {
        $savedEnv[$variable] = [Environment]::GetEnvironmentVariable($variable)
    }
    $script:savedProfile = $global:PROFILE
    $script:home_ = Join-Path $TestDrive 'home'
    New-Item -ItemType Directory -Path $home_ | Out-Null
    $env:HOME = $home_
    foreach ($variable in 'XDG_CONFIG_HOME', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT') {
        Remove-Item "Env:$variable" -ErrorAction Ignore
    }
    $global:PROFILE = [pscustomobject]@{ CurrentUserAllHosts = (Join-Path $home_ '.config/powershell/profile.ps1') }

    $script:docker = if (Test-Path '/usr/bin/docker') { '/usr/bin/docker' } else { (Get-Command docker -CommandType Application | Select-Object -First 1).Source }
    $script:pwsh = @([Environment]::ProcessPath)
    if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $script:pwsh += [Reflection.Assembly]::GetEntryAssembly().Location }
    $script:modulePath = (Resolve-Path (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1')).ProviderPath

    # Certificates from the module itself: server/ for the daemon, client/ for the CLI.
    $script:pki = Join-Path $TestDrive 'pki'
    Initialize-DockerTls -OutputPath $pki -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null
    $script:client = Join-Path $pki 'client'

    # A copy of the client set in a new folder, optionally under a name full of characters shells care about.
    function New-ClientCopy([string] $Name) {
        $folder = Join-Path $TestDrive $Name
        New-Item -ItemType Directory -Path $folder | Out-Null
        foreach ($file in 'ca.pem', 'cert.pem', 'key.pem') {
            [IO.File]::WriteAllBytes((Join-Path $folder $file), [IO.File]::ReadAllBytes((Join-Path $client $file)))
        }
        return $folder
    }

    # Runs a program with a clean DOCKER_* environment plus the given variables ($null removes one); script text on stdin.
    function Invoke-Child([string[]] $Command, [hashtable] $Environment = @{}, [string] $InputText) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new($Command[0])
        foreach ($arg in @($Command | Select-Object -Skip 1)) { $psi.ArgumentList.Add($arg) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.RedirectStandardInput = $true
        foreach ($key in @($psi.Environment.Keys)) { if ($key -like 'DOCKER_*') { [void] $psi.Environment.Remove($key) } }
        $psi.Environment['HOME'] = $env:HOME
        foreach ($key in $Environment.Keys) {
            if ($null -eq $Environment[$key]) { [void] $psi.Environment.Remove($key) } else { $psi.Environment[$key] = [string] $Environment[$key] }
        }
        $process = [System.Diagnostics.Process]::Start($psi)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if ($InputText) { $process.StandardInput.Write($InputText) }
        $process.StandardInput.Close()
        if (-not $process.WaitForExit(120000)) { $process.Kill($true); throw "$($Command -join ' ') did not finish in 120 s" }
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; StdOut = $stdout.GetAwaiter().GetResult(); StdErr = $stderr.GetAwaiter().GetResult() }
    }

    function Invoke-ChildPwsh([string] $Script, [hashtable] $Environment = @{}, [switch] $WithProfile) {
        $file = Join-Path $TestDrive ('child-' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.ps1')
        [IO.File]::WriteAllText($file, "Import-Module '$modulePath'`n" + $Script + "`n")
        $arguments = @($pwsh) + @('-NonInteractive')
        if (-not $WithProfile) { $arguments += '-NoProfile' }
        $arguments += @('-File', $file)
        Invoke-Child -Command $arguments -Environment $Environment
    }

    # Remove-Item, not SetEnvironmentVariable($name, $null): PowerShell passes $null as "", which .NET 9+ keeps as an empty variable.
    function Restore-Variable([string] $Name) {
        if ($null -eq $savedEnv[$Name]) { Remove-Item "Env:$Name" -ErrorAction Ignore } else { Set-Item "Env:$Name" $savedEnv[$Name] }
    }

    function Get-Mode([string] $Path) { (& stat -c '%a' $Path).Trim() }

    if ($canRunDockerd) {
        $script:daemon = Start-TestTlsDockerd -CertPath (Join-Path $pki 'server')
        $script:port = $daemon.Port
    }
}

AfterAll {
    if ($daemon) { Stop-TestDockerd $daemon }
    foreach ($variable in $savedEnv.Keys) { Restore-Variable $variable }
    $global:PROFILE = $savedProfile
}

Describe 'Install-DockerClientCert' {
    BeforeEach {
        foreach ($variable in 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH') { Remove-Item "Env:$variable" -ErrorAction Ignore }
    }

    Context 'A good client folder' {
        It 'copies ca.pem, cert.pem and key.pem into $env:DOCKER_CONFIG with 0444/0444/0400 and returns the certificate' {
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'install-cfg'
            $result = Install-DockerClientCert -Path $client
            $result.ClientAuth | Should -BeTrue
            $result.ChainValid | Should -BeTrue
            $result.Path | Should -Be (Join-Path $env:DOCKER_CONFIG 'cert.pem')
            foreach ($file in 'ca.pem', 'cert.pem', 'key.pem') {
                (Get-FileHash (Join-Path $env:DOCKER_CONFIG $file)).Hash | Should -Be (Get-FileHash (Join-Path $client $file)).Hash
            }
            Get-Mode (Join-Path $env:DOCKER_CONFIG 'key.pem') | Should -Be '400'
            Get-Mode (Join-Path $env:DOCKER_CONFIG 'cert.pem') | Should -Be '444'
            Get-Mode (Join-Path $env:DOCKER_CONFIG 'ca.pem') | Should -Be '444'
            Get-Mode $env:DOCKER_CONFIG | Should -Be '700'
        }

        It 'goes to ~/.docker when DOCKER_CONFIG is not set, and binds the certificate piped from Get-DockerCertificate' {
            $target = Join-Path $home_ '.docker'
            Get-DockerCertificate -Path (Join-Path $client 'cert.pem') | Install-DockerClientCert | Out-Null
            Test-Path (Join-Path $target 'key.pem') | Should -BeTrue
            Test-Path (Join-Path $target 'cert.pem') | Should -BeTrue
        }

        It 'lets the real docker CLI reach the TLS daemon with only DOCKER_HOST and DOCKER_TLS_VERIFY' -Skip:(-not $canRunDockerd) {
            $config = Join-Path $TestDrive 'install-docker'
            Install-DockerClientCert -Path $client -Destination $config | Out-Null
            $result = Invoke-TestDocker -ArgumentList 'version', '--format', '{{.Server.Version}}' -DockerHost $daemon.DockerHost `
                -Environment @{ DOCKER_TLS_VERIFY = '1'; DOCKER_CONFIG = $config }
            $result.ExitCode | Should -Be 0 -Because $result.StdErr
            $result.StdOut.Trim() | Should -Match '^\d+\.\d+'
        }
    }

    Context 'DOCKER_CERT_PATH elsewhere' {
        It 'warns that the CLI reads the folder DOCKER_CERT_PATH names, not the destination' {
            $env:DOCKER_CERT_PATH = Join-Path $TestDrive 'somewhere-else'
            Install-DockerClientCert -Path $client -Destination (Join-Path $TestDrive 'install-warn') -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
            "$warnings" | Should -Match 'DOCKER_CERT_PATH is set'
        }
    }

    Context 'Existing files' {
        It 'never overwrites without -Force, and replaces with -Force' {
            $destination = Join-Path $TestDrive 'install-existing'
            New-Item -ItemType Directory -Path $destination | Out-Null
            Set-Content -Path (Join-Path $destination 'key.pem') -Value 'old key'
            { Install-DockerClientCert -Path $client -Destination $destination } |
                Should -Throw -ErrorId 'KeyFileExists,DockerTls.Commands.InstallDockerClientCertCommand'
            Get-Content (Join-Path $destination 'key.pem') | Should -Be 'old key'
            Test-Path (Join-Path $destination 'cert.pem') | Should -BeFalse

            Install-DockerClientCert -Path $client -Destination $destination -Force | Out-Null
            (Get-FileHash (Join-Path $destination 'key.pem')).Hash | Should -Be (Get-FileHash (Join-Path $client 'key.pem')).Hash
        }

        It 'writes nothing with -WhatIf' {
            $destination = Join-Path $TestDrive 'install-whatif'
            Install-DockerClientCert -Path $client -Destination $destination -WhatIf
            Test-Path $destination | Should -BeFalse
        }
    }

    Context 'Bad input' {
        BeforeAll {
            $script:missing = New-ClientCopy 'bad-missing'
            Remove-Item (Join-Path $missing 'key.pem')

            $script:encrypted = New-ClientCopy 'bad-encrypted'
            Invoke-OpenSslChecked pkey -in (Join-Path $client 'key.pem') -out (Join-Path $encrypted 'key.enc') -aes256 -passout pass:secret
            Move-Item -Force (Join-Path $encrypted 'key.enc') (Join-Path $encrypted 'key.pem')

            # The server's certificate has serverAuth only.
            $script:serverOnly = Join-Path $TestDrive 'bad-serveronly'
            New-Item -ItemType Directory -Path $serverOnly | Out-Null
            Copy-Item (Join-Path $pki 'server/ca.pem') (Join-Path $serverOnly 'ca.pem')
            Copy-Item (Join-Path $pki 'server/server-cert.pem') (Join-Path $serverOnly 'cert.pem')
            Copy-Item (Join-Path $pki 'server/server-key.pem') (Join-Path $serverOnly 'key.pem')
        }

        It 'refuses <Name> with <ErrorId> and writes nothing' -ForEach @(
            @{ Name = 'a folder missing key.pem'; Folder = 'bad-missing'; ErrorId = 'ClientCertFolderIncomplete' }
            @{ Name = 'an encrypted key'; Folder = 'bad-encrypted'; ErrorId = 'EncryptedKey' }
            @{ Name = 'a certificate without clientAuth'; Folder = 'bad-serveronly'; ErrorId = 'ClientCertificateInvalid' }
        ) {
            $destination = Join-Path $TestDrive "install-$Folder"
            { Install-DockerClientCert -Path (Join-Path $TestDrive $Folder) -Destination $destination } |
                Should -Throw -ErrorId "$ErrorId,DockerTls.Commands.InstallDockerClientCertCommand"
            Test-Path $destination | Should -BeFalse
        }
    }
}

Describe 'Set-DockerClientEnv' {
    BeforeAll {
        $script:envConfig = Join-Path $TestDrive 'env-cfg'
        Install-DockerClientCert -Path $client -Destination $envConfig | Out-Null
        $script:spaced = New-ClientCopy "it's a `"cert`" `$folder"
    }

    BeforeEach {
        $env:DOCKER_CONFIG = $envConfig
        foreach ($variable in 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT') { Remove-Item "Env:$variable" -ErrorAction Ignore }
    }

    AfterAll {
        foreach ($variable in 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH') { Remove-Item "Env:$variable" -ErrorAction Ignore }
    }

    Context 'Process scope' {
        It 'sets DOCKER_HOST and DOCKER_TLS_VERIFY=1, and no DOCKER_CERT_PATH for the default folder' {
            $env:DOCKER_CERT_PATH = '/stale/folder'
            Set-DockerClientEnv -DockerHost 'localhost'
            $env:DOCKER_HOST | Should -Be 'tcp://localhost:2376'
            $env:DOCKER_TLS_VERIFY | Should -Be '1'
            Test-Path Env:DOCKER_CERT_PATH | Should -BeFalse
        }

        It 'normalizes <Given> to <Expected>' -ForEach @(
            @{ Given = 'web1:2400'; Expected = 'tcp://web1:2400' }
            @{ Given = 'tcp://127.0.0.1:2376'; Expected = 'tcp://127.0.0.1:2376' }
            @{ Given = '::1'; Expected = 'tcp://[::1]:2376' }
            @{ Given = '[::1]:2377'; Expected = 'tcp://[::1]:2377' }
        ) {
            $result = Set-DockerClientEnv -DockerHost $Given -PassThru
            $result.DockerHost | Should -Be $Expected
            $env:DOCKER_HOST | Should -Be $Expected
        }

        It 'sets DOCKER_CERT_PATH for another folder' {
            Set-DockerClientEnv -DockerHost 'h' -CertPath $spaced
            $env:DOCKER_CERT_PATH | Should -Be $spaced
        }

        It 'lets docker version succeed from a child process, after Install-DockerClientCert' -Skip:(-not $canRunDockerd) {
            Set-DockerClientEnv -DockerHost "127.0.0.1:$port"
            $output = & $docker version --format '{{.Server.Version}}' 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
            $output | Should -Match '^\d+\.\d+'
        }

        It 'warns that DOCKER_HOST overrides the selected Docker context' {
            $config = Join-Path $TestDrive 'env-ctx'
            New-Item -ItemType Directory -Path $config | Out-Null
            foreach ($file in 'ca.pem', 'cert.pem', 'key.pem') { Copy-Item (Join-Path $client $file) $config }
            Set-Content -Path (Join-Path $config 'config.json') -Value '{"currentContext": "prod"}'
            $env:DOCKER_CONFIG = $config
            Set-DockerClientEnv -DockerHost 'h' -WarningVariable warnings -WarningAction SilentlyContinue
            $warnings | Should -HaveCount 1
            "$($warnings[0])" | Should -Match "context 'prod' is selected"
        }

        It 'changes nothing with -WhatIf' {
            Set-DockerClientEnv -DockerHost 'h' -WhatIf
            Test-Path Env:DOCKER_HOST | Should -BeFalse
        }
    }

    Context 'Bad input' {
        It 'refuses <Name> with <ErrorId> and leaves the environment alone' -ForEach @(
            @{ Name = 'a unix socket'; DockerHost = 'unix:///var/run/docker.sock'; CertPath = $null; ErrorId = 'InvalidDockerHost' }
            @{ Name = 'a bad port'; DockerHost = 'h:99999'; CertPath = $null; ErrorId = 'InvalidDockerHost' }
            @{ Name = 'a folder without certificates'; DockerHost = 'h'; CertPath = 'empty'; ErrorId = 'ClientCertFolderIncomplete' }
        ) {
            $env:DOCKER_HOST = 'tcp://before:2376'
            $arguments = @{ DockerHost = $DockerHost }
            if ($CertPath) {
                $arguments.CertPath = Join-Path $TestDrive $CertPath
                New-Item -ItemType Directory -Force -Path $arguments.CertPath | Out-Null
            }
            { Set-DockerClientEnv @arguments } | Should -Throw -ErrorId "$ErrorId,DockerTls.Commands.SetDockerClientEnvCommand"
            $env:DOCKER_HOST | Should -Be 'tcp://before:2376'
            Test-Path Env:DOCKER_TLS_VERIFY | Should -BeFalse
        }
    }

    Context 'User scope: the profile block' {
        BeforeAll {
            $script:userHome = Join-Path $TestDrive 'userhome'
            $script:profilePath = Join-Path $userHome '.config/powershell/profile.ps1'
            New-Item -ItemType Directory -Force -Path (Split-Path $profilePath) | Out-Null
            $script:original = [Text.Encoding]::UTF8.GetBytes("# my own profile`n`$myVariable = 'kept'`n")
            [IO.File]::WriteAllBytes($profilePath, $original)
            $script:userEnv = @{ HOME = $userHome; DOCKER_CONFIG = $envConfig; XDG_CONFIG_HOME = $null }
        }

        It 'writes the block once, replaced in place by a later call, and new sessions get the variables' {
            $first = Invoke-ChildPwsh -Environment $userEnv -Script 'Set-DockerClientEnv -DockerHost first.example -Scope User; $env:DOCKER_HOST'
            $first.ExitCode | Should -Be 0 -Because $first.StdErr
            $first.StdOut.Trim() | Should -Be 'tcp://first.example:2376'
            $second = Invoke-ChildPwsh -Environment $userEnv -Script "Set-DockerClientEnv -DockerHost '127.0.0.1:$port' -CertPath '$($spaced -replace "'", "''")' -Scope User"
            $second.ExitCode | Should -Be 0 -Because $second.StdErr

            $text = Get-Content -Raw $profilePath
            ([regex]::Matches($text, '>>> DockerTls client environment >>>')).Count | Should -Be 1
            ([regex]::Matches($text, '<<< DockerTls client environment <<<')).Count | Should -Be 1
            $text | Should -BeLike "# my own profile`n`$myVariable = 'kept'`n# >>> DockerTls*"
            $text | Should -Not -Match 'first\.example'

            $session = Invoke-ChildPwsh -WithProfile -Environment $userEnv -Script '"$env:DOCKER_HOST|$env:DOCKER_TLS_VERIFY|$env:DOCKER_CERT_PATH|$myVariable"'
            $session.StdOut.Trim() | Should -Be "tcp://127.0.0.1:$port|1|$spaced|kept"
        }

        It 'lets docker version succeed in a new session that loaded the profile' -Skip:(-not $canRunDockerd) {
            $session = Invoke-ChildPwsh -WithProfile -Environment $userEnv -Script "& '$docker' version --format '{{.Server.Version}}'"
            $session.ExitCode | Should -Be 0 -Because $session.StdErr
            $session.StdOut.Trim() | Should -Match '^\d+\.\d+'
        }

        It 'is removed by Clear-DockerClientEnv -Scope User, leaving the rest of the profile byte for byte' {
            $warned = Invoke-ChildPwsh -WithProfile -Environment $userEnv -Script 'Clear-DockerClientEnv 3>&1'
            $warned.StdOut | Should -Match 'Clear-DockerClientEnv -Scope User'
            $clear = Invoke-ChildPwsh -WithProfile -Environment $userEnv -Script 'Clear-DockerClientEnv -Scope User; "[$env:DOCKER_HOST]"'
            $clear.ExitCode | Should -Be 0 -Because $clear.StdErr
            $clear.StdOut.Trim() | Should -Be '[]'
            [IO.File]::ReadAllBytes($profilePath) | Should -Be $original
            $session = Invoke-ChildPwsh -WithProfile -Environment $userEnv -Script '"[$env:DOCKER_HOST]"'
            $session.StdOut.Trim() | Should -Be '[]'
        }
    }
}

Describe 'Get-DockerClientEnv' {
    BeforeAll {
        $script:getConfig = Join-Path $TestDrive 'get-cfg'
        New-Item -ItemType Directory -Path $getConfig | Out-Null
        # The certificates are only in the folder with an awkward name: every shell must pass it through intact.
        $script:awkward = New-ClientCopy "get it's `"quoted`" `$HOME ``tick`` dir"
        $script:target = if ($canRunDockerd) { "127.0.0.1:$port" } else { '127.0.0.1:2376' }
        $script:check = "tcp://$target|1|$awkward"
    }

    BeforeEach {
        $env:DOCKER_CONFIG = $getConfig
        foreach ($variable in 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH') { Remove-Item "Env:$variable" -ErrorAction Ignore }
    }

    AfterAll {
        foreach ($variable in 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'SHELL') { Restore-Variable $variable }
        $env:HOME = $home_
    }

    Context 'bash' {
        It 'prints export lines and the eval hint' {
            $text = Get-DockerClientEnv -DockerHost $target -CertPath $awkward -Shell bash
            $text | Should -Match "(?m)^export DOCKER_HOST='tcp://$([regex]::Escape($target))'$"
            $text | Should -Match "(?m)^export DOCKER_TLS_VERIFY='1'$"
            $text | Should -Match '(?m)^# Run this command to configure your shell:$'
            $text | Should -Match '(?m)^# eval "\$\(pwsh -NoProfile -Command .*Get-DockerClientEnv .*-Shell bash.*\)"$'
        }

        It 'evaluated by a real bash, makes docker version succeed' -Skip:(-not $canRunDockerd) {
            $text = Get-DockerClientEnv -DockerHost $target -CertPath $awkward -Shell bash
            $file = Join-Path $TestDrive 'bash-env.txt'
            [IO.File]::WriteAllText($file, $text)
            $result = Invoke-Child -Command 'bash', '-c', "eval `"`$(cat '$file')`"; printf '%s|%s|%s\n' `"`$DOCKER_HOST`" `"`$DOCKER_TLS_VERIFY`" `"`$DOCKER_CERT_PATH`"; '$docker' version --format '{{.Server.Version}}'"
            $result.ExitCode | Should -Be 0 -Because $result.StdErr
            $lines = $result.StdOut.Trim() -split "`n"
            $lines[0] | Should -Be $check
            $lines[1] | Should -Match '^\d+\.\d+'
        }

        It 'with -Unset, removes the variables in bash' {
            $set = Get-DockerClientEnv -DockerHost $target -CertPath $awkward -Shell bash
            $unset = Get-DockerClientEnv -Unset -Shell bash
            $unset | Should -Not -Match '=0|''0'''
            $result = Invoke-Child -Command 'bash' -InputText ($set + $unset + "printf '[%s%s%s]' `"`${DOCKER_HOST-}`" `"`${DOCKER_TLS_VERIFY-}`" `"`${DOCKER_CERT_PATH-}`"`nenv | grep -c '^DOCKER_' || true`n")
            $result.StdOut | Should -Be "[]0`n"
        }
    }

    Context 'zsh and fish' {
        It '<Shell> text passes <Shell> -n and sets the same values when run' -ForEach @(
            @{ Shell = 'zsh'; Print = "printf '%s|%s|%s' `"`$DOCKER_HOST`" `"`$DOCKER_TLS_VERIFY`" `"`$DOCKER_CERT_PATH`"" }
            @{ Shell = 'fish'; Print = "printf '%s|%s|%s' `"`$DOCKER_HOST`" `"`$DOCKER_TLS_VERIFY`" `"`$DOCKER_CERT_PATH`"" }
        ) {
            $text = Get-DockerClientEnv -DockerHost $target -CertPath $awkward -Shell $Shell
            $file = Join-Path $TestDrive "env.$Shell"
            [IO.File]::WriteAllText($file, $text)
            $syntax = Invoke-Child -Command $Shell, '-n', $file
            $syntax.ExitCode | Should -Be 0 -Because $syntax.StdErr
            $run = Invoke-Child -Command $Shell, '-c', "source '$file'; $Print"
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
            $run.StdOut | Should -Be $check
        }

        It 'fish text uses set -gx and the "| source" hint' {
            $text = Get-DockerClientEnv -DockerHost $target -Shell fish
            $text | Should -Match '(?m)^set -gx DOCKER_HOST '
            $text | Should -Match '(?m)^# pwsh -NoProfile -Command .* \| source$'
        }

        It 'zsh -Unset text removes the variables' {
            $set = Get-DockerClientEnv -DockerHost $target -CertPath $awkward -Shell zsh
            $unset = Get-DockerClientEnv -Unset -Shell zsh
            $run = Invoke-Child -Command 'zsh', '-c', ($set + $unset + "printf '[%s%s%s]' `"`${DOCKER_HOST-}`" `"`${DOCKER_TLS_VERIFY-}`" `"`${DOCKER_CERT_PATH-}`"")
            $run.StdOut | Should -Be '[]'
        }
    }

    Context 'PowerShell and cmd' {
        It 'pwsh text works in a child pwsh and docker version succeeds there' -Skip:(-not $canRunDockerd) {
            $text = Get-DockerClientEnv -DockerHost $target -CertPath $awkward -Shell pwsh
            $text | Should -Match '(?m)^# & \{ Get-DockerClientEnv .* \} \| Invoke-Expression$'
            $file = Join-Path $TestDrive 'env.ps1'
            [IO.File]::WriteAllText($file, $text)
            $result = Invoke-ChildPwsh -Script "Get-Content -Raw '$file' | Invoke-Expression; `"`$env:DOCKER_HOST|`$env:DOCKER_TLS_VERIFY|`$env:DOCKER_CERT_PATH`"; & '$docker' version --format '{{.Server.Version}}'"
            $result.ExitCode | Should -Be 0 -Because $result.StdErr
            $lines = $result.StdOut.Trim() -split "`n"
            $lines[0] | Should -Be $check
            $lines[1] | Should -Match '^\d+\.\d+'
        }

        It 'powershell and cmd texts have their syntax and hints' {
            $ps = Get-DockerClientEnv -DockerHost $target -Shell powershell
            $ps | Should -Match "(?m)^\`$env:DOCKER_HOST = 'tcp://$([regex]::Escape($target))'$"
            $cmd = Get-DockerClientEnv -DockerHost $target -Shell cmd
            $cmd | Should -Match "(?m)^SET `"DOCKER_HOST=tcp://$([regex]::Escape($target))`"$"
            $cmd | Should -Match '(?m)^REM @FOR /f "tokens=\*" %i IN \(.*\) DO @%i$'
            (Get-DockerClientEnv -Unset -Shell cmd) | Should -Match '(?m)^SET "DOCKER_TLS_VERIFY="$'
        }

        It 'refuses a path with a line break in every shell, which would end the usage comment and run the rest' {
            $marker = Join-Path $TestDrive 'PWNED'
            foreach ($shell in 'bash', 'fish', 'pwsh') {
                { Get-DockerClientEnv -DockerHost $target -CertPath "$TestDrive/certs`ntouch $marker #" -Shell $shell } |
                    Should -Throw -ErrorId 'ShellValueUnsupported,DockerTls.Commands.GetDockerClientEnvCommand'
            }
            Test-Path $marker | Should -BeFalse
        }

        It 'refuses a path cmd cannot hold' {
            { Get-DockerClientEnv -DockerHost $target -CertPath $awkward -Shell cmd } |
                Should -Throw -ErrorId 'ShellValueUnsupported,DockerTls.Commands.GetDockerClientEnvCommand'
        }
    }

    Context 'The whole output of pwsh -Command, evaluated as documented' {
        BeforeAll {
            # A folder that lacks key.pem, so the cmdlet has a warning to give, named to run code wherever its name is not quoted.
            $script:evalRoot = Join-Path $TestDrive 'eval-cwd'
            New-Item -ItemType Directory -Path $evalRoot | Out-Null
            $script:hostile = Join-Path $TestDrive "h'; touch PWNED1; ' `$(touch PWNED2) ``touch PWNED3`` `"`$(touch PWNED4)`""
            New-Item -ItemType Directory -Path $hostile | Out-Null
            Copy-Item -LiteralPath (Join-Path $client 'ca.pem'), (Join-Path $client 'cert.pem') -Destination $hostile
            $script:pwshRun = Join-Path $TestDrive 'pwsh-run'
            [IO.File]::WriteAllText($pwshRun, "#!/bin/sh`nexec $(($pwsh | ForEach-Object { "'" + $_.Replace("'", "'\''") + "'" }) -join ' ') `"`$@`"`n")
            & chmod 0755 $pwshRun
        }

        It '<Shell> with colour <Colour>: no word of the warning runs, and the variables are exact' -ForEach @(
            @{ Shell = 'bash'; Colour = 'on'; Environment = @{ TERM = 'xterm-256color'; NO_COLOR = $null } }
            @{ Shell = 'bash'; Colour = 'off'; Environment = @{ TERM = 'dumb'; NO_COLOR = '1' } }
            @{ Shell = 'zsh'; Colour = 'on'; Environment = @{ TERM = 'xterm-256color'; NO_COLOR = $null } }
            @{ Shell = 'zsh'; Colour = 'off'; Environment = @{ TERM = 'dumb'; NO_COLOR = '1' } }
            @{ Shell = 'fish'; Colour = 'on'; Environment = @{ TERM = 'xterm-256color'; NO_COLOR = $null } }
            @{ Shell = 'fish'; Colour = 'off'; Environment = @{ TERM = 'dumb'; NO_COLOR = '1' } }
        ) {
            $command = "'$pwshRun' -NoProfile -Command 'Import-Module `$env:DOCKERTLS_MODULE; Get-DockerClientEnv -DockerHost 127.0.0.1:2376 -CertPath `$env:HOSTILE_DIR -Shell $Shell'"
            $apply = if ($Shell -eq 'fish') { "$command | source" } else { "eval `"`$($command)`"" }
            $print = "printf '%s|%s|%s' `"`$DOCKER_HOST`" `"`$DOCKER_TLS_VERIFY`" `"`$DOCKER_CERT_PATH`""
            $environment = $Environment + @{ DOCKERTLS_MODULE = $modulePath; HOSTILE_DIR = $hostile }
            Push-Location $evalRoot
            try { $run = Invoke-Child -Command $Shell, '-c', "cd '$evalRoot' && $apply; $print" -Environment $environment }
            finally { Pop-Location }
            @(Get-ChildItem -LiteralPath $evalRoot -Filter 'PWNED*').Name | Should -BeNullOrEmpty -Because $run.StdErr
            $run.StdErr | Should -Not -Match 'command not found|Unknown command' -Because 'no word of the output may run as a command'
            $run.StdOut | Should -BeExactly "tcp://127.0.0.1:2376|1|$hostile"
        }

        It 'sends a refusal to stderr, so that the eval gets no text at all' {
            $command = "'$pwshRun' -NoProfile -Command 'Import-Module `$env:DOCKERTLS_MODULE; Get-DockerClientEnv -DockerHost 127.0.0.1:2376 -CertPath `$env:HOSTILE_DIR -Shell bash'"
            $environment = @{ TERM = 'dumb'; NO_COLOR = '1'; DOCKERTLS_MODULE = $modulePath; HOSTILE_DIR = "$hostile`ntouch PWNED5" }
            $run = Invoke-Child -Command 'bash', '-c', "cd '$evalRoot' && out=`"`$($command)`"; eval `"`$out`"; printf '[%s]' `"`$out`"" -Environment $environment
            $run.StdOut | Should -BeExactly '[]'
            $run.StdErr | Should -Match 'ShellValueUnsupported|line break'
            @(Get-ChildItem -LiteralPath $evalRoot -Filter 'PWNED*').Name | Should -BeNullOrEmpty
        }

        It 'carries the warning as a comment inside the code, in every shell' {
            foreach ($shell in 'bash', 'zsh', 'fish', 'pwsh', 'powershell') {
                $text = Get-DockerClientEnv -DockerHost 127.0.0.1:2376 -CertPath $evalRoot -Shell $shell -WarningVariable warnings
                $warnings | Should -BeNullOrEmpty
                $text | Should -Match "(?m)\A# WARNING: The folder '$([regex]::Escape($evalRoot))' lacks ca.pem, cert.pem, key.pem;"
            }
            Get-DockerClientEnv -DockerHost 127.0.0.1:2376 -CertPath $evalRoot -Shell cmd | Should -Match '(?m)\AREM WARNING: The folder '
        }

        It 'refuses a default folder whose path holds a line break, which would end the warning comment' {
            $env:DOCKER_CONFIG = "$TestDrive/cfg`ntouch PWNED #"
            { Get-DockerClientEnv -DockerHost 127.0.0.1:2376 -Shell bash } |
                Should -Throw -ErrorId 'ShellValueUnsupported,DockerTls.Commands.GetDockerClientEnvCommand'
        }
    }

    Context 'Defaults' {
        It 'describes the current session without -DockerHost' {
            Set-DockerClientEnv -DockerHost $target -CertPath $awkward
            $text = Get-DockerClientEnv -Shell bash
            $text | Should -Match "(?m)^export DOCKER_HOST='tcp://$([regex]::Escape($target))'$"
            $text | Should -Match "(?m)^export DOCKER_CERT_PATH="
        }

        It 'says DockerHostNotSet when the session has no DOCKER_HOST' {
            { Get-DockerClientEnv -Shell bash } | Should -Throw -ErrorId 'DockerHostNotSet,DockerTls.Commands.GetDockerClientEnvCommand'
        }

        It 'takes the shell from $SHELL: <Shell>' -ForEach @(
            @{ Shell = '/usr/bin/fish'; Pattern = '(?m)^set -gx DOCKER_HOST' }
            @{ Shell = '/bin/zsh'; Pattern = '(?m)^export DOCKER_HOST' }
            @{ Shell = ''; Pattern = '(?m)^\$env:DOCKER_HOST' }
        ) {
            $env:SHELL = $Shell
            (Get-DockerClientEnv -DockerHost $target 3>$null) | Should -Match $Pattern
        }

        It 'completes -Shell with the six shells' {
            $completions = (TabExpansion2 -inputScript 'Get-DockerClientEnv -Shell ' -cursorColumn 27).CompletionMatches.CompletionText
            $completions | Sort-Object | Should -Be @('bash', 'cmd', 'fish', 'powershell', 'pwsh', 'zsh')
        }
    }
}

Describe 'Clear-DockerClientEnv' {
    Context 'Process scope' {
        It 'removes the three variables, never leaving DOCKER_TLS_VERIFY=0, and child processes see none' {
            $env:DOCKER_HOST = 'tcp://h:2376'; $env:DOCKER_TLS_VERIFY = '1'; $env:DOCKER_CERT_PATH = '/c'
            Clear-DockerClientEnv
            foreach ($variable in 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH') { Test-Path "Env:$variable" | Should -BeFalse }
            (& env) -match '^DOCKER_(HOST|TLS_VERIFY|CERT_PATH)=' | Should -BeNullOrEmpty
        }

        It 'after Set-DockerClientEnv, docker no longer goes to the TLS daemon' -Skip:(-not $canRunDockerd) {
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'clear-cfg'
            Install-DockerClientCert -Path $client | Out-Null
            Set-DockerClientEnv -DockerHost "127.0.0.1:$port"
            Clear-DockerClientEnv
            $output = & $docker context inspect --format '{{.Endpoints.docker.Host}}' 2>&1
            $output | Should -Be 'unix:///var/run/docker.sock' -Because ((& env) -match 'DOCKER' -join ';')
            Remove-Item Env:DOCKER_CONFIG
        }

        It 'changes nothing with -WhatIf' {
            $env:DOCKER_HOST = 'tcp://h:2376'
            Clear-DockerClientEnv -WhatIf
            $env:DOCKER_HOST | Should -Be 'tcp://h:2376'
            Clear-DockerClientEnv
        }
    }
}

Describe 'New-DockerContext' {
    BeforeEach {
        $script:ctxConfig = Join-Path $TestDrive ('ctx-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $env:DOCKER_CONFIG = $ctxConfig
        foreach ($variable in 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT') { Remove-Item "Env:$variable" -ErrorAction Ignore }
    }

    AfterAll {
        Remove-Item Env:DOCKER_CONFIG -ErrorAction Ignore
    }

    Context 'A new context' {
        It 'is written in Docker''s layout with Docker''s modes' {
            $context = New-DockerContext -Name prod -DockerHost 'localhost' -CertPath $client -Description 'production'
            $context.Name | Should -Be 'prod'
            $context.DockerHost | Should -Be 'tcp://localhost:2376'
            $id = '6754af9632a2745e85c293e5aac0863370d9bd3330b9938c00cadfd215227d77'
            $meta = Join-Path $ctxConfig "contexts/meta/$id/meta.json"
            Get-Content -Raw $meta | Should -Be '{"Name":"prod","Metadata":{"Description":"production"},"Endpoints":{"docker":{"Host":"tcp://localhost:2376","SkipTLSVerify":false}}}'
            Get-Mode $meta | Should -Be '644'
            Get-Mode (Split-Path $meta) | Should -Be '755'
            foreach ($dir in "contexts/tls", "contexts/tls/$id", "contexts/tls/$id/docker") { Get-Mode (Join-Path $ctxConfig $dir) | Should -Be '700' }
            foreach ($file in 'ca.pem', 'cert.pem', 'key.pem') {
                $path = Join-Path $ctxConfig "contexts/tls/$id/docker/$file"
                Get-Mode $path | Should -Be '600'
                (Get-FileHash $path).Hash | Should -Be (Get-FileHash (Join-Path $client $file)).Hash
            }
        }

        It 'is listed by docker context ls, shown by docker context inspect, and docker --context reaches the daemon' -Skip:(-not $canRunDockerd) {
            New-DockerContext -Name 'tls-test' -DockerHost "127.0.0.1:$port" -CertPath $client | Out-Null
            $cfg = @{ DOCKER_CONFIG = $ctxConfig }
            $ls = Invoke-TestDocker -ArgumentList 'context', 'ls', '--format', '{{.Name}}' -Environment $cfg
            $ls.ExitCode | Should -Be 0 -Because $ls.StdErr
            ($ls.StdOut.Trim() -split "`n") | Should -Contain 'tls-test'
            $inspect = Invoke-TestDocker -ArgumentList 'context', 'inspect', 'tls-test', '--format', '{{.Endpoints.docker.Host}} {{.TLSMaterial.docker}}' -Environment $cfg
            $inspect.StdOut.Trim() | Should -Be "tcp://127.0.0.1:$port [ca.pem cert.pem key.pem]"
            $version = Invoke-TestDocker -ArgumentList '--context', 'tls-test', 'version', '--format', '{{.Server.Version}}' -Environment $cfg
            $version.ExitCode | Should -Be 0 -Because $version.StdErr
            $version.StdOut.Trim() | Should -Match '^\d+\.\d+'
        }

        It 'with -Use becomes current, keeping the other keys of config.json, and plain docker uses it' -Skip:(-not $canRunDockerd) {
            New-Item -ItemType Directory -Path $ctxConfig | Out-Null
            $before = '{"auths":{"registry.example":{"auth":"dXNlcjpwdw=="}},"psFormat":"table {{.ID}}","currentContext":"default"}'
            Set-Content -Path (Join-Path $ctxConfig 'config.json') -Value $before
            $context = New-DockerContext -Name 'used' -DockerHost "tcp://127.0.0.1:$port" -CertPath $client -Use
            $context.Current | Should -BeTrue
            $config = Get-Content -Raw (Join-Path $ctxConfig 'config.json') | ConvertFrom-Json -AsHashtable
            $config.currentContext | Should -Be 'used'
            $config.psFormat | Should -Be 'table {{.ID}}'
            $config.auths.'registry.example'.auth | Should -Be 'dXNlcjpwdw=='
            @($config.Keys) | Should -Be @('auths', 'psFormat', 'currentContext')
            $show = Invoke-TestDocker -ArgumentList 'context', 'inspect', '--format', '{{.Name}}' -Environment @{ DOCKER_CONFIG = $ctxConfig }
            $show.StdOut.Trim() | Should -Be 'used' -Because $show.StdErr
            $version = Invoke-TestDocker -ArgumentList 'version', '--format', '{{.Server.Version}}' -Environment @{ DOCKER_CONFIG = $ctxConfig }
            $version.ExitCode | Should -Be 0 -Because $version.StdErr
        }

        It 'uses the default folder''s certificates when -CertPath is not given' {
            Install-DockerClientCert -Path $client | Out-Null
            (New-DockerContext -Name 'defaultcerts' -DockerHost h).Name | Should -Be 'defaultcerts'
        }

        It 'shows as a table with Name, Current, DockerHost and Description' {
            $table = New-DockerContext -Name shown -DockerHost h -CertPath $client -Description 'a lab' | Out-String
            $table | Should -Match 'Name\s+Current\s+DockerHost\s+Description'
            $table | Should -Match 'shown\s+False\s+tcp://h:2376\s+a lab'
        }

        It 'makes one context per CSV row, reporting a bad row and going on' {
            $csv = Join-Path $TestDrive 'contexts.csv'
            @(
                [pscustomobject]@{ Name = 'web1'; DockerHost = 'web1.example:2376'; CertPath = $client; Description = 'first' }
                [pscustomobject]@{ Name = 'default'; DockerHost = 'web2.example'; CertPath = $client; Description = 'reserved name' }
                [pscustomobject]@{ Name = 'web3'; DockerHost = '[fd00::3]'; CertPath = $client; Description = 'third' }
            ) | Export-Csv -Path $csv
            $made = Import-Csv $csv | New-DockerContext -ErrorVariable failures -ErrorAction SilentlyContinue
            $made.Name | Should -Be @('web1', 'web3')
            $made[1].DockerHost | Should -Be 'tcp://[fd00::3]:2376'
            $failures | Should -HaveCount 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidContextName,DockerTls.Commands.NewDockerContextCommand'
        }

        It 'warns when DOCKER_HOST is set, since it overrides every context' {
            $env:DOCKER_HOST = 'tcp://other:2376'
            New-DockerContext -Name warned -DockerHost h -CertPath $client -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
            "$warnings" | Should -Match 'DOCKER_HOST is set'
            Remove-Item Env:DOCKER_HOST
        }

        It 'completes -Name with the contexts in the store' {
            New-DockerContext -Name 'prod-a' -DockerHost h -CertPath $client | Out-Null
            New-DockerContext -Name 'prod-b' -DockerHost h -CertPath $client | Out-Null
            New-DockerContext -Name 'test-c' -DockerHost h -CertPath $client | Out-Null
            $line = 'New-DockerContext -Name pro'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('prod-a', 'prod-b')
        }
    }

    Context 'Existing contexts and bad input' {
        It 'refuses an existing name without -Force, and replaces it with -Force' {
            New-DockerContext -Name prod -DockerHost one -CertPath $client | Out-Null
            $meta = Get-ChildItem -Recurse -Filter meta.json (Join-Path $ctxConfig 'contexts/meta')
            $bytes = [IO.File]::ReadAllBytes($meta.FullName)
            { New-DockerContext -Name prod -DockerHost two -CertPath $client } |
                Should -Throw -ErrorId 'ContextExists,DockerTls.Commands.NewDockerContextCommand'
            [IO.File]::ReadAllBytes($meta.FullName) | Should -Be $bytes
            New-DockerContext -Name prod -DockerHost two -CertPath $client -Force | Out-Null
            Get-Content -Raw $meta.FullName | Should -Match 'tcp://two:2376'
        }

        It 'refuses the name <Name> with InvalidContextName and writes nothing' -ForEach @(
            @{ Name = 'default' }, @{ Name = '-prod' }, @{ Name = 'x' }, @{ Name = 'my context' }
        ) {
            { New-DockerContext -Name $Name -DockerHost h -CertPath $client } |
                Should -Throw -ErrorId 'InvalidContextName,DockerTls.Commands.NewDockerContextCommand'
            Test-Path $ctxConfig | Should -BeFalse
        }

        It 'refuses an encrypted key and an invalid host, writing nothing' {
            $encrypted = New-ClientCopy 'ctx-encrypted'
            Invoke-OpenSslChecked pkey -in (Join-Path $client 'key.pem') -out (Join-Path $encrypted 'key.enc') -aes256 -passout pass:secret
            Move-Item -Force (Join-Path $encrypted 'key.enc') (Join-Path $encrypted 'key.pem')
            { New-DockerContext -Name prod -DockerHost h -CertPath $encrypted } |
                Should -Throw -ErrorId 'EncryptedKey,DockerTls.Commands.NewDockerContextCommand'
            { New-DockerContext -Name prod -DockerHost 'ssh://h' -CertPath $client } |
                Should -Throw -ErrorId 'InvalidDockerHost,DockerTls.Commands.NewDockerContextCommand'
            Test-Path $ctxConfig | Should -BeFalse
        }

        It 'refuses -Use when config.json is not valid JSON, writing nothing' {
            New-Item -ItemType Directory -Path $ctxConfig | Out-Null
            Set-Content -Path (Join-Path $ctxConfig 'config.json') -Value '{"auths": {,}'
            { New-DockerContext -Name prod -DockerHost h -CertPath $client -Use } |
                Should -Throw -ErrorId 'DockerConfigInvalidJson,DockerTls.Commands.NewDockerContextCommand'
            Test-Path (Join-Path $ctxConfig 'contexts') | Should -BeFalse
            Get-Content -Raw (Join-Path $ctxConfig 'config.json') | Should -Be "{`"auths`": {,}`n"
        }

        It 'writes nothing with -WhatIf' {
            New-DockerContext -Name prod -DockerHost h -CertPath $client -Use -WhatIf
            Test-Path $ctxConfig | Should -BeFalse
        }
    }
}

Describe 'Client cmdlet help pages' {
    It '<Command> has a PlatyPS page documenting every parameter, with at least two examples' -ForEach @(
        @{ Command = 'Install-DockerClientCert' }, @{ Command = 'Set-DockerClientEnv' }, @{ Command = 'Get-DockerClientEnv' },
        @{ Command = 'Clear-DockerClientEnv' }, @{ Command = 'New-DockerContext' }
    ) {
        $page = Get-Content -Raw (Join-Path $PSScriptRoot "../en-US/$Command.md")
        $page | Should -Match "(?m)^title: $Command$"
        $page | Should -Match '(?m)^PlatyPS schema version: 2024-05-01$'
        ([regex]::Matches($page, '(?m)^### Example \d+: ')).Count | Should -BeGreaterOrEqual 2
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        $actual = (Get-Command $Command).Parameters.Keys | Where-Object { $_ -notin $common -or $_ -in 'WhatIf', 'Confirm' } | Sort-Object
        $documented = [regex]::Matches($page, '(?m)^### -(\w+)') | ForEach-Object { $_.Groups[1].Value } | Sort-Object
        $documented | Should -Be $actual
        ([regex]::Matches($page, '(?m)^```yaml$')).Count | Should -Be $actual.Count
    }
}
