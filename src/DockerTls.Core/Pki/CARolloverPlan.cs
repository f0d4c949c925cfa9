using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DockerTls.Core.IO;
using Org.BouncyCastle.X509;

namespace DockerTls.Core.Pki;

/// <summary>
/// One stage of a CA rollover, planned and not yet written (<see cref="CARollover"/>): every file it writes is in one
/// transaction, all or none, and <see cref="Status"/> says what the stage leaves to do. <see cref="Apply"/> writes it.
/// </summary>
public sealed class CARolloverPlan
{
    private readonly FileTransaction _transaction = new(overwrite: true, destinationParameter: null);
    private readonly List<string> _written = new();
    private readonly List<string> _upToDate = new();
    private readonly List<string> _missing = new();
    private readonly List<string> _unrecognized = new();
    private DockerCertificate? _record;
    private Action? _afterCommit;

    internal CARolloverPlan(CARolloverStatus status, string inventoryPath)
    {
        Status = status;
        InventoryPath = inventoryPath;
    }

    /// <summary>What the stage does and leaves; <see cref="CARolloverStatus.Written"/> lists what <see cref="Apply"/> writes.</summary>
    public CARolloverStatus Status { get; }

    internal string InventoryPath { get; }

    /// <summary>Whether applying the plan writes anything.</summary>
    public bool HasChanges => _written.Count > 0 || _afterCommit != null;

    internal void Certificate(string path, byte[] content, byte[]? expected)
    {
        _transaction.AddCertificate(path, content);
        _transaction.Expect(path, expected);
        _written.Add(Path.GetFullPath(path));
    }

    internal void Key(string path, byte[] content, byte[]? expected)
    {
        _transaction.AddKey(path, content);
        _transaction.Expect(path, expected);
        _written.Add(Path.GetFullPath(path));
    }

    internal void Directory(string path) => _transaction.AddDirectory(path, FileModes.PrivateDirectory);

    internal void Record(DockerCertificate certificate) => _record = certificate;

    internal void AfterCommit(Action action, string describedAs)
    {
        _afterCommit = action;
        _written.Add(describedAs);
    }

    /// <summary>
    /// Plans <paramref name="content"/> as every ca.pem copy beside a certificate the inventory lists in place, unrevoked,
    /// on this machine, that holds one of <paramref name="authorities"/> (a copy holding neither is left alone). The
    /// CA folder's own ca.pem is planned by the caller.
    /// </summary>
    internal void Copies(IEnumerable<InventoryRecord> records, string caFolder, byte[] content, IReadOnlyList<X509Certificate> authorities)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { Path.Combine(caFolder, CertificateFiles.CACertificate) };
        foreach (var record in records.Where(r => r.ReplacedBy == null && !r.Revoked && r.Kind != CertificateKind.CA))
        {
            var copy = Path.Combine(Path.GetDirectoryName(record.Path)!, CertificateFiles.CACertificate);
            if (!seen.Add(copy)) continue;
            var before = SafeFile.TryReadAllBytes(copy, SafeFile.Pem);
            if (before == null) _missing.Add(copy);
            else if (before.SequenceEqual(content)) _upToDate.Add(copy);
            else if (HoldsOneOf(copy, authorities)) Certificate(copy, content, before);
            else _unrecognized.Add(copy);
        }
        Status.UpToDate = _upToDate.ToArray();
        Status.Missing = _missing.ToArray();
        Status.Unrecognized = _unrecognized.ToArray();
    }

    private static bool HoldsOneOf(string copy, IReadOnlyList<X509Certificate> authorities)
    {
        try
        {
            var keys = authorities.Select(a => a.CertificateStructure.SubjectPublicKeyInfo).ToList();
            return PemFormat.ReadCertificates(copy).Any(c => keys.Any(k => k.Equals(c.CertificateStructure.SubjectPublicKeyInfo)));
        }
        catch (DockerTlsException)
        {
            return false; // not a PEM certificate file: not ours to replace
        }
    }

    /// <summary>Writes the stage, all or none (with the new CA's inventory record, under the inventory's lock), and returns its status.</summary>
    public CARolloverStatus Apply(Action<string, string>? onWritten = null)
    {
        Status.Written = _written.ToArray();
        if (onWritten != null) _transaction.FileWritten += onWritten;
        var now = DateTime.UtcNow;
        if (_record == null) _transaction.Commit();
        else CertificateInventory.Commit(_transaction, InventoryPath, new[] { _record }, now);
        _afterCommit?.Invoke();
        return Status;
    }

    /// <summary>The status as the plan stands, for -WhatIf: what would be written.</summary>
    public CARolloverStatus Preview()
    {
        Status.Written = _written.ToArray();
        return Status;
    }
}
