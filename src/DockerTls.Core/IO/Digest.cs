using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;

namespace DockerTls.Core.IO;

/// <summary>
/// SHA-256 and SHA-1 of a few bytes: certificate fingerprints and Docker's context ids. BouncyCastle's digests, not
/// SHA256.Create(): under .NET Framework (Windows PowerShell 5.1) that returns SHA256Managed, which throws when the
/// Windows FIPS policy is on, and the hashes here are identifiers, not a protection that a validated module must give.
/// </summary>
internal static class Digest
{
    public static byte[] Sha256(byte[] data) => Compute(new Sha256Digest(), data);

    /// <summary>SHA-1: only for the thumbprint that Windows and openssl show, never to decide trust.</summary>
    public static byte[] Sha1(byte[] data) => Compute(new Sha1Digest(), data);

    private static byte[] Compute(IDigest digest, byte[] data)
    {
        digest.BlockUpdate(data, 0, data.Length);
        var hash = new byte[digest.GetDigestSize()];
        digest.DoFinal(hash, 0);
        return hash;
    }
}
