using System;
using System.IO;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace DockerTls.Core.Pki;

/// <summary>
/// Signs certificates (SHA-256 with RSA, PKCS#1 v1.5) with the platform's RSA instead of BouncyCastle's
/// managed arithmetic: a CA with a 4096-bit key signs many certificates, and the native signature is
/// several times faster.
/// </summary>
internal sealed class NativeRsaSignatureFactory : ISignatureFactory, IDisposable
{
    private readonly RSA _rsa;

    public NativeRsaSignatureFactory(RsaPrivateCrtKeyParameters key)
    {
        _rsa = RSA.Create();
        var parameters = new RSAParameters
        {
            Modulus = key.Modulus.ToByteArrayUnsigned(),
            Exponent = key.PublicExponent.ToByteArrayUnsigned(),
            D = Pad(key.Exponent.ToByteArrayUnsigned(), key.Modulus.ToByteArrayUnsigned().Length),
            P = key.P.ToByteArrayUnsigned(),
            Q = key.Q.ToByteArrayUnsigned(),
            DP = key.DP.ToByteArrayUnsigned(),
            DQ = key.DQ.ToByteArrayUnsigned(),
            InverseQ = key.QInv.ToByteArrayUnsigned(),
        };
        var half = (parameters.Modulus.Length + 1) / 2;
        parameters.P = Pad(parameters.P, half);
        parameters.Q = Pad(parameters.Q, half);
        parameters.DP = Pad(parameters.DP, half);
        parameters.DQ = Pad(parameters.DQ, half);
        parameters.InverseQ = Pad(parameters.InverseQ, half);
        _rsa.ImportParameters(parameters);
        Array.Clear(parameters.D, 0, parameters.D.Length);
    }

    public object AlgorithmDetails { get; } = new AlgorithmIdentifier(PkcsObjectIdentifiers.Sha256WithRsaEncryption, DerNull.Instance);

    public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(_rsa);

    public void Dispose() => _rsa.Dispose();

    // The platform wants fixed-length big-endian fields; BouncyCastle drops leading zero bytes.
    private static byte[] Pad(byte[] value, int length)
    {
        if (value.Length >= length) return value;
        var padded = new byte[length];
        Buffer.BlockCopy(value, 0, padded, length - value.Length, value.Length);
        return padded;
    }

    private sealed class Calculator : IStreamCalculator<IBlockResult>
    {
        private readonly RSA _rsa;
        private readonly MemoryStream _buffer = new();

        public Calculator(RSA rsa) => _rsa = rsa;

        public Stream Stream => _buffer;

        public IBlockResult GetResult() =>
            new SimpleBlockResult(_rsa.SignData(_buffer.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }
}
