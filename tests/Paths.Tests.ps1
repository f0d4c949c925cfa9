#requires -Version 7.0
# PowerShell's path conventions (issue 13): -Path takes wildcards through the provider, -LiteralPath (alias
# PSPath) takes names as written, as Get-ChildItem does; the single locations (-CAPath, -CertPath, ...) are
# literal. A folder named host[1] sits beside host1; openssl says whose certificate was read or installed.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force

    function Get-SubjectCN([string] $File) { ((& openssl x509 -noout -subject -nameopt multiline -in "$File") -match 'commonName' -replace '.*=\s*', '').Trim() }

    $script:root = Join-Path $TestDrive 'paths'
    $script:ca = New-DockerCA -OutputPath (Join-Path $root 'ca') -KeyAlgorithm ECDSA
    $script:bracket = Join-Path $root 'host[1]'
    $script:plain = Join-Path $root 'host1'
    $ca | New-DockerClientCert -CommonName bracket -OutputPath $bracket -KeyAlgorithm ECDSA | Out-Null
    $ca | New-DockerClientCert -CommonName plain -OutputPath $plain -KeyAlgorithm ECDSA | Out-Null
}

Describe 'Get-DockerCertificate -Path and -LiteralPath' {
    It 'reads the folder named host[1] with -LiteralPath, not host1' {
        $read = Get-DockerCertificate -LiteralPath $bracket
        ($read | Where-Object Kind -eq 'Client').CommonName | Should -Be 'bracket'
        ($read | Where-Object Kind -eq 'Client').Path | Should -Be (Join-Path $bracket 'cert.pem')
    }

    It 'takes host[1] in -Path as a wildcard pattern, as Get-ChildItem does: it matches host1' {
        (Get-DockerCertificate -Path $bracket | Where-Object Kind -eq 'Client').CommonName | Should -Be 'plain'
    }

    It 'reads every folder a wildcard matches' {
        $read = Get-DockerCertificate -Path (Join-Path $root 'host*') | Where-Object Kind -eq 'Client'
        $read.CommonName | Sort-Object | Should -Be @('bracket', 'plain')
    }

    It 'binds the PSPath of Get-ChildItem output to -LiteralPath, so host[1] is read as itself' {
        $read = Get-ChildItem -LiteralPath $root -Directory -Filter 'host*' | Get-DockerCertificate | Where-Object Kind -eq 'Client'
        $read.CommonName | Sort-Object | Should -Be @('bracket', 'plain')
    }

    It 'reports a pattern that matches nothing with CertificateNotFound and a hint, and reads the other paths' {
        $read = Get-DockerCertificate -Path (Join-Path $root 'host[2]'), $plain -ErrorVariable problems -ErrorAction SilentlyContinue
        ($read | Where-Object Kind -eq 'Client').CommonName | Should -Be 'plain'
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'CertificateNotFound,DockerTls.Commands.GetDockerCertificateCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].Exception.Message | Should -Match '-LiteralPath'
    }

    It 'reports a -LiteralPath that does not exist with CertificateNotFound' {
        { Get-DockerCertificate -LiteralPath (Join-Path $root 'host[2]') -ErrorAction Stop } |
            Should -Throw -ErrorId 'CertificateNotFound,DockerTls.Commands.GetDockerCertificateCommand'
    }

    It 'refuses a path of another provider with NotAFileSystemPath, by -Path and by -LiteralPath' {
        { Get-DockerCertificate -Path Env:PATH } | Should -Throw -ErrorId 'NotAFileSystemPath,DockerTls.Commands.GetDockerCertificateCommand'
        { Get-DockerCertificate -LiteralPath Env:PATH } | Should -Throw -ErrorId 'NotAFileSystemPath,DockerTls.Commands.GetDockerCertificateCommand'
        { Get-DockerCertificate -Path 'Env:NO_SUCH_VARIABLE*' } | Should -Throw -ErrorId 'NotAFileSystemPath,DockerTls.Commands.GetDockerCertificateCommand'
    }

    It 'takes -CAPath (a CA file) literally' {
        $other = Join-Path $root 'ca1'
        New-DockerCA -OutputPath $other -KeyAlgorithm ECDSA | Out-Null
        $literalCA = Join-Path $root 'ca[1]'
        Copy-Item -LiteralPath (Join-Path $root 'ca') -Destination $literalCA -Recurse
        (Get-DockerCertificate -LiteralPath $bracket -CAPath (Join-Path $literalCA 'ca.pem') | Where-Object Kind -eq 'Client').ChainValid | Should -BeTrue
    }
}

Describe 'Install-DockerClientCert -Path and -LiteralPath' {
    It 'installs the client set of host[1] with -LiteralPath' {
        $destination = Join-Path $TestDrive 'dest-literal'
        $installed = Install-DockerClientCert -LiteralPath $bracket -Destination $destination
        $installed.CommonName | Should -Be 'bracket'
        Get-SubjectCN (Join-Path $destination 'cert.pem') | Should -Be 'bracket'
    }

    It 'installs from the one folder a wildcard -Path matches' {
        $destination = Join-Path $TestDrive 'dest-wild'
        Install-DockerClientCert -Path $bracket -Destination $destination | Out-Null
        Get-SubjectCN (Join-Path $destination 'cert.pem') | Should -Be 'plain'
    }

    It 'takes the Path of a certificate piped from New-DockerClientCert literally: client[1], not client1' {
        $ca | New-DockerClientCert -CommonName decoy -OutputPath (Join-Path $root 'client1') -KeyAlgorithm ECDSA | Out-Null
        $destination = Join-Path $TestDrive 'dest-piped'
        $ca | New-DockerClientCert -CommonName piped -OutputPath (Join-Path $root 'client[1]') -KeyAlgorithm ECDSA |
            Install-DockerClientCert -Destination $destination | Out-Null
        Get-SubjectCN (Join-Path $destination 'cert.pem') | Should -Be 'piped'
    }

    It 'refuses a -Path that matches several folders, installing nothing' {
        $destination = Join-Path $TestDrive 'dest-several'
        { Install-DockerClientCert -Path (Join-Path $root 'host*') -Destination $destination -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClientCertificatePathAmbiguous,DockerTls.Commands.InstallDockerClientCertCommand'
        Test-Path $destination | Should -BeFalse
    }

    It 'reports a -Path that matches nothing with ClientCertificateNotFound, installing nothing' {
        $destination = Join-Path $TestDrive 'dest-none'
        { Install-DockerClientCert -Path (Join-Path $root 'host[2]') -Destination $destination -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClientCertificateNotFound,DockerTls.Commands.InstallDockerClientCertCommand'
        Test-Path $destination | Should -BeFalse
    }
}

Describe 'Single locations are literal' {
    It 'issues from the CA in ca[1] given as -CAPath, not from ca1' {
        $caBracket = Join-Path $TestDrive 'lit/ca[1]'
        $caPlain = Join-Path $TestDrive 'lit/ca1'
        New-DockerCA -OutputPath $caBracket -CommonName 'CA bracket' -KeyAlgorithm ECDSA | Out-Null
        New-DockerCA -OutputPath $caPlain -CommonName 'CA plain' -KeyAlgorithm ECDSA | Out-Null
        $issued = New-DockerServerCert -CAPath $caBracket -DnsName lit.example.com -OutputPath (Join-Path $TestDrive 'lit/out[1]') -KeyAlgorithm ECDSA
        $issued.Issuer | Should -Match 'CA bracket'
        # Quoted, so that PowerShell on Unix does not expand the [1] of a native command's argument as a wildcard.
        $caFile = Join-Path $caBracket 'ca.pem'
        (& openssl verify -x509_strict -CAfile "$caFile" "$($issued.Path)" 2>&1) -join ' ' | Should -Match ': OK$'
    }
}
