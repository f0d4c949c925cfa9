using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DockerTls.Core.IO;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Client;

/// <summary>
/// The undo of <see cref="ClientCertificateInstaller"/>: removes <c>ca.pem</c>, <c>cert.pem</c> and <c>key.pem</c> from a
/// folder the docker CLI reads, and only when they are what the installer puts there: regular files (never a link, which
/// is neither followed nor removed), a CA certificate, a certificate with <c>clientAuth</c> and an unencrypted key of that
/// certificate. Anything else there is refused with a specific id and nothing is removed; the folder and its other files
/// (config.json, contexts) stay.
/// </summary>
public static class ClientCertificateUninstaller
{
    /// <summary>The error when the folder holds none of the three files.</summary>
    public const string NotInstalled = "ClientCertificateNotInstalled";

    /// <summary>A file or the folder is a symbolic link.</summary>
    public const string IsLink = "ClientCertificateLinked";

    /// <summary>A file holds something DockerTls does not install there.</summary>
    public const string NotDockerTls = "ClientFileNotDockerTls";

    /// <summary>A file belongs to another user (and <c>-Force</c> was not given).</summary>
    public const string OtherOwner = "ClientFileOwnedByOtherUser";

    /// <summary>
    /// Checks what <see cref="Remove"/> would remove from <paramref name="folder"/>, removing nothing (what -WhatIf shows):
    /// the files present, in the order they are removed (key first). Throws the refusals listed on the class;
    /// without <paramref name="force"/>, a file owned by another user than the one running (root included) is refused too.
    /// </summary>
    public static UninstalledClientCertificate Check(string folder, bool force)
    {
        var full = Path.GetFullPath(folder);
        if (IsLinkAt(full))
        {
            throw new DockerTlsException(IsLink, ErrorKind.SecurityError,
                $"'{full}' is a symbolic link; DockerTls does not follow a link to remove files. Nothing was removed. "
                + "Give the folder it leads to with -Path, if the files there are yours to remove.", full);
        }

        var present = new List<string>();
        foreach (var name in new[] { "key.pem", "cert.pem", "ca.pem" })
        {
            var path = Path.Combine(full, name);
            if (CheckFile(path, force)) present.Add(name);
        }

        if (present.Count == 0)
        {
            throw new DockerTlsException(NotInstalled, ErrorKind.ObjectNotFound,
                $"'{full}' holds no ca.pem, cert.pem or key.pem. Nothing was removed. Give the folder they were installed in with -Path.", full);
        }

        return new UninstalledClientCertificate(full, present.ToArray(), CheckContent(full, present));
    }

    /// <summary>
    /// Removes the files <see cref="Check"/> finds, holding the folder's lock (as an install does) so that an install
    /// running at the same time lands wholly before or after. <paramref name="removed"/> hears of each file removed.
    /// </summary>
    public static UninstalledClientCertificate Remove(string folder, bool force, Action<string>? removed = null)
    {
        var full = Path.GetFullPath(folder);
        Check(full, force);
        if (FileSystemErrors.ProbeWrite(full, Path.Combine(full, "key.pem")) is { } denied) throw denied;
        using var _ = FolderLock.Acquire(full, FolderLock.DefaultWait);
        var plan = Check(full, force);
        foreach (var name in plan.Removed)
        {
            var path = Path.Combine(full, name);
            try
            {
                if (PlatformInfo.IsWindows) File.SetAttributes(path, FileAttributes.Normal);
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw FileSystemErrors.FromException(e, path, "remove");
            }

            removed?.Invoke(path);
        }

        return plan;
    }

    // True when a regular file of this user (or any user, forced) is there; false when nothing is; throws otherwise.
    private static bool CheckFile(string path, bool force)
    {
        if (PlatformInfo.IsWindows)
        {
            if (!File.Exists(path) && !Directory.Exists(path)) return false;
            if (IsLinkAt(path)) throw LinkRefused(path);
            if (Directory.Exists(path)) throw Foreign(path, "a folder");
            return true;
        }

        var status = UnixFileCalls.Stat(path, followLinks: false);
        if (status is null) return false;
        if (status.Value.IsLink) throw LinkRefused(path);
        if (!status.Value.IsRegular) throw Foreign(path, "not a regular file");
        var euid = UnixFileCalls.Geteuid();
        if (!force && status.Value.Owner != euid)
        {
            throw new DockerTlsException(OtherOwner, ErrorKind.SecurityError,
                $"'{path}' belongs to uid {status.Value.Owner}, not to uid {euid}, who runs this command. Nothing was removed. "
                + $"Run it as uid {status.Value.Owner}, or add -Force to remove another user's files.", path);
        }

        return true;
    }

    // The subject of cert.pem when it is there; throws unless each file present holds what the installer writes.
    private static string? CheckContent(string folder, IReadOnlyCollection<string> present)
    {
        var caPath = Path.Combine(folder, "ca.pem");
        var certPath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        if (present.Contains("ca.pem"))
        {
            var authorities = Read(caPath, () => PemFormat.ReadCertificates(caPath));
            if (authorities.Any(c => c.GetBasicConstraints() < 0)) throw Foreign(caPath, "a certificate that is not a CA");
        }

        string? subject = null;
        if (present.Contains("cert.pem"))
        {
            var certificate = Read(certPath, () => CertificateReader.Read(certPath, keyPath, null,
                Org.BouncyCastle.Asn1.X509.KeyPurposeID.id_kp_clientAuth));
            if (!certificate.ClientAuth) throw Foreign(certPath, "a certificate without clientAuth (not a client certificate)");
            if (certificate.KeyEncrypted == true) throw Foreign(keyPath, "an encrypted key, which DockerTls never installs");
            if (certificate.KeyMatches == false) throw Foreign(keyPath, "a key that is not the pair of cert.pem");
            subject = certificate.Subject;
        }
        else if (present.Contains("key.pem"))
        {
            if (Read(keyPath, () => PemFormat.IsEncryptedKey(keyPath))) throw Foreign(keyPath, "an encrypted key, which DockerTls never installs");
            Read(keyPath, () => PemFormat.ReadKeyPair(keyPath, null));
        }

        return subject;
    }

    private static T Read<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (DockerTlsException e) { throw Foreign(path, "not what it should be: " + e.Message.TrimEnd('.')); }
    }

    private static bool IsLinkAt(string path) => PlatformInfo.IsWindows
        ? (File.Exists(path) || Directory.Exists(path)) && (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0
        : UnixFileCalls.Stat(path, followLinks: false) is { IsLink: true };

    private static DockerTlsException LinkRefused(string path) =>
        new(IsLink, ErrorKind.SecurityError,
            $"'{path}' is a symbolic link; DockerTls installs regular files and removes nothing through a link. Nothing was removed. "
            + "Remove the link yourself if it is yours (rm), then run again for the other files.", path);

    private static DockerTlsException Foreign(string path, string what) =>
        new(NotDockerTls, ErrorKind.InvalidData,
            $"'{path}' is {what}; DockerTls removes only the client files it installs. Nothing was removed. "
            + "Check what the folder holds (Get-DockerCertificate), and remove the file yourself if it is no longer needed.", path);
}
