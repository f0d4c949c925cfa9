using System;
using System.Diagnostics;
using System.IO;
using DockerTls.Core.Pki;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace DockerTls.Core.Tests;

/// <summary>CAs and leaf certificates made with the real openssl: an independent peer to check the module against.</summary>
public sealed class TestPki : IDisposable
{
    private readonly TempFolder folder = new();

    public string this[string name] => folder[name];

    /// <summary>The folder everything is made in.</summary>
    public string Root => folder.Path;

    /// <summary>A self-signed CA: <c>name/ca.pem</c> and <c>name/ca-key.pem</c>. Key: "ec:P-256", "ec:P-384" or "rsa:2048";
    /// <paramref name="usage"/> replaces the CA's keyUsage (null: no keyUsage at all).</summary>
    public string CA(string name, string key = "ec:P-256", string? usage = "critical,keyCertSign,cRLSign")
    {
        var dir = Directory.CreateDirectory(folder[name]).FullName;
        OpenSsl(dir, $"req -x509 {NewKey(key)} -nodes -keyout ca-key.pem -out ca.pem -days 30 -subj /CN={name} "
            + "-addext basicConstraints=critical,CA:TRUE" + (usage is null ? "" : " -addext keyUsage=" + usage));
        return dir;
    }

    /// <summary>A leaf signed by the CA in <paramref name="caFolder"/>, with the given extensions: <c>name/cert.pem</c>, <c>name/key.pem</c>.</summary>
    public string Leaf(string name, string caFolder, string extensions, string key = "ec:P-256")
    {
        var dir = Directory.CreateDirectory(folder[name]).FullName;
        OpenSsl(dir, $"req {NewKey(key)} -nodes -keyout key.pem -out req.csr -subj /CN={name}");
        File.WriteAllText(Path.Combine(dir, "ext.cnf"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n" + extensions + "\n");
        OpenSsl(dir, $"x509 -req -in req.csr -CA {Path.Combine(caFolder, "ca.pem")} -CAkey {Path.Combine(caFolder, "ca-key.pem")} -CAcreateserial -out cert.pem -days 10 -extfile ext.cnf");
        File.Copy(Path.Combine(caFolder, "ca.pem"), Path.Combine(dir, "ca.pem"), true);
        File.Delete(Path.Combine(dir, "req.csr"));
        File.Delete(Path.Combine(dir, "ext.cnf"));
        return dir;
    }

    public static BcCertificate Load(string path) => PemFormat.ReadCertificates(path)[0];

    public void Dispose() => folder.Dispose();

    private static string NewKey(string key) => key.StartsWith("ec:", StringComparison.Ordinal)
        ? "-newkey ec -pkeyopt ec_paramgen_curve:" + key.Substring(3)
        : "-newkey " + key;

    /// <summary>Runs openssl in <paramref name="workingDirectory"/>; a failure throws with what openssl said.</summary>
    public static void OpenSsl(string workingDirectory, string arguments)
    {
        var start = new ProcessStartInfo("openssl", arguments)
        {
            WorkingDirectory = workingDirectory,
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
