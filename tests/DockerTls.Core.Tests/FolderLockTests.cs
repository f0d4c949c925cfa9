using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests;

public class FolderLockTests
{
    [Fact]
    public void ASecondClaimWaitsForTheFirstThenGetsTargetBusy()
    {
        using var temp = new TempFolder();
        using (FolderLock.Acquire(temp.Path, TimeSpan.FromSeconds(1)))
        {
            var error = Assert.Throws<DockerTlsException>(() => FolderLock.Acquire(temp.Path, TimeSpan.FromMilliseconds(200)));
            Assert.Equal("TargetBusy", error.ErrorId);
            Assert.Equal(ErrorKind.ResourceUnavailable, error.Kind);
            Assert.Contains(temp.Path, error.Message);
            if (!PlatformInfo.IsWindows) Assert.Equal("0600", FileModes.Format(FileModes.GetUnixMode(temp[FolderLock.FileName])!.Value));
        }

        using (FolderLock.Acquire(temp.Path, TimeSpan.FromMilliseconds(200))) { }
        if (!PlatformInfo.IsWindows) Assert.Empty(Directory.GetFileSystemEntries(temp.Path)); // the lock file is not left behind
    }

    [Fact]
    public void ClaimsAreHeldOneAtATimeAlsoWhileTheLockFileIsRemovedAndMadeAgain()
    {
        using var temp = new TempFolder();
        var inside = 0;
        var overlaps = 0;
        var tasks = new Task[6];
        for (var t = 0; t < tasks.Length; t++)
        {
            tasks[t] = Task.Run(() =>
            {
                for (var i = 0; i < 40; i++)
                {
                    using (FolderLock.Acquire(temp.Path, TimeSpan.FromSeconds(30)))
                    {
                        if (Interlocked.Increment(ref inside) != 1) Interlocked.Increment(ref overlaps);
                        Thread.SpinWait(2000);
                        Interlocked.Decrement(ref inside);
                    }
                }
            });
        }

        Assert.True(Task.WaitAll(tasks, TimeSpan.FromSeconds(60)));
        Assert.Equal(0, overlaps);
    }

    [Fact]
    public void AFileChangedByAnotherWriterSinceThePlanStopsTheCommit()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["daemon.json"], "{}");
        var transaction = new FileTransaction(overwrite: true);
        transaction.AddFile(temp["daemon.json"], Encoding.ASCII.GetBytes("{\"a\":1}"), FileModes.PublicFile);
        transaction.Expect(temp["daemon.json"], Encoding.ASCII.GetBytes("{}"));
        File.WriteAllText(temp["daemon.json"], "{\"other\":2}");

        var error = Assert.Throws<DockerTlsException>(() => transaction.Commit());
        Assert.Equal("TargetChanged", error.ErrorId);
        Assert.Equal("{\"other\":2}", File.ReadAllText(temp["daemon.json"]));

        File.WriteAllText(temp["daemon.json"], "{\"a\":1}"); // already what this writer wants: no conflict
        transaction.Commit();
        Assert.Equal("{\"a\":1}", File.ReadAllText(temp["daemon.json"]));
    }
}
