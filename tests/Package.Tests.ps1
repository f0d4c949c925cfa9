#requires -Version 7.0
# The module as a gallery user gets it: the manifest, `build.ps1 -Task Package`, and the package installed with
# PSResourceGet into an empty module path and used from a fresh pwsh that sees nothing else.

BeforeAll {
    $script:root = (Resolve-Path "$PSScriptRoot/..").ProviderPath
    $script:moduleOut = Join-Path $root 'output/DockerTls'
    $script:manifestPath = Join-Path $moduleOut 'DockerTls.psd1'
    Import-Module $manifestPath -Force

    # This pwsh may be `dotnet pwsh.dll` (the local tool): children start the same way.
    $hostPath = [Environment]::ProcessPath
    $script:pwsh = @($hostPath)
    if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { $script:pwsh += [Reflection.Assembly]::GetEntryAssembly().Location }

    function script:Invoke-ChildPwsh([string] $Command, [hashtable] $Environment = @{}) {
        $saved = @{}
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
        try {
            $out = & $script:pwsh[0] @($script:pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $Command 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($out | ForEach-Object { "$_" }) -join "`n" }
        } finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}

Describe 'DockerTls.psd1' {
    Context 'The built manifest' {
        It 'passes Test-ModuleManifest' {
            $m = Test-ModuleManifest $manifestPath -ErrorAction Stop
            $m.Name | Should -Be 'DockerTls'
            $m.Version | Should -Be ([version] ([xml] (Get-Content -Raw "$root/Directory.Build.props")).Project.PropertyGroup.Version)
        }

        It 'has what a gallery shows: description, author, tags, project and licence addresses' {
            $data = Import-PowerShellDataFile $manifestPath
            $data.Description | Should -Not -BeNullOrEmpty
            $data.Author | Should -Not -BeNullOrEmpty
            foreach ($tag in 'docker', 'tls', 'certificate', 'pki', 'security') { $data.PrivateData.PSData.Tags | Should -Contain $tag }
            $data.PrivateData.PSData.ProjectUri | Should -Be 'https://github.com/DockerTls/DockerTls'
            $data.PrivateData.PSData.LicenseUri | Should -Be 'https://github.com/DockerTls/DockerTls/blob/main/LICENSE'
        }

        It 'runs on Windows PowerShell 5.1 and PowerShell 7' {
            $data = Import-PowerShellDataFile $manifestPath
            $data.PowerShellVersion | Should -Be '5.1'
            $data.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
            $data.FormatsToProcess | Should -Be @('DockerTls.Format.ps1xml')
            # The cmdlet assembly is the root module; its dependencies are in bin/deps, which PowerShell does not search,
            # so that only its initializer binds them (on PowerShell 7 in a load context of their own).
            $data.RootModule | Should -Be 'bin/DockerTls.dll'
            $data.ScriptsToProcess | Should -Be @('DockerTls.Requirements.ps1')
            $data.Keys | Should -Not -Contain 'RequiredAssemblies'
            $data.Keys | Should -Not -Contain 'NestedModules'
            foreach ($path in 'bin/DockerTls.dll', 'bin/deps/DockerTls.Core.dll', 'bin/deps/BouncyCastle.Cryptography.dll', 'DockerTls.Requirements.ps1', 'DockerTls.Desktop.ps1') {
                Join-Path $moduleOut $path | Should -Exist
            }
            foreach ($name in 'DockerTls.Core.dll', 'BouncyCastle.Cryptography.dll') {
                Join-Path $moduleOut $name | Should -Not -Exist
                Join-Path $moduleOut "bin/$name" | Should -Not -Exist
            }
            @(Get-ChildItem -Recurse $moduleOut -Include *.psm1, DockerTls.Loader.dll) | Should -BeNullOrEmpty
            Join-Path $moduleOut 'DockerTls.Format.ps1xml' | Should -Exist
        }

        It 'exports exactly the cmdlets the assembly defines, listed without wildcards' {
            $data = Import-PowerShellDataFile $manifestPath
            $data.CmdletsToExport | Where-Object { $_ -match '[*?]' } | Should -BeNullOrEmpty
            $data.FunctionsToExport.Count | Should -Be 0
            $data.AliasesToExport.Count | Should -Be 0
            $defined = [DockerTls.DockerTlsCmdlet].Assembly.GetTypes() |
                Where-Object { -not $_.IsAbstract } |
                ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
                ForEach-Object { "$($_.VerbName)-$($_.NounName)" }
            @($data.CmdletsToExport | Sort-Object) | Should -Be @($defined | Sort-Object)
            @((Get-Module DockerTls).ExportedCmdlets.Keys | Sort-Object) | Should -Be @($defined | Sort-Object)
        }

        It 'ships the MIT licence beside the module' {
            Join-Path $moduleOut 'LICENSE' | Should -Exist
            Get-Content -Raw (Join-Path $moduleOut 'LICENSE') | Should -Match '^MIT License'
            (Get-FileHash (Join-Path $moduleOut 'LICENSE')).Hash | Should -Be (Get-FileHash (Join-Path $root 'LICENSE')).Hash
        }
    }
}

Describe 'build.ps1 -Task Package' {
    BeforeAll {
        $script:version = ([xml] (Get-Content -Raw "$root/Directory.Build.props")).Project.PropertyGroup.Version
        $script:package = Join-Path $root "output/repository/DockerTls.$version.nupkg"
        $script:packageRun = Invoke-ChildPwsh "& '$root/build.ps1' -Task Package"
        $script:repoName = "DockerTlsTest-$PID"
        Import-Module Microsoft.PowerShell.PSResourceGet
        Register-PSResourceRepository -Name $repoName -Uri (Join-Path $root 'output/repository') -Trusted
        $script:modules = Join-Path $TestDrive 'modules'
        New-Item -ItemType Directory $modules | Out-Null
    }

    AfterAll {
        Unregister-PSResourceRepository -Name $repoName -ErrorAction SilentlyContinue
    }

    Context 'The package' {
        It 'is made by the Package task in output/repository' {
            $packageRun.ExitCode | Should -Be 0 -Because $packageRun.Output
            $package | Should -Exist
        }

        It 'holds the module, its format file, its help and the licence, and no build leftovers' {
            Add-Type -AssemblyName System.IO.Compression.FileSystem
            $zip = [IO.Compression.ZipFile]::OpenRead($package)
            try { $names = $zip.Entries.FullName } finally { $zip.Dispose() }
            foreach ($name in 'DockerTls.psd1', 'DockerTls.Requirements.ps1', 'DockerTls.Desktop.ps1', 'bin/DockerTls.dll', 'bin/deps/DockerTls.Core.dll', 'bin/deps/BouncyCastle.Cryptography.dll',
                'DockerTls.Format.ps1xml', 'LICENSE', 'en-US/DockerTls.dll-Help.xml', 'en-US/about_DockerTls.help.txt') {
                $names | Should -Contain $name
            }
            $names | Where-Object { $_ -match '\.(pdb|deps\.json|cs|md)$' } | Should -BeNullOrEmpty
        }

        It 'is found in the repository with the manifest''s version, tags and licence' {
            $found = Find-PSResource -Name DockerTls -Repository $repoName
            $found.Version | Should -Be ([version] $version)
            $found.Tags | Should -Contain 'docker'
            "$($found.LicenseUri)" | Should -Be 'https://github.com/DockerTls/DockerTls/blob/main/LICENSE'
        }
    }

    Context 'Installed from the repository into an empty module path' {
        BeforeAll {
            Save-PSResource -Name DockerTls -Repository $repoName -Path $modules -TrustRepository -ErrorAction Stop
            $script:kit = Join-Path $TestDrive 'kit'
            $system = Join-Path $PSHOME 'Modules'
            $command = @"
`$ErrorActionPreference = 'Stop'
Import-Module DockerTls
`$module = Get-Module DockerTls
`$certs = Initialize-DockerTls -KeyAlgorithm ECDSA -DnsName localhost -OutputPath '$kit'
[pscustomobject]@{
    ModuleBase = `$module.ModuleBase
    Version    = "`$(`$module.Version)"
    Kinds      = @(`$certs | ForEach-Object { "`$(`$_.Kind)" })
    Synopsis   = "`$((Get-Help New-DockerCA).Synopsis)"
    About      = (Get-Help about_DockerTls | Out-String).Length
} | ConvertTo-Json -Compress
"@
            $script:run = Invoke-ChildPwsh $command @{ PSModulePath = "$modules$([IO.Path]::PathSeparator)$system" }
            $script:result = $null
            if ($run.ExitCode -eq 0) { $script:result = ($run.Output -split "`n")[-1] | ConvertFrom-Json }
        }

        It 'is laid out as a module folder DockerTls/version' {
            Join-Path $modules "DockerTls/$version/DockerTls.psd1" | Should -Exist
        }

        It 'imports in a fresh pwsh from that path alone' {
            $run.ExitCode | Should -Be 0 -Because $run.Output
            $result.ModuleBase | Should -Be (Join-Path $modules "DockerTls/$version")
            $result.Version | Should -Be $version
        }

        It 'runs Initialize-DockerTls there: a CA, a server and a client certificate that openssl accepts' {
            $result.Kinds | Should -Be @('CA', 'Server', 'Client')
            & openssl verify -x509_strict -purpose sslserver -CAfile "$kit/ca/ca.pem" "$kit/server/server-cert.pem" 2>&1 | Should -Match ': OK$'
            & openssl verify -x509_strict -purpose sslclient -CAfile "$kit/ca/ca.pem" "$kit/client/cert.pem" 2>&1 | Should -Match ': OK$'
            & openssl x509 -in "$kit/server/server-cert.pem" -noout -ext subjectAltName 2>&1 | Out-String | Should -Match 'DNS:localhost'
            & stat -c %a "$kit/server/server-key.pem" | Should -Be '400'
        }

        It 'brings its help: Get-Help New-DockerCA shows the synopsis, about_DockerTls is there' {
            $page = Get-Content -Raw (Join-Path $root 'en-US/New-DockerCA.md')
            $synopsis = ([regex]::Match($page, '(?ms)^## SYNOPSIS\s*(.+?)\s*^## ')).Groups[1].Value.Trim()
            $result.Synopsis | Should -Be $synopsis
            $result.About | Should -BeGreaterThan 1000
        }
    }
}

Describe 'build.ps1 -Task Install' {
    BeforeAll {
        $script:version = ([xml] (Get-Content -Raw "$root/Directory.Build.props")).Project.PropertyGroup.Version
        # A user with an empty home, as on a fresh machine: no PSModulePath of this session, no XDG_DATA_HOME. The NuGet
        # cache and the dotnet CLI's home stay the real ones, so that the build restores nothing from the network.
        $script:userHome = Join-Path $TestDrive 'install-home'
        New-Item -ItemType Directory $userHome | Out-Null
        $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
        $script:userEnvironment = @{
            HOME = $userHome; PSModulePath = $null; XDG_DATA_HOME = $null
            NUGET_PACKAGES = $nuget; DOTNET_CLI_HOME = [Environment]::GetFolderPath('UserProfile')
        }
        $script:target = Join-Path $userHome ".local/share/powershell/Modules/DockerTls/$version"
        # An older build of this version and another version, already installed.
        $script:other = Join-Path $userHome '.local/share/powershell/Modules/DockerTls/0.0.1'
        New-Item -ItemType Directory $other, $target | Out-Null
        Set-Content (Join-Path $target 'stale.txt') 'left by an older build'
        $script:installRun = Invoke-ChildPwsh "& '$root/build.ps1' -Task Install" $userEnvironment
    }

    It 'puts the built module into the user''s module folder, DockerTls/<version>' {
        $installRun.ExitCode | Should -Be 0 -Because $installRun.Output
        Join-Path $target 'DockerTls.psd1' | Should -Exist
        Join-Path $target 'en-US/about_DockerTls.help.txt' | Should -Exist
        $installRun.Output | Should -BeLike "*Installed DockerTls $version into $target (CurrentUser)*"
    }

    It 'lets a new pwsh of that user run Import-Module DockerTls from any folder' {
        $command = "Set-Location '$TestDrive'; Import-Module DockerTls -ErrorAction Stop; `$m = Get-Module DockerTls; `"`$(`$m.ModuleBase)|`$(`$m.Version)|`$((Get-Command -Module DockerTls).Count)`""
        $run = Invoke-ChildPwsh $command $userEnvironment
        $run.ExitCode | Should -Be 0 -Because $run.Output
        ($run.Output -split "`n")[-1] | Should -Be "$target|$version|$((Import-PowerShellDataFile (Join-Path $root 'output/DockerTls/DockerTls.psd1')).CmdletsToExport.Count)"
    }

    It 'replaces only its own version, and leaves other versions beside it' {
        Join-Path $target 'stale.txt' | Should -Not -Exist
        $other | Should -Exist
    }
}
