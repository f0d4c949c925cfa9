using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;
using DockerTls.Core.Json;

namespace DockerTls.Core.Pki;

/// <summary>
/// What a CA issued: ca-inventory.jsonl beside its ca.pem, one JSON record a line (serial, kind, names, validity, key
/// algorithm, SHA-256 fingerprint, where it was written, revoked or not), never a key. A record is added in the same
/// file transaction as the certificate's files, under a lock file beside the inventory, so that a record is there
/// exactly when its files are, and two commands issuing at once both keep theirs. A CA without an inventory (made
/// before there was one) starts with an empty one.
/// </summary>
public static class CertificateInventory
{
    public const string FileName = "ca-inventory.jsonl";

    /// <summary>How long a command waits for another that holds the inventory's lock.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The inventory of a CA given as its folder or its ca.pem.</summary>
    public static string PathFor(string caFolderOrCertificate)
    {
        var full = Path.GetFullPath(caFolderOrCertificate);
        return Path.Combine(Directory.Exists(full) ? full : Path.GetDirectoryName(full)!, FileName);
    }

    /// <summary>The inventory of a CA whose ca.pem is (or will be) written into <paramref name="folder"/>.</summary>
    public static string InFolder(string folder) => Path.Combine(Path.GetFullPath(folder), FileName);

    /// <summary>Every record of the inventory, oldest first; none when there is no inventory.</summary>
    public static IReadOnlyList<InventoryRecord> Read(string inventoryPath)
    {
        if (!File.Exists(inventoryPath)) return Array.Empty<InventoryRecord>();
        return Parse(File.ReadAllText(inventoryPath), inventoryPath);
    }

    /// <summary>The certificates the CA issued that are still in place (not replaced by a renewal), with the days left.</summary>
    public static IReadOnlyList<DockerCertificate> Current(string caFolderOrCertificate, DateTime now) =>
        Read(PathFor(caFolderOrCertificate)).Where(r => r.ReplacedBy == null).Select(r => r.ToCertificate(now)).ToList();

    /// <summary>
    /// Commits <paramref name="transaction"/> with the records of <paramref name="issued"/> added to the inventory in it
    /// (earlier records of the same paths marked replaced), while holding the inventory's lock. Without an inventory
    /// path, commits the transaction alone.
    /// </summary>
    public static IReadOnlyList<string> Commit(FileTransaction transaction, string? inventoryPath, IEnumerable<DockerCertificate> issued, DateTime now)
    {
        if (inventoryPath == null) return transaction.Commit();
        transaction.CheckTargets(); // a conflict is reported before waiting for the lock
        // A CA folder the transaction makes has no inventory yet, and no other command issuing from it.
        using var held = Directory.Exists(Path.GetDirectoryName(inventoryPath)) ? InventoryLock.Acquire(inventoryPath, LockTimeout) : null;
        var records = Read(inventoryPath).ToList();
        foreach (var certificate in issued)
        {
            var record = InventoryRecord.From(certificate, now);
            foreach (var earlier in records.Where(r => r.ReplacedBy == null && string.Equals(r.Path, record.Path, StringComparison.Ordinal)))
                earlier.ReplacedBy = record.SerialNumber;
            records.Add(record);
        }
        transaction.AddRewrite(inventoryPath, Serialize(records), FileModes.PublicFile);
        return transaction.Commit();
    }

    /// <summary>The record of a serial number (hex, any case), or null.</summary>
    public static InventoryRecord? Find(string inventoryPath, string serialNumber) =>
        Read(inventoryPath).LastOrDefault(r => string.Equals(r.SerialNumber, serialNumber, StringComparison.OrdinalIgnoreCase));

    internal static byte[] Serialize(IEnumerable<InventoryRecord> records)
    {
        var text = new StringBuilder();
        foreach (var record in records) text.Append(JsonText.Write(record.ToJson(), indented: false)).Append('\n');
        return new UTF8Encoding(false).GetBytes(text.ToString());
    }

    private static IReadOnlyList<InventoryRecord> Parse(string text, string path)
    {
        var records = new List<InventoryRecord>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            try
            {
                if (JsonText.Parse(line) is JsonObject json) { records.Add(InventoryRecord.FromJson(json)); continue; }
            }
            catch (JsonParseException) { }
            throw new DockerTlsException("InventoryInvalid", ErrorKind.InvalidData,
                $"Line {lineNumber} of '{path}' is not a record of a CA's inventory (one JSON object a line). Repair or remove that line.", path);
        }
        return records;
    }
}
