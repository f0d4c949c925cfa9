using System.Collections.Generic;
using System.IO;
using DockerTls.Core.IO;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Client;

/// <summary>
/// Puts a checked client certificate set where the docker CLI reads it (<c>$DOCKER_CONFIG</c> or <c>~/.docker</c> by default):
/// <c>ca.pem</c> and <c>cert.pem</c> read-only for all, <c>key.pem</c> for the owner only, all three or none.
/// </summary>
public static class ClientCertificateInstaller
{
    /// <summary>
    /// True when <paramref name="destination"/> holds the very files of <paramref name="sourceFolder"/>, the key private
    /// (no bits for group or others): an install would change nothing.
    /// </summary>
    public static bool IsInstalled(string sourceFolder, string destination)
    {
        foreach (var name in ClientEnvironment.CertificateFileNames)
        {
            var source = SafeFile.TryReadAllBytes(Path.Combine(sourceFolder, name), SafeFile.Pem);
            if (source is null || !SafeFile.HoldsExactly(Path.Combine(destination, name), source)) return false;
        }

        return PlatformInfo.IsWindows || UnixFileCalls.Stat(Path.Combine(destination, "key.pem"), followLinks: false) is { IsRegular: true } key
            && (key.Permissions & 0x3F) == 0;
    }

    /// <summary>
    /// Checks <paramref name="sourceFolder"/> with <see cref="ClientCertificateCheck.Check"/>, then copies the three files into
    /// <paramref name="destination"/> (created 0700 when missing). Without <paramref name="overwrite"/> an existing file there is
    /// the error <c>KeyFileExists</c> and nothing is written. Returns the certificate as installed.
    /// </summary>
    public static DockerCertificate Install(string sourceFolder, string destination, bool overwrite, System.Action<string, string>? fileWritten = null)
    {
        ClientCertificateCheck.Check(sourceFolder);
        var transaction = new FileTransaction(overwrite, "-Destination");
        if (fileWritten != null)
        {
            transaction.FileWritten += fileWritten;
        }

        if (!Directory.Exists(destination))
        {
            transaction.AddDirectory(destination, FileModes.PrivateDirectory);
        }

        transaction.AddCertificate(Path.Combine(destination, "ca.pem"), SafeFile.ReadAllBytes(Path.Combine(sourceFolder, "ca.pem"), SafeFile.Pem));
        transaction.AddCertificate(Path.Combine(destination, "cert.pem"), SafeFile.ReadAllBytes(Path.Combine(sourceFolder, "cert.pem"), SafeFile.Pem));
        transaction.AddKey(Path.Combine(destination, "key.pem"), SafeFile.ReadAllBytes(Path.Combine(sourceFolder, "key.pem"), SafeFile.Pem));
        // The summary is read from the same files before they land, so that nothing that may throw runs after Commit.
        var installed = CertificateReader.Read(Path.Combine(sourceFolder, "cert.pem"), Path.Combine(sourceFolder, "key.pem"), Path.Combine(sourceFolder, "ca.pem"));
        var paths = (Cert: Path.GetFullPath(Path.Combine(destination, "cert.pem")), Key: Path.GetFullPath(Path.Combine(destination, "key.pem")),
            CA: Path.GetFullPath(Path.Combine(destination, "ca.pem")));
        transaction.Commit();
        installed.Path = paths.Cert;
        installed.KeyPath = paths.Key;
        installed.ChainCAPath = paths.CA;
        return installed;
    }
}
