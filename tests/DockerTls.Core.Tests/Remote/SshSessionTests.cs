using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using DockerTls.Core.Remote;
using Xunit;

namespace DockerTls.Core.Tests.Remote;

/// <summary>
/// The one login of a writing run: the snapshot, then one framed script read whole before it runs. The frame reader
/// is checked with this machine's sh (a frame cut short or changed runs nothing), the session against a real sshd.
/// </summary>
[Collection("sshd")]
public sealed class SshSessionTests : IClassFixture<TestSshd>
{
    private readonly TestSshd sshd;

    public SshSessionTests(TestSshd sshd) => this.sshd = sshd;

    [Theory]
    [InlineData("whole", true)]
    [InlineData("cut", false)]
    [InlineData("changed", false)]
    [InlineData("none", false)]
    public void TheFrameRunsOnlyWhenItArrivedWholeAndUnchanged(string frame, bool runs)
    {
        if (!OperatingSystem.IsLinux()) return;
        var mark = Path.Combine(Path.GetTempPath(), "dt-frame-" + Guid.NewGuid().ToString("N"));
        var script = Encoding.ASCII.GetBytes("{\ntouch '" + mark + "'\necho ran\n}\n");
        var head = Encoding.ASCII.GetBytes(script.Length + " " + HostFileScript.Sha256(script) + "\n");
        var sent = new MemoryStream();
        if (frame != "none") sent.Write(head);
        if (frame == "whole") sent.Write(script);
        if (frame == "cut") sent.Write(script, 0, script.Length - 3);
        if (frame == "changed") { var copy = (byte[])script.Clone(); copy[copy.Length - 4] ^= 1; sent.Write(copy); }

        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(SshSession.FrameReader);
        using var sh = Process.Start(start)!;
        sh.StandardInput.BaseStream.Write(sent.ToArray());
        sh.StandardInput.Close();
        var output = sh.StandardOutput.ReadToEnd();
        Assert.True(sh.WaitForExit(10000));

        Assert.Equal(runs, File.Exists(mark));
        Assert.Equal(runs, output.Contains("ran\n"));
        Assert.StartsWith(SshSession.Marker + "\n", output);
        if (frame is "cut" or "changed") Assert.Contains("dockertls-frame-cut", output);
        File.Delete(mark);
    }

    [Fact]
    public void TheSnapshotAndTheCommitShareOneLogin()
    {
        if (!TestSshd.Available) return;
        var mark = sshd.Combine("committed-" + Guid.NewGuid().ToString("N"));
        var logins = sshd.AcceptedLogins;
        var (session, snapshot, ended) = SshSession.Open(sshd.Target(), PosixShell.Complete(new StringBuilder("echo snapshot-line")), TimeSpan.FromSeconds(30));

        Assert.Null(ended);
        Assert.Equal("snapshot-line\n", Encoding.UTF8.GetString(snapshot));
        Assert.False(File.Exists(mark));
        var outcome = session!.End(PosixShell.Complete(new StringBuilder("touch '" + mark + "' && echo written")), TimeSpan.FromSeconds(30));

        Assert.True(File.Exists(mark));
        Assert.Equal("written\n", Encoding.UTF8.GetString(outcome.Stdout));
        Assert.Equal(logins + 1, sshd.AcceptedLogins);
    }
}
