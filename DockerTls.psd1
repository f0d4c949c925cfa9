@{
    RootModule           = 'bin/DockerTls.dll'
    # Windows PowerShell 5.1's checks (.NET Framework 4.7.2, another BouncyCastle loaded), run before the root module;
    # one line that calls DockerTls.Desktop.ps1 under Windows PowerShell only.
    ScriptsToProcess     = @('DockerTls.Requirements.ps1')
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0b7d64-3c1e-4f6a-9a51-2d9c7e8b1a40'
    Author               = 'DockerTls contributors'
    CompanyName          = 'DockerTls'
    Copyright            = '(c) DockerTls contributors. MIT License.'
    Description          = 'Mutual TLS for the Docker daemon in a few cmdlets: a CA, server and client certificates, daemon.json, systemd units, client environment, Docker contexts and a connection diagnosis.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('DockerTls.Format.ps1xml')
    CmdletsToExport      = @(
        'New-DockerCA'
        'New-DockerServerCert'
        'New-DockerClientCert'
        'Revoke-DockerClientCert'
        'Initialize-DockerTls'
        'Get-DockerCertificate'
        'Update-DockerCertificate'
        'Start-DockerCARollover'
        'Complete-DockerCARollover'
        'Set-DockerDaemonConfig'
        'Get-DockerDaemonConfig'
        'New-DockerSystemdUnit'
        'Install-DockerClientCert'
        'Uninstall-DockerClientCert'
        'Set-DockerClientEnv'
        'Get-DockerClientEnv'
        'Clear-DockerClientEnv'
        'New-DockerContext'
        'Update-DockerContext'
        'Remove-DockerContext'
        'Test-DockerTlsConnection'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('docker', 'tls', 'certificate', 'pki', 'security')
            ProjectUri   = 'https://github.com/DockerTls/DockerTls'
            LicenseUri   = 'https://github.com/DockerTls/DockerTls/blob/main/LICENSE'
        }
    }
}
