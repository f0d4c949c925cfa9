using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests;

public class FileTransactionTests
{
    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private static string Mode(string path) => FileModes.Format(FileModes.GetUnixMode(path)!.Value);

    [Fact]
    public void WritesKeysOwnerReadOnlyAndCertificatesReadOnlyForAll()
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "new", "server");
        var transaction = new FileTransaction(overwrite: false);
        transaction.AddKey(Path.Combine(folder, "server-key.pem"), Bytes("key"));
        transaction.AddCertificate(Path.Combine(folder, "server-cert.pem"), Bytes("cert"));
        var written = transaction.Commit();

        Assert.Equal(2, written.Count);
        Assert.Equal("key", File.ReadAllText(Path.Combine(folder, "server-key.pem")));
        if (PlatformInfo.IsWindows) return;
        Assert.Equal("0400", Mode(Path.Combine(folder, "server-key.pem")));
        Assert.Equal("0444", Mode(Path.Combine(folder, "server-cert.pem")));
        Assert.Empty(Directory.GetDirectories(folder)); // no staging folder left behind
    }

    [Fact]
    public void AnExistingFileStopsEverythingBeforeAnyWrite()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["key.pem"], "old key");
        var transaction = new FileTransaction(overwrite: false);
        transaction.AddCertificate(temp["cert.pem"], Bytes("cert"));
        transaction.AddKey(temp["key.pem"], Bytes("new key"));

        var error = Assert.Throws<DockerTlsException>(() => transaction.Commit());
        Assert.Equal("KeyFileExists", error.ErrorId);
        Assert.Equal(ErrorKind.ResourceExists, error.Kind);
        Assert.Equal("old key", File.ReadAllText(temp["key.pem"]));
        Assert.False(File.Exists(temp["cert.pem"]));
        Assert.Equal(new[] { temp["key.pem"] }, Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void AnIdenticalCertificateIsNoConflictButAnIdenticalKeyIs()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["ca.pem"], "same");
        var transaction = new FileTransaction(overwrite: false);
        transaction.AddCertificate(temp["ca.pem"], Bytes("same"));
        transaction.Commit();

        File.WriteAllText(temp["key.pem"], "same");
        var keys = new FileTransaction(overwrite: false);
        keys.AddKey(temp["key.pem"], Bytes("same"));
        Assert.Throws<DockerTlsException>(() => keys.Commit());
    }

    [Fact]
    public void OverwriteReplacesAReadOnlyKeyAtomically()
    {
        using var temp = new TempFolder();
        var first = new FileTransaction(overwrite: false);
        first.AddKey(temp["key.pem"], Bytes("one"));
        first.Commit();
        var second = new FileTransaction(overwrite: true);
        second.AddKey(temp["key.pem"], Bytes("two"));
        second.Commit();
        Assert.Equal("two", File.ReadAllText(temp["key.pem"]));
        if (!PlatformInfo.IsWindows) Assert.Equal("0400", Mode(temp["key.pem"]));
        Assert.Single(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void CreatesFoldersWithTheirModes()
    {
        if (PlatformInfo.IsWindows) return;
        using var temp = new TempFolder();
        var transaction = new FileTransaction(overwrite: false);
        transaction.AddDirectory(temp["tls"], FileModes.PrivateDirectory);
        transaction.AddFile(Path.Combine(temp["tls"], "meta.json"), Bytes("{}"), FileModes.PublicFile);
        transaction.Commit();
        Assert.Equal("0700", Mode(temp["tls"]));
        Assert.Equal("0644", Mode(Path.Combine(temp["tls"], "meta.json")));
    }

    [Fact]
    public void WritersSideBySideShareANewParentFolder()
    {
        using var temp = new TempFolder();
        // Eight writers released at once into each new parent folder: one makes it, the others must take it as it is.
        for (var round = 0; round < 10; round++)
        {
            using var start = new System.Threading.Barrier(8);
            var parent = Path.Combine(temp.Path, $"fleet{round}");
            var writers = Enumerable.Range(0, 8).Select(i => System.Threading.Tasks.Task.Run(() =>
            {
                var transaction = new FileTransaction(overwrite: false);
                transaction.AddKey(Path.Combine(parent, $"host{i}", "server-key.pem"), Bytes("k"));
                start.SignalAndWait();
                transaction.Commit();
            })).ToArray();
            System.Threading.Tasks.Task.WaitAll(writers);
        }
        Assert.Equal(80, Directory.GetFiles(temp.Path, "server-key.pem", SearchOption.AllDirectories).Length);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void AFailureInALaterFolderLeavesNoFileAndNoFolderBehind()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["blocker"], "a file where a folder should be");
        var transaction = new FileTransaction(overwrite: false);
        transaction.AddKey(Path.Combine(temp.Path, "kit", "ca", "ca-key.pem"), Bytes("k"));
        transaction.AddCertificate(Path.Combine(temp.Path, "kit", "ca", "ca.pem"), Bytes("c"));
        transaction.AddKey(Path.Combine(temp.Path, "blocker", "key.pem"), Bytes("k"));
        Assert.Throws<DockerTlsException>(() => transaction.Commit());
        Assert.False(Directory.Exists(temp["kit"]));
        Assert.Equal(new[] { temp["blocker"] }, Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void AFolderInTheWayIsAClearError()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["ca.pem"]);
        var transaction = new FileTransaction(overwrite: true);
        transaction.AddCertificate(temp["ca.pem"], Bytes("x"));
        Assert.Equal("TargetIsFolder", Assert.Throws<DockerTlsException>(() => transaction.Commit()).ErrorId);
    }

    [Fact]
    public void ReportsEachFileWritten()
    {
        using var temp = new TempFolder();
        var transaction = new FileTransaction(overwrite: false);
        var seen = new System.Collections.Generic.List<string>();
        transaction.FileWritten += (path, mode) => seen.Add($"{Path.GetFileName(path)} {mode}");
        transaction.AddKey(temp["a-key.pem"], Bytes("k"));
        transaction.Commit();
        Assert.Equal(PlatformInfo.IsWindows ? "a-key.pem owner-only ACL" : "a-key.pem 0400", seen.Single());
    }
}

/// <summary>The umask is the process's: these tests run alone.</summary>
[CollectionDefinition(nameof(UmaskCollection), DisableParallelization = true)]
public class UmaskCollection
{
}

[Collection(nameof(UmaskCollection))]
public class FileTransactionUmaskTests
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "umask")]
    private static extern uint SetUmask(uint mask);

    [Fact]
    public void ModesAreExactUnderARestrictiveUmask()
    {
        // The mode is set on the open file (fchmod), never by path, where a swapped link could send it elsewhere.
        if (PlatformInfo.IsWindows) return;
        using var temp = new TempFolder();
        var old = SetUmask(0x3F); // 077
        try
        {
            var transaction = new FileTransaction(overwrite: false);
            transaction.AddCertificate(Path.Combine(temp.Path, "ca.pem"), Encoding.ASCII.GetBytes("cert"));
            transaction.AddFile(Path.Combine(temp.Path, "daemon.json"), Encoding.ASCII.GetBytes("{}"), 0x1A4); // 0644
            transaction.AddKey(Path.Combine(temp.Path, "ca-key.pem"), Encoding.ASCII.GetBytes("key"));
            transaction.Commit();
        }
        finally
        {
            SetUmask(old);
        }

        Assert.Equal("0444", FileModes.Format(FileModes.GetUnixMode(Path.Combine(temp.Path, "ca.pem"))!.Value));
        Assert.Equal("0644", FileModes.Format(FileModes.GetUnixMode(Path.Combine(temp.Path, "daemon.json"))!.Value));
        Assert.Equal("0400", FileModes.Format(FileModes.GetUnixMode(Path.Combine(temp.Path, "ca-key.pem"))!.Value));
    }
}
