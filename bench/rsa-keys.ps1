# One RSA 4096 key at a time, through .NET (the generator Initialize-DockerTls uses) and through the openssl command,
# taking turns, to show that a key takes as long either way: the kit's gain comes from making keys side by side.
# Usage: pwsh -NoProfile -File bench/rsa-keys.ps1 [-Rounds 25]   (needs openssl on the PATH)
param([int] $Rounds = 25)
$net = [System.Collections.Generic.List[double]]::new()
$cli = [System.Collections.Generic.List[double]]::new()
foreach ($round in 1..$Rounds) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $rsa = [Security.Cryptography.RSA]::Create(4096)
    $null = $rsa.ExportParameters($true)
    $rsa.Dispose()
    $net.Add($watch.Elapsed.TotalSeconds)
    $watch.Restart()
    & openssl genrsa -out /dev/null 4096 2>$null
    if ($LASTEXITCODE -ne 0) { throw 'openssl genrsa failed' }
    $cli.Add($watch.Elapsed.TotalSeconds)
}
function Get-Median($values) { $sorted = @($values | Sort-Object); $n = $sorted.Count; if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 } }
'{0} RSA 4096 keys each: .NET median {1:F2} s (mean {2:F2} s), openssl genrsa median {3:F2} s (mean {4:F2} s)' -f $Rounds,
    (Get-Median $net), ($net | Measure-Object -Average).Average, (Get-Median $cli), ($cli | Measure-Object -Average).Average
