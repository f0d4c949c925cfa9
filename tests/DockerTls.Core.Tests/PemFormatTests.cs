using System.IO;
using DockerTls.Core.Pki;
using Org.BouncyCastle.Crypto.Parameters;
using Xunit;

namespace DockerTls.Core.Tests;

public class PemFormatTests
{
    private static void OpenSsl(string arguments) => TestPki.OpenSsl(Path.GetTempPath(), arguments);

    [Fact]
    public void ReadsAnOpenSslPbes2KeyWithItsPassphraseOnly()
    {
        using var temp = new TempFolder();
        OpenSsl($"genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 -pass pass:s3cret -out {temp["k.pem"]}");
        Assert.True(PemFormat.IsEncryptedKey(temp["k.pem"]));
        Assert.IsType<ECPrivateKeyParameters>(PemFormat.ReadPrivateKey(temp["k.pem"], "s3cret".ToCharArray()));
        Assert.Equal("PassphraseWrong", Assert.Throws<DockerTlsException>(() => PemFormat.ReadPrivateKey(temp["k.pem"], "nope".ToCharArray())).ErrorId);
        Assert.Equal("PassphraseRequired", Assert.Throws<DockerTlsException>(() => PemFormat.ReadPrivateKey(temp["k.pem"], null)).ErrorId);
    }

    [Fact]
    public void ReadsALegacyEncryptedRsaKey()
    {
        using var temp = new TempFolder();
        OpenSsl($"genrsa -traditional -aes256 -passout pass:s3cret -out {temp["rsa.pem"]} 2048");
        Assert.Contains("Proc-Type: 4,ENCRYPTED", File.ReadAllText(temp["rsa.pem"]));
        Assert.IsType<RsaPrivateCrtKeyParameters>(PemFormat.ReadPrivateKey(temp["rsa.pem"], "s3cret".ToCharArray()));
        Assert.Equal("PassphraseWrong", Assert.Throws<DockerTlsException>(() => PemFormat.ReadPrivateKey(temp["rsa.pem"], "nope".ToCharArray())).ErrorId);
    }

    [Fact]
    public void OurEncryptedKeyOpensInOpenSsl()
    {
        using var temp = new TempFolder();
        var ca = CertificateAuthority.Create("CA", new KeySpec(KeyAlgorithm.RSA, 2048), 5, "pass word".ToCharArray());
        File.WriteAllBytes(temp["ca-key.pem"], ca.KeyPem);
        OpenSsl($"pkey -in {temp["ca-key.pem"]} -passin \"pass:pass word\" -noout");
        var key = (RsaPrivateCrtKeyParameters)PemFormat.ReadPrivateKey(temp["ca-key.pem"], "pass word".ToCharArray());
        Assert.Equal(2048, key.Modulus.BitLength);
    }

    [Fact]
    public void UnencryptedKeysArePkcs8()
    {
        var ca = CertificateAuthority.Create("CA", new KeySpec(KeyAlgorithm.ECDSA), 5);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----\n", System.Text.Encoding.ASCII.GetString(ca.KeyPem));
    }
}
