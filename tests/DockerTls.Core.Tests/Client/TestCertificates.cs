using System;
using System.Diagnostics;
using System.IO;

namespace DockerTls.Core.Tests.Client;

/// <summary>Client certificate folders made with the real openssl: a good set and the bad ones the checks must refuse.</summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "dtls-client-" + Guid.NewGuid().ToString("N"))).FullName;
        var ca = Dir("ca");
        OpenSsl(ca, "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca-key.pem -out ca.pem -days 30 -subj /CN=test-ca "
            + "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
        var otherCa = Dir("otherca");
        OpenSsl(otherCa, "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca-key.pem -out ca.pem -days 30 -subj /CN=other-ca "
            + "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");

        Good = Leaf("good", ca, "clientAuth");
        NoClientAuth = Leaf("serveronly", ca, "serverAuth");
        OtherCa = Leaf("otherca-leaf", otherCa, "clientAuth");
        File.Copy(Path.Combine(ca, "ca.pem"), Path.Combine(OtherCa, "ca.pem"), true);

        Encrypted = Leaf("encrypted", ca, "clientAuth");
        OpenSsl(Encrypted, "pkey -in key.pem -out key.enc -aes256 -passout pass:secret");
        File.Copy(Path.Combine(Encrypted, "key.enc"), Path.Combine(Encrypted, "key.pem"), true);
        File.Delete(Path.Combine(Encrypted, "key.enc"));

        Mismatch = Leaf("mismatch", ca, "clientAuth");
        File.Copy(Path.Combine(OtherCa, "key.pem"), Path.Combine(Mismatch, "key.pem"), true);

        Incomplete = Leaf("incomplete", ca, "clientAuth");
        File.Delete(Path.Combine(Incomplete, "key.pem"));
    }

    public string Root { get; }

    public string Good { get; }

    public string NoClientAuth { get; }

    public string OtherCa { get; }

    public string Encrypted { get; }

    public string Mismatch { get; }

    public string Incomplete { get; }

    public string NewFolder(string name) => Path.Combine(Root, "out-" + name + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    private string Leaf(string name, string caFolder, string eku)
    {
        var folder = Dir(name);
        OpenSsl(folder, "req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem -out req.csr -subj /CN=" + name);
        File.WriteAllText(Path.Combine(folder, "ext.cnf"), $"basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage={eku}\n");
        OpenSsl(folder, $"x509 -req -in req.csr -CA {Path.Combine(caFolder, "ca.pem")} -CAkey {Path.Combine(caFolder, "ca-key.pem")} -CAcreateserial -out cert.pem -days 10 -extfile ext.cnf");
        File.Copy(Path.Combine(caFolder, "ca.pem"), Path.Combine(folder, "ca.pem"), true);
        File.Delete(Path.Combine(folder, "req.csr"));
        File.Delete(Path.Combine(folder, "ext.cnf"));
        return folder;
    }

    private static void OpenSsl(string folder, string arguments)
    {
        var start = new ProcessStartInfo("openssl", arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {arguments} failed: {error}");
        }
    }
}
