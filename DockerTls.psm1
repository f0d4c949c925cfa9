# The root module. It loads the cmdlets through DockerTls.Loader.dll, which on PowerShell 7 puts DockerTls's own
# assemblies (bin/) into an AssemblyLoadContext of their own: another module's BouncyCastle.Cryptography 2.x has
# the same assembly identity as ours and would otherwise stop the import or be bound to our code
# (https://learn.microsoft.com/powershell/scripting/dev-cross-plat/resolving-dependency-conflicts).

function Get-NetFrameworkProblem([object] $Release) {
    # The netstandard2.0 assemblies need .NET Framework 4.7.2 (release 461808): on 4.6.1 to 4.7.1 their facades are
    # missing or incomplete and the import fails with an assembly-load error that names none of this.
    # https://learn.microsoft.com/dotnet/framework/migration-guide/how-to-determine-which-versions-are-installed
    if ($Release -is [int] -and $Release -ge 461808) { return }
    $known = @((461308, '4.7.1'), (460798, '4.7'), (394802, '4.6.2'), (394254, '4.6.1'), (393295, '4.6'), (379893, '4.5.2'), (378675, '4.5.1'), (378389, '4.5'))
    $found = if ($Release -is [int]) { @($known | Where-Object { $Release -ge $_[0] } | ForEach-Object { $_[1] })[0] }
    $installed = if ($found) { ".NET Framework $found (release $Release)" } else { 'no .NET Framework 4.5 or later' }
    "DockerTls needs .NET Framework 4.7.2 or later; this Windows has $installed. Install .NET Framework 4.8 " +
    '(https://dotnet.microsoft.com/download/dotnet-framework) and restart, or use PowerShell 7.'
}

if ($PSEdition -eq 'Desktop') {
    $release = (Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full' -Name Release -ErrorAction SilentlyContinue).Release
    $problem = Get-NetFrameworkProblem $release
    if ($problem) {
        throw [Management.Automation.ErrorRecord]::new([PlatformNotSupportedException]::new($problem), 'NetFrameworkTooOld',
            [Management.Automation.ErrorCategory]::NotInstalled, $release)
    }
}

# As few script operations as will do: each first call of a .NET member from script costs PowerShell a binder (bench/README.md).
$bin = "$PSScriptRoot/bin"
try {
    # Assembly.LoadFrom rather than Add-Type, whose first call costs a few hundred milliseconds.
    $loader = [Reflection.Assembly]::LoadFrom("$bin/DockerTls.Loader.dll").GetType('DockerTls.Loader.ModuleAssemblies', $true)
} catch [IO.FileLoadException] {
    # Another copy of the module, imported earlier in this process from elsewhere, holds the loader: its assemblies serve.
    $loader = 'DockerTls.Loader.ModuleAssemblies' -as [type]
    if (-not $loader) { throw }
}

if ($PSEdition -eq 'Desktop') {
    # .NET Framework has one copy of an assembly identity per process: ours would bind to the one loaded first.
    $foreign = $loader::ForeignBouncyCastle($bin)
    if ($foreign) {
        Write-Warning ("Another BouncyCastle.Cryptography is loaded in this process already, from '$foreign'. Windows " +
            'PowerShell 5.1 cannot keep two copies apart, so DockerTls uses that one and may fail at its first certificate ' +
            '(MissingMethodException). Run DockerTls in a process of its own (powershell -NoProfile -Command ..., or ' +
            'Start-Job), or in PowerShell 7, which keeps its assemblies apart.')
    }
}

# Export also sets the module's OnRemove, which takes the type accelerators back (Remove-Module DockerTls).
$loader::Export($ExecutionContext.SessionState.Module, (Import-Module -Assembly ($loader::Load($bin)) -PassThru -ErrorAction Stop))
