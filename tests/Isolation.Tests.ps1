# DockerTls beside another module's BouncyCastle.Cryptography. Every BouncyCastle 2.x has assembly version 2.0.0.0,
# so without a load context of its own either copy stops or breaks the other. The other copy here is the real
# BouncyCastle.Cryptography 2.4.0 from NuGet (a PackageDownload of tests/DockerTls.Core.Tests, nothing is
# downloaded at test time), loaded with Add-Type as a module that ships it would. Each case runs in a fresh pwsh.
# Windows PowerShell 5.1 has no load contexts: there the module warns instead (the last Describe), run by CI's
# windows-2022 leg only.

BeforeAll {
    $script:root = (Resolve-Path "$PSScriptRoot/..").ProviderPath
    $script:moduleOut = Join-Path $root 'output/DockerTls'
    $script:manifest = Join-Path $moduleOut 'DockerTls.psd1'

    $folders = @()
    $listed = & dotnet nuget locals global-packages --list 2>$null
    if ($LASTEXITCODE -eq 0 -and "$listed" -match 'global-packages:\s*(.+)$') { $folders += $Matches[1].Trim() }
    if ($env:NUGET_PACKAGES) { $folders += $env:NUGET_PACKAGES }
    $folders += Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
    $script:olderBouncyCastle = $folders |
        ForEach-Object { Join-Path $_ 'bouncycastle.cryptography/2.4.0/lib/netstandard2.0/BouncyCastle.Cryptography.dll' } |
        Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $olderBouncyCastle) { throw "BouncyCastle.Cryptography 2.4.0 is not in the NuGet cache ($($folders -join ', ')); restore tests/DockerTls.Core.Tests first." }

    # This pwsh may be `dotnet pwsh.dll` (the local tool): children start the same way.
    $hostPath = [Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $script:pwsh = @($hostPath)
    if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { $script:pwsh += [Reflection.Assembly]::GetEntryAssembly().Location }

    # Runs a script in a fresh process; its last line of output that starts with { is read as JSON.
    function script:Invoke-Fresh([string] $Script) {
        $file = Join-Path $TestDrive "child-$([guid]::NewGuid().ToString('N')).ps1"
        Set-Content -LiteralPath $file -Value "`$ErrorActionPreference = 'Stop'`n$Script"
        $out = & $script:pwsh[0] @($script:pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $file 2>&1 | ForEach-Object { "$_" }
        $result = $null
        $json = @($out | Where-Object { $_ -like '{*' })
        if ($LASTEXITCODE -eq 0 -and $json) { $result = $json[-1] | ConvertFrom-Json }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $out -join "`n"; Result = $result }
    }

    function script:Assert-Kit([string] $Kit) {
        & openssl verify -x509_strict -purpose sslserver -CAfile "$Kit/ca/ca.pem" "$Kit/server/server-cert.pem" 2>&1 | Should -Match ': OK$'
        & openssl verify -x509_strict -purpose sslclient -CAfile "$Kit/ca/ca.pem" "$Kit/client/cert.pem" 2>&1 | Should -Match ': OK$'
    }

    # What a script sees of both copies: where DockerTls's BouncyCastle and the one named in scripts come from.
    $script:report = @'
$core = [DockerTls.Core.Pki.DockerCertificate].Assembly
$ours = $core.GetReferencedAssemblies() | Where-Object Name -EQ 'BouncyCastle.Cryptography'
$context = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($core)
$digest = [Org.BouncyCastle.Crypto.Digests.Sha256Digest]::new()
$bytes = [Text.Encoding]::ASCII.GetBytes('abc')
$digest.BlockUpdate($bytes, 0, $bytes.Length)
$hash = [byte[]]::new(32)
[void] $digest.DoFinal($hash, 0)
[pscustomobject]@{
    Kinds        = @($kit | ForEach-Object { "$($_.Kind)" })
    Context      = $context.Name
    CoreBouncy   = $context.LoadFromAssemblyName($ours).Location
    ScriptBouncy = [Org.BouncyCastle.Crypto.Digests.Sha256Digest].Assembly.Location
    Sha256       = [Convert]::ToHexString($hash)
} | ConvertTo-Json -Compress
'@
}

Describe 'DockerTls beside another BouncyCastle.Cryptography 2.x' -Skip:($PSVersionTable.PSEdition -eq 'Desktop') {
    Context 'The other copy was loaded first' {
        BeforeAll {
            $script:kit = Join-Path $TestDrive 'after'
            $script:run = Invoke-Fresh @"
Add-Type -Path '$olderBouncyCastle'
Import-Module '$manifest'
`$kit = Initialize-DockerTls -KeyAlgorithm ECDSA -DnsName localhost -OutputPath '$kit'
$report
"@
        }

        It 'imports DockerTls and makes a kit that openssl accepts' {
            $run.ExitCode | Should -Be 0 -Because $run.Output
            $run.Result.Kinds | Should -Be @('CA', 'Server', 'Client')
            Assert-Kit $kit
        }

        It 'binds DockerTls to its own BouncyCastle in its own load context, and scripts to the other copy' {
            $run.Result.Context | Should -Be 'DockerTls'
            $run.Result.CoreBouncy | Should -Be (Join-Path $moduleOut 'bin/deps/BouncyCastle.Cryptography.dll')
            $run.Result.ScriptBouncy | Should -Be $olderBouncyCastle
            $run.Result.Sha256 | Should -Be 'BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD'
        }
    }

    Context 'DockerTls was loaded first' {
        BeforeAll {
            $script:kit = Join-Path $TestDrive 'before'
            $script:run = Invoke-Fresh @"
Import-Module '$manifest'
`$kit = Initialize-DockerTls -KeyAlgorithm ECDSA -DnsName localhost -OutputPath '$kit'
Add-Type -Path '$olderBouncyCastle'
$report
"@
        }

        It 'makes its kit, and the other copy still loads and works afterwards' {
            $run.ExitCode | Should -Be 0 -Because $run.Output
            $run.Result.Kinds | Should -Be @('CA', 'Server', 'Client')
            Assert-Kit $kit
            $run.Result.ScriptBouncy | Should -Be $olderBouncyCastle
            $run.Result.Sha256 | Should -Be 'BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD'
        }
    }

    Context 'The cmdlet assembly' {
        # bin/DockerTls.dll is in the default load context, where a BouncyCastle type it named would bind to the other
        # module's copy or to none (Update-DockerCertificate failed so with FileNotFoundException once): it names none.
        It 'references DockerTls.Core and no BouncyCastle assembly' {
            $stream = [IO.File]::OpenRead((Join-Path $moduleOut 'bin/DockerTls.dll'))
            try {
                $reader = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader([System.Reflection.PortableExecutable.PEReader]::new($stream))
                $references = @($reader.AssemblyReferences | ForEach-Object { $reader.GetString($reader.GetAssemblyReference($_).Name) })
            } finally { $stream.Dispose() }
            $references | Should -Contain 'DockerTls.Core'
            $references | Should -Not -Contain 'BouncyCastle.Cryptography'
        }
    }

    Context 'What scripts see of the isolated module' {
        BeforeAll {
            $script:run = Invoke-Fresh @"
Import-Module '$manifest'
`$first = @((Get-Module DockerTls).ExportedCmdlets.Keys).Count
`$cert = New-DockerCA -KeyAlgorithm ECDSA -OutputPath '$(Join-Path $TestDrive 'ca')'
`$isType = `$cert -is [DockerTls.Core.Pki.DockerCertificate]
`$table = (`$cert | Format-Table | Out-String)
`$shells = @((TabExpansion2 -inputScript 'Get-DockerClientEnv -Shell ' -cursorColumn 27).CompletionMatches.CompletionText)
Import-Module '$manifest' -Force
`$again = @((Get-Module DockerTls).ExportedCmdlets.Keys).Count
`$commands = @(Get-Command -Module DockerTls).Count
Remove-Module DockerTls
[pscustomobject]@{
    First = `$first; Again = `$again; Commands = `$commands; IsType = `$isType; Table = `$table; Shells = `$shells
    AfterRemove = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')::Get.ContainsKey('DockerTls.Core.Pki.DockerCertificate')
} | ConvertTo-Json -Compress
"@
        }

        It 'exports every cmdlet, also when imported again with -Force' {
            $run.ExitCode | Should -Be 0 -Because $run.Output
            $expected = (Import-PowerShellDataFile $manifest).CmdletsToExport.Count
            $run.Result.First | Should -Be $expected
            $run.Result.Again | Should -Be $expected
            $run.Result.Commands | Should -Be $expected
        }

        It 'keeps the output types usable by name, and takes its type accelerators back when removed' {
            $run.Result.IsType | Should -BeTrue
            $run.Result.AfterRemove | Should -BeFalse
        }

        It 'keeps the format file''s views and tab completion' {
            $run.Result.Table | Should -Match '(?m)^Kind\s+File\s+Days\s+Checks\s+Names' # the DockerCertificate table view
            $run.Result.Shells | Should -Contain 'bash'
        }
    }
}

Describe 'Windows PowerShell 5.1 beside another BouncyCastle.Cryptography' -Skip:($PSVersionTable.PSEdition -ne 'Desktop') {
    It 'warns on import that the other copy is loaded and names it' {
        $run = Invoke-Fresh @"
Add-Type -Path '$($olderBouncyCastle -replace 'netstandard2.0', 'net461')'
Import-Module '$manifest' -WarningVariable warned -WarningAction SilentlyContinue
[pscustomobject]@{ Warning = "`$warned" } | ConvertTo-Json -Compress
"@
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Result.Warning | Should -Match 'BouncyCastle'
        $run.Result.Warning | Should -Match ([regex]::Escape('2.4.0'))
    }
}
