#requires -Version 7.0
# Remove-DockerContext, the undo of New-DockerContext (issue 17, item 12). The oracle is the real docker CLI:
# docker context ls / show with DOCKER_CONFIG pointing at the test folder, and docker context rm's own rules
# (the current context only with -f, 'default' never).

BeforeDiscovery {
    $script:hasDocker = [bool] (Get-Command docker -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../output/DockerTls/DockerTls.psd1') -Force
    $script:kit = Join-Path $TestDrive 'kit'
    Initialize-DockerTls -OutputPath $kit -DnsName localhost -IPAddress 127.0.0.1 -KeyAlgorithm ECDSA | Out-Null
    $script:client = Join-Path $kit 'client'
    $script:saved = @{}
    foreach ($name in 'DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_CONTEXT') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $null)
    }

    function Get-ContextNames { @(& docker context ls --format '{{.Name}}' 2>&1) }
    function Get-Snapshot([string] $Path) {
        (Get-ChildItem -Recurse -Force $Path | Sort-Object FullName | ForEach-Object {
            if ($_.PSIsContainer) { $_.FullName } else { "$($_.FullName) $((Get-FileHash $_.FullName).Hash)" }
        }) -join "`n"
    }
}

AfterAll {
    foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
}

Describe 'Remove-DockerContext' -Skip:(-not $hasDocker) {
    BeforeEach {
        $env:DOCKER_CONFIG = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-DockerContext -Name prod -DockerHost 'localhost' -CertPath $client | Out-Null
        New-DockerContext -Name stage -DockerHost '127.0.0.1:2377' -CertPath $client | Out-Null
    }

    It 'removes a context so that docker context ls no longer lists it, and leaves the others and the source folder' {
        $before = Get-Snapshot $client
        Get-ContextNames | Should -Contain 'prod'
        Remove-DockerContext -Name prod
        Get-ContextNames | Should -Not -Contain 'prod'
        Get-ContextNames | Should -Contain 'stage'
        @(Get-ChildItem (Join-Path $env:DOCKER_CONFIG 'contexts/meta')).Count | Should -Be 1
        @(Get-ChildItem (Join-Path $env:DOCKER_CONFIG 'contexts/tls')).Count | Should -Be 1
        Get-Snapshot $client | Should -Be $before
    }

    It 'takes names and New-DockerContext objects from the pipeline' {
        'prod' | Remove-DockerContext
        New-DockerContext -Name qa -DockerHost localhost -CertPath $client | Remove-DockerContext
        Get-ContextNames | Should -Not -Contain 'prod'
        Get-ContextNames | Should -Not -Contain 'qa'
        Get-ContextNames | Should -Contain 'stage'
    }

    It 'refuses the current context with ContextInUse, as docker context rm does, and changes nothing' {
        New-DockerContext -Name live -DockerHost localhost -CertPath $client -Use | Out-Null
        $before = Get-Snapshot $env:DOCKER_CONFIG
        & docker context rm live 2>&1 | Out-String | Should -Match 'in use'
        { Remove-DockerContext -Name live } | Should -Throw -ErrorId 'ContextInUse,*'
        Get-Snapshot $env:DOCKER_CONFIG | Should -Be $before
        (& docker context show) | Should -Be 'live'
    }

    It 'with -Force removes the current context and takes currentContext out of config.json, keeping its other keys' {
        New-DockerContext -Name live -DockerHost localhost -CertPath $client -Use | Out-Null
        $configPath = Join-Path $env:DOCKER_CONFIG 'config.json'
        $config = Get-Content -Raw $configPath | ConvertFrom-Json -AsHashtable
        $config['auths'] = @{}
        $config | ConvertTo-Json | Set-Content $configPath
        & chmod 0640 $configPath
        Remove-DockerContext -Name live -Force
        (& docker context show) | Should -Be 'default'
        Get-ContextNames | Should -Not -Contain 'live'
        $after = Get-Content -Raw $configPath | ConvertFrom-Json -AsHashtable
        $after.Keys | Should -Not -Contain 'currentContext'
        $after.Keys | Should -Contain 'auths'
        (& stat -c '%a' $configPath) | Should -Be '640'
    }

    It 'refuses default with ContextReserved and a missing name with ContextNotFound' {
        $before = Get-Snapshot $env:DOCKER_CONFIG
        { Remove-DockerContext -Name default } | Should -Throw -ErrorId 'ContextReserved,*'
        { Remove-DockerContext -Name nosuch } | Should -Throw -ErrorId 'ContextNotFound,*'
        Get-Snapshot $env:DOCKER_CONFIG | Should -Be $before
    }

    It 'reports a missing name among several and removes the others' {
        Remove-DockerContext -Name nosuch, prod -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.FullyQualifiedErrorId | Should -BeLike 'ContextNotFound,*'
        Get-ContextNames | Should -Not -Contain 'prod'
    }

    It '-WhatIf removes nothing and meets the same refusal as a real run' {
        New-DockerContext -Name live -DockerHost localhost -CertPath $client -Use | Out-Null
        $before = Get-Snapshot $env:DOCKER_CONFIG
        Remove-DockerContext -Name prod -WhatIf
        { Remove-DockerContext -Name live -WhatIf } | Should -Throw -ErrorId 'ContextInUse,*'
        Get-Snapshot $env:DOCKER_CONFIG | Should -Be $before
    }
}
