# The root module. It loads the cmdlets through DockerTls.Loader.dll, which on PowerShell 7 puts DockerTls's own
# assemblies (bin/) into an AssemblyLoadContext of their own: another module's BouncyCastle.Cryptography 2.x has
# the same assembly identity as ours and would otherwise stop the import or be bound to our code
# (https://learn.microsoft.com/powershell/scripting/dev-cross-plat/resolving-dependency-conflicts).

$bin = [IO.Path]::Combine($PSScriptRoot, 'bin')
try {
    # Assembly.LoadFrom rather than Add-Type, whose first call costs a few hundred milliseconds.
    $loader = [Reflection.Assembly]::LoadFrom([IO.Path]::Combine($bin, 'DockerTls.Loader.dll')).GetType('DockerTls.Loader.ModuleAssemblies', $true)
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

$inner = Import-Module -Assembly ($loader::Load($bin)) -PassThru -ErrorAction Stop
$loader::Export($ExecutionContext.SessionState.Module, $inner)
$ExecutionContext.SessionState.Module.OnRemove = { [DockerTls.Loader.ModuleAssemblies]::RemoveAccelerators($ExecutionContext.SessionState) }
