#requires -Version 7.0
# The README's "## User guide" stays true: every `powershell` block of that section runs for real, in order, in
# one session, in a temporary folder, against a real TLS dockerd on loopback that is restarted where a `sh`
# block says so. What the harness changes is what the README's own text says it changes.

BeforeDiscovery {
    $script:canRunDaemon = $IsLinux -and (& id -u) -eq '0' -and (Get-Command dockerd -ErrorAction Ignore)
}

BeforeAll {
    Import-Module "$PSScriptRoot/Support/TestDockerd.psm1" -Force
    $script:repo = (Resolve-Path "$PSScriptRoot/..").ProviderPath
    $readme = Get-Content -Raw (Join-Path $repo 'README.md')
    $section = [regex]::Match($readme, '(?ms)^## User guide\s*$(.*?)(?=^## )').Groups[1].Value
    if (-not $section) { throw 'README.md has no "## User guide" section.' }
    # The fenced blocks in order: the powershell ones are run, the sh ones mark where the daemon restarts.
    $script:blocks = @([regex]::Matches($section, '(?ms)^```(powershell|sh)\s*$\n(.*?)^```\s*$') | ForEach-Object {
        [pscustomobject]@{ Language = $_.Groups[1].Value; Code = $_.Groups[2].Value }
    })
    $script:psBlocks = @($blocks | Where-Object Language -eq 'powershell' | ForEach-Object Code)

    # A private home and Docker config; the process environment is restored afterwards.
    $script:savedEnv = @{}
    foreach ($name in 'HOME', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT', 'PSModulePath') {
        $savedEnv[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    foreach ($name in 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT') { [Environment]::SetEnvironmentVariable($name, $null) }
    # Not $TestDrive: Pester empties it of what a Context made when that Context ends, and the journeys build
    # on each other.
    $script:scratch = (& mktemp -d /tmp/dockertls-readme-XXXXXX).Trim()
    $script:home_ = Join-Path $scratch 'home'
    $script:work = Join-Path $scratch 'work'
    New-Item -ItemType Directory $home_, $work | Out-Null
    $env:HOME = $home_
    $env:DOCKER_CONFIG = Join-Path $home_ '.docker'
    $env:PSModulePath = (Join-Path $repo 'output') + [IO.Path]::PathSeparator + $env:PSModulePath

    # The daemon: its own root, a base daemon.json (data-root, exec-root, vfs, no iptables) that the README's
    # Set-DockerDaemonConfig merges into; a systemd root whose docker.service passes -H fd:// as Debian's does.
    $script:daemon = $null
    $script:root = New-TestDockerdRoot
    $script:port = Get-FreeTcpPort
    $settings = New-TestDockerdSettings -Root $root -Port $port
    $settings['hosts'] = @("unix://$root/docker.sock")
    $script:daemonJson = Write-TestDockerdConfig -Settings $settings -Path (Join-Path $root 'daemon.json')
    $script:systemd = Join-Path $scratch 'systemd'
    New-Item -ItemType Directory "$systemd/lib/systemd/system" | Out-Null
    Set-Content "$systemd/lib/systemd/system/docker.service" @'
[Unit]
Description=Docker Application Container Engine

[Service]
Type=notify
ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
ExecReload=/bin/kill -s HUP $MAINPID

[Install]
WantedBy=multi-user.target
'@

    # One session for all blocks, so that the variables of one block are there in the next.
    $script:session = [powershell]::Create()
    function script:Invoke-Session([string] $Code) {
        $session.Commands.Clear()
        $session.Streams.ClearStreams()
        $null = $session.AddScript(". {`n$Code`n} 2>&1")
        $output = @($session.Invoke())
        $errors = @($session.Streams.Error)
        $session.Commands.Clear()
        $null = $session.AddScript('$LASTEXITCODE')
        $exit = @($session.Invoke())[0]
        [pscustomobject]@{
            Output   = $output
            Text     = $output | Out-String -Width 200
            Errors   = $errors
            ExitCode = $exit
        }
    }
    function script:Invoke-Block([int] $Index) {
        $result = Invoke-Session $psBlocks[$Index]
        $result.Errors | Should -BeNullOrEmpty -Because "block $Index of the user guide ran:`n$($psBlocks[$Index])"
        return $result
    }

    # What the README says the tests do in place of the system: the variables, daemon.json and /etc in temporary
    # places, and no passphrase prompt.
    $setup = Invoke-Session @"
`$ErrorActionPreference = 'Stop'
Set-Location '$work'
function global:Read-Host { param([Parameter(Position = 0)] `$Prompt, [switch] `$AsSecureString) ConvertTo-SecureString 'readme passphrase' -AsPlainText -Force }
`$PSDefaultParameterValues['Set-DockerDaemonConfig:Path'] = '$daemonJson'
`$PSDefaultParameterValues['Set-DockerDaemonConfig:CertDestination'] = '$root/certs'
`$PSDefaultParameterValues['Set-DockerDaemonConfig:SystemdRoot'] = '$systemd'
`$PSDefaultParameterValues['Set-DockerDaemonConfig:Confirm'] = `$false
`$PSDefaultParameterValues['Get-DockerDaemonConfig:Path'] = '$daemonJson'
`$PSDefaultParameterValues['Get-DockerDaemonConfig:SystemdRoot'] = '$systemd'
"@
    if ($setup.Errors) { throw "Session setup failed: $($setup.Errors -join '; ')" }

    # The `sh` restart: the test daemon's own socket in place of /var/run/docker.sock, then (re)start it.
    function script:Restart-Daemon {
        if ($script:daemon) { Stop-TestDockerd $script:daemon -KeepRoot; $script:daemon = $null }
        $config = Get-Content -Raw $daemonJson | ConvertFrom-Json -AsHashtable
        $config['hosts'] = @($config['hosts'] | ForEach-Object { if ($_ -like 'unix://*') { "unix://$root/docker.sock" } else { $_ } })
        $null = Write-TestDockerdConfig -Settings $config -Path $daemonJson
        $script:daemon = Start-TestDockerd -ConfigFile $daemonJson -Root $root
    }
}

AfterAll {
    if ($script:session) { $session.Dispose() }
    if ($script:daemon) { Stop-TestDockerd $script:daemon }
    elseif ($script:root -and (Test-Path $root)) { & rm -rf --one-file-system $root }
    foreach ($name in $savedEnv.Keys) { [Environment]::SetEnvironmentVariable($name, $savedEnv[$name]) }
    if ($script:scratch -and $scratch.StartsWith('/tmp/dockertls-readme-')) { & rm -rf --one-file-system $scratch }
}

Describe 'README user guide' -Skip:(-not $canRunDaemon) {
    Context 'The section' {
        It 'has the blocks the journeys need, powershell and sh in this order' {
            ($blocks.Language -join ' ') | Should -Be 'powershell powershell sh powershell powershell powershell powershell powershell powershell powershell powershell sh powershell'
        }

        It 'defines $daemonHost, $daemonAddress and $port in its first block, and the tests set them' {
            $first = Invoke-Block 0
            $first.Errors | Should -BeNullOrEmpty
            $check = Invoke-Session @"
`$daemonHost = 'localhost'; `$daemonAddress = '127.0.0.1'; `$port = $port
(Get-Module DockerTls).ModuleBase
"@
            $check.Output[0] | Should -Be (Join-Path $repo 'output/DockerTls')
            $psBlocks[0] | Should -Match '\$daemonHost\s*='
            $psBlocks[0] | Should -Match '\$daemonAddress\s*='
            $psBlocks[0] | Should -Match '\$port\s*='
        }
    }

    Context 'Journey 1: one host with a self-made CA' {
        It 'makes the kit and writes daemon.json for mutual TLS, with the systemd drop-in' {
            $result = Invoke-Block 1
            @($result.Output | Where-Object { $_ -is [DockerTls.Core.Pki.DockerCertificate] }).Kind | Should -Be @('CA', 'Server', 'Client')
            $report = $result.Output | Where-Object { $_ -is [DockerTls.Core.Daemon.DaemonConfigReport] }
            "$($report.TlsMode)" | Should -Be 'TlsVerify'
            $report.Hosts | Should -Contain "tcp://127.0.0.1:$port"
            $json = Get-Content -Raw $daemonJson | ConvertFrom-Json
            $json.tlsverify | Should -BeTrue
            $json.tlscert | Should -Be "$root/certs/server-cert.pem"
            $json.'data-root' | Should -Be "$root/data"
            & stat -c %a "$root/certs/server-key.pem" | Should -Be '400'
            Get-Content -Raw "$systemd/etc/systemd/system/docker.service.d/docker.conf" | Should -Match '(?m)^ExecStart=$'
        }

        It 'gives a daemon that starts with TLS on the port' {
            { Restart-Daemon } | Should -Not -Throw
            $daemon.Port | Should -Be $port
        }

        It 'sets up the client, and the real docker CLI reaches the daemon over mutual TLS' {
            $result = Invoke-Block 2
            $result.ExitCode | Should -Be 0 -Because $result.Text
            $result.Text | Should -Match '(?m)^Server:'
            $env:DOCKER_HOST | Should -Be "tcp://localhost:$port"
            $env:DOCKER_TLS_VERIFY | Should -Be '1'
            foreach ($file in 'ca.pem', 'cert.pem', 'key.pem') { Join-Path $env:DOCKER_CONFIG $file | Should -Exist }
            & stat -c %a (Join-Path $env:DOCKER_CONFIG 'key.pem') | Should -Be '400'
        }
    }

    Context 'Journey 2: a fleet of hosts from one CA' {
        It 'issues a server certificate per host of hosts.csv and one for the operators, from a CA with an encrypted key' {
            $result = Invoke-Block 3
            Get-Content -Raw "$work/fleet/ca/ca-key.pem" | Should -Match 'BEGIN ENCRYPTED PRIVATE KEY'
            $listed = @($result.Output | Where-Object { $_ -is [DockerTls.Core.Pki.DockerCertificate] -and $_.Path -like '*/hosts/*' })
            $listed.Count | Should -BeGreaterOrEqual 3
            foreach ($name in 'docker1.example.com', 'docker2.example.com', 'docker3.example.com') {
                $cert = "$work/fleet/hosts/$name/server-cert.pem"
                & openssl verify -x509_strict -purpose sslserver -CAfile "$work/fleet/ca/ca.pem" $cert 2>&1 | Should -Match ': OK$'
                & openssl x509 -in $cert -noout -ext subjectAltName | Out-String | Should -Match "DNS:$([regex]::Escape($name))"
                ($listed | Where-Object Path -eq $cert | Select-Object -Last 1).ChainValid | Should -BeTrue
            }
            & openssl verify -x509_strict -purpose sslclient -CAfile "$work/fleet/ca/ca.pem" "$work/fleet/ops/cert.pem" 2>&1 | Should -Match ': OK$'
        }

        It 'makes one Docker context per host that the docker CLI lists' {
            $result = Invoke-Block 4
            $result.ExitCode | Should -Be 0 -Because $result.Text
            foreach ($n in 1..3) { $result.Text | Should -Match "(?m)^docker$n\s.*tcp://docker$n\.example\.com:2376" }
        }

        It 'lists what the CA issued, renews the operators'' certificate and refreshes their contexts' {
            $serial = (& openssl x509 -noout -serial -in "$work/fleet/ops/cert.pem")
            $result = Invoke-Block 5
            $result.Text | Should -Match 'docker1\.example\.com'
            (& openssl x509 -noout -serial -in "$work/fleet/ops/cert.pem") | Should -Not -Be $serial
            & openssl verify -x509_strict -purpose sslclient -CAfile "$work/fleet/ca/ca.pem" "$work/fleet/ops/cert.pem" 2>&1 | Should -Match ': OK$'
            @(Get-ChildItem "$work/fleet/ops" -Filter 'cert.pem.*.bak').Count | Should -Be 1
            $contextCerts = @(Get-ChildItem -Recurse -Filter cert.pem (Join-Path $env:DOCKER_CONFIG 'contexts/tls'))
            $contextCerts.Count | Should -Be 3
            foreach ($copy in $contextCerts) { (Get-FileHash $copy.FullName).Hash | Should -Be (Get-FileHash "$work/fleet/ops/cert.pem").Hash }
        }

        It 'starts a CA rollover: the bundle of both CAs in every listed ca.pem but the revoked contractor''s, and in the contexts' {
            $oldCa = [IO.File]::ReadAllBytes("$work/fleet/ca/ca.pem")
            $result = Invoke-Block 6
            $result.Text | Should -Match '(?m)^Stage\s+: Started'
            [IO.File]::ReadAllBytes("$work/fleet/ca/retiring/ca.pem") | Should -Be $oldCa
            $bundle = [IO.File]::ReadAllBytes("$work/fleet/ca/ca.pem")
            @(Select-String -LiteralPath "$work/fleet/ca/ca.pem" -Pattern 'BEGIN CERTIFICATE').Count | Should -Be 2
            foreach ($name in 'docker1.example.com', 'docker2.example.com', 'docker3.example.com') {
                [IO.File]::ReadAllBytes("$work/fleet/hosts/$name/ca.pem") | Should -Be $bundle
                & openssl verify -x509_strict -purpose sslserver -CAfile "$work/fleet/hosts/$name/ca.pem" "$work/fleet/hosts/$name/server-cert.pem" 2>&1 | Should -Match ': OK$'
            }
            [IO.File]::ReadAllBytes("$work/fleet/contractor/ca.pem") | Should -Be $oldCa
            foreach ($copy in @(Get-ChildItem -Recurse -Filter ca.pem (Join-Path $env:DOCKER_CONFIG 'contexts/tls'))) { [IO.File]::ReadAllBytes($copy.FullName) | Should -Be $bundle }
        }

        It 're-issues every certificate but the revoked one from the new CA and completes: the new CA alone, the contractor refused' {
            $result = Invoke-Block 7
            $result.Text | Should -Match '(?m)^Stage\s+: Completed'
            $newCa = [IO.File]::ReadAllBytes("$work/fleet/ca/ca.pem")
            @(Select-String -LiteralPath "$work/fleet/ca/ca.pem" -Pattern 'BEGIN CERTIFICATE').Count | Should -Be 1
            foreach ($name in 'docker1.example.com', 'docker2.example.com', 'docker3.example.com') {
                [IO.File]::ReadAllBytes("$work/fleet/hosts/$name/ca.pem") | Should -Be $newCa
                & openssl verify -x509_strict -purpose sslserver -CAfile "$work/fleet/ca/ca.pem" "$work/fleet/hosts/$name/server-cert.pem" 2>&1 | Should -Match ': OK$'
            }
            & openssl verify -x509_strict -purpose sslclient -CAfile "$work/fleet/ca/ca.pem" "$work/fleet/ops/cert.pem" 2>&1 | Should -Match ': OK$'
            & openssl verify -x509_strict -purpose sslclient -CAfile "$work/fleet/ca/ca.pem" "$work/fleet/contractor/cert.pem" 2>&1 | Out-String | Should -Match 'unable to get local issuer certificate'
            @(Get-ChildItem -Directory "$work/fleet/ca/retired-*").Count | Should -Be 1
            foreach ($copy in @(Get-ChildItem -Recurse -Filter ca.pem (Join-Path $env:DOCKER_CONFIG 'contexts/tls'))) { [IO.File]::ReadAllBytes($copy.FullName) | Should -Be $newCa }
        }
    }

    Context 'Journey 3: diagnosing a failing connection' {
        BeforeAll {
            $script:canDiagnose = [bool] (Get-Command Test-DockerTlsConnection -ErrorAction Ignore)
        }

        It 'shows the failure: the docker CLI and Test-DockerTlsConnection name the missing address' {
            if (-not $canDiagnose) { Set-ItResult -Skipped -Because 'Test-DockerTlsConnection is not in this build yet' }
            $result = Invoke-Session $psBlocks[8]
            $result.Text | Should -Match 'x509: (certificate is valid for localhost, not 127\.0\.0\.1|cannot validate certificate for 127\.0\.0\.1 because it doesn''t contain any IP SANs)'
            $result.Text | Should -Match '(?m)^Success\s+: False'
            $result.Text | Should -Match '(?m)^Failure\s+: NameMismatch'
            $result.Text | Should -Match '(?m)^Remedy\s+: \S'
        }

        It 'applies the fix it names' {
            if (-not $canDiagnose) { Set-ItResult -Skipped -Because 'Test-DockerTlsConnection is not in this build yet' }
            $null = Invoke-Block 9
            & openssl x509 -in "$root/certs/server-cert.pem" -noout -ext subjectAltName | Out-String | Should -Match 'IP Address:127\.0\.0\.1'
            { Restart-Daemon } | Should -Not -Throw
        }

        It 'then connects: Test-DockerTlsConnection succeeds and so does the docker CLI' {
            if (-not $canDiagnose) { Set-ItResult -Skipped -Because 'Test-DockerTlsConnection is not in this build yet' }
            $result = Invoke-Block 10
            $test = $result.Output | Where-Object { $_.PSObject.TypeNames -contains 'DockerTls.Core.Diagnostics.DockerTlsTestResult' }
            $test.Success | Should -BeTrue
            $result.ExitCode | Should -Be 0 -Because $result.Text
            $result.Text | Should -Match '(?m)^Server:'
        }
    }
}
