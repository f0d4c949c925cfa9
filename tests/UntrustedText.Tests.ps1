#requires -Version 7.0
# Nothing raw from an untrusted peer or a certificate file reaches the console (issue 12, item 5). Certificates full of
# escape sequences (ESC[2J, OSC ESC]0;, C1 CSI U+009B, DEL, BEL) and bidi controls (U+202E and friends) are made with
# openssl, read with Get-DockerCertificate, and served by a hostile daemon on loopback (tests/Support/hostile_peer.py,
# python3's ssl) whose /_ping and /version answers, status line and headers carry the same; Test-DockerTlsConnection
# tests it. Every string property of every result, and the result as PowerShell formats it, must hold none of them.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Support/StrictPeers.psm1') -Force

    # C0 (line breaks included: no property is multi-line), DEL, C1 and the bidi controls.
    $script:unsafe = '[\x00-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]'
    # The same in formatted text, where PowerShell's own line breaks are allowed.
    $script:unsafeFormatted = '[\x00-\x09\x0B\x0C\x0E-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]'

    $script:e = [char] 27
    $script:nasty = "$e[2J$e]0;pwned$([char] 7)$([char] 0x9B)31m$([char] 0x202E)gpj.exe$([char] 0x2066)$([char] 0x200F)$([char] 0x7F)"

    # Every string reachable from an object's properties (arrays and DockerTls objects followed), with its path.
    function Get-StringValue([object] $Value, [string] $Path = '$_', [int] $Depth = 0) {
        if ($null -eq $Value -or $Depth -gt 3) { return }
        if ($Value -is [string]) { [pscustomobject]@{ Path = $Path; Text = $Value }; return }
        if ($Value -is [Array]) { $i = 0; foreach ($item in $Value) { Get-StringValue $item "$Path[$i]" ($Depth + 1); $i++ }; return }
        if ($Value.GetType().Namespace -notlike 'DockerTls*') { return }
        foreach ($property in $Value.PSObject.Properties) { Get-StringValue $property.Value "$Path.$($property.Name)" ($Depth + 1) }
    }

    # Fails naming the first property, or the first formatted view, that holds an unsafe character.
    function Assert-ConsoleSafe([object] $Value) {
        $strings = @(Get-StringValue $Value)
        $strings.Count | Should -BeGreaterThan 3
        foreach ($string in $strings) {
            $string.Text | Should -Not -Match $unsafe -Because "$($string.Path) reaches the console ('$([regex]::Escape($string.Text))')"
        }

        # Ansi rendering, so that PowerShell strips nothing; its own accents off, so that any escape found came from the value.
        # The warning accent, in which a failed connection test is shown, and the accent of table headers whose label is
        # not a property name are PowerShell's own too.
        $saved = $PSStyle.OutputRendering, $PSStyle.Formatting.TableHeader, $PSStyle.Formatting.FormatAccent, $PSStyle.Formatting.Warning, $PSStyle.Formatting.CustomTableHeaderLabel
        $PSStyle.OutputRendering = 'Ansi'
        $PSStyle.Formatting.TableHeader = ''
        $PSStyle.Formatting.FormatAccent = ''
        $PSStyle.Formatting.Warning = ''
        $PSStyle.Formatting.CustomTableHeaderLabel = ''
        try {
            foreach ($view in @(($Value | Out-String -Width 4096), ($Value | Format-List * | Out-String -Width 4096), ($Value | Format-Table | Out-String -Width 4096))) {
                # PowerShell ends each (empty) accent with its own ESC[0m; nothing else may be there.
                $view -replace "$e\[0m", '' | Should -Not -Match $unsafeFormatted -Because "the formatted view reaches the console: $([regex]::Escape($view))"
            }
        }
        finally {
            $PSStyle.OutputRendering, $PSStyle.Formatting.TableHeader, $PSStyle.Formatting.FormatAccent, $PSStyle.Formatting.Warning, $PSStyle.Formatting.CustomTableHeaderLabel = $saved
        }
    }

    # An openssl config whose subject and names carry $nasty (openssl reads '$' and '#' itself, so $nasty holds neither).
    function Write-HostileConfig([string] $Path, [string] $Extensions) {
        $text = "[req]`ndistinguished_name = dn`nprompt = no`nstring_mask = utf8only`nutf8 = yes`n[dn]`nCN = evil$nasty`nO = org$nasty`n[v3]`n$Extensions`n"
        [IO.File]::WriteAllText($Path, $text, [Text.UTF8Encoding]::new($false))
    }

    $script:work = Join-Path $TestDrive 'hostile'
    New-Item -ItemType Directory -Path $work | Out-Null
    $script:kit = Join-Path $TestDrive 'kit'
    Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null
    $script:clientFolder = Join-Path $kit 'client'

    # A server certificate from the kit's own CA (so that the chain holds and the daemon's answers are read), whose
    # subject and DNS names are hostile and whose IP 127.0.0.1 lets the probe in.
    $leafExtensions = "basicConstraints = critical,CA:FALSE`nkeyUsage = critical,digitalSignature`nextendedKeyUsage = serverAuth`nsubjectAltName = DNS:a$e[2J.example, DNS:b$([char] 0x9B)c.example, DNS:x$([char] 0x202E)y.example, IP:127.0.0.1"
    Write-HostileConfig (Join-Path $work 'leaf.cnf') $leafExtensions
    Invoke-OpenSslChecked req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout (Join-Path $work 'server-key.pem') -out (Join-Path $work 'server.csr') -config (Join-Path $work 'leaf.cnf') -utf8
    Invoke-OpenSslChecked x509 -req -in (Join-Path $work 'server.csr') -CA (Join-Path $kit 'ca/ca.pem') -CAkey (Join-Path $kit 'ca/ca-key.pem') -CAcreateserial `
        -out (Join-Path $work 'server-cert.pem') -days 300 -extfile (Join-Path $work 'leaf.cnf') -extensions v3
    # A self-signed hostile CA and a leaf from it: the probe's client does not trust it, and says who issued it.
    $caExtensions = "basicConstraints = critical,CA:TRUE`nkeyUsage = critical,keyCertSign,cRLSign`nsubjectKeyIdentifier = hash"
    $script:evilCA = Join-Path $work 'evil-ca'
    New-Item -ItemType Directory -Path $evilCA | Out-Null
    Write-HostileConfig (Join-Path $evilCA 'ca.cnf') $caExtensions
    Invoke-OpenSslChecked req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout (Join-Path $evilCA 'ca-key.pem') -out (Join-Path $evilCA 'ca.pem') -days 300 -config (Join-Path $evilCA 'ca.cnf') -extensions v3 -utf8
    Invoke-OpenSslChecked x509 -req -in (Join-Path $work 'server.csr') -CA (Join-Path $evilCA 'ca.pem') -CAkey (Join-Path $evilCA 'ca-key.pem') -CAcreateserial `
        -out (Join-Path $evilCA 'server-cert.pem') -days 300 -extfile (Join-Path $work 'leaf.cnf') -extensions v3
    Copy-Item (Join-Path $work 'server-key.pem') (Join-Path $evilCA 'server-key.pem')

    $portFile = Join-Path $work 'ports'
    $good = "$(Join-Path $work 'server-cert.pem'):$(Join-Path $work 'server-key.pem')"
    $stranger = "$(Join-Path $evilCA 'server-cert.pem'):$(Join-Path $evilCA 'server-key.pem')"
    $script:peer = Start-Process -FilePath python3 -PassThru -NoNewWindow -RedirectStandardError (Join-Path $work 'peer.err') -ArgumentList @(
        (Join-Path $PSScriptRoot 'Support/hostile_peer.py'), $portFile, '90', "version:version:$good", "badping:badping:$good", "stranger:version:$stranger", 'plain:plain')
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while (-not (Test-Path $portFile) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    if (-not (Test-Path $portFile)) { throw "the hostile peer did not start: $(Get-Content -Raw (Join-Path $work 'peer.err'))" }
    $script:ports = @{}
    foreach ($line in Get-Content $portFile) { $label, $port = $line -split ' '; $ports[$label] = [int] $port }
}

AfterAll {
    if ($peer -and -not $peer.HasExited) { $peer.Kill(); $peer.WaitForExit(5000) | Out-Null }
}

Describe 'Get-DockerCertificate of a certificate file full of escape sequences' {
    It 'the file really holds them (the test would prove nothing otherwise)' {
        $text = (& openssl x509 -in (Join-Path $work 'server-cert.pem') -noout -subject -ext subjectAltName -nameopt utf8,sep_comma_plus) -join "`n"
        $text | Should -Match ([regex]::Escape("$e[2J"))
        $text | Should -Match ([char] 0x202E)
    }

    It 'shows the server certificate''s subject, issuer and names with each control replaced by ?' {
        $certificate = Get-DockerCertificate (Join-Path $work 'server-cert.pem')
        Assert-ConsoleSafe $certificate
        $certificate.CommonName | Should -BeLike 'evil?`[2J?]0*pwned*gpj.exe*'
        $certificate.DnsNames | Should -Contain 'a?[2J.example'
        $certificate.IPAddresses | Should -Be @('127.0.0.1')
    }

    It 'shows the findings about such a certificate (their messages name it) the same way' {
        $certificate = Get-DockerCertificate (Join-Path $evilCA 'server-cert.pem') -CAPath (Join-Path $kit 'ca/ca.pem')
        $certificate.Findings.Id | Should -Contain 'IssuerNotFound'
        $certificate.Findings[0].Message | Should -BeLike "*'CN=evil?``[2J*"
        Assert-ConsoleSafe $certificate
    }

    It 'shows a hostile CA, and a folder of them in the list view, the same way' {
        Assert-ConsoleSafe (Get-DockerCertificate (Join-Path $evilCA 'ca.pem'))
        $folder = @(Get-DockerCertificate $evilCA)
        $folder.Count | Should -Be 2
        Assert-ConsoleSafe $folder
    }
}

Describe 'Test-DockerTlsConnection against a hostile daemon on loopback' {
    It 'a daemon whose certificate names and /_ping and /version answers are full of escapes: <Case>' -ForEach @(
        @{ Case = 'its versions are shown'; Label = 'version'; Host_ = '127.0.0.1'; Expect = { param($r) $r.ServerVersion | Should -BeLike '24.0.7?`[2J*' } }
        @{ Case = 'a name not in its certificate lists its names'; Label = 'version'; Host_ = 'localhost'; Expect = { param($r) $r.Diagnosis | Should -BeLike '*a?`[2J.example*' } }
        @{ Case = 'a CA the client does not trust is named'; Label = 'stranger'; Host_ = '127.0.0.1'; Expect = { param($r) $r.Diagnosis | Should -BeLike '*evil?`[2J*' } }
        @{ Case = 'a /_ping status line is quoted'; Label = 'badping'; Host_ = '127.0.0.1'; Expect = { param($r) $r.Diagnosis | Should -BeLike '*500 ?`[2J*' } }
        @{ Case = 'a plain-HTTP answer''s Api-Version is quoted'; Label = 'plain'; Host_ = '127.0.0.1'; Expect = { param($r) $r.Diagnosis | Should -BeLike '*1.41?`[2J*' } }
    ) {
        $result = Test-DockerTlsConnection -DockerHost "tcp://${Host_}:$($ports[$Label])" -CertPath $clientFolder -TimeoutSec 10 -WarningAction SilentlyContinue
        & $Expect $result
        Assert-ConsoleSafe $result
    }
}
