using System;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Threading.Tasks;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests;

/// <summary>
/// SafeFile against the odd files of a real Unix file system: a FIFO made by mkfifo, /dev/zero, a listening Unix
/// socket, a folder, a link to nothing, a file over the cap. Each read runs on a task bounded to a few seconds, so that a
/// reader that blocks fails the test instead of hanging the run.
/// </summary>
[Collection(nameof(TimingCollection))]
public class SafeFileTests
{
    private static DockerTlsException Refused(string path, FileCap cap)
    {
        var watch = Stopwatch.StartNew();
        // A thread of its own (LongRunning): on the pool, other tests' blocking waits could delay the start by seconds.
        var read = Task.Factory.StartNew(() => SafeFile.TryReadAllBytes(path, cap), TaskCreationOptions.LongRunning);
        Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(1))).Wait();
        Assert.True(read.IsCompleted, $"reading '{path}' did not end within a second");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"reading '{path}' took {watch.Elapsed}");
        return Assert.IsType<DockerTlsException>(Assert.IsType<AggregateException>(read.Exception).InnerException);
    }

    private static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        Assert.True(process.WaitForExit(10000));
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public void ReadsARegularFileAndALinkToOne()
    {
        using var temp = new TempFolder();
        var path = temp.Write("ca.pem", "pem");
        Assert.Equal("pem"u8.ToArray(), SafeFile.TryReadAllBytes(path, SafeFile.Pem));
        Assert.Null(SafeFile.TryReadAllBytes(temp["missing.pem"], SafeFile.Pem));
        Assert.Equal("FileNotFound", Assert.Throws<DockerTlsException>(() => SafeFile.ReadAllBytes(temp["missing.pem"], SafeFile.Pem)).ErrorId);
        if (PlatformInfo.IsWindows) return;
        File.CreateSymbolicLink(temp["link.pem"], path);
        Assert.Equal("pem"u8.ToArray(), SafeFile.TryReadAllBytes(temp["link.pem"], SafeFile.Pem));
        Assert.Empty(SafeFile.TryReadAllBytes(temp.Write("empty.json", ""), SafeFile.DaemonConfig)!);
    }

    [Fact]
    public void AFifoIsRefusedAtOnceWithoutWaitingForAWriter()
    {
        if (PlatformInfo.IsWindows) return;
        using var temp = new TempFolder();
        var fifo = temp["daemon.json"];
        Run("mkfifo", fifo);
        var e = Refused(fifo, SafeFile.DaemonConfig);
        Assert.Equal("FileNotRegular", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains($"'{fifo}' is a FIFO (named pipe), not a regular file", e.Message);
        Assert.Equal(fifo, e.Target);

        // A link to the FIFO is the FIFO.
        File.CreateSymbolicLink(temp["ca.pem"], fifo);
        Assert.Equal("FileNotRegular", Refused(temp["ca.pem"], SafeFile.Pem).ErrorId);
    }

    [Fact]
    public void DevZeroIsRefusedAsADeviceNotReadUntilMemoryRunsOut()
    {
        if (PlatformInfo.IsWindows) return;
        var e = Refused("/dev/zero", SafeFile.Pem);
        Assert.Equal("FileNotRegular", e.ErrorId);
        Assert.Contains("'/dev/zero' is a character device", e.Message);
    }

    [Fact]
    public void AFolderAndASocketAreRefused()
    {
        if (PlatformInfo.IsWindows) return;
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["config.json"]);
        Assert.Contains("is a folder", Refused(temp["config.json"], SafeFile.DockerConfig).Message);

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(temp["meta.json"]));
        socket.Listen(1);
        var e = Refused(temp["meta.json"], SafeFile.ContextMeta);
        Assert.Equal("FileNotRegular", e.ErrorId);
        Assert.Contains("is a socket", e.Message);
    }

    [Fact]
    public void ALinkToNothingIsNamedWithItsTarget()
    {
        if (PlatformInfo.IsWindows) return;
        using var temp = new TempFolder();
        File.CreateSymbolicLink(temp["key.pem"], temp["gone/key.pem"]);
        Assert.True(SafeFile.Exists(temp["key.pem"]));
        var e = Refused(temp["key.pem"], SafeFile.Pem);
        Assert.Equal("FileLinkBroken", e.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, e.Kind);
        Assert.Contains($"is a symbolic link to '{temp["gone/key.pem"]}', which does not exist", e.Message);
    }

    [Fact]
    public void AFileOverItsCapIsRefusedAndOneAtTheCapIsRead()
    {
        using var temp = new TempFolder();
        var atCap = temp["at.pem"];
        File.WriteAllBytes(atCap, new byte[SafeFile.Pem.Bytes]);
        Assert.Equal(SafeFile.Pem.Bytes, SafeFile.TryReadAllBytes(atCap, SafeFile.Pem)!.Length);
        var over = temp["over.pem"];
        File.WriteAllBytes(over, new byte[SafeFile.Pem.Bytes + 1]);
        var e = Refused(over, SafeFile.Pem);
        Assert.Equal("FileTooLarge", e.ErrorId);
        Assert.Contains("larger than 1 MiB", e.Message);
        Assert.Equal(4 << 20, SafeFile.Profile.Bytes);
    }

    [Fact]
    public void AnUnreadableFileGivesTheSystemsWords()
    {
        if (PlatformInfo.IsWindows) return;
        // /proc/self/mem cannot be read at offset 0, not even by root: the read fails with EIO.
        var e = Refused("/proc/self/mem", SafeFile.Pem);
        Assert.Equal("FileUnreadable", e.ErrorId);
        Assert.Contains("'/proc/self/mem' cannot be read as a certificate or key file (PEM): Input/output error", e.Message);
    }
}
