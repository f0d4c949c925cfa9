#requires -Version 7.0
<#
.SYNOPSIS
Starts or stops the hosts of bench/fleet.sh: N test hosts (tests/Support/TestFleet.psm1) on 127.0.0.101 and up,
without dockerd, or with a real dockerd each (-WithDockerd, for `bench/fleet.sh RUNS HOSTS restart`), a CA, a server certificate
per host and a client certificate, the fleet's CSV, and for the bash loop each host's daemon.json made beforehand.
-Reset puts every host's /etc/docker back as it was and, with dockerd, restarts it on those files (the --prepare of
each round).
#>
param(
    [Parameter(Mandatory)] [string] $Work,
    [int] $Hosts = 20,
    [switch] $WithDockerd,
    [switch] $Reset,
    [switch] $Stop
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../tests/Support/TestFleet.psm1')
$state = Join-Path $Work 'hosts.json'

if ($Stop) {
    if (Test-Path $state) { Stop-TestFleetHost @(Get-Content -Raw $state | ConvertFrom-Json) }
    return
}
if ($Reset) {
    foreach ($h in @(Get-Content -Raw $state | ConvertFrom-Json)) {
        & nsenter -t $h.Pid -m -- sh -c 'rm -f /etc/docker/* /etc/docker/.[!.]* 2>/dev/null; cp "$1" /etc/docker/daemon.json' sh (Join-Path $h.Root 'daemon.json')
        if ($LASTEXITCODE -ne 0) { throw "reset of $($h.Name) failed" }
        if (-not (Test-Path (Join-Path $h.Root 'no-dockerd'))) {
            # The stand-in systemctl of the host (tests/Support/fleet-systemctl.sh): back on the old files, local socket only.
            & nsenter -t $h.Pid -m -- /usr/local/sbin/systemctl restart docker
            if ($LASTEXITCODE -ne 0) { throw "restart of $($h.Name)'s dockerd on its old files failed" }
        }
    }
    return
}

Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1')
$admin = New-TestFleetClientKey -Folder (Join-Path $Work 'admin')
$fleet = @(foreach ($i in 1..$Hosts) {
        $h = Start-TestFleetHost -Name "bench$i" -Address "127.0.0.$(100 + $i)" -ClientKey $admin -NoDockerd:(-not $WithDockerd)
        Add-Content -LiteralPath $admin.KnownHosts -Value $h.HostKeyLine
        $h
    })
$fleet | ConvertTo-Json | Set-Content -LiteralPath $state
New-DockerCA -OutputPath (Join-Path $Work 'ca') -KeyAlgorithm ECDSA | Out-Null
New-DockerClientCert -CAPath (Join-Path $Work 'ca') -CommonName ops -OutputPath (Join-Path $Work 'ops') -KeyAlgorithm ECDSA | Out-Null
$rows = foreach ($h in $fleet) {
    $certs = Join-Path $Work "certs/$($h.Name)"
    New-DockerServerCert -CAPath (Join-Path $Work 'ca') -IPAddress $h.Address -OutputPath $certs -KeyAlgorithm ECDSA | Out-Null
    $json = Join-Path $Work "daemon-$($h.Name).json"
    $settings = Get-Content -Raw (Join-Path $h.Root 'daemon.json') | ConvertFrom-Json -AsHashtable
    $settings['hosts'] = @('unix:///var/run/docker.sock', "tcp://$($h.Address):2376")
    $settings['tlsverify'] = $true
    $settings['tlscacert'] = '/etc/docker/ca.pem'; $settings['tlscert'] = '/etc/docker/server-cert.pem'; $settings['tlskey'] = '/etc/docker/server-key.pem'
    $settings | ConvertTo-Json | Set-Content -LiteralPath $json
    [pscustomobject]@{ HostName = $h.Address; Port = $h.SshPort; CertPath = $certs; DaemonJson = $json; DockerHost = "tcp://$($h.Address):2376" }
}
$rows | Select-Object HostName, Port, CertPath, DaemonJson, DockerHost | ConvertTo-Csv -UseQuotes Never | Set-Content -LiteralPath (Join-Path $Work 'loop.csv')
$rows | Select-Object HostName, Port, CertPath, DockerHost | Export-Csv -LiteralPath (Join-Path $Work 'fleet.csv')
