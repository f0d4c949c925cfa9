namespace DockerTls.Core.Pki;

/// <summary>A PEM file read already: the path that names it (on the host it came from) and its bytes.</summary>
public sealed class PemFile
{
    /// <summary>Makes one.</summary>
    public PemFile(string path, byte[] bytes)
    {
        Path = path;
        Bytes = bytes;
    }

    /// <summary>The file's path, as its host names it.</summary>
    public string Path { get; }

    /// <summary>Its bytes.</summary>
    public byte[] Bytes { get; }
}
