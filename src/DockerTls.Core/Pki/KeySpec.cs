using System;

namespace DockerTls.Core.Pki;

/// <summary>The key algorithms Docker's TLS stack (Go) accepts and .NET can make on every platform.</summary>
public enum KeyAlgorithm
{
    RSA,
    ECDSA,
}

/// <summary>The ECDSA curves offered: NIST P-256 (SHA-256) and P-384 (SHA-384).</summary>
public enum EcCurve
{
    P256,
    P384,
}

/// <summary>What key to make: RSA with a size, or ECDSA on a curve.</summary>
public sealed class KeySpec
{
    public KeySpec(KeyAlgorithm algorithm = KeyAlgorithm.RSA, int keySize = 4096, EcCurve curve = EcCurve.P256)
    {
        if (algorithm == KeyAlgorithm.RSA && keySize != 2048 && keySize != 3072 && keySize != 4096)
            throw new DockerTlsException("InvalidKeySize", ErrorKind.InvalidArgument,
                $"RSA keys of {keySize} bits are not offered. Use -KeySize 2048, 3072 or 4096 (Docker's docs use 4096).", keySize);
        Algorithm = algorithm;
        KeySize = keySize;
        Curve = curve;
    }

    public KeyAlgorithm Algorithm { get; }
    public int KeySize { get; }
    public EcCurve Curve { get; }

    /// <summary>"RSA 4096" or "ECDSA P-256", the way <see cref="DockerCertificate.KeyAlgorithm"/> reads.</summary>
    public override string ToString() => Algorithm == KeyAlgorithm.RSA ? $"RSA {KeySize}" : $"ECDSA {CurveName(Curve)}";

    internal static string CurveName(EcCurve curve) => curve == EcCurve.P256 ? "P-256" : "P-384";
}
