#requires -Version 7.0
# Tests of the test harness itself (tests/Support/TestDockerd.psm1): a real dockerd on loopback with mutual TLS,
# certificates made by hand with openssl, the real docker CLI. The DockerTls cmdlets are deliberately not used.

BeforeDiscovery {
    $script:canRunDockerd = $IsLinux -and ((& id -u) -eq '0') -and [bool] (Get-Command dockerd -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Support/TestDockerd.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/StrictPeers.psm1') -Force

    # A CA (keyCertSign), and from it a server and a client certificate, in Folder, with Docker's file names.
    function New-OpenSslPki([string] $Folder, [string] $Name) {
        New-Item -ItemType Directory -Force -Path $Folder | Out-Null
        Push-Location $Folder
        try {
            Invoke-OpenSslChecked req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca-key.pem -out ca.pem -days 2 `
                -subj "/CN=$Name test CA" -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' `
                -addext 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'
            Set-Content -Path server.ext -Value @(
                'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature',
                'extendedKeyUsage=serverAuth', 'subjectAltName=IP:127.0.0.1,DNS:localhost')
            Set-Content -Path client.ext -Value @(
                'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth')
            Invoke-OpenSslChecked req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server-key.pem -out server.csr -subj '/CN=localhost'
            Invoke-OpenSslChecked x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -sha256 -extfile server.ext -out server-cert.pem
            Invoke-OpenSslChecked req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out client.csr -subj '/CN=client'
            Invoke-OpenSslChecked x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -sha256 -extfile client.ext -out cert.pem
            Remove-Item server.csr, client.csr, server.ext, client.ext
        } finally {
            Pop-Location
        }
    }
}

Describe 'TestDockerd harness' -Skip:(-not $canRunDockerd) {
    BeforeAll {
        $pki = Join-Path $TestDrive 'pki'
        New-OpenSslPki -Folder $pki -Name 'harness'
        $otherPki = Join-Path $TestDrive 'other'
        New-OpenSslPki -Folder $otherPki -Name 'other'
        # The client folder trusts our CA but presents a certificate from the other CA.
        $foreignClient = Join-Path $TestDrive 'foreign-client'
        New-Item -ItemType Directory -Path $foreignClient | Out-Null
        Copy-Item (Join-Path $pki 'ca.pem') $foreignClient
        Copy-Item (Join-Path $otherPki 'cert.pem'), (Join-Path $otherPki 'key.pem') $foreignClient

        $daemon = Start-TestTlsDockerd -CertPath $pki
        Write-Host "dockerd with mutual TLS answered after $($daemon.StartSeconds) s on $($daemon.DockerHost)"
    }

    AfterAll {
        if ($daemon) {
            Stop-TestDockerd $daemon
            Write-Host "dockerd stopped in $($daemon.StopSeconds) s"
        }
    }

    Context 'Mutual TLS' {
        It 'answers docker version over mutual TLS on the loopback TCP port' {
            $result = Invoke-TestDocker -ArgumentList 'version', '--format', '{{.Server.Version}}' -DockerHost $daemon.DockerHost -CertPath $pki
            $result.StdErr | Should -BeNullOrEmpty
            $result.ExitCode | Should -Be 0
            $result.StdOut.Trim() | Should -Match '^\d+\.\d+'
            $daemon.DockerHost | Should -Match '^tcp://127\.0\.0\.1:\d+$'
        }

        It 'rejects a client certificate from another CA' {
            $result = Invoke-TestDocker -ArgumentList 'version', '--format', '{{.Server.Version}}' -DockerHost $daemon.DockerHost -CertPath $foreignClient
            $result.ExitCode | Should -Not -Be 0
            # Under TLS 1.3 the CLI sees the daemon's alert, or the reset when it writes after the daemon closed.
            $result.StdErr | Should -Match 'bad certificate|certificate required|unknown certificate authority|connection reset by peer'
        }
    }

    Context 'The seed proof' {
        It 'builds FROM busybox over TLS and runs it to print hello!' {
            Import-TestBusyboxImage -Daemon $daemon | Should -Be 'busybox:latest'
            $context = Join-Path $TestDrive 'demo'
            New-Item -ItemType Directory -Path $context | Out-Null
            Set-Content -Path (Join-Path $context 'test.txt') -Value 'hello!'
            Set-Content -Path (Join-Path $context 'Dockerfile') -Value 'FROM busybox', 'COPY ./test.txt /', 'CMD cat /test.txt'
            $tls = @{ DockerHost = $daemon.DockerHost; CertPath = $pki; Environment = @{ DOCKER_BUILDKIT = '0' } }

            $build = Invoke-TestDocker -ArgumentList 'build', '-t', 'demo', '.' -WorkingDirectory $context @tls
            $build.ExitCode | Should -Be 0 -Because $build.StdErr
            $run = Invoke-TestDocker -ArgumentList 'run', '--rm', '--network', 'none', 'demo' @tls
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
            $run.StdOut.Trim() | Should -Be 'hello!'
            # The image is in the daemon the server side sees, over its unix socket.
            (Invoke-TestDocker -ArgumentList 'image', 'ls', '--format', '{{.Repository}}' -Daemon $daemon).StdOut -split "`n" |
                Should -Contain 'demo'
        }
    }
}

Describe 'TestDockerd harness without TLS' -Skip:(-not $canRunDockerd) {
    It 'starts a plain-HTTP TCP daemon quickly and stops it, leaving nothing behind' {
        $plain = Start-TestTlsDockerd -Insecure
        try {
            Write-Host "plain-HTTP dockerd answered after $($plain.StartSeconds) s"
            $plain.StartSeconds | Should -BeLessThan 15
            $result = Invoke-TestDocker -ArgumentList 'version', '--format', '{{.Server.Version}}' -DockerHost $plain.DockerHost
            $result.ExitCode | Should -Be 0 -Because $result.StdErr
        } finally {
            Stop-TestDockerd $plain
        }
        Write-Host "plain-HTTP dockerd stopped in $($plain.StopSeconds) s"
        Test-Path $plain.Root | Should -BeFalse
        Get-Content /proc/self/mountinfo | Where-Object { $_ -like "* $($plain.Root)*" } | Should -BeNullOrEmpty
        Get-ChildItem /proc -Directory | Where-Object { $_.Name -match '^\d+$' } |
            Where-Object { (Get-Content -Raw "$($_.FullName)/cmdline" -ErrorAction SilentlyContinue) -like "*$($plain.Root)*" } |
            Should -BeNullOrEmpty
    }
}
