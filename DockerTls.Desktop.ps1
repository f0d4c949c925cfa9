# Windows PowerShell 5.1's checks, before the root module (bin/DockerTls.dll) is loaded: DockerTls.Requirements.ps1 (the
# manifest's ScriptsToProcess) calls this script under Windows PowerShell only, with `&`, so nothing of it stays in the
# importer's scope. PowerShell 7 never reads this file: parsing it (type names are resolved then) cost about 35 ms of
# CPU in every import (bench/README.md, "Where the import's time goes").
& {
    function Get-NetFrameworkProblem([object] $Release) {
        # The netstandard2.0 assemblies need .NET Framework 4.7.2 (release 461808): on 4.6.1 to 4.7.1 their facades
        # are missing or incomplete and the import fails with an assembly-load error that names none of this.
        # https://learn.microsoft.com/dotnet/framework/migration-guide/how-to-determine-which-versions-are-installed
        if ($Release -is [int] -and $Release -ge 461808) { return }
        $known = @((461308, '4.7.1'), (460798, '4.7'), (394802, '4.6.2'), (394254, '4.6.1'), (393295, '4.6'), (379893, '4.5.2'), (378675, '4.5.1'), (378389, '4.5'))
        $found = if ($Release -is [int]) { @($known | Where-Object { $Release -ge $_[0] } | ForEach-Object { $_[1] })[0] }
        $installed = if ($found) { ".NET Framework $found (release $Release)" } else { 'no .NET Framework 4.5 or later' }
        "DockerTls needs .NET Framework 4.7.2 or later; this Windows has $installed. Install .NET Framework 4.8 " +
        '(https://dotnet.microsoft.com/download/dotnet-framework) and restart, or use PowerShell 7.'
    }

    $release = (Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full' -Name Release -ErrorAction SilentlyContinue).Release
    $problem = Get-NetFrameworkProblem $release
    if ($problem) {
        throw [Management.Automation.ErrorRecord]::new([PlatformNotSupportedException]::new($problem), 'NetFrameworkTooOld',
            [Management.Automation.ErrorCategory]::NotInstalled, $release)
    }

    # .NET Framework has one copy of an assembly identity per process: ours would bind to the one loaded first.
    # Nothing of DockerTls is loaded yet, so any BouncyCastle.Cryptography here is another module's.
    $foreign = [AppDomain]::CurrentDomain.GetAssemblies() |
        Where-Object { -not $_.IsDynamic -and $_.GetName().Name -eq 'BouncyCastle.Cryptography' } | Select-Object -First 1
    if ($foreign) {
        Write-Warning ("Another BouncyCastle.Cryptography is loaded in this process already, from '$($foreign.Location)'. Windows " +
            'PowerShell 5.1 cannot keep two copies apart, so DockerTls uses that one and may fail at its first certificate ' +
            '(MissingMethodException). Run DockerTls in a process of its own (powershell -NoProfile -Command ..., or ' +
            'Start-Job), or in PowerShell 7, which keeps its assemblies apart.')
    }
}
