using System;
using System.Collections.Generic;
using System.IO;
using DockerTls.Core.IO;

namespace DockerTls.Core.Pki;

/// <summary>
/// Docker's file names for each kind of certificate (ca.pem/ca-key.pem, server-cert.pem/server-key.pem,
/// cert.pem/key.pem) and writing them into a folder with a copy of ca.pem beside the leaves.
/// </summary>
public static class CertificateFiles
{
    public const string CACertificate = "ca.pem";
    public const string CAKey = "ca-key.pem";
    public const string ServerCertificate = "server-cert.pem";
    public const string ServerKey = "server-key.pem";
    public const string ClientCertificate = "cert.pem";
    public const string ClientKey = "key.pem";

    public static string CertificateName(CertificateKind kind) => kind switch
    {
        CertificateKind.CA => CACertificate,
        CertificateKind.Server => ServerCertificate,
        CertificateKind.Client => ClientCertificate,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string KeyName(CertificateKind kind) => kind switch
    {
        CertificateKind.CA => CAKey,
        CertificateKind.Server => ServerKey,
        CertificateKind.Client => ClientKey,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The files a certificate of this kind puts into <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> Targets(string folder, CertificateKind kind)
    {
        var list = new List<string> { Path.Combine(folder, CertificateName(kind)), Path.Combine(folder, KeyName(kind)) };
        if (kind != CertificateKind.CA) list.Add(Path.Combine(folder, CACertificate));
        return list;
    }

    /// <summary>
    /// Adds a certificate, its key and (for leaves) the CA bundle to a transaction. Before anything is
    /// generated, call it with <paramref name="issued"/> null to find conflicts early.
    /// </summary>
    public static void Plan(FileTransaction transaction, string folder, CertificateKind kind, IssuedCertificate? issued, byte[]? caBundle)
    {
        transaction.AddCertificate(Path.Combine(folder, CertificateName(kind)), issued?.CertificatePem ?? Array.Empty<byte>());
        transaction.AddKey(Path.Combine(folder, KeyName(kind)), issued?.KeyPem ?? Array.Empty<byte>());
        if (kind != CertificateKind.CA && caBundle != null) transaction.AddCertificate(Path.Combine(folder, CACertificate), caBundle);
    }

    /// <summary>
    /// Fails with <c>KeyFileExists</c> when writing this kind into the folder would replace a file and <paramref name="overwrite"/>
    /// is off; a set a killed run left half renamed there is rolled back first (told to <paramref name="onRecovered"/>).
    /// </summary>
    public static void CheckTargets(string folder, CertificateKind kind, byte[]? caBundle, bool overwrite, Action<string, string>? onRecovered = null)
    {
        var probe = new FileTransaction(overwrite);
        Plan(probe, folder, kind, null, caBundle);
        if (onRecovered != null) probe.FileWritten += onRecovered;
        probe.RecoverInterrupted();
        probe.CheckTargets();
    }

    /// <summary>
    /// Writes the files and returns the summary of the certificate as written. With <paramref name="inventory"/>, its
    /// record is added to that CA inventory in the same transaction.
    /// </summary>
    public static DockerCertificate Write(string folder, CertificateKind kind, IssuedCertificate issued, byte[]? caBundle, bool overwrite,
        Action<string, string>? onWritten = null, string? inventory = null)
    {
        var transaction = new FileTransaction(overwrite);
        if (onWritten != null) transaction.FileWritten += onWritten;
        Plan(transaction, folder, kind, issued, caBundle);
        var summary = Describe(folder, kind, issued);
        CertificateInventory.Commit(transaction, inventory, new[] { summary }, DateTime.UtcNow);
        return summary;
    }

    internal static DockerCertificate Describe(string folder, CertificateKind kind, IssuedCertificate issued)
    {
        var summary = issued.Describe(Path.Combine(folder, CertificateName(kind)), Path.Combine(folder, KeyName(kind)));
        summary.KeyMatches = true;
        summary.KeyEncrypted = kind == CertificateKind.CA && PemFormat.IsEncryptedPem(issued.KeyPem);
        return summary;
    }
}
