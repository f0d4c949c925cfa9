#requires -Version 7.2
# What the format views in DockerTls.Format.ps1xml show, as a user's console shows them at 120 columns.

BeforeAll {
    Import-Module "$PSScriptRoot/../output/DockerTls/DockerTls.psd1" -Force
    $script:savedRendering = $PSStyle.OutputRendering
    $PSStyle.OutputRendering = 'PlainText'

    function script:Show([object[]] $InputObject, [string] $As = 'Table') {
        $lines = if ($As -eq 'Table') { $InputObject | Format-Table | Out-String -Width 120 } else { $InputObject | Format-List | Out-String -Width 120 }
        return @(($lines -split "`r?`n") | Where-Object { $_.Trim() })
    }

    # A row of the certificate table as it is laid out: Kind 6, File 15, Days 5 (right), Checks 22, then Names.
    function script:Get-Row([string] $Kind, [string] $File, [string] $Days, [string] $Checks, [string] $Names) {
        '{0,-6} {1,-15} {2,5} {3,-22} {4}' -f $Kind, $File, $Days, $Checks, $Names
    }

    function script:Get-ListLabels([string[]] $Lines) {
        $Lines | ForEach-Object { if ($_ -match '^(\w+)\s+: ') { $Matches[1] } }
    }

    # A CA, a server certificate for a year and one that ends in 10 days.
    Push-Location $TestDrive
    $null = New-DockerCA -KeyAlgorithm ECDSA -OutputPath ./ca
    $null = New-DockerServerCert -CAPath ./ca -DnsName web1.example.com -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA -OutputPath ./year
    $null = New-DockerServerCert -CAPath ./ca -DnsName short.example.com -ValidityDays 10 -KeyAlgorithm ECDSA -OutputPath ./short
    Pop-Location
    $script:ca = Get-DockerCertificate "$TestDrive/ca/ca.pem"
    $script:year = Get-DockerCertificate "$TestDrive/year/server-cert.pem" -CAPath "$TestDrive/ca/ca.pem"
    $script:short = Get-DockerCertificate "$TestDrive/short/server-cert.pem" -CAPath "$TestDrive/ca/ca.pem"
}

AfterAll {
    $PSStyle.OutputRendering = $savedRendering
}

Describe 'DockerCertificate views' {
    Context 'The default table' {
        It 'is the default view, grouped by folder as Get-ChildItem is, with the columns Kind, File, Days, Checks, Names' {
            $lines = @(($ca, $year | Out-String -Width 120) -split "`r?`n" | Where-Object { $_.Trim() })
            $lines[0].Trim() | Should -Be "Directory: $(Split-Path $ca.Path)"
            $lines[1] -split '\s+' | Where-Object { $_ } | Should -Be @('Kind', 'File', 'Days', 'Checks', 'Names')
            $lines | Should -Contain "   Directory: $(Split-Path $year.Path)"
        }

        It 'shows at 80 columns each certificate''s folder, file, names and verdicts in full, so that two CAs can be told apart' {
            $text = @($ca, $year, $short) | Format-Table | Out-String -Width 80
            $lines = @($text -split "`r?`n" | Where-Object { $_.Trim() })
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
            foreach ($certificate in $ca, $year, $short) {
                $lines | Should -Contain "   Directory: $(Split-Path $certificate.Path)"
            }
            $lines | Should -Contain (Get-Row CA ca.pem $ca.DaysRemaining ok $ca.CommonName)
            $lines | Should -Contain (Get-Row Server server-cert.pem $year.DaysRemaining ok 'web1.example.com, 127.0.0.1')
            $text | Should -Not -Match '…'
        }

        It 'names what failed: a key that is not the pair, a broken chain, an expired certificate' {
            $bad = [DockerTls.Core.Pki.DockerCertificate] @{
                Kind = 'Server'; Path = '/srv/tls/server/server-cert.pem'; DnsNames = @('web1'); DaysRemaining = 40; KeyMatches = $false; ChainValid = $false
            }
            $expired = [DockerTls.Core.Pki.DockerCertificate] @{ Kind = 'Client'; Path = '/srv/tls/client/cert.pem'; CommonName = 'ops'; DaysRemaining = -2; ChainValid = $true }
            $lines = @($bad, $expired) | Format-Table | Out-String -Width 80
            $lines -split "`r?`n" | Should -Contain (Get-Row Server server-cert.pem 40 'wrong key, bad chain' web1)
            $lines -split "`r?`n" | Should -Contain (Get-Row Client cert.pem '-2!' expired ops)
        }

        It 'fits 120 columns, one line per certificate under its folder''s header' {
            $lines = Show @($ca, $year, $short)
            $lines.Count | Should -Be 12
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        }

        It 'marks fewer than 30 days left with "!" where colour is off, and only those' {
            $short.DaysRemaining | Should -BeLessThan 30
            $lines = Show @($year, $short)
            $lines | Where-Object { $_ -like 'Server*' } | Should -Be @(
                (Get-Row Server server-cert.pem $year.DaysRemaining ok 'web1.example.com, 127.0.0.1'),
                (Get-Row Server server-cert.pem "$($short.DaysRemaining)!" ok 'short.example.com'))
        }

        It 'colours fewer than 30 days left in yellow where the host renders colour, without the marker' {
            $PSStyle.OutputRendering = 'Ansi'
            try { $text = $short | Format-Table | Out-String -Width 120 } finally { $PSStyle.OutputRendering = 'PlainText' }
            $text | Should -Match ([regex]::Escape("$($PSStyle.Foreground.Yellow)$($short.DaysRemaining)$($PSStyle.Reset)"))
            $text | Should -Not -Match "$($short.DaysRemaining)!"
            # The colour codes take no columns: the Checks column stays aligned with the header.
            $plain = @(($text -replace '\x1b\[[0-9;]*m') -split "`r?`n" | Where-Object { $_.Trim() })
            $plain[3].IndexOf(' ok ') + 1 | Should -Be $plain[1].IndexOf('Checks')
        }

        It 'shows a long folder whole in its group header, and cuts only a long list of names to the width' {
            $long = [DockerTls.Core.Pki.DockerCertificate] @{
                Kind = 'Server'; Subject = 'CN=web1'; DaysRemaining = 100; NotAfter = [datetime]::UtcNow.AddDays(100)
                KeyAlgorithm = 'RSA 4096'; Path = '/very/long/folder' * 8 + '/server-cert.pem'; DnsNames = 1..30 | ForEach-Object { "web$_.example.com" }
            }
            $lines = Show @($long)
            # The header wraps at the width, as Get-ChildItem's does; nothing of it is cut.
            ($lines[0..1] -join '').Trim() | Should -Be "Directory: $('/very/long/folder' * 8)"
            $lines.Count | Should -Be 5
            $lines[4].Length | Should -BeLessOrEqual 120
            $lines[4] | Should -Match '^Server server-cert\.pem\s+100 .* web1\.example\.com, .*…$'
        }
    }

    Context 'The list view' {
        It 'shows every property of the certificate' {
            $labels = Get-ListLabels (Show @($year) -As List)
            $properties = [DockerTls.Core.Pki.DockerCertificate].GetProperties().Name
            foreach ($name in $properties) { $labels | Should -Contain $name }
            $labels.Count | Should -Be $properties.Count
        }

        It 'shows names joined, dates in UTC and the chain result' {
            $lines = Show @($year) -As List
            $lines | Should -Contain 'DnsNames          : web1.example.com'
            $lines | Should -Contain 'IPAddresses       : 127.0.0.1'
            $lines | Should -Contain "NotAfter          : $($year.NotAfter.ToString('yyyy-MM-dd HH:mm:ss')) UTC"
            $lines | Should -Contain 'ChainValid        : True'
        }

        It 'marks fewer than 30 days left' {
            Show @($short) -As List | Should -Contain "DaysRemaining     : $($short.DaysRemaining)!"
        }
    }

    Context 'Hosts without colour' {
        It 'marks the days with "!" where there is no $PSStyle (Windows PowerShell 5.1)' {
            [DockerTls.Formatting.ExpiryDisplay]::Days(12, $null, $Host.UI) | Should -Be '12!'
            [DockerTls.Formatting.ExpiryDisplay]::Days(-3, $null, $Host.UI) | Should -Be '-3!'
            [DockerTls.Formatting.ExpiryDisplay]::Days(30, $null, $Host.UI) | Should -Be '30'
            [DockerTls.Formatting.ExpiryDisplay]::Days($null, $null, $Host.UI) | Should -Be ''
        }

        It 'colours expired certificates red' {
            $PSStyle.OutputRendering = 'Ansi'
            try { $text = [DockerTls.Formatting.ExpiryDisplay]::Days(-3, $PSStyle, $Host.UI) } finally { $PSStyle.OutputRendering = 'PlainText' }
            $text | Should -Be "$($PSStyle.Foreground.Red)-3$($PSStyle.Reset)"
        }

        It 'uses the marker when OutputRendering is Host and the output is redirected' {
            $PSStyle.OutputRendering = 'Host'
            try { $text = [DockerTls.Formatting.ExpiryDisplay]::Days(5, $PSStyle, $Host.UI) } finally { $PSStyle.OutputRendering = 'PlainText' }
            if ([Console]::IsOutputRedirected -or -not $Host.UI.SupportsVirtualTerminal) { $text | Should -Be '5!' } else { $text | Should -Be "$($PSStyle.Foreground.Yellow)5$($PSStyle.Reset)" }
        }
    }
}

Describe 'DaemonConfigReport views' {
    BeforeAll {
        $script:etc = Join-Path $TestDrive 'etc'
        $null = Set-DockerDaemonConfig -Path "$etc/daemon.json" -CertPath "$TestDrive/year" -CertDestination "$etc/certs" -DockerHost tcp://127.0.0.1:2376 -SystemdRoot "$TestDrive/no-systemd" -NoBackup -Confirm:$false
        $script:good = Get-DockerDaemonConfig -Path "$etc/daemon.json" -SystemdRoot "$TestDrive/no-systemd"
        '{"hosts": ["tcp://0.0.0.0:2375"]}' | Set-Content "$TestDrive/bad.json"
        $script:bad = Get-DockerDaemonConfig -Path "$TestDrive/bad.json" -SystemdRoot "$TestDrive/no-systemd"
    }

    Context 'The default list' {
        It 'is the default view and shows every setting, the server certificate and the problems' {
            $lines = @(($good | Out-String -Width 120) -split "`r?`n" | Where-Object { $_.Trim() })
            Get-ListLabels $lines | Should -Be @('Path', 'Exists', 'Hosts', 'TlsMode', 'TlsCACert', 'TlsCert', 'TlsKey', 'ServerCertificate', 'DaysRemaining', 'LiveRestore', 'HostFlags', 'Problems')
            $lines | Should -Contain "Hosts             : $($good.Hosts -join ', ')"
            $lines | Should -Contain 'TlsMode           : TlsVerify'
            $lines | Should -Contain "TlsCert           : $($good.TlsCert)"
            $lines | Should -Contain 'ServerCertificate : CN=web1.example.com, web1.example.com, 127.0.0.1'
            $lines | Should -Contain "DaysRemaining     : $($good.DaysRemaining)"
            $lines | Should -Contain 'Problems          : none'
        }

        It 'lists each problem with its id, and says which TLS file is missing' {
            $lines = Show @($bad) -As List
            ($lines -join "`n") | Should -Match 'Problems\s+: InsecureHost: '
            ($lines -join "`n") | Should -Match '(?m)^\s+NoLocalSocket: '
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }

            Remove-Item -Force "$etc/certs/server-key.pem"
            $missing = Get-DockerDaemonConfig -Path "$etc/daemon.json" -SystemdRoot "$TestDrive/no-systemd"
            Show @($missing) -As List | Should -Contain "TlsKey            : $($missing.TlsKey) (missing)"
        }
    }

    Context 'The table' {
        It 'shows path, TLS mode, days, the number of problems and the hosts in 120 columns' {
            $lines = Show @($good, $bad)
            $lines[0] -split '\s+' | Where-Object { $_ } | Should -Be @('Path', 'TlsMode', 'DaysRemaining', 'Problems', 'Hosts')
            $lines[2] | Should -Match "TlsVerify\s+$($good.DaysRemaining)\s+0 "
            $lines[3] | Should -Match 'None\s+2 tcp://0\.0\.0\.0:2375$'
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        }
    }
}

Describe 'DockerTlsTestResult views' {
    BeforeAll {
        # The views select by type name; these objects carry the properties of Core.Diagnostics.DockerTlsTestResult.
        function script:New-Result([hashtable] $Values) {
            $result = [ordered]@{
                PSTypeName = 'DockerTls.Core.Diagnostics.DockerTlsTestResult'
                DockerHost = 'tcp://127.0.0.1:2376'; Success = $true; ServerVersion = '26.1.5'; ApiVersion = '1.45'; TlsProtocol = 'Tls13'
                ServerCertificate = $year; ClientCertificate = $short; CertPath = '/home/me/.docker'; Source = 'DockerHost parameter'
                Failure = 'None'; Diagnosis = 'The daemon answered over mutual TLS.'; Remedy = ''; ElapsedMilliseconds = 42
            }
            foreach ($key in $Values.Keys) { $result[$key] = $Values[$key] }
            [pscustomobject] $result
        }
        $script:ok = New-Result @{}
        $script:failed = New-Result @{
            DockerHost = 'tcp://10.141.20.83:2376'; Success = $false; ServerVersion = $null; ApiVersion = $null; TlsProtocol = $null
            Failure = 'NameMismatch'; Diagnosis = 'The server certificate is valid for web1.example.com, 127.0.0.1, not 10.141.20.83.'
            Remedy = 'Issue a new server certificate with New-DockerServerCert -IPAddress 10.141.20.83 and restart the daemon.'
        }
    }

    Context 'The default list' {
        It 'is the default view: host, success, failure, versions and the diagnosis' {
            $lines = @(($ok | Out-String -Width 120) -split "`r?`n" | Where-Object { $_.Trim() })
            Get-ListLabels $lines | Should -Be @('DockerHost', 'Success', 'Failure', 'ServerVersion', 'ApiVersion', 'TlsProtocol', 'Diagnosis', 'ClientCertificate')
            $lines | Should -Contain 'DockerHost        : tcp://127.0.0.1:2376'
            $lines | Should -Contain 'Failure           : None'
        }

        It 'adds the remedy of a failure' {
            $lines = Show @($failed) -As List
            Get-ListLabels $lines | Should -Contain 'Remedy'
            ($lines -join ' ') -replace '\s+', ' ' | Should -Match 'Remedy : Issue a new server certificate with New-DockerServerCert -IPAddress 10\.141\.20\.83'
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        }

        It 'shows a certificate only when it expires within 30 days, marked' {
            $lines = Show @($ok) -As List
            Get-ListLabels $lines | Should -Not -Contain 'ServerCertificate'
            $lines | Should -Contain "ClientCertificate : CN=short.example.com, $($short.DaysRemaining)! days left, until $($short.NotAfter.ToString('yyyy-MM-dd'))"
        }
    }

    Context 'Colour and width' {
        It 'colours a failed result as PowerShell colours a warning, with Ansi rendering only' {
            $PSStyle.OutputRendering = 'Ansi'
            try {
                $failedText = $failed | Format-List | Out-String -Width 120
                $okText = $ok | Format-List | Out-String -Width 120
                $tableText = $failed | Format-Table | Out-String -Width 120
            } finally { $PSStyle.OutputRendering = 'PlainText' }
            $warning = $PSStyle.Formatting.Warning
            $failedText | Should -Match ('Failure\s+: (\x1b\[[0-9;]*m)*' + [regex]::Escape("$($warning)NameMismatch$($PSStyle.Reset)"))
            $failedText | Should -Match ([regex]::Escape("$($warning)The server certificate is valid for"))
            $tableText | Should -Match ([regex]::Escape("$($warning)NameMismatch$($PSStyle.Reset)"))
            $okText | Should -Not -Match ([regex]::Escape($warning))
            ($failed | Format-List | Out-String -Width 120) | Should -Not -Match "`e\["
        }

        It 'shows each command of a real remedy whole on one line at 80 columns, ready to copy' {
            $saved = $env:DOCKER_CONFIG
            $env:DOCKER_CONFIG = Join-Path $TestDrive 'empty-docker-config'
            New-Item -ItemType Directory -Force $env:DOCKER_CONFIG | Out-Null
            try { $real = Test-DockerTlsConnection -DockerHost 'tcp://127.0.0.1:1' } finally { $env:DOCKER_CONFIG = $saved }
            $real.Failure | Should -Be 'ClientCertificateMissing'
            $lines = @(($real | Format-List | Out-String -Width 80) -split "`r?`n")
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
            $commands = @([regex]::Matches($real.Remedy, '[A-Z][a-z]+-Docker\w+[^;,()]*') | ForEach-Object { $_.Value.Trim().TrimEnd('.') })
            $commands.Count | Should -BeGreaterOrEqual 2
            foreach ($command in $commands) {
                @($lines | Where-Object { $_.Contains($command) }).Count | Should -Be 1 -Because "'$command' must show whole on one line"
            }
        }
    }

    Context 'The table' {
        It 'shows host, success, failure and a diagnosis that wraps within 120 columns' {
            $lines = Show @($ok, $failed)
            $lines[0] -split '\s+' | Where-Object { $_ } | Should -Be @('DockerHost', 'Success', 'Failure', 'Diagnosis')
            $lines[2] | Should -Match '^tcp://127\.0\.0\.1:2376\s+True\s+None\s+Docker 26\.1\.5 \(API 1\.45, Tls13\)$'
            $lines[3] | Should -Match '^tcp://10\.141\.20\.83:2376\s+False\s+NameMismatch\s+The server certificate is valid for'
            $column = $lines[0].IndexOf('Diagnosis')
            $wrapped = ($lines[3..($lines.Count - 1)] | ForEach-Object { $_.Substring($column) }) -join '' -replace '\s'
            $wrapped | Should -Be ($failed.Diagnosis + $failed.Remedy -replace '\s')
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        }
    }
}
