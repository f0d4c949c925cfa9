using System;
using System.Collections.Generic;
using System.Linq;
using DockerTls.Core.IO;

namespace DockerTls.Core.Pki;

/// <summary>A certificate of a batch as written, with what was written, or why it was not.</summary>
public sealed class BatchResult
{
    internal BatchResult(DockerCertificate? certificate, IReadOnlyList<(string Path, string Mode)> files, DockerTlsException? error)
    {
        Certificate = certificate;
        Files = files;
        Error = error;
    }

    /// <summary>The certificate written; null when <see cref="Error"/> says why not.</summary>
    public DockerCertificate? Certificate { get; }

    /// <summary>Each file written, with its mode.</summary>
    public IReadOnlyList<(string Path, string Mode)> Files { get; }

    public DockerTlsException? Error { get; }
}

/// <summary>
/// Writes the certificates of many items (hosts of a fleet, users): each item's files are claimed when it is
/// planned, so that one listed twice is refused instead of written twice, and written in the background a
/// few items at a time (the disk, not the processor, is what they wait on), with results in planned order.
/// </summary>
public sealed class CertificateBatch
{
    private readonly CertificateKind _kind;
    private readonly bool _overwrite;
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);
    private readonly OrderedWorkQueue<BatchResult> _writes;

    public CertificateBatch(CertificateKind kind, bool overwrite, int maxConcurrency = 4)
    {
        _kind = kind;
        _overwrite = overwrite;
        _writes = new OrderedWorkQueue<BatchResult>(maxConcurrency);
    }

    /// <summary>
    /// Checks that the item's files may be written (<c>KeyFileExists</c> when they exist without overwrite, or
    /// when an earlier item of the batch writes them) and claims them.
    /// </summary>
    public void Claim(string folder, byte[] caBundle)
    {
        CertificateFiles.CheckTargets(folder, _kind, caBundle, _overwrite);
        var targets = CertificateFiles.Targets(folder, _kind).Take(2).ToList(); // the certificate and its key; ca.pem is shared
        var taken = targets.FirstOrDefault(_claimed.Contains);
        if (taken != null)
            throw new DockerTlsException("KeyFileExists", ErrorKind.ResourceExists,
                $"'{taken}' is written by an earlier item of this command already: the same host appears twice. Nothing more was written for it.", taken);
        _claimed.UnionWith(targets);
    }

    /// <summary>Starts writing a claimed item's files in the background.</summary>
    public void Enqueue(string folder, IssuedCertificate issued, byte[] caBundle, string? inventory = null) => _writes.Enqueue(() =>
    {
        var files = new List<(string, string)>();
        try
        {
            var certificate = CertificateFiles.Write(folder, _kind, issued, caBundle, _overwrite, (path, mode) => files.Add((path, mode)), inventory);
            return new BatchResult(certificate, files, null);
        }
        catch (DockerTlsException e)
        {
            return new BatchResult(null, files, e);
        }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
        {
            return new BatchResult(null, files, new DockerTlsException("FileWriteFailed", ErrorKind.PermissionDenied,
                $"Writing the certificate files into '{folder}' failed: {e.Message}", folder, e));
        }
    });

    /// <summary>The items finished so far at the head of the batch (or all of them, waiting), in planned order.</summary>
    public IEnumerable<BatchResult> TakeFinished(bool waitForAll) => _writes.TakeFinished(waitForAll).Select(task => task.Result);
}
