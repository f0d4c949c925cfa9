using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests;

public class FileTransactionFaultTests
{
    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>Runs a program (chattr, chown) and says whether it succeeded, within 10 s.</summary>
    internal static bool Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.WaitForExit(10000);
        return process.ExitCode == 0;
    }

    internal static bool IsRootLinux => OperatingSystem.IsLinux() && UnixFileCalls.Geteuid() == 0;

    [Fact]
    public void AFailedRenamePutsBackEveryFileAlreadyMovedAndLeavesNoTemporaryFile()
    {
        if (!IsRootLinux) return; // chattr needs root (CAP_LINUX_IMMUTABLE) and Linux
        using var temp = new TempFolder();
        var first = new FileTransaction(overwrite: false);
        foreach (var name in new[] { "a/ca.pem", "a/key.pem", "b/cert.pem", "b/key.pem" }) first.AddKey(temp.Combine(name), Bytes("old " + name));
        first.Commit();
        Assert.True(Run("chattr", "+i", temp.Combine("b/key.pem")));
        try
        {
            var second = new FileTransaction(overwrite: true);
            foreach (var name in new[] { "a/ca.pem", "a/key.pem", "b/cert.pem", "b/key.pem" }) second.AddKey(temp.Combine(name), Bytes("new " + name));
            var error = Assert.Throws<DockerTlsException>(() => second.Commit());
            Assert.Equal(FileSystemErrors.PermissionDenied, error.ErrorId);
            Assert.Contains(temp.Combine("b/key.pem"), error.Message);
            Assert.Contains("Operation not permitted", error.Message);
        }
        finally
        {
            Run("chattr", "-i", temp.Combine("b/key.pem"));
        }

        foreach (var name in new[] { "a/ca.pem", "a/key.pem", "b/cert.pem", "b/key.pem" })
        {
            Assert.Equal("old " + name, File.ReadAllText(temp.Combine(name)));
            Assert.Equal("0400", FileModes.Format(FileModes.GetUnixMode(temp.Combine(name))!.Value));
        }

        Assert.Equal(2, Directory.GetFileSystemEntries(temp.Combine("a")).Length);
        Assert.Equal(2, Directory.GetFileSystemEntries(temp.Combine("b")).Length);
    }

    [Fact]
    public void TheNextRunRemovesAKilledRunsTemporaryFilesAndNothingElse()
    {
        if (PlatformInfo.IsWindows) return;
        using var temp = new TempFolder();
        var staged = temp[".key.pem.0123456789abcdef0123456789abcdef.tmp"];
        File.WriteAllText(staged, "a private key a killed run left");
        var mine = temp[".key.pem.tmp"];                 // not our naming
        File.WriteAllText(mine, "someone's file");
        var elsewhere = temp["elsewhere"];
        File.WriteAllText(elsewhere, "kept");
        var link = temp[".cert.pem.fedcba9876543210fedcba9876543210.tmp"]; // our naming, but a link: left alone
        File.CreateSymbolicLink(link, elsewhere);

        var transaction = new FileTransaction(overwrite: false);
        transaction.AddKey(temp["key.pem"], Bytes("new key"));
        transaction.Commit();

        Assert.False(File.Exists(staged));
        Assert.True(File.Exists(mine));
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("kept", File.ReadAllText(elsewhere));
    }

    [Fact]
    public void ErrorsNameTheTargetAndTheSystemsWordsNotAnErrno()
    {
        if (PlatformInfo.IsWindows) return;
        var full = FileSystemErrors.FromCode(28, "/etc/docker/daemon.json");
        Assert.Equal(FileSystemErrors.DiskFull, full.ErrorId);
        Assert.Contains("'/etc/docker/daemon.json': No space left on device.", full.Message);
        Assert.Equal(FileSystemErrors.ReadOnlyFileSystem, FileSystemErrors.FromCode(30, "/x").ErrorId);
        var denied = FileSystemErrors.FromCode(13, "/etc/docker/daemon.json");
        Assert.Equal(FileSystemErrors.PermissionDenied, denied.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, denied.Kind);
        Assert.Contains("Permission denied", denied.Message);
        Assert.Contains("sudo", denied.Message);
        Assert.DoesNotContain("errno", denied.Message);
    }
}
