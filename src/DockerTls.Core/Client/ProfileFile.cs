using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;

namespace DockerTls.Core.Client;

/// <summary>
/// A PowerShell profile script on disk, changed only by putting in or taking out the <see cref="ProfileBlock"/>.
/// Its encoding (UTF-8 with or without a byte-order mark, UTF-16) and mode are kept, and the file is replaced atomically.
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
    public static bool HasBlock(string path) => File.Exists(path) && ProfileBlock.Contains(Decode(File.ReadAllBytes(path), out _, out _));

    private static bool Update(string path, Func<string, string> change, bool createIfMissing, Action<string, string>? onWritten)
    {
        var exists = File.Exists(path);
        if (!exists && !createIfMissing)
        {
            return false;
        }

        var bytes = exists ? File.ReadAllBytes(path) : new byte[0];
        var content = Decode(bytes, out var encoding, out var preamble);
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

        transaction.AddFile(path, output, (File.Exists(path) ? FileModes.GetUnixMode(path) : null) ?? FileModes.PublicFile);
        transaction.Commit();
        return true;
    }

    private static string Decode(byte[] bytes, out Encoding encoding, out byte[] preamble)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            encoding = new UTF8Encoding(false);
            preamble = new byte[] { 0xEF, 0xBB, 0xBF };
        }
        else if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE)
        {
            encoding = new UnicodeEncoding(bigEndian: false, byteOrderMark: false);
            preamble = new byte[] { 0xFF, 0xFE };
        }
        else if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            encoding = new UnicodeEncoding(bigEndian: true, byteOrderMark: false);
            preamble = new byte[] { 0xFE, 0xFF };
        }
        else
        {
            encoding = new UTF8Encoding(false);
            preamble = new byte[0];
        }

        var text = encoding.GetString(bytes, preamble.Length, bytes.Length - preamble.Length);
        if (preamble.Length == 0 && !encoding.GetBytes(text).SequenceEqual(bytes))
        {
            // Not UTF-8 (a legacy code page): Latin-1 maps every byte to one character and back, so the user's bytes survive.
            encoding = Encoding.GetEncoding("iso-8859-1");
            text = encoding.GetString(bytes);
        }

        return text;
    }
}
