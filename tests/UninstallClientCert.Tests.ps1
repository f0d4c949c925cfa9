#requires -Version 7.0
# Uninstall-DockerClientCert, the undo of Install-DockerClientCert (issue 17, item 12): real files installed by the
# module, their modes, links, FIFOs and other users' files made for real (chown, as root), and the real docker CLI
# as the oracle of what the removal means to it. HOME and DOCKER_CONFIG point into $TestDrive: the real ~/.docker is
# never touched.

BeforeDiscovery {
    $script:isRoot = $IsLinux -and ((& id -u) -eq '0')
    $script:hasDocker = [bool] (Get-Command docker -CommandType Application -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    $script:saved = @{}
    foreach ($variable in 'HOME', 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT') {
        $saved[$variable] = [Environment]::GetEnvironmentVariable($variable)
        Remove-Item "Env:$variable" -ErrorAction Ignore
    }
    $env:HOME = Join-Path $TestDrive 'home'
    New-Item -ItemType Directory $env:HOME | Out-Null

    $script:kit = Join-Path $TestDrive 'kit'
    Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA 6>$null | Out-Null
    $script:client = Join-Path $kit 'client'
    $script:other = Join-Path $TestDrive 'other'
    Initialize-DockerTls -OutputPath $other -DnsName localhost -KeyAlgorithm ECDSA 6>$null | Out-Null
    $script:id = 'DockerTls.Commands.UninstallDockerClientCertCommand'

    function Get-Mode([string] $Path) { (& stat -c '%a' $Path) }
    function Get-Snapshot([string] $Path) {
        (Get-ChildItem -Recurse -Force $Path | Sort-Object FullName | ForEach-Object {
            $type, $owner = (& stat -c '%F|%u' $_.FullName) -split '\|'
            $line = "$($_.FullName) $type $owner $($_.UnixMode) $($_.LinkTarget)"
            # Only a regular file is hashed: reading a FIFO would block (and UnixMode shows a FIFO as '-').
            if ($type -like 'regular*') { "$line $((Get-FileHash $_.FullName).Hash)" } else { $line }
        }) -join "`n"
    }
    # A folder as Install-DockerClientCert leaves it, beside a config.json of the CLI's.
    function New-Installed([string] $Name) {
        $folder = Join-Path $TestDrive $Name
        Install-DockerClientCert -Path $client -Destination $folder | Out-Null
        Set-Content -Path (Join-Path $folder 'config.json') -Value '{"auths": {}}'
        return $folder
    }
    function Get-WhatIfText([scriptblock] $Block) {
        # What if: lines go to the host, which only a transcript records.
        $transcript = Join-Path $TestDrive "whatif-$([guid]::NewGuid().ToString('N')).txt"
        Start-Transcript -Path $transcript | Out-Null
        try { & $Block } finally { Stop-Transcript | Out-Null }
        Get-Content -Raw $transcript
    }
}

AfterAll {
    foreach ($variable in $saved.Keys) { [Environment]::SetEnvironmentVariable($variable, $saved[$variable]) }
}

Describe 'Uninstall-DockerClientCert' {
    BeforeEach {
        foreach ($variable in 'DOCKER_CONFIG', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH') { Remove-Item "Env:$variable" -ErrorAction Ignore }
    }

    Context 'What Install-DockerClientCert installed' {
        It 'removes key.pem, cert.pem and ca.pem from $env:DOCKER_CONFIG, keeps the folder (0700) and config.json, and says what it removed' {
            $env:DOCKER_CONFIG = New-Installed 'installed'
            $config = Get-FileHash (Join-Path $env:DOCKER_CONFIG 'config.json')
            Get-Mode (Join-Path $env:DOCKER_CONFIG 'key.pem') | Should -Be '400'
            $result = Uninstall-DockerClientCert -Verbose 4>&1
            $verbose = @($result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and "$_" -like 'Removed *' })
            $removed = $result | Where-Object { $_ -is [DockerTls.Core.Client.UninstalledClientCertificate] }
            $removed.Folder | Should -Be $env:DOCKER_CONFIG
            $removed.Removed | Should -Be @('key.pem', 'cert.pem', 'ca.pem')
            $removed.Subject | Should -Be (Get-DockerCertificate (Join-Path $client 'cert.pem')).Subject
            $verbose.Count | Should -Be 3
            "$($verbose[0])" | Should -Be "Removed '$(Join-Path $env:DOCKER_CONFIG 'key.pem')'."
            foreach ($file in 'ca.pem', 'cert.pem', 'key.pem') { Join-Path $env:DOCKER_CONFIG $file | Should -Not -Exist }
            (Get-FileHash (Join-Path $env:DOCKER_CONFIG 'config.json')).Hash | Should -Be $config.Hash
            Get-Mode $env:DOCKER_CONFIG | Should -Be '700'
            foreach ($file in 'ca.pem', 'cert.pem', 'key.pem') { Join-Path $client $file | Should -Exist }
        }

        It 'goes to ~/.docker by default, and -Destination (as for the install) names another folder' {
            Install-DockerClientCert -Path $client | Out-Null
            $default = Join-Path $env:HOME '.docker'
            $elsewhere = New-Installed 'elsewhere'
            (Uninstall-DockerClientCert).Folder | Should -Be $default
            Join-Path $default 'key.pem' | Should -Not -Exist
            Join-Path $elsewhere 'key.pem' | Should -Exist
            (Uninstall-DockerClientCert -Destination $elsewhere).Removed.Count | Should -Be 3
            Join-Path $elsewhere 'key.pem' | Should -Not -Exist
        }

        It 'removes what is left when some files were deleted by hand' {
            $folder = New-Installed 'partial'
            Remove-Item -Force (Join-Path $folder 'key.pem')
            (Uninstall-DockerClientCert -Path $folder).Removed | Should -Be @('cert.pem', 'ca.pem')
            @(Get-ChildItem -Force $folder).Name | Should -Be @('config.json')
        }

        It 'warns when DOCKER_TLS_VERIFY still sends the docker CLI to the files removed, and the CLI fails as the warning says' -Skip:(-not $hasDocker) {
            $env:DOCKER_CONFIG = New-Installed 'verify'
            $env:DOCKER_TLS_VERIFY = '1'
            Uninstall-DockerClientCert -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
            "$warnings" | Should -Match 'DOCKER_TLS_VERIFY is set'
            "$warnings" | Should -Match 'Clear-DockerClientEnv'
            $quoted = [regex]::Match("$warnings", '"(open [^"]+)"').Groups[1].Value
            $output = & docker -H tcp://127.0.0.1:9 version 2>&1 | Out-String
            $output | Should -Match ([regex]::Escape($quoted))
        }
    }

    Context '-WhatIf' {
        It 'names the files it would remove and removes nothing' {
            $folder = New-Installed 'whatif'
            $before = Get-Snapshot $folder
            $text = Get-WhatIfText { Uninstall-DockerClientCert -Path $folder -WhatIf | Should -BeNullOrEmpty }
            $text | Should -Match ([regex]::Escape("What if: Performing the operation `"Remove key.pem, cert.pem, ca.pem"))
            $text | Should -Match ([regex]::Escape($folder))
            Get-Snapshot $folder | Should -Be $before
        }

        It 'meets the same refusal as a real run' {
            $folder = New-Installed 'whatif-refused'
            Copy-Item -Force (Join-Path $other 'client/key.pem') (Join-Path $folder 'key.pem')
            $before = Get-Snapshot $folder
            { Uninstall-DockerClientCert -Path $folder -WhatIf } | Should -Throw -ErrorId "ClientFileNotDockerTls,$id"
            Get-Snapshot $folder | Should -Be $before
        }
    }

    Context 'Nothing installed' {
        It 'says so with ClientCertificateNotInstalled for <Name>' -ForEach @(
            @{ Name = 'a folder without the files'; Make = { param($f) New-Item -ItemType Directory $f | Out-Null; Set-Content (Join-Path $f 'config.json') '{}' } }
            @{ Name = 'a folder that does not exist'; Make = { param($f) } }
        ) {
            $folder = Join-Path $TestDrive "none-$([guid]::NewGuid().ToString('N'))"
            & $Make $folder
            { Uninstall-DockerClientCert -Path $folder } | Should -Throw -ErrorId "ClientCertificateNotInstalled,$id"
        }
    }

    Context 'Files DockerTls does not install' {
        It 'refuses <Name> with <ErrorId> and removes nothing' -ForEach @(
            @{ Name = 'a key of another pair'; ErrorId = 'ClientFileNotDockerTls'; Spoil = { param($f) Copy-Item -Force (Join-Path $other 'client/key.pem') (Join-Path $f 'key.pem') } }
            @{ Name = 'a server certificate as cert.pem'; ErrorId = 'ClientFileNotDockerTls'; Spoil = { param($f) Copy-Item -Force (Join-Path $kit 'server/server-cert.pem') (Join-Path $f 'cert.pem'); Copy-Item -Force (Join-Path $kit 'server/server-key.pem') (Join-Path $f 'key.pem') } }
            @{ Name = 'a leaf as ca.pem'; ErrorId = 'ClientFileNotDockerTls'; Spoil = { param($f) Copy-Item -Force (Join-Path $f 'cert.pem') (Join-Path $f 'ca.pem') } }
            @{ Name = 'text that is not PEM'; ErrorId = 'ClientFileNotDockerTls'; Spoil = { param($f) Set-Content -Force (Join-Path $f 'cert.pem') 'my notes' } }
            @{ Name = 'an encrypted key'; ErrorId = 'ClientFileNotDockerTls'; Spoil = { param($f) $k = Join-Path $f 'key.pem'; & openssl pkey -in (Join-Path $client 'key.pem') -out "$k.enc" -aes256 -passout pass:secret; Move-Item -Force "$k.enc" $k } }
            @{ Name = 'a FIFO as key.pem'; ErrorId = 'ClientFileNotDockerTls'; Spoil = { param($f) Remove-Item -Force (Join-Path $f 'key.pem'); & mkfifo (Join-Path $f 'key.pem') } }
            @{ Name = 'a folder as cert.pem'; ErrorId = 'ClientFileNotDockerTls'; Spoil = { param($f) Remove-Item -Force (Join-Path $f 'cert.pem'); New-Item -ItemType Directory (Join-Path $f 'cert.pem') | Out-Null } }
            @{ Name = 'a link as key.pem'; ErrorId = 'ClientCertificateLinked'; Spoil = { param($f) Remove-Item -Force (Join-Path $f 'key.pem'); New-Item -ItemType SymbolicLink -Path (Join-Path $f 'key.pem') -Target (Join-Path $client 'key.pem') | Out-Null } }
        ) {
            $folder = New-Installed "spoiled-$([guid]::NewGuid().ToString('N'))"
            & $Spoil $folder
            $before = Get-Snapshot $folder
            $source = Get-Snapshot $client
            { Uninstall-DockerClientCert -Path $folder } | Should -Throw -ErrorId "$ErrorId,$id"
            Get-Snapshot $folder | Should -Be $before
            Get-Snapshot $client | Should -Be $source
        }

        It 'never follows a folder that is a link: ClientCertificateLinked, and the folder it leads to keeps its files' {
            $real = New-Installed 'link-target'
            $link = Join-Path $TestDrive 'link-folder'
            New-Item -ItemType SymbolicLink -Path $link -Target $real | Out-Null
            $before = Get-Snapshot $real
            { Uninstall-DockerClientCert -Path $link } | Should -Throw -ErrorId "ClientCertificateLinked,$id"
            Get-Snapshot $real | Should -Be $before
            (Uninstall-DockerClientCert -Path $real).Removed.Count | Should -Be 3
        }

        It 'names the file and what it holds, and the way out' {
            $folder = New-Installed 'message'
            Copy-Item -Force (Join-Path $other 'client/key.pem') (Join-Path $folder 'key.pem')
            $failure = { Uninstall-DockerClientCert -Path $folder } | Should -Throw -PassThru
            $failure.Exception.Message | Should -Match ([regex]::Escape((Join-Path $folder 'key.pem')))
            $failure.Exception.Message | Should -Match 'not the pair of cert.pem'
            $failure.Exception.Message | Should -Match 'Nothing was removed'
        }
    }

    Context "Another user's files" -Skip:(-not $isRoot) {
        It 'as root refuses files owned by another user (uid 65534) with ClientFileOwnedByOtherUser, and -Force removes them' {
            $folder = New-Installed 'nobody'
            foreach ($file in 'ca.pem', 'cert.pem', 'key.pem') { & chown 65534:65534 (Join-Path $folder $file) }
            $before = Get-Snapshot $folder
            $failure = { Uninstall-DockerClientCert -Path $folder } | Should -Throw -ErrorId "ClientFileOwnedByOtherUser,$id" -PassThru
            $failure.Exception.Message | Should -Match 'uid 65534'
            { Uninstall-DockerClientCert -Path $folder -WhatIf } | Should -Throw -ErrorId "ClientFileOwnedByOtherUser,$id"
            Get-Snapshot $folder | Should -Be $before
            (Uninstall-DockerClientCert -Path $folder -Force).Removed.Count | Should -Be 3
            @(Get-ChildItem -Force $folder).Name | Should -Be @('config.json')
        }

        It 'as a user who may not write the folder: PermissionDenied in words before anything is removed' {
            # The files are nobody's own, the folder root's (0700): nobody reads it (CAP_DAC_READ_SEARCH) but may not write it.
            $folder = New-Installed 'root-folder'
            foreach ($file in 'ca.pem', 'cert.pem', 'key.pem') { & chown 65534:65534 (Join-Path $folder $file) }
            $before = Get-Snapshot $folder
            $pwsh = @([Environment]::ProcessPath)
            if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $pwsh += [Reflection.Assembly]::GetEntryAssembly().Location }
            $module = (Resolve-Path (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1')).ProviderPath
            $command = "Import-Module '$module'; try { Uninstall-DockerClientCert -Path '$folder' } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }"
            $output = @(& setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+dac_read_search --ambient-caps=+dac_read_search `
                $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $command 2>&1 | ForEach-Object { "$_" })
            $output[0] | Should -Be "PermissionDenied,$id"
            $output[1] | Should -Match 'Permission denied'
            $output[1] | Should -Not -Match 'errno'
            Get-Snapshot $folder | Should -Be $before
        }
    }
}
