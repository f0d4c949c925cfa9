namespace DockerTls.Core.Client;

/// <summary>The shells <see cref="ShellScript"/> writes environment code for.</summary>
public enum ClientShell
{
    /// <summary>bash (and other POSIX shells: sh, dash, ksh).</summary>
    Bash,

    /// <summary>zsh.</summary>
    Zsh,

    /// <summary>fish.</summary>
    Fish,

    /// <summary>PowerShell 7 (<c>pwsh</c>).</summary>
    Pwsh,

    /// <summary>Windows PowerShell 5.1 (<c>powershell.exe</c>).</summary>
    PowerShell,

    /// <summary>The Windows command prompt (<c>cmd.exe</c>).</summary>
    Cmd,
}
