namespace DockerTls.Core.Remote;

/// <summary>The error ids of a host reached over SSH; other code and tests match on them.</summary>
public static class SshErrorIds
{
    /// <summary>The host's key is not in known_hosts: its identity cannot be checked, so nothing was sent.</summary>
    public const string SshHostKeyUnknown = "SshHostKeyUnknown";

    /// <summary>The host's key differs from the one in known_hosts (a reinstalled host, or someone in between).</summary>
    public const string SshHostKeyChanged = "SshHostKeyChanged";

    /// <summary>-Options turns host key checking off (StrictHostKeyChecking=no), which this module refuses.</summary>
    public const string SshHostKeyCheckingOff = "SshHostKeyCheckingOff";

    /// <summary>The host did not answer: a closed port, no route, a name that does not resolve, a timeout.</summary>
    public const string SshUnreachable = "SshUnreachable";

    /// <summary>The host refused the login (no key it accepts for that user).</summary>
    public const string SshAuthenticationFailed = "SshAuthenticationFailed";

    /// <summary>The login is neither root nor allowed <c>sudo -n</c>; nothing was read or written.</summary>
    public const string SshRootRequired = "SshRootRequired";

    /// <summary>ssh failed for another reason (the client is missing, a bad option); its words are in the message.</summary>
    public const string SshFailed = "SshFailed";

    /// <summary>
    /// The connection ended before the host reported the outcome (or the host's script was killed): its files are the
    /// old or the new ones, or a killed script's half set that the next writing run rolls back from its journal.
    /// </summary>
    public const string SshTransferFailed = "SshTransferFailed";

    /// <summary>The host lacks a tool the scripts need (base64, sha256sum, readlink: coreutils).</summary>
    public const string HostToolMissing = "HostToolMissing";

    /// <summary>Writing a file on the host failed (a full disk, an immutable file); every file was put back.</summary>
    public const string HostWriteFailed = "HostWriteFailed";

    /// <summary>A -HostName, -UserName, -Port or -Options value that ssh would misread.</summary>
    public const string SshTargetInvalid = "SshTargetInvalid";
}
