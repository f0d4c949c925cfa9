using System;
using System.IO;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Tests.Daemon;

/// <summary>Two ECDSA TLS kits (two CAs), made once per test class.</summary>
public sealed class TlsKitFixture : IDisposable
{
    private readonly TempFolder folder = new();

    public TlsKitFixture()
    {
        KitA = Path.Combine(folder.Path, "a");
        KitB = Path.Combine(folder.Path, "b");
        foreach (var kit in new[] { KitA, KitB })
        {
            TlsKit.Create(new TlsKitRequest
            {
                OutputPath = kit,
                DnsNames = new[] { "localhost" },
                IPAddresses = new[] { "127.0.0.1" },
                Key = new KeySpec(KeyAlgorithm.ECDSA),
            }, overwrite: false);
        }
    }

    /// <summary>The first kit's root (ca/, server/, client/).</summary>
    public string KitA { get; }

    /// <summary>A second kit from another CA.</summary>
    public string KitB { get; }

    public string ServerA => Path.Combine(KitA, TlsKit.ServerFolder);

    /// <summary>Copies files into a new folder as ca.pem, server-cert.pem, server-key.pem.</summary>
    public static string Assemble(string folder, string ca, string cert, string key)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "ca.pem"), File.ReadAllBytes(ca));
        File.WriteAllBytes(Path.Combine(folder, "server-cert.pem"), File.ReadAllBytes(cert));
        File.WriteAllBytes(Path.Combine(folder, "server-key.pem"), File.ReadAllBytes(key));
        return folder;
    }

    public void Dispose() => folder.Dispose();
}
