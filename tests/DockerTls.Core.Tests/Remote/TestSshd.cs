using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using DockerTls.Core.Remote;

namespace DockerTls.Core.Tests.Remote;

/// <summary>
/// A real sshd (Debian's openssh-server) on 127.0.0.1 and a port of its own, with a host key, a client key and a
/// known_hosts made for the run (what a real administrator has), root login by key only. Linux as root only (CI).
/// </summary>
public sealed class TestSshd : IDisposable
{
    private readonly Process process;

    public TestSshd()
    {
        Folder = Path.Combine("/tmp", "dt-ssh-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        Directory.CreateDirectory(Folder);
        Directory.CreateDirectory("/run/sshd"); // sshd's privilege separation folder
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Combine("host_key"));
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Combine("client_key"));
        File.Copy(Combine("client_key.pub"), Combine("authorized_keys"));
        Port = FreePort();
        File.WriteAllText(KnownHosts, $"[127.0.0.1]:{Port} {File.ReadAllText(Combine("host_key.pub")).Trim()}\n");
        File.WriteAllText(Combine("sshd_config"), string.Join("\n",
            $"Port {Port}", "ListenAddress 127.0.0.1", $"HostKey {Combine("host_key")}", $"PidFile {Combine("sshd.pid")}",
            $"AuthorizedKeysFile {Combine("authorized_keys")}", "PermitRootLogin prohibit-password", "PasswordAuthentication no",
            "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no", "LogLevel VERBOSE", "MaxStartups 100", "") );
        process = Process.Start(new ProcessStartInfo("/usr/sbin/sshd", $"-D -f {Combine("sshd_config")} -E {LogPath}") { UseShellExecute = false })!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Listening())
        {
            if (process.HasExited || DateTime.UtcNow > deadline) throw new InvalidOperationException("sshd did not start: " + (File.Exists(LogPath) ? File.ReadAllText(LogPath) : "no log"));
            Thread.Sleep(50);
        }
    }

    public string Folder { get; }

    /// <summary>sshd's process id (strace attaches there to see what the host's scripts do).</summary>
    public int Pid => process.Id;

    public int Port { get; }

    public string KnownHosts => Combine("known_hosts");

    public string LogPath => Combine("sshd.log");

    public string Combine(string name) => Path.Combine(Folder, name);

    /// <summary>How many logins sshd has accepted so far (its own log, the peer's count).</summary>
    public int AcceptedLogins => File.Exists(LogPath) ? File.ReadAllText(LogPath).Split("Accepted publickey").Length - 1 : 0;

    /// <summary>A target for this sshd as root, with known_hosts <paramref name="knownHosts"/> (this run's by default).</summary>
    public SshTarget Target(string? knownHosts = null, int? port = null, params (string, string)[] options)
    {
        var all = new System.Collections.Generic.List<System.Collections.Generic.KeyValuePair<string, string>>
        {
            new("UserKnownHostsFile", knownHosts ?? KnownHosts),
            new("GlobalKnownHostsFile", "/dev/null"),
            new("IdentitiesOnly", "yes"),
        };
        foreach (var (k, v) in options) all.Add(new(k, v));
        return new SshTarget("127.0.0.1", "root", port ?? Port, Combine("client_key"), all) { ConnectTimeout = TimeSpan.FromSeconds(5) };
    }

    public static bool Available => OperatingSystem.IsLinux() && DockerTls.Core.IO.UnixFileCalls.Geteuid() == 0 && File.Exists("/usr/sbin/sshd");

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; } finally { listener.Stop(); }
    }

    public static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        if (!p.WaitForExit(30000) || p.ExitCode != 0) throw new InvalidOperationException($"{program} failed: {output}");
        return output;
    }

    private bool Listening()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try { process.Kill(); process.WaitForExit(5000); } catch (InvalidOperationException) { }
        process.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
