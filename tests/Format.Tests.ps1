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
        It 'is the default view and has the columns Kind, Subject, DaysRemaining, NotAfter, KeyAlgorithm, Path' {
            $lines = @(($ca, $year | Out-String -Width 120) -split "`r?`n" | Where-Object { $_.Trim() })
            $lines[0] -split '\s+' | Where-Object { $_ } | Should -Be @('Kind', 'Subject', 'DaysRemaining', 'NotAfter', 'KeyAlgorithm', 'Path')
        }

        It 'fits 120 columns, one line per certificate' {
            $lines = Show @($ca, $year, $short)
            $lines.Count | Should -Be 5
            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        }

        It 'shows the kind, subject, days, date, key and path of each certificate' {
            $lines = Show @($ca, $year)
            $lines[2] | Should -Match ('^CA\s+CN=Docker CA\s+{0}\s+{1}\s+ECDSA P-256\s+{2}' -f $ca.DaysRemaining, $ca.NotAfter.ToString('yyyy-MM-dd'), [regex]::Escape($ca.Path.Substring(0, 40)))
            $lines[3] | Should -Match ('^Server\s+CN=web1\.example\.com\s+{0}\s+{1}\s+ECDSA P-256\s+{2}' -f $year.DaysRemaining, $year.NotAfter.ToString('yyyy-MM-dd'), [regex]::Escape($year.Path.Substring(0, 40)))
        }

        It 'marks fewer than 30 days left with "!" where colour is off, and only those' {
            $short.DaysRemaining | Should -BeLessThan 30
            $lines = Show @($year, $short)
            $lines[2] | Should -Not -Match '!'
            $lines[3] | Should -Match "\s$($short.DaysRemaining)! $($short.NotAfter.ToString('yyyy-MM-dd'))"
        }

        It 'colours fewer than 30 days left in yellow where the host renders colour, without the marker' {
            $PSStyle.OutputRendering = 'Ansi'
            try { $text = $short | Format-Table | Out-String -Width 120 } finally { $PSStyle.OutputRendering = 'PlainText' }
            $text | Should -Match ([regex]::Escape("$($PSStyle.Foreground.Yellow)$($short.DaysRemaining)$($PSStyle.Reset)"))
            $text | Should -Not -Match "$($short.DaysRemaining)!"
            # The colour codes take no columns: the NotAfter column stays aligned with the header.
            $plain = @(($text -replace '\x1b\[[0-9;]*m') -split "`r?`n" | Where-Object { $_.Trim() })
            $plain[2].IndexOf($short.NotAfter.ToString('yyyy-MM-dd')) | Should -Be $plain[0].IndexOf('NotAfter')
        }

        It 'cuts a long path to the width rather than wrapping' {
            $long = [DockerTls.Core.Pki.DockerCertificate] @{
                Kind = 'Server'; Subject = 'CN=web1'; DaysRemaining = 100; NotAfter = [datetime]::UtcNow.AddDays(100)
                KeyAlgorithm = 'RSA 4096'; Path = '/very/long/folder/' * 8 + 'server-cert.pem'
            }
            $lines = Show @($long)
            $lines.Count | Should -Be 3
            $lines[2].Length | Should -BeLessOrEqual 120
            $lines[2] | Should -Match '…$'
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
