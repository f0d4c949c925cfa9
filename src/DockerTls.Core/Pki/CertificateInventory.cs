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
    public static IReadOnlyList<InventoryRecord> Read(string inventoryPath) => Load(Path.GetFullPath(inventoryPath)).Records;

    // The inventory as last read or written by this process, while its length and write time say it is unchanged:
    // a pipeline that renews 500 certificates would otherwise parse and serialize the whole file 500 times.
    private static readonly Dictionary<string, Snapshot> Snapshots = new(StringComparer.Ordinal);

    // The inventory a commit is writing, until it has landed or failed (under the lock of Snapshots).
    private static readonly Dictionary<string, Snapshot> Writing = new(StringComparer.Ordinal);

    private sealed class Snapshot
    {
        public long Length;
        public long WriteTicks;
        public List<InventoryRecord> Records = new();
        public List<string> Lines = new();
        public byte[]? Bytes; // the file as read or written, when known
    }

    private static Snapshot Load(string path)
    {
        var info = new FileInfo(path);
        Snapshot? known;
        lock (Snapshots)
        {
            if (Snapshots.TryGetValue(path, out known) && info.Exists && info.Length == known.Length && info.LastWriteTimeUtc.Ticks == known.WriteTicks)
                return known;
        }
        var snapshot = new Snapshot();
        if (!info.Exists) return snapshot;
        var bytes = File.ReadAllBytes(path);
        // The same bytes as the snapshot last read or the one a commit is writing: no parse.
        Snapshot? writing;
        lock (Snapshots) Writing.TryGetValue(path, out writing);
        if (known?.Bytes != null && known.Bytes.SequenceEqual(bytes)) snapshot = known;
        else if (writing?.Bytes != null && writing.Bytes.SequenceEqual(bytes)) snapshot = writing;
        else
        {
            using (var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
                Parse(reader.ReadToEnd(), path, snapshot);
            snapshot.Bytes = bytes;
        }
        lock (Snapshots)
        {
            snapshot.Length = bytes.Length;
            snapshot.WriteTicks = info.LastWriteTimeUtc.Ticks;
            Snapshots[path] = snapshot;
        }
        return snapshot;
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
        transaction.RecoverInterrupted();
        transaction.CheckTargets(); // a conflict is reported before waiting for the lock
        // A CA folder the transaction makes has no inventory yet, and no other command issuing from it.
        using var held = Directory.Exists(Path.GetDirectoryName(inventoryPath)) ? InventoryLock.Acquire(inventoryPath, LockTimeout) : null;
        var path = Path.GetFullPath(inventoryPath);
        var current = Load(path);
        var next = new Snapshot { Records = new List<InventoryRecord>(current.Records), Lines = new List<string>(current.Lines) };
        foreach (var certificate in issued)
        {
            var record = InventoryRecord.From(certificate, now);
            for (var i = 0; i < next.Records.Count; i++)
            {
                var earlier = next.Records[i];
                if (earlier.ReplacedBy != null || !string.Equals(earlier.Path, record.Path, StringComparison.Ordinal)) continue;
                next.Records[i] = earlier = earlier.Clone();
                earlier.ReplacedBy = record.SerialNumber;
                next.Lines[i] = Line(earlier);
            }
            next.Records.Add(record);
            next.Lines.Add(Line(record));
        }
        var text = new StringBuilder();
        foreach (var line in next.Lines) text.Append(line).Append('\n');
        next.Bytes = new UTF8Encoding(false).GetBytes(text.ToString());
        next.Length = -1; // known by its bytes until written
        transaction.AddRewrite(path, next.Bytes, FileModes.PublicFile);
        lock (Snapshots) Writing[path] = next; // readers meanwhile compare the file's bytes with it
        try
        {
            var written = transaction.Commit();
            var info = new FileInfo(path);
            lock (Snapshots)
            {
                next.Length = info.Length;
                next.WriteTicks = info.LastWriteTimeUtc.Ticks;
                Snapshots[path] = next;
            }
            return written;
        }
        catch
        {
            lock (Snapshots) Snapshots.Remove(path);
            throw;
        }
        finally
        {
            lock (Snapshots) Writing.Remove(path);
        }
    }

    /// <summary>
    /// Marks revoked, under the lock, each record in place (not replaced) that <paramref name="match"/> selects, and
    /// returns them (those revoked already too). Nothing is written when none matches, or when all were revoked already.
    /// </summary>
    public static IReadOnlyList<InventoryRecord> Revoke(string inventoryPath, Func<InventoryRecord, bool> match)
    {
        var path = Path.GetFullPath(inventoryPath);
        if (!File.Exists(path)) return Array.Empty<InventoryRecord>();
        using var held = InventoryLock.Acquire(path, LockTimeout);
        var current = Load(path);
        var next = new Snapshot { Records = new List<InventoryRecord>(current.Records), Lines = new List<string>(current.Lines) };
        var matched = new List<InventoryRecord>();
        var changed = false;
        for (var i = 0; i < next.Records.Count; i++)
        {
            var record = next.Records[i];
            if (record.ReplacedBy != null || !match(record)) continue;
            if (!record.Revoked)
            {
                next.Records[i] = record = record.Clone();
                record.Revoked = true;
                next.Lines[i] = Line(record);
                changed = true;
            }
            matched.Add(record);
        }
        if (!changed) return matched;
        var transaction = new FileTransaction(overwrite: true, destinationParameter: null);
        var text = new StringBuilder();
        foreach (var line in next.Lines) text.Append(line).Append('\n');
        transaction.AddRewrite(path, new UTF8Encoding(false).GetBytes(text.ToString()), FileModes.PublicFile);
        lock (Snapshots) Snapshots.Remove(path);
        transaction.Commit();
        return matched;
    }

    private static string Line(InventoryRecord record) => JsonText.Write(record.ToJson(), indented: false);

    /// <summary>The record of a serial number (hex, any case), or null.</summary>
    public static InventoryRecord? Find(string inventoryPath, string serialNumber) =>
        Read(inventoryPath).LastOrDefault(r => string.Equals(r.SerialNumber, serialNumber, StringComparison.OrdinalIgnoreCase));

    private static void Parse(string text, string path, Snapshot snapshot)
    {
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            try
            {
                if (JsonText.Parse(line) is JsonObject json)
                {
                    snapshot.Records.Add(InventoryRecord.FromJson(json));
                    snapshot.Lines.Add(line.TrimEnd('\r'));
                    continue;
                }
            }
            catch (JsonParseException) { }
            throw new DockerTlsException("InventoryInvalid", ErrorKind.InvalidData,
                $"Line {lineNumber} of '{path}' is not a record of a CA's inventory (one JSON object a line). Repair or remove that line.", path);
        }
    }
}
