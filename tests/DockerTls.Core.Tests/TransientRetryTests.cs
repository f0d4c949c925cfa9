using System;
using System.Collections.Generic;
using System.Linq;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests;

// The retry policy of Windows renames (MoveFileEx refused for a moment by antivirus or the indexer). Windows itself
// cannot run here: these drive the policy through its seam, the attempt and the sleep.
public class TransientRetryTests
{
    private static (int Code, int Calls, List<TimeSpan> Sleeps) Drive(params int[] codes)
    {
        var calls = 0;
        var sleeps = new List<TimeSpan>();
        var code = TransientRetry.Run(() => codes[Math.Min(calls++, codes.Length - 1)], TransientRetry.IsTransientWindows, sleeps.Add);
        return (code, calls, sleeps);
    }

    [Fact]
    public void ASharingViolationThatPassesIsRetriedUntilTheRenameSucceeds()
    {
        var (code, calls, sleeps) = Drive(32, 5, 0);
        Assert.Equal(0, code);
        Assert.Equal(3, calls);
        Assert.Equal(new[] { 10.0, 20.0 }, sleeps.Select(s => s.TotalMilliseconds));
    }

    [Fact]
    public void AnErrorThatIsNotTransientIsNotRetried()
    {
        var (code, calls, sleeps) = Drive(112); // ERROR_DISK_FULL
        Assert.Equal(112, code);
        Assert.Equal(1, calls);
        Assert.Empty(sleeps);
    }

    [Fact]
    public void ARefusalThatLastsIsGivenUpBoundedlyWithItsCode()
    {
        var (code, calls, sleeps) = Drive(33);
        Assert.Equal(33, code);
        Assert.Equal(TransientRetry.Attempts, calls);
        Assert.Equal(TransientRetry.Attempts - 1, sleeps.Count);
        Assert.True(sleeps.Sum(s => s.TotalMilliseconds) <= 1100, "about a second in all");
        Assert.All(sleeps, s => Assert.True(s <= TimeSpan.FromMilliseconds(400)));
    }
}
