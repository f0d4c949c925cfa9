#requires -Version 7.0
<#
.SYNOPSIS
Times successful Test-DockerTlsConnection calls in one session against a local mutual-TLS dockerd.
.DESCRIPTION
The figure behind "a successful test takes under 0.5 s in-session against a local daemon": makes a kit with
Initialize-DockerTls (RSA 4096 by default, as users get it; -KeyAlgorithm ECDSA for P-256), starts a real dockerd with
tests/Support/TestDockerd.psm1 on a loopback port, makes one untimed call (module load and JIT), then times -Count calls
and prints min, median, p95 and max in milliseconds. Each call is a full test: the offline checks of the client files,
TCP connect, TLS handshake with the client certificate, GET /_ping and GET /version. Linux, as root; needs a build
(./build.ps1). Usage: dotnet pwsh -NoProfile -File bench/Test-DockerTlsConnection.ps1 [-Count 50] [-KeyAlgorithm RSA|ECDSA]
#>
param(
    [int] $Count = 50,
    [ValidateSet('RSA', 'ECDSA')] [string] $KeyAlgorithm = 'RSA'
)

$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
Import-Module (Join-Path $root 'output/DockerTls/DockerTls.psd1') -Force
Import-Module (Join-Path $root 'tests/Support/TestDockerd.psm1') -Force

$work = (& mktemp -d /tmp/dtbench-XXXXXX).Trim()
$daemon = $null
try {
    Initialize-DockerTls -OutputPath $work -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm $KeyAlgorithm 6>$null | Out-Null
    $daemon = Start-TestTlsDockerd -CertPath (Join-Path $work 'server')
    $client = Join-Path $work 'client'

    $first = [Diagnostics.Stopwatch]::StartNew()
    $result = Test-DockerTlsConnection -DockerHost $daemon.DockerHost -CertPath $client
    $firstMs = $first.Elapsed.TotalMilliseconds
    if (-not $result.Success) { throw "The test failed: $($result.Failure): $($result.Diagnosis)" }

    $times = foreach ($i in 1..$Count) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $result = Test-DockerTlsConnection -DockerHost $daemon.DockerHost -CertPath $client
        $watch.Elapsed.TotalMilliseconds
        if (-not $result.Success) { throw "Call $i failed: $($result.Failure): $($result.Diagnosis)" }
    }
    $sorted = @($times | Sort-Object)
    $median = if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
    $p95 = $sorted[[int][math]::Ceiling(0.95 * $sorted.Count) - 1]
    '{0} successful calls against Docker {1} ({2}, {3} keys): min {4:N1} ms, median {5:N1} ms, p95 {6:N1} ms, max {7:N1} ms; first call in the session {8:N1} ms' -f `
        $Count, $result.ServerVersion, $result.TlsProtocol, $KeyAlgorithm, $sorted[0], $median, $p95, $sorted[-1], $firstMs
} finally {
    if ($daemon) { Stop-TestDockerd $daemon }
    & rm -rf $work
}
