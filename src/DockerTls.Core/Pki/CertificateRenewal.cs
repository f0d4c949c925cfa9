using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DockerTls.Core.IO;
using Org.BouncyCastle.X509;

namespace DockerTls.Core.Pki;

/// <summary>A certificate found on disk and what renewing it would do: whether it is due, and why.</summary>
public sealed class RenewalPlan
{
    internal RenewalPlan(string path, string keyPath, X509Certificate certificate, bool isAuthority, bool due, string reason, DockerCertificate current)
    {
        CertificatePath = path;
        KeyPath = keyPath;
        Certificate = certificate;
        IsAuthority = isAuthority;
        Due = due;
        Reason = reason;
        Current = current;
    }

    public string CertificatePath { get; }
    public string KeyPath { get; }
    internal X509Certificate Certificate { get; }

    /// <summary>The CA's own certificate: renewed with the same key and name.</summary>
    public bool IsAuthority { get; }

    /// <summary>Past two thirds of its lifetime (or -Force).</summary>
    public bool Due { get; }

    /// <summary>Why it is or is not due, for -WhatIf and -Verbose.</summary>
    public string Reason { get; }

    /// <summary>The certificate as it is now.</summary>
    public DockerCertificate Current { get; }
}

/// <summary>
/// Renews certificates a CA issued, in place: the same subject, names, extended key usage and key algorithm, a new
/// serial and (unless the key is kept) a new key, the original lifetime; the replaced files kept as
/// <c>&lt;file&gt;.&lt;yyyyMMddHHmmss&gt;.bak</c> beside them, all written in one transaction with the CA's inventory
/// record. A certificate is due past two thirds of its lifetime. The CA's own certificate renews with its own key and
/// name, so every leaf it issued stays valid. The clock is injectable so that tests can put a certificate in its last third.
/// </summary>
public sealed class CertificateRenewal
{
    private readonly Func<DateTimeOffset> _clock;

    public CertificateRenewal(CertificateAuthority authority, Func<DateTimeOffset>? clock = null)
    {
        Authority = authority;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
    }

    public CertificateAuthority Authority { get; }

    private DateTime Now => _clock().UtcDateTime;

    /// <summary>
    /// Reads the certificate at <paramref name="path"/> and decides whether it is due. <c>CertificateNotFound</c>,
    /// <c>NotIssuedByCA</c> (another CA signed it), <c>CertificateRevoked</c> (the inventory says so: never renewed). In a
    /// rollover (<see cref="CARollover"/>) a leaf the retiring CA signed is always due: it is re-issued from the new CA.
    /// </summary>
    public RenewalPlan Assess(string path, bool force)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new DockerTlsException("CertificateNotFound", ErrorKind.ObjectNotFound, $"'{full}' does not exist. Give the certificate file to renew.", full);
        var certificate = PemFormat.ReadCertificates(full)[0];
        var now = Now;
        // A copy of the retiring CA's certificate is a CA file too: it is refreshed with the leaf beside it, never renewed.
        var isAuthority = Authority.IsOwnCertificate(certificate) || Authority.Retiring.Any(c => c.Equals(certificate));
        var signed = isAuthority || Authority.Signed(certificate);
        var retiring = !signed && !CertificateReader.IsCertificateAuthority(certificate) && Authority.RetiringSigned(certificate);
        if (!signed && !retiring)
            throw new DockerTlsException("NotIssuedByCA", ErrorKind.InvalidArgument,
                $"'{full}' ({certificate.SubjectDN}, issued by {certificate.IssuerDN}) was not signed by the CA in '{Authority.CertificatePath}'. Renew it with the CA that issued it (-CAPath).", full);
        var serial = certificate.SerialNumber.ToString(16).ToUpperInvariant();
        if (Authority.InventoryPath is { } inventory && CertificateInventory.Find(inventory, serial) is { Revoked: true })
            throw new DockerTlsException("CertificateRevoked", ErrorKind.InvalidOperation,
                $"'{full}' (serial {serial}) is revoked in '{inventory}'; a revoked certificate is never renewed. Issue a new one if its holder should have access again.", full);
        var (due, reason) = retiring
            ? (true, $"signed by the CA that the rollover retires ('{certificate.IssuerDN}'): re-issued from the new CA")
            : isAuthority && !CertificateProfile.IsStrictAuthority(certificate) && now < certificate.NotAfter.ToUniversalTime()
                ? (true, "a CA whose extensions strict verifiers refuse (no keyUsage with keyCertSign, or basicConstraints not critical): repaired with the same key, name and serial")
                : Decide(certificate, now, force);
        var current = CertificateReader.Summarize(certificate, full, now);
        return new RenewalPlan(full, CertificateReader.KeyPathFor(full), certificate, isAuthority, due, reason, current);
    }

    /// <summary>Due past two thirds of the lifetime, or when forced; the reason says which, with the days left.</summary>
    public static (bool Due, string Reason) Decide(X509Certificate certificate, DateTime now, bool force)
    {
        var notBefore = certificate.NotBefore.ToUniversalTime();
        var notAfter = certificate.NotAfter.ToUniversalTime();
        var dueOn = notBefore + TimeSpan.FromTicks((notAfter - notBefore).Ticks / 3 * 2);
        var left = (int)Math.Floor((notAfter - now).TotalDays);
        var lifetime = (int)Math.Round((notAfter - notBefore).TotalDays);
        if (now >= notAfter) return (true, FormattableString.Invariant($"expired on {notAfter:yyyy-MM-dd}"));
        if (now >= dueOn) return (true, FormattableString.Invariant($"due: {left} of {lifetime} days left, past two thirds of its lifetime since {dueOn:yyyy-MM-dd}"));
        if (force) return (true, FormattableString.Invariant($"-Force: not due until {dueOn:yyyy-MM-dd} ({left} of {lifetime} days left)"));
        return (false, FormattableString.Invariant($"not due until {dueOn:yyyy-MM-dd} ({left} of {lifetime} days left); -Force renews it now"));
    }

    /// <summary>The key spec a renewal makes: that of the old key, raised to what strict verifiers accept (RSA 2048, P-256).</summary>
    public static KeySpec KeySpecOf(RenewalPlan plan) => KeySpecOf(plan.Certificate);

    internal static KeySpec KeySpecOf(X509Certificate certificate)
    {
        var described = CertificateReader.DescribeKey(certificate.CertificateStructure.SubjectPublicKeyInfo);
        if (described.StartsWith("RSA ", StringComparison.Ordinal) && int.TryParse(described.Substring(4), out var bits))
            return new KeySpec(KeyAlgorithm.RSA, bits <= 2048 ? 2048 : bits <= 3072 ? 3072 : 4096);
        return new KeySpec(KeyAlgorithm.ECDSA, curve: described == "ECDSA P-256" ? EcCurve.P256 : EcCurve.P384);
    }

    /// <summary>
    /// Renews a planned certificate and writes it in place, with backups of the files it replaces and its inventory
    /// record, all or none: <see cref="Prepare"/> and <see cref="Commit"/> of one.
    /// </summary>
    public DockerCertificate Renew(RenewalPlan plan, KeySource keys, bool keepKey, int? validityDays, Action<string, string>? onWritten, Action<string>? onWarning = null)
    {
        var write = Prepare(plan, keys, keepKey, validityDays, onWarning);
        Commit(new[] { write }, onWritten);
        return write.Certificate;
    }

    /// <summary>
    /// Issues the renewed certificate of a planned one and plans its files: the certificate, the new key (unless
    /// <paramref name="keepKey"/>: the key file beside it is used again, <c>KeyNotFound</c>, <c>KeyMismatch</c>,
    /// <c>KeyEncrypted</c>), the ca.pem beside it as the CA's bundle, and a backup of each file it replaces. Nothing is
    /// written. Without <paramref name="validityDays"/> the new certificate lives as long as the old one did.
    /// </summary>
    public RenewalWrite Prepare(RenewalPlan plan, KeySource keys, bool keepKey, int? validityDays, Action<string>? onWarning = null)
    {
        var now = Now;
        var days = validityDays ?? Math.Max(1, (int)Math.Round((plan.Certificate.NotAfter - plan.Certificate.NotBefore).TotalDays));
        var write = new RenewalWrite(now);
        IssuedCertificate issued;
        if (plan.IsAuthority)
        {
            issued = Authority.RenewSelf(days, now);
            if (issued.Warning != null) onWarning?.Invoke(issued.Warning);
            var others = PemFormat.ReadCertificates(plan.CertificatePath).Where(c => !Authority.IsOwnCertificate(c));
            write.Replace(plan.CertificatePath, issued.CertificatePem.Concat(others.SelectMany(PemFormat.WriteCertificate)).ToArray(), key: false);
        }
        else
        {
            var pair = keepKey ? KeptKey(plan) : keys.Next();
            issued = Authority.Reissue(plan.Certificate, pair, days, now);
            if (issued.Warning != null) onWarning?.Invoke(issued.Warning);
            write.Replace(plan.CertificatePath, issued.CertificatePem, key: false);
            if (!keepKey) write.Replace(plan.KeyPath, issued.KeyPem, key: true);
            var caCopy = Path.Combine(Path.GetDirectoryName(plan.CertificatePath)!, CertificateFiles.CACertificate);
            if (File.Exists(caCopy) && !string.Equals(caCopy, Authority.CertificatePath, StringComparison.Ordinal))
                write.Replace(caCopy, Authority.BundlePem, key: false);
        }
        var summary = CertificateReader.Summarize(issued.Certificate, plan.CertificatePath, now);
        summary.KeyPath = plan.KeyPath;
        summary.KeyMatches = true;
        write.Certificate = summary;
        return write;
    }

    /// <summary>
    /// Writes prepared renewals and their inventory records in one transaction, all or none; <paramref name="onWritten"/>
    /// hears each file written (path and mode). No two of them may write the same file (<see cref="RenewalWrite.Files"/>).
    /// </summary>
    public void Commit(IReadOnlyList<RenewalWrite> writes, Action<string, string>? onWritten)
    {
        var transaction = new FileTransaction(overwrite: true, destinationParameter: null);
        if (onWritten != null) transaction.FileWritten += onWritten;
        foreach (var write in writes) write.AddTo(transaction);
        CertificateInventory.Commit(transaction, Authority.InventoryPath, writes.Select(w => w.Certificate), writes[0].Now);
    }

    private static KeyPair KeptKey(RenewalPlan plan)
    {
        if (!File.Exists(plan.KeyPath))
            throw new DockerTlsException("KeyNotFound", ErrorKind.ObjectNotFound,
                $"-KeepKey needs the key of '{plan.CertificatePath}' at '{plan.KeyPath}', which does not exist. Renew without -KeepKey to make a new key.", plan.KeyPath);
        if (PemFormat.IsEncryptedKey(plan.KeyPath))
            throw new DockerTlsException("KeyEncrypted", ErrorKind.InvalidData,
                $"'{plan.KeyPath}' is encrypted; Docker cannot use it. Renew without -KeepKey to make a new key.", plan.KeyPath);
        var pair = PemFormat.ReadKeyPair(plan.KeyPath, null);
        if (!pair.Matches(plan.Certificate))
            throw new DockerTlsException("KeyMismatch", ErrorKind.InvalidData,
                $"'{plan.KeyPath}' is not the key of '{plan.CertificatePath}'. Renew without -KeepKey to make a new key.", plan.KeyPath);
        return pair;
    }
}
