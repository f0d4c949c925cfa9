using System;
using System.Collections.Generic;
using System.Linq;

namespace DockerTls.Core.Daemon;

/// <summary>What a <see cref="HostFileChange"/> is, which decides its mode and owner on the host.</summary>
public enum HostFileKind
{
    /// <summary>A private key: 0400 (owner read-only) from its first byte.</summary>
    Key,

    /// <summary>A certificate: 0444.</summary>
    Certificate,

    /// <summary>A new file with exactly <see cref="HostFileChange.NewFileMode"/> (a backup of a key: 0400).</summary>
    File,

    /// <summary>A file rewritten in place (daemon.json, a drop-in): an existing one keeps its owner, group and mode; a link is followed.</summary>
    Rewrite,

    /// <summary>A backup of <see cref="HostFileChange.BackupOf"/>: its bytes before the change, with its owner, group and mode.</summary>
    Backup,
}

/// <summary>One file a plan writes on a host.</summary>
public sealed class HostFileChange
{
    /// <summary>Makes a change.</summary>
    public HostFileChange(string path, byte[] content, HostFileKind kind, int newFileMode, string? backupOf = null)
    {
        Path = path;
        Content = content;
        Kind = kind;
        NewFileMode = newFileMode;
        BackupOf = backupOf;
    }

    /// <summary>The host's path.</summary>
    public string Path { get; }

    /// <summary>The bytes it will hold.</summary>
    public byte[] Content { get; }

    /// <summary>What it is.</summary>
    public HostFileKind Kind { get; }

    /// <summary>The Unix mode when the file is new (a key's is always 0400, a certificate's 0444).</summary>
    public int NewFileMode { get; }

    /// <summary>For a backup, the file it keeps the old bytes of.</summary>
    public string? BackupOf { get; }
}

/// <summary>
/// The files one plan writes on one host, with what each target held when the plan read it: the host writes them all
/// or none, and stops with <c>TargetChanged</c> when another writer changed a target since.
/// </summary>
public sealed class HostFileChanges
{
    private readonly List<HostFileChange> files = new();
    private readonly Dictionary<string, byte[]?> expected = new(StringComparer.Ordinal);

    /// <summary>The files, in the order they were added.</summary>
    public IReadOnlyList<HostFileChange> Files => files;

    /// <summary>What each target held at planning (null: nothing was there).</summary>
    public IReadOnlyDictionary<string, byte[]?> Expected => expected;

    /// <summary>True when nothing is to be written.</summary>
    public bool IsEmpty => files.Count == 0;

    /// <summary>Adds a file; a path planned twice is a programming error.</summary>
    public void Add(HostFileChange change)
    {
        if (files.Any(f => string.Equals(f.Path, change.Path, StringComparison.Ordinal)))
            throw new ArgumentException($"'{change.Path}' is planned twice.", nameof(change));
        files.Add(change);
    }

    /// <summary>Records what <paramref name="path"/> held when the plan read it (null: nothing).</summary>
    public void Expect(string path, byte[]? current) => expected[path] = current;
}
