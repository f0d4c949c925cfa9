#requires -Version 7.0
# -WhatIf with nothing to change says so (issue 17, item 12): for every cmdlet whose run can find its work already done,
# a second run with -WhatIf prints "What if: Nothing to change: ..." instead of "What if: Performing the operation ...",
# and writes nothing. A first run with -WhatIf still describes the change. The What if lines go to the host, which
# only a transcript records, so each case runs inside Start-Transcript. HOME and DOCKER_CONFIG are in $TestDrive.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    $script:saved = @{}
    foreach ($variable in 'HOME', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT') {
        $saved[$variable] = [Environment]::GetEnvironmentVariable($variable)
        Remove-Item "Env:$variable" -ErrorAction Ignore
    }
    $script:savedProfile = $global:PROFILE
    $env:HOME = Join-Path $TestDrive 'home'
    New-Item -ItemType Directory $env:HOME | Out-Null
    $global:PROFILE = [pscustomobject]@{ CurrentUserAllHosts = (Join-Path $env:HOME '.config/powershell/profile.ps1') }

    $script:kit = Join-Path $TestDrive 'kit'
    Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null
    $script:client = Join-Path $kit 'client'
    $script:server = Join-Path $kit 'server'

    function Get-WhatIfText([scriptblock] $Block) {
        $transcript = Join-Path $TestDrive "whatif-$([guid]::NewGuid().ToString('N')).txt"
        Start-Transcript -Path $transcript | Out-Null
        try { & $Block | Out-Null } finally { Stop-Transcript | Out-Null }
        (Get-Content -Raw $transcript) -replace '\r?\n', ' '
    }
    # A folder that does not exist yet (a fresh home has no ~/.config/powershell) is part of the state as "absent".
    function Get-Snapshot([string[]] $Path) {
        $absent = @($Path | Where-Object { -not (Test-Path -LiteralPath $_) } | ForEach-Object { "$_ absent" })
        $present = @($Path | Where-Object { Test-Path -LiteralPath $_ })
        (@($absent) + @(Get-ChildItem -Recurse -Force -LiteralPath $present | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { "$($_.FullName) $($_.UnixMode)" } else { "$($_.FullName) $($_.UnixMode) $((Get-FileHash $_.FullName).Hash)" }
        })) -join "`n"
    }
    # The state of a case: files under the given folders and the three variables.
    function Get-State([string[]] $Path) {
        $variables = @('DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH') | ForEach-Object { "$_=$([Environment]::GetEnvironmentVariable($_))" }
        (Get-Snapshot $Path) + "`n" + ($variables -join ';')
    }
}

AfterAll {
    foreach ($variable in $saved.Keys) { [Environment]::SetEnvironmentVariable($variable, $saved[$variable]) }
    $global:PROFILE = $savedProfile
}

Describe '-WhatIf with nothing to change' {
    BeforeEach {
        foreach ($variable in 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT') { Remove-Item "Env:$variable" -ErrorAction Ignore }
        $script:case = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $case | Out-Null
        $env:DOCKER_CONFIG = Join-Path $case 'docker'
    }

    It '<Cmdlet>: describes the change before the first run, says "Nothing to change" after it, and writes nothing' -ForEach @(
        @{ Cmdlet = 'Set-DockerDaemonConfig'; Paths = { @($case) }; Run = {
                param([switch] $WhatIf)
                Set-DockerDaemonConfig -Path "$case/daemon.json" -CertPath $server -CertDestination "$case/certs" -SystemdRoot "$case/no-systemd" -WhatIf:$WhatIf -Confirm:$false -WarningAction SilentlyContinue 6>$null
            } }
        @{ Cmdlet = 'Set-DockerDaemonConfig -ConfigureSystemd'; Paths = { @($case) }; Setup = {
                # Debian's docker.service passes -H fd://: the drop-in is part of the change.
                $unit = "$case/root/lib/systemd/system/docker.service"
                New-Item -ItemType Directory -Force (Split-Path $unit) | Out-Null
                [IO.File]::WriteAllText($unit, "[Service]`nExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock`n")
            }; Run = {
                param([switch] $WhatIf)
                Set-DockerDaemonConfig -Path "$case/daemon.json" -CertPath $server -CertDestination "$case/certs" -SystemdRoot "$case/root" -ConfigureSystemd -WhatIf:$WhatIf -Confirm:$false -WarningAction SilentlyContinue 6>$null
            } }
        @{ Cmdlet = 'Install-DockerClientCert'; Paths = { @($case) }; Run = {
                param([switch] $WhatIf)
                Install-DockerClientCert -Path $client -Destination "$case/installed" -WhatIf:$WhatIf
            } }
        @{ Cmdlet = 'Set-DockerClientEnv'; Paths = { @($case) }; Run = {
                param([switch] $WhatIf)
                Set-DockerClientEnv -DockerHost tcp://localhost:2376 -CertPath $client -WhatIf:$WhatIf
            } }
        @{ Cmdlet = 'Set-DockerClientEnv -Scope User'; Paths = { @($case, (Split-Path $PROFILE.CurrentUserAllHosts)) }; Run = {
                param([switch] $WhatIf)
                Set-DockerClientEnv -DockerHost tcp://localhost:2376 -CertPath $client -Scope User -WhatIf:$WhatIf
            } }
        @{ Cmdlet = 'New-DockerContext'; Paths = { @($case) }; Run = {
                param([switch] $WhatIf)
                New-DockerContext -Name prod -DockerHost localhost -CertPath $client -Description 'the prod host' -WhatIf:$WhatIf
            } }
        @{ Cmdlet = 'New-DockerContext -Use'; Paths = { @($case) }; Run = {
                param([switch] $WhatIf)
                New-DockerContext -Name prod -DockerHost localhost -CertPath $client -Use -WhatIf:$WhatIf
            } }
        @{ Cmdlet = 'New-DockerSystemdUnit'; Paths = { @($case) }; Run = {
                param([switch] $WhatIf)
                New-DockerSystemdUnit -Kind Socket -Port 2376 -SystemdRoot "$case/units" -WhatIf:$WhatIf -Confirm:$false 6>$null
            } }
    ) {
        if ($Setup) { & $Setup }
        $before = Get-State (& $Paths)
        $first = Get-WhatIfText { & $Run -WhatIf }
        # A two-line description ("What if: Configure mutual TLS in ...") or ShouldProcess's "Performing the operation".
        $first | Should -Match 'What if: (?!Nothing to change)'
        $first | Should -Not -Match 'Nothing to change'
        Get-State (& $Paths) | Should -Be $before

        & $Run | Out-Null
        $done = Get-State (& $Paths)
        $done | Should -Not -Be $before
        $again = Get-WhatIfText { & $Run -WhatIf }
        $again | Should -Match 'What if: Nothing to change: '
        ([regex]::Matches($again, 'What if: ')).Count | Should -Be 1
        Get-State (& $Paths) | Should -Be $done
    }

    It 'Update-DockerContext: says "Nothing to change" when the context holds the folder''s files, and describes a renewal otherwise' {
        New-DockerContext -Name prod -DockerHost localhost -CertPath $client | Out-Null
        $other = Join-Path $case 'other'
        New-DockerClientCert -CAPath (Join-Path $kit 'ca') -OutputPath $other -KeyAlgorithm ECDSA | Out-Null
        $before = Get-State $case
        Get-WhatIfText { Update-DockerContext -Name prod -CertPath $client -WhatIf } | Should -Match 'What if: Nothing to change: the Docker context ''prod'''
        Get-WhatIfText { Update-DockerContext -Name prod -CertPath $other -WhatIf } | Should -Match 'What if: Performing the operation "Replace the context'
        Get-State $case | Should -Be $before
    }

    It 'Clear-DockerClientEnv: says "Nothing to change" when none of the variables is set' {
        Get-WhatIfText { Clear-DockerClientEnv -WhatIf } | Should -Match 'What if: Nothing to change: none of DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH is set in this session.'
        $env:DOCKER_HOST = 'tcp://localhost:2376'
        Get-WhatIfText { Clear-DockerClientEnv -WhatIf } | Should -Match 'What if: Performing the operation "Remove DOCKER_HOST'
        $env:DOCKER_HOST | Should -Be 'tcp://localhost:2376'
    }

    It 'Install-DockerClientCert: a real run over the very same files succeeds without -Force (they are what -WhatIf called nothing to change)' {
        $destination = Join-Path $case 'twice'
        Install-DockerClientCert -Path $client -Destination $destination | Out-Null
        (Install-DockerClientCert -Path $client -Destination $destination).Path | Should -Be (Join-Path $destination 'cert.pem')
        (& stat -c '%a' (Join-Path $destination 'key.pem')) | Should -Be '400'
    }

    It 'Install-DockerClientCert: a key whose mode was widened is a change (the install makes it 0400 again)' {
        $destination = Join-Path $case 'widened'
        Install-DockerClientCert -Path $client -Destination $destination | Out-Null
        & chmod 0644 (Join-Path $destination 'key.pem')
        Get-WhatIfText { Install-DockerClientCert -Path $client -Destination $destination -WhatIf } | Should -Match 'What if: Performing the operation'
    }
}
