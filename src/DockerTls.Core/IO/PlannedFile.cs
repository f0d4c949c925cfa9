namespace DockerTls.Core.IO;

/// <summary>A file a <see cref="FileTransaction"/> will write: its full path, its bytes, its mode and, when rewritten, its owner.</summary>
internal sealed class PlannedFile
{
    public PlannedFile(string path, byte[] content, int mode) { Path = path; Content = content; Mode = mode; }

    public string Path { get; }

    public byte[] Content { get; }

    public int Mode { get; }

    public bool Rewrite { get; set; }

    public uint? Owner { get; set; }

    public uint? Group { get; set; }

    /// <summary>A key (no group or other bits): never left as it is, never readable by others while written.</summary>
    public bool IsPrivate => FileModes.IsPrivate(Mode);

    /// <summary>Whether the target already holds exactly these bytes; a private file is always written again.</summary>
    public bool IsUnchanged() => !IsPrivate && SafeFile.HoldsExactly(Path, Content);
}
