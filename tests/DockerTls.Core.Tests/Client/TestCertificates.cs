using System;
using System.IO;

namespace DockerTls.Core.Tests.Client;

/// <summary>Client certificate folders made with the real openssl: a good set and the bad ones the checks must refuse.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly TestPki pki = new();

    public TestCertificates()
    {
        var ca = pki.CA("ca");
        var otherCa = pki.CA("otherca");

        Good = pki.Leaf("good", ca, "extendedKeyUsage=clientAuth");
        NoClientAuth = pki.Leaf("serveronly", ca, "extendedKeyUsage=serverAuth");
        OtherCa = pki.Leaf("otherca-leaf", otherCa, "extendedKeyUsage=clientAuth");
        File.Copy(Path.Combine(ca, "ca.pem"), Path.Combine(OtherCa, "ca.pem"), true);

        Encrypted = pki.Leaf("encrypted", ca, "extendedKeyUsage=clientAuth");
        TestPki.OpenSsl(Encrypted, "pkey -in key.pem -out key.enc -aes256 -passout pass:secret");
        File.Copy(Path.Combine(Encrypted, "key.enc"), Path.Combine(Encrypted, "key.pem"), true);
        File.Delete(Path.Combine(Encrypted, "key.enc"));

        Mismatch = pki.Leaf("mismatch", ca, "extendedKeyUsage=clientAuth");
        File.Copy(Path.Combine(OtherCa, "key.pem"), Path.Combine(Mismatch, "key.pem"), true);

        Incomplete = pki.Leaf("incomplete", ca, "extendedKeyUsage=clientAuth");
        File.Delete(Path.Combine(Incomplete, "key.pem"));
    }

    public string Root => pki.Root;

    public string Good { get; }

    public string NoClientAuth { get; }

    public string OtherCa { get; }

    public string Encrypted { get; }

    public string Mismatch { get; }

    public string Incomplete { get; }

    public string NewFolder(string name) => Path.Combine(Root, "out-" + name + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));

    public void Dispose() => pki.Dispose();
}
