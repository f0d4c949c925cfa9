#requires -Version 7.0
# The seed's whole procedure end to end (issue 5), with this module's cmdlets and real parts only: a TLS kit, a daemon.json
# written by Set-DockerDaemonConfig, a real dockerd started with it on a loopback port, the client certificate installed and
# the environment set in this process, then the real docker CLI (a child process that inherits the environment) builds the
# busybox demo over mutual TLS, lists it and runs it; Test-DockerTlsConnection agrees; Clear-DockerClientEnv undoes it.
# HOME points into $TestDrive: the real ~/.docker is never touched.

BeforeDiscovery {
    $script:canRunDockerd = $IsLinux -and ((& id -u) -eq '0') -and [bool] (Get-Command dockerd -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/TestDockerd.psm1') -Force

    $script:savedEnv = @{}
    foreach ($variable in 'HOME', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT', 'DOCKER_BUILDKIT') {
        $savedEnv[$variable] = [Environment]::GetEnvironmentVariable($variable)
        Remove-Item "Env:$variable" -ErrorAction Ignore
    }
    $env:HOME = Join-Path $TestDrive 'home'
    New-Item -ItemType Directory -Path $env:HOME | Out-Null
    # The seed's build uses the legacy builder; BuildKit would need its own daemon-side setup.
    $env:DOCKER_BUILDKIT = '0'

    $script:docker = if (Test-Path '/usr/bin/docker') { '/usr/bin/docker' } else { (Get-Command docker -CommandType Application | Select-Object -First 1).Source }

    # The docker CLI as a child of this process, inheriting its environment; output and exit code.
    function Invoke-Docker {
        $output = & $docker @args 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | ForEach-Object { "$_" }) -join "`n" }
    }

    $script:kit = Join-Path $TestDrive 'tls'
    $script:daemon = $null
}

AfterAll {
    if ($daemon) { Stop-TestDockerd $daemon }
    elseif ($root) { & rm -rf --one-file-system $root }
    foreach ($variable in $savedEnv.Keys) {
        if ($null -eq $savedEnv[$variable]) { Remove-Item "Env:$variable" -ErrorAction Ignore } else { Set-Item "Env:$variable" $savedEnv[$variable] }
    }
}

Describe 'The seed scenario, end to end' -Skip:(-not $canRunDockerd) {
    It 'Initialize-DockerTls makes the CA, the server and the client certificates' {
        $made = Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null
        @($made).Count | Should -Be 3
        foreach ($file in 'ca/ca.pem', 'ca/ca-key.pem', 'server/server-cert.pem', 'server/server-key.pem', 'client/cert.pem', 'client/key.pem', 'client/ca.pem') {
            Join-Path $kit $file | Should -Exist
        }
    }

    It 'Set-DockerDaemonConfig writes mutual TLS into a daemon.json and installs the server files' {
        $script:root = New-TestDockerdRoot
        $script:settings = New-TestDockerdSettings -Root $root
        $script:configFile = Write-TestDockerdConfig -Settings $settings -Path (Join-Path $root 'daemon.json')
        $systemd = Join-Path $TestDrive 'no-systemd'
        New-Item -ItemType Directory -Path $systemd | Out-Null
        Set-DockerDaemonConfig -Path $configFile -CertPath (Join-Path $kit 'server') -CertDestination (Join-Path $root 'certs') `
            -DockerHost $settings.hosts -NoLocalSocket -SystemdRoot $systemd -Confirm:$false -WarningAction SilentlyContinue 6>$null
        $written = Get-Content -Raw $configFile | ConvertFrom-Json -AsHashtable
        $written['tlsverify'] | Should -BeTrue
        $written['tlscacert'] | Should -Be (Join-Path $root 'certs/ca.pem')
        $written['tlscert'] | Should -Be (Join-Path $root 'certs/server-cert.pem')
        $written['tlskey'] | Should -Be (Join-Path $root 'certs/server-key.pem')
        $written['hosts'] | Should -Be $settings.hosts
        $written['data-root'] | Should -Be $settings['data-root']
        (& stat -c '%a' (Join-Path $root 'certs/server-key.pem')).Trim() | Should -Be '400'
    }

    It 'a real dockerd starts with that daemon.json and serves TLS on a loopback port' {
        $script:daemon = Start-TestDockerd -ConfigFile $configFile -Root $root
        $daemon.DockerHost | Should -Match '^tcp://127\.0\.0\.1:\d+$'
        Import-TestBusyboxImage -Daemon $daemon | Should -Be 'busybox:latest'
    }

    It 'Install-DockerClientCert and Set-DockerClientEnv point the docker CLI at the daemon' {
        Install-DockerClientCert -Path (Join-Path $kit 'client') | Out-Null
        Join-Path $env:HOME '.docker/key.pem' | Should -Exist
        Set-DockerClientEnv -DockerHost "tcp://localhost:$($daemon.Port)" -WarningAction SilentlyContinue 6>$null
        $env:DOCKER_HOST | Should -Be "tcp://localhost:$($daemon.Port)"
        $env:DOCKER_TLS_VERIFY | Should -Be '1'
        Test-Path Env:DOCKER_CERT_PATH | Should -BeFalse
    }

    It 'docker build of the busybox demo runs on the daemon over TLS' {
        $context = Join-Path $TestDrive 'demo'
        New-Item -ItemType Directory -Path $context | Out-Null
        Set-Content -Path (Join-Path $context 'test.txt') -Value 'hello!'
        Set-Content -Path (Join-Path $context 'Dockerfile') -Value "FROM busybox`nCOPY ./test.txt /`nCMD cat /test.txt"
        $build = Invoke-Docker build -t demo $context
        $build.ExitCode | Should -Be 0 -Because $build.Output
        $build.Output | Should -Match 'Successfully tagged demo:latest'
    }

    It 'docker image ls shows the image' {
        $list = Invoke-Docker image ls --format '{{.Repository}}:{{.Tag}}'
        $list.ExitCode | Should -Be 0 -Because $list.Output
        $list.Output -split "`n" | Should -Contain 'demo:latest'
    }

    It 'docker run --rm --network none demo prints hello!' {
        $run = Invoke-Docker run --rm --network none demo
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output.Trim() | Should -Be 'hello!'
    }

    It 'Test-DockerTlsConnection says Success with the daemon''s version' {
        $version = Invoke-Docker version --format '{{.Server.Version}}'
        $version.ExitCode | Should -Be 0 -Because $version.Output
        $result = Test-DockerTlsConnection
        $result.Success | Should -BeTrue
        $result.Failure | Should -Be 'None'
        $result.Source | Should -Be 'DOCKER_HOST'
        $result.ServerVersion | Should -Be $version.Output.Trim()
    }

    It 'Clear-DockerClientEnv undoes the client settings' {
        Clear-DockerClientEnv 6>$null
        foreach ($variable in 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH') { Test-Path "Env:$variable" | Should -BeFalse }
        { Test-DockerTlsConnection } | Should -Throw -ErrorId 'DockerHostNotSet,DockerTls.Commands.TestDockerTlsConnectionCommand'
    }
}
