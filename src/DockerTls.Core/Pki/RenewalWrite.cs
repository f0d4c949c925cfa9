using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DockerTls.Core.IO;

namespace DockerTls.Core.Pki;

/// <summary>
/// The files one renewal writes, planned and not yet written (<see cref="CertificateRenewal.Prepare"/>): each new file
/// and, beside each file it replaces, the old one kept as <c>&lt;file&gt;.&lt;yyyyMMddHHmmss&gt;.bak</c>; and the
/// renewed certificate as it will be listed.
/// </summary>
public sealed class RenewalWrite
{
    private readonly List<(string Path, byte[] Content, bool Private)> _files = new();

    internal RenewalWrite(DateTime now) => Now = now;

    internal DateTime Now { get; }

    /// <summary>The renewed certificate, once written.</summary>
    public DockerCertificate Certificate { get; internal set; } = null!;

    /// <summary>Every file this renewal writes (the new ones and their backups).</summary>
    public IEnumerable<string> Files => _files.Select(f => f.Path);

    /// <summary>Plans <paramref name="content"/> at <paramref name="path"/>, and the file there now as its backup when it differs.</summary>
    internal void Replace(string path, byte[] content, bool key)
    {
        if (File.Exists(path))
        {
            var before = File.ReadAllBytes(path);
            if (before.SequenceEqual(content)) return;
            var backup = BackupFileName.Next(path, Now, File.Exists);
            _files.Add((backup, before, key || PemFormat.IsEncryptedPem(before) || IsPrivateFile(path)));
        }
        _files.Add((path, content, key));
    }

    internal void AddTo(FileTransaction transaction)
    {
        foreach (var (path, content, isPrivate) in _files)
        {
            if (isPrivate) transaction.AddKey(path, content);
            else transaction.AddCertificate(path, content);
        }
    }

    private static bool IsPrivateFile(string path) => FileModes.GetUnixMode(path) is { } mode && FileModes.IsPrivate(mode);
}
