#requires -Version 7.0
# -TimeoutSec is a deadline (issue 12 item 4): Test-DockerTlsConnection ends within -TimeoutSec plus a second whatever
# the peer does. Each hostile peer (tests/Support/slow_peer.py, python3 on loopback) answers one byte every half
# second, so that no single read ever waits as long as the timeout: in the TLS handshake, the response's headers, its
# body, and the plain-HTTP fallback. Every peer ends itself after 12 s, and is killed when its test ends.

BeforeDiscovery {
    $script:hasPython = [bool] (Get-Command python3 -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    $script:peerScript = Join-Path $PSScriptRoot 'Support/slow_peer.py'
    $script:kit = Join-Path $TestDrive 'kit'
    Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null

    # Starts a slow peer in MODE; returns its process and the port it printed.
    function Start-SlowPeer([string] $Mode) {
        $psi = [Diagnostics.ProcessStartInfo]::new('python3')
        foreach ($arg in $peerScript, $Mode, "$kit/server/server-cert.pem", "$kit/server/server-key.pem", '--interval', '0.5', '--lifetime', '12') {
            $psi.ArgumentList.Add($arg)
        }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $process = [Diagnostics.Process]::Start($psi)
        $line = $process.StandardOutput.ReadLineAsync()
        if (-not $line.Wait(10000)) { $process.Kill(); throw "the slow peer ($Mode) printed no port" }
        [pscustomobject]@{ Process = $process; Port = [int] $line.Result }
    }

    function Stop-SlowPeer($Peer) {
        if (-not $Peer.Process.HasExited) { $Peer.Process.Kill() }
        [void] $Peer.Process.WaitForExit(5000)
        $Peer.Process.Dispose()
    }
}

Describe 'Test-DockerTlsConnection -TimeoutSec is one deadline' -Skip:(-not $hasPython) {
    It 'a peer that trickles <Mode> one byte at a time: Timeout within -TimeoutSec + 1 s' -ForEach @(
        @{ Mode = 'handshake'; Step = 'TLS handshake' }
        @{ Mode = 'headers'; Step = 'GET /_ping' }
        @{ Mode = 'body'; Step = 'GET /_ping' }
        @{ Mode = 'plain'; Step = 'TLS handshake' }
    ) {
        $peer = Start-SlowPeer $Mode
        try {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $result = Test-DockerTlsConnection -DockerHost "tcp://127.0.0.1:$($peer.Port)" -CertPath "$kit/client" -TimeoutSec 2
            $seconds = $watch.Elapsed.TotalSeconds
            $result.Success | Should -BeFalse
            $result.Failure | Should -Be 'Timeout'
            $result.Diagnosis | Should -BeLike "*$Step*"
            $seconds | Should -BeGreaterOrEqual 1.9
            $seconds | Should -BeLessThan 3
        } finally {
            Stop-SlowPeer $peer
        }
    }
}
