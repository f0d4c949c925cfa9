using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;

namespace DockerTls.Core.Client;

/// <summary>
/// A PowerShell profile script on disk, changed only by putting in or taking out the <see cref="ProfileBlock"/>.
/// Its encoding (UTF-8 with or without a byte-order mark, UTF-16) and mode are kept, and the file is replaced atomically;
/// a profile in another encoding (a legacy code page) is refused (<c>FileNotUtf8</c>, naming the line), never rewritten.
/// </summary>
public static class ProfileFile
{
    /// <summary>
    /// Sets the block in the profile at <paramref name="path"/> (creating the file and its folder when missing).
    /// Returns false when the profile already held exactly that block.
    /// </summary>
    public static bool SetBlock(string path, IReadOnlyList<string> blockLines, Action<string, string>? onWritten = null) =>
        Update(path, content => ProfileBlock.Apply(content, blockLines), createIfMissing: true, onWritten);

    /// <summary>Removes the block from the profile at <paramref name="path"/>; returns false when there was none (or no file).</summary>
    public static bool RemoveBlock(string path, Action<string, string>? onWritten = null) =>
        Update(path, ProfileBlock.Remove, createIfMissing: false, onWritten);

    /// <summary>Whether the profile at <paramref name="path"/> holds a block.</summary>
    public static bool HasBlock(string path) =>
        SafeFile.TryReadAllBytes(path, SafeFile.Profile) is { } bytes && ProfileBlock.Contains(Decode(path, bytes, out _, out _));

    /// <summary>Whether the profile at <paramref name="path"/> holds exactly the block <paramref name="blockLines"/> already.</summary>
    public static bool HoldsBlock(string path, IReadOnlyList<string> blockLines) =>
        SafeFile.TryReadAllBytes(path, SafeFile.Profile) is { } bytes && Decode(path, bytes, out _, out _) is var content
        && ProfileBlock.Apply(content, blockLines) == content;

    private static bool Update(string path, Func<string, string> change, bool createIfMissing, Action<string, string>? onWritten)
    {
        LinkedFile.Resolve(Path.GetFullPath(path)); // a dangling or hostile link is refused before it is read
        var read = SafeFile.TryReadAllBytes(path, SafeFile.Profile);
        var exists = read is not null;
        if (!exists && !createIfMissing)
        {
            return false;
        }

        var bytes = read ?? new byte[0];
        var content = Decode(path, bytes, out var encoding, out var preamble);
        var changed = change(content);
        if (exists && changed == content)
        {
            return false;
        }

        var output = preamble.Concat(encoding.GetBytes(changed)).ToArray();
        var transaction = new FileTransaction(overwrite: true, destinationParameter: null);
        if (onWritten != null) transaction.FileWritten += onWritten;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            transaction.AddDirectory(folder, FileModes.PublicDirectory);
        }

        transaction.AddRewrite(path, output, FileModes.PublicFile); // keeps owner, group and mode; through a dotfile link
        transaction.Commit();
        return true;
    }

    // UTF-8 (with or without a BOM) or UTF-16 with a BOM, decoded strictly: a byte of a legacy code page (a Latin-1
    // 'é') is refused with its line instead of being written back as '?' or U+FFFD.
    private static string Decode(string path, byte[] bytes, out Encoding encoding, out byte[] preamble)
    {
        if (bytes.Length >= 2 && (bytes[0] == 0xFF && bytes[1] == 0xFE || bytes[0] == 0xFE && bytes[1] == 0xFF))
        {
            var bigEndian = bytes[0] == 0xFE;
            encoding = new UnicodeEncoding(bigEndian, byteOrderMark: false, throwOnInvalidBytes: true);
            preamble = new[] { bytes[0], bytes[1] };
            try
            {
                return encoding.GetString(bytes, 2, bytes.Length - 2);
            }
            catch (ArgumentException e)
            {
                throw new DockerTlsException("FileNotUtf8", ErrorKind.InvalidData,
                    $"'{path}' starts with a UTF-16 byte-order mark but is not valid UTF-16. Save it as UTF-8 and run again; the file was left unchanged.", path, e);
            }
        }

        var bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        encoding = new UTF8Encoding(false);
        preamble = bom ? new byte[] { 0xEF, 0xBB, 0xBF } : new byte[0];
        return Utf8Text.Decode(path, bytes, preamble.Length);
    }
}
