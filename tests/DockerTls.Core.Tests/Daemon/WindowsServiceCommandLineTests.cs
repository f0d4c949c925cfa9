using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.Daemon;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

/// <summary>
/// The docker service's command line on Windows (its ImagePath): the parsing, checked against Python's
/// subprocess.list2cmdline (the MSVC C runtime's quoting rules, an independent implementation), and what
/// Set- and Get-DockerDaemonConfig make of a -H there. Reading the registry runs on Windows only (CI's windows leg).
/// </summary>
public class WindowsServiceCommandLineTests : IClassFixture<TlsKitFixture>
{
    private const string Registered = "\"C:\\Program Files\\docker\\dockerd.exe\" --run-service -H npipe:// -H tcp://0.0.0.0:2376";

    private readonly TlsKitFixture kits;

    public WindowsServiceCommandLineTests(TlsKitFixture kits)
    {
        this.kits = kits;
    }

    [Fact]
    public void FindsEveryHostFlagOfTheRegisteredService()
    {
        var line = WindowsServiceCommandLine.Parse(Registered);
        Assert.Equal(new[] { @"C:\Program Files\docker\dockerd.exe", "--run-service", "-H", "npipe://", "-H", "tcp://0.0.0.0:2376" }, line.Words);
        Assert.Equal(new[] { "-H npipe://", "-H tcp://0.0.0.0:2376" }, line.HostFlags.Select(f => f.Flag));
        Assert.Equal(@"HKLM:\SYSTEM\CurrentControlSet\Services\docker\ImagePath passes -H npipe://", line.HostFlags[0].ToString());
    }

    [Theory]
    [InlineData(@"C:\docker\dockerd.exe --run-service --host=tcp://0.0.0.0:2376", "--host=tcp://0.0.0.0:2376")]
    [InlineData(@"C:\docker\dockerd.exe --run-service ""-Htcp://127.0.0.1:2376""", "-Htcp://127.0.0.1:2376")]
    [InlineData("C:\\docker\\dockerd.exe\t--run-service\t--host\tnpipe://", "--host npipe://")]
    public void FindsHostFlagsInEveryForm(string text, string flag)
    {
        Assert.Equal(new[] { flag }, WindowsServiceCommandLine.Parse(text).HostFlags.Select(f => f.Flag));
    }

    [Fact]
    public void AQuotedWordThatMentionsAHostIsNoFlag()
    {
        var line = WindowsServiceCommandLine.Parse(@"""C:\docker\dockerd.exe"" --run-service --config-file ""C:\my -H files\daemon.json""");
        Assert.Empty(line.HostFlags);
        Assert.Equal(@"C:\my -H files\daemon.json", line.Words[3]);
    }

    [Fact]
    public void DropsTheHostFlagsAndKeepsEveryOtherWordAsWindowsReadsIt()
    {
        var line = WindowsServiceCommandLine.Parse(Registered + " --config-file \"C:\\ProgramData\\docker\\config\\daemon.json\" --log-level=debug");
        var without = line.WithoutHostFlags();
        Assert.Equal("\"C:\\Program Files\\docker\\dockerd.exe\" --run-service --config-file C:\\ProgramData\\docker\\config\\daemon.json --log-level=debug", without);
        Assert.Equal(new[] { @"C:\Program Files\docker\dockerd.exe", "--run-service", "--config-file", @"C:\ProgramData\docker\config\daemon.json", "--log-level=debug" },
            WindowsServiceCommandLine.Parse(without).Words);
        Assert.Equal(@"Set-ItemProperty 'HKLM:\SYSTEM\CurrentControlSet\Services\docker' ImagePath '" + without + "'", line.RemoveHostFlagsCommand());
    }

    [Fact]
    public void ParsesWhatTheMsvcQuotingRulesWrite()
    {
        // Words that exercise every rule: spaces, tabs, quotes, backslashes before and not before a quote, empty words.
        var words = new[]
        {
            @"C:\Program Files\docker\dockerd.exe", "plain", "two words", "tab\there", "say \"hi\"", @"C:\ends\with\", @"back\\slashes",
            "\\\"quoted\\\"", "", "a\\\\\"b", "--label=x=\"y z\"", @"\\server\share\",
        };
        var text = ListToCommandLine(words);
        Assert.Equal(words, WindowsServiceCommandLine.Parse(text).Words);
        if (DockerTls.Core.IO.PlatformInfo.IsWindows) Assert.Equal(words.Skip(1), CommandLineToArgv(text).Skip(1));
        // And what WithoutHostFlags writes reads back the same (no host flag here, so every word is kept).
        Assert.Equal(words, WindowsServiceCommandLine.Parse(WindowsServiceCommandLine.Parse(text).WithoutHostFlags()).Words);
    }

    [Fact]
    public void SetDockerDaemonConfigStopsOnAHostFlagOfTheServiceAndWritesNothing()
    {
        using var temp = new TempFolder();
        var request = WindowsRequest(temp);
        request.WindowsService = WindowsServiceCommandLine.Parse(Registered);
        var error = Assert.Throws<DockerTlsException>(() => DaemonConfigPlan.Create(Windows, request));
        Assert.Equal(DaemonErrorIds.DaemonHostsConflict, error.ErrorId);
        Assert.Contains("-H npipe://", error.Message);
        Assert.Contains("Set-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\docker' ImagePath '\"C:\\Program Files\\docker\\dockerd.exe\" --run-service'", error.Message);
        Assert.Contains("-NoHosts", error.Message);
        Assert.False(File.Exists(request.Path));
    }

    [Fact]
    public void WithNoHostsTheServiceKeepsItsFlagsAndAServiceWithoutAnyIsWarnedAbout()
    {
        using var temp = new TempFolder();
        var request = WindowsRequest(temp);
        request.NoHosts = true;
        request.WindowsService = WindowsServiceCommandLine.Parse(Registered);
        Assert.DoesNotContain(DaemonConfigPlan.Create(Windows, request).Warnings, w => w.Contains("has no -H"));
        request.WindowsService = WindowsServiceCommandLine.Parse(@"""C:\Program Files\docker\dockerd.exe"" --run-service");
        Assert.Contains(DaemonConfigPlan.Create(Windows, request).Warnings, w => w.Contains("has no -H"));
        request.NoHosts = false;
        Assert.NotNull(DaemonConfigPlan.Create(Windows, request)); // no flag, hosts in daemon.json: fine
    }

    [Fact]
    public void GetDockerDaemonConfigReportsTheConflictWithTheServicesFlag()
    {
        using var temp = new TempFolder();
        var s = kits.ServerA;
        string J(string p) => p.Replace("\\", "\\\\");
        var path = temp.Write("daemon.json", $"{{\"tlsverify\": true, \"tlscacert\": \"{J(Path.Combine(s, "ca.pem"))}\", \"tlscert\": \"{J(Path.Combine(s, "server-cert.pem"))}\", \"tlskey\": \"{J(Path.Combine(s, "server-key.pem"))}\", \"hosts\": [\"npipe://\", \"tcp://127.0.0.1:2376\"]}}");
        var report = DaemonConfigReport.Build(new LocalDaemonHost(DaemonPlatform.Windows), path, null, DateTime.UtcNow, WindowsServiceCommandLine.Parse(Registered));
        Assert.Equal(new[] { "-H npipe://", "-H tcp://0.0.0.0:2376" }, report.HostFlags.Select(f => f.Flag));
        var conflict = Assert.Single(report.Problems, p => p.Id == DaemonErrorIds.DaemonHostsConflict);
        Assert.Contains("Set-ItemProperty", conflict.Message);

        var withoutFlags = DaemonConfigReport.Build(new LocalDaemonHost(DaemonPlatform.Windows), path, null, DateTime.UtcNow, WindowsServiceCommandLine.Parse(@"C:\docker\dockerd.exe --run-service"));
        Assert.DoesNotContain(withoutFlags.Problems, p => p.Id == DaemonErrorIds.DaemonHostsConflict);
    }

    [Fact]
    public void NoServiceIsReadOutsideWindows()
    {
        if (DockerTls.Core.IO.PlatformInfo.IsWindows) return;
        Assert.Null(WindowsServiceCommandLine.ReadCurrent());
    }

    // The MSVC rules, written out for Windows, where CommandLineToArgvW then reads the text back as the peer.
    private static string MsvcQuote(string word)
    {
        if (word.Length > 0 && !word.Any(c => c == ' ' || c == '\t' || c == '"')) return word;
        var builder = new StringBuilder("\"");
        var slashes = 0;
        foreach (var c in word)
        {
            if (c == '\\') { slashes++; continue; }
            builder.Append('\\', c == '"' ? slashes * 2 + 1 : slashes).Append(c);
            slashes = 0;
        }
        return builder.Append('\\', slashes * 2).Append('"').ToString();
    }

    [System.Runtime.InteropServices.DllImport("shell32.dll", CharSet = System.Runtime.InteropServices.CharSet.Unicode, SetLastError = true)]
    private static extern IntPtr CommandLineToArgvW(string commandLine, out int count);

    [System.Runtime.InteropServices.DllImport("kernel32.dll")]
    private static extern IntPtr LocalFree(IntPtr memory);

    private static string[] CommandLineToArgv(string text)
    {
        var argv = CommandLineToArgvW(text, out var count);
        Assert.NotEqual(IntPtr.Zero, argv);
        try
        {
            return Enumerable.Range(0, count)
                .Select(i => System.Runtime.InteropServices.Marshal.PtrToStringUni(System.Runtime.InteropServices.Marshal.ReadIntPtr(argv, i * IntPtr.Size))!)
                .ToArray();
        }
        finally { LocalFree(argv); }
    }

    private static readonly LocalDaemonHost Windows = new(DaemonPlatform.Windows);

    private DaemonConfigRequest WindowsRequest(TempFolder temp) => new()
    {
        Path = temp.Combine("ProgramData/docker/config/daemon.json"),
        PathGiven = true,
        CertPath = kits.ServerA,
        CertDestination = temp.Combine("ProgramData/docker/certs.d"),
        SystemdRoot = null,
        Now = DateTime.Now,
    };

    // On Windows the peer is Windows itself (CommandLineToArgvW); elsewhere Python's list2cmdline writes the text.
    private static string ListToCommandLine(string[] words)
    {
        if (DockerTls.Core.IO.PlatformInfo.IsWindows) return string.Join(" ", words.Select((w, i) => i == 0 ? $"\"{w}\"" : MsvcQuote(w)));
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python, "-c \"import subprocess,sys; sys.stdout.write(subprocess.list2cmdline(sys.stdin.read().split('\\n')))\"")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(string.Join("\n", words));
        process.StandardInput.Close();
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return text;
    }
}
