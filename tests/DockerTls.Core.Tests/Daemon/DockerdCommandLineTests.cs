using DockerTls.Core.Daemon;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class DockerdCommandLineTests
{
    [Fact]
    public void DebianCommandLineLosesOnlyItsHostFlag()
    {
        var command = DockerdCommandLine.Parse("/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $DOCKER_OPTS");
        Assert.True(command.IsDockerd);
        Assert.Equal(new[] { "-H fd://" }, DockerdCommandLine.FindHostFlags(command.Words));
        Assert.Equal("/usr/sbin/dockerd --containerd=/run/containerd/containerd.sock $DOCKER_OPTS", command.WithoutHostFlags());
        Assert.Equal(new[] { "DOCKER_OPTS" }, command.VariableReferences());
    }

    [Theory]
    [InlineData("dockerd --host=tcp://0.0.0.0:2375 -D", "--host=tcp://0.0.0.0:2375", "dockerd -D")]
    [InlineData("dockerd --host tcp://h:1 --host unix:///s", "--host tcp://h:1|--host unix:///s", "dockerd")]
    [InlineData("dockerd -Hfd:// --debug", "-Hfd://", "dockerd --debug")]
    [InlineData("dockerd -H=fd://", "-H=fd://", "dockerd")]
    [InlineData("-/usr/bin/dockerd \"--label=a b\" -H fd://", "-H fd://", "-/usr/bin/dockerd \"--label=a b\"")]
    public void FindsEveryHostFlagSpelling(string line, string flags, string without)
    {
        var command = DockerdCommandLine.Parse(line);
        Assert.Equal(flags.Split('|'), DockerdCommandLine.FindHostFlags(command.Words));
        Assert.Equal(without, command.WithoutHostFlags());
    }

    [Fact]
    public void SplitsQuotesLikeSystemd()
    {
        Assert.Equal(new[] { "a", "b c", "d'e", "f g" }, DockerdCommandLine.Split("a \"b c\" \"d'e\" 'f g'"));
        Assert.Equal(new[] { "-H", "fd://", "--tls" }, DockerdCommandLine.Split("  -H   fd:// \t--tls "));
    }

    [Theory]
    [InlineData("/usr/bin/dockerd", true)]
    [InlineData("@/usr/bin/dockerd dockerd", true)]
    [InlineData("/usr/bin/docker daemon -H fd://", true)]
    [InlineData("/usr/bin/containerd", false)]
    [InlineData("/bin/sh -c dockerd", false)]
    public void RecognisesDockerd(string line, bool isDockerd)
    {
        Assert.Equal(isDockerd, DockerdCommandLine.Parse(line).IsDockerd);
    }
}
