namespace DockerTls.Core.Client;

/// <summary>What <see cref="ClientCertificateUninstaller"/> removed (or, checked, would remove) from a folder.</summary>
public sealed class UninstalledClientCertificate
{
    internal UninstalledClientCertificate(string folder, string[] removed, string? subject)
    {
        Folder = folder;
        Removed = removed;
        Subject = subject is null ? null : TerminalText.Clean(subject);
    }

    /// <summary>The folder, in full.</summary>
    public string Folder { get; }

    /// <summary>The names of the files removed, key.pem first.</summary>
    public string[] Removed { get; }

    /// <summary>The subject of the client certificate removed, when cert.pem was among them.</summary>
    public string? Subject { get; }

    /// <inheritdoc />
    public override string ToString() => $"{string.Join(", ", Removed)} from '{Folder}'";
}
