using System;
using System.IO;
using System.Linq;

namespace DockerTls.Core.Pki;

/// <summary>
/// Where a CA rollover keeps the two CAs, in the CA's own folder. The CA folder keeps the layout it always had, and
/// always holds the CA that issues: ca.pem (from Start-DockerCARollover on the bundle: the new CA first, then the
/// old ca.pem), ca-key.pem (the new CA's key) and ca-inventory.jsonl (one inventory for both). The CA being retired
/// moves to <c>retiring/</c> beside them (its ca.pem and ca-key.pem, byte for byte, the folder 0700) until
/// Complete-DockerCARollover renames that folder <c>retired-&lt;yyyyMMddHHmmss&gt;/</c>.
/// </summary>
public static class CARolloverLayout
{
    public const string RetiringFolderName = "retiring";
    public const string RetiredPrefix = "retired-";

    /// <summary>The folder of the CA being retired, inside <paramref name="caFolder"/>.</summary>
    public static string RetiringFolder(string caFolder) => Path.Combine(Path.GetFullPath(caFolder), RetiringFolderName);

    /// <summary>The retiring CA's ca.pem, which exists exactly while a rollover is under way.</summary>
    public static string RetiringCertificatePath(string caFolder) => Path.Combine(RetiringFolder(caFolder), CertificateFiles.CACertificate);

    /// <summary>The folder a completed rollover keeps the retired CA in.</summary>
    public static string RetiredFolder(string caFolder, DateTime now) =>
        Path.Combine(Path.GetFullPath(caFolder), RetiredPrefix + now.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The newest retired CA's folder (the last completed rollover), or null.</summary>
    public static string? LatestRetired(string caFolder) =>
        Directory.Exists(caFolder)
            ? Directory.GetDirectories(caFolder, RetiredPrefix + "*").Where(d => File.Exists(Path.Combine(d, CertificateFiles.CACertificate)))
                .OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            : null;

    /// <summary>The CA folder of a -CAPath given as the folder or its ca.pem.</summary>
    public static string CAFolder(string caPath)
    {
        var full = Path.GetFullPath(caPath);
        return Directory.Exists(full) ? full : Path.GetDirectoryName(full)!;
    }
}
