using System;
using System.ComponentModel;
using System.IO;
using System.Linq;

namespace DockerTls.Core.IO;

/// <summary>
/// The one way the module reads a file: daemon.json, systemd units, the PowerShell profile, the docker CLI's
/// config.json, a context's meta.json, certificates and keys. Only a regular file is read (a link is followed to one);
/// a FIFO, a device, a socket or a folder is refused at once (<c>FileNotRegular</c>), and the open itself cannot block
/// (<c>O_NONBLOCK</c>, then <c>fstat</c> on the open file). Every kind of file has a size cap (<see cref="FileCap"/>,
/// <c>FileTooLarge</c>); a link to nothing is <c>FileLinkBroken</c>, a file that cannot be read <c>FileUnreadable</c>, each
/// with the path and the system's own words.
/// </summary>
public static class SafeFile
{
    /// <summary>Certificates and keys: 1 MiB (an RSA 4096 key is 3 KiB, a ca.pem of a rollover a few KiB).</summary>
    public static readonly FileCap Pem = new("a certificate or key file (PEM)", 1 << 20);

    /// <summary>daemon.json: 1 MiB.</summary>
    public static readonly FileCap DaemonConfig = new("a daemon.json", 1 << 20);

    /// <summary>The docker CLI's config.json: 1 MiB.</summary>
    public static readonly FileCap DockerConfig = new("the docker CLI's config.json", 1 << 20);

    /// <summary>A Docker context's meta.json: 1 MiB.</summary>
    public static readonly FileCap ContextMeta = new("a Docker context's meta.json", 1 << 20);

    /// <summary>A systemd unit or drop-in: 1 MiB.</summary>
    public static readonly FileCap SystemdUnit = new("a systemd unit file", 1 << 20);

    /// <summary>A PowerShell profile: 4 MiB.</summary>
    public static readonly FileCap Profile = new("a PowerShell profile", 4 << 20);

    /// <summary>True when anything is at <paramref name="path"/>: a file, a folder, a FIFO, a link (even one to nothing).</summary>
    public static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || SafeFileNative.LinkTarget(path) != null;

    /// <summary>The bytes of the regular file at <paramref name="path"/>; <c>FileNotFound</c> when nothing is there.</summary>
    public static byte[] ReadAllBytes(string path, FileCap cap) =>
        TryReadAllBytes(path, cap) ?? throw new DockerTlsException("FileNotFound", ErrorKind.ObjectNotFound,
            $"'{path}' does not exist. Check the path.", path);

    /// <summary>The bytes of the regular file at <paramref name="path"/>, or null when nothing is there.</summary>
    public static byte[]? TryReadAllBytes(string path, FileCap cap)
    {
        if (cap is null) throw new ArgumentNullException(nameof(cap));
        var full = Path.GetFullPath(path);
        return PlatformInfo.IsWindows ? ReadWindows(full, cap) : ReadUnix(full, cap);
    }

    /// <summary>The text of the regular file at <paramref name="path"/>, strict UTF-8 (<c>FileNotUtf8</c> naming the line), or null when nothing is there.</summary>
    public static string? TryReadAllText(string path, FileCap cap) =>
        TryReadAllBytes(path, cap) is { } bytes ? Utf8Text.Decode(path, bytes) : null;

    /// <summary>
    /// True when the regular file at <paramref name="path"/> holds exactly <paramref name="content"/> (read no further
    /// than that); a FIFO or a device there is <c>FileNotRegular</c>, as for any read.
    /// </summary>
    public static bool HoldsExactly(string path, byte[] content)
    {
        try
        {
            return TryReadAllBytes(path, new FileCap("the file it replaces", content.Length)) is { } bytes && bytes.SequenceEqual(content);
        }
        catch (DockerTlsException e) when (e.ErrorId == "FileTooLarge")
        {
            return false;
        }
    }

    private static byte[]? ReadUnix(string path, FileCap cap)
    {
        var fd = SafeFileNative.OpenForReading(path, out var errno);
        if (fd < 0)
        {
            if (errno == SafeFileNative.ENOENT || errno == SafeFileNative.ENOTDIR)
            {
                var target = SafeFileNative.LinkTarget(path);
                if (target is null) return null;
                throw new DockerTlsException("FileLinkBroken", ErrorKind.ObjectNotFound,
                    $"'{path}' is a symbolic link to '{target}', which does not exist. Point the link at {cap.What}, or remove it; nothing was changed.", path);
            }

            if (errno == SafeFileNative.ENXIO) throw NotRegular(path, "a socket", cap);
            throw Unreadable(path, errno, cap);
        }

        try
        {
            var (kind, size) = SafeFileNative.Status(fd);
            if (kind != FileKind.Regular && kind != FileKind.Unknown) throw NotRegular(path, Words(kind), cap);
            if (size > cap.Bytes) throw TooLarge(path, cap);
            var buffer = new byte[size >= 0 && size < cap.Bytes ? (int)size + 1 : cap.Bytes + 1];
            var count = 0;
            while (true)
            {
                if (count == buffer.Length)
                {
                    if (count > cap.Bytes) throw TooLarge(path, cap);
                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, cap.Bytes + 1L));
                }

                var read = SafeFileNative.Read(fd, buffer, count, out errno);
                if (read < 0) throw Unreadable(path, errno, cap);
                if (read == 0) break;
                count += read;
            }

            if (count > cap.Bytes) throw TooLarge(path, cap);
            Array.Resize(ref buffer, count);
            return buffer;
        }
        finally
        {
            SafeFileNative.Close(fd);
        }
    }

    private static byte[]? ReadWindows(string path, FileCap cap)
    {
        if (Directory.Exists(path)) throw NotRegular(path, "a folder", cap);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        }
        catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            throw Unreadable(path, e.Message, e is UnauthorizedAccessException, cap, e);
        }

        using (stream)
        {
            if (!SafeFileNative.IsDiskFileWindows(stream.SafeFileHandle)) throw NotRegular(path, "a device", cap);
            if (stream.Length > cap.Bytes) throw TooLarge(path, cap);
            var result = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            try
            {
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    result.Write(buffer, 0, read);
                    if (result.Length > cap.Bytes) throw TooLarge(path, cap);
                }
            }
            catch (IOException e)
            {
                throw Unreadable(path, e.Message, false, cap, e);
            }

            return result.ToArray();
        }
    }

    private static string Words(FileKind kind) => kind switch
    {
        FileKind.Directory => "a folder",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => "not a regular file",
    };

    private static DockerTlsException NotRegular(string path, string what, FileCap cap) =>
        new("FileNotRegular", ErrorKind.InvalidArgument,
            $"'{path}' is {what}, not a regular file; only a regular file is read as {cap.What}. Put the file itself there or give its path; nothing was read or changed.", path);

    private static DockerTlsException TooLarge(string path, FileCap cap) =>
        new("FileTooLarge", ErrorKind.InvalidData,
            $"'{path}' is larger than {cap.Bytes >> 20} MiB, the most this module reads as {cap.What}. Check that it is the right file; nothing was changed.", path);

    private static DockerTlsException Unreadable(string path, int errno, FileCap cap) =>
        Unreadable(path, new Win32Exception(errno).Message, errno == SafeFileNative.EACCES || errno == SafeFileNative.EPERM, cap, null);

    private static DockerTlsException Unreadable(string path, string words, bool denied, FileCap cap, Exception? inner) =>
        new("FileUnreadable", denied ? ErrorKind.PermissionDenied : ErrorKind.ResourceUnavailable,
            $"'{path}' cannot be read as {cap.What}: {words}. " +
            (denied ? "Run as a user who may read it, or give it read permission (chmod, chown)" : "Check the file and the disk") + "; nothing was changed.",
            path, inner);
}

/// <summary>A kind of file the module reads, and the most bytes it reads of one.</summary>
public sealed class FileCap
{
    internal FileCap(string what, int bytes)
    {
        What = what;
        Bytes = bytes;
    }

    /// <summary>What the file is, in words: "a daemon.json".</summary>
    public string What { get; }

    /// <summary>The cap in bytes.</summary>
    public int Bytes { get; }
}
