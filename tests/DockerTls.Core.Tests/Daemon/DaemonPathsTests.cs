using DockerTls.Core.Daemon;
using Xunit;

namespace DockerTls.Core.Tests.Daemon;

public class DaemonPathsTests
{
    [Fact]
    public void LinuxDefaults()
    {
        Assert.Equal("/etc/docker/daemon.json", DaemonPaths.DefaultConfigPath(DaemonPlatform.Linux));
        Assert.Equal("/etc/docker", DaemonPaths.DefaultCertDestination(DaemonPlatform.Linux));
        Assert.Equal("unix:///var/run/docker.sock", DaemonPaths.LocalSocket(DaemonPlatform.Linux));
        Assert.Equal("systemctl daemon-reload && systemctl restart docker", DaemonPaths.RestartCommand(DaemonPlatform.Linux, systemd: true));
        Assert.Equal("/etc/docker/ca.pem", HostPath.Combine(DaemonPlatform.Linux, "/etc/docker", "ca.pem"));
    }

    [Fact]
    public void WindowsDefaultsUseProgramDataAndNamedPipe()
    {
        Assert.Equal(@"C:\ProgramData\docker\config\daemon.json", DaemonPaths.DefaultConfigPath(DaemonPlatform.Windows));
        Assert.Equal(@"D:\Data\docker\config\daemon.json", DaemonPaths.DefaultConfigPath(DaemonPlatform.Windows, @"D:\Data\"));
        Assert.Equal(@"C:\ProgramData\docker\certs.d", DaemonPaths.DefaultCertDestination(DaemonPlatform.Windows, @"C:\ProgramData"));
        Assert.Equal("npipe://", DaemonPaths.LocalSocket(DaemonPlatform.Windows));
        Assert.Equal("Restart-Service docker", DaemonPaths.RestartCommand(DaemonPlatform.Windows, systemd: false));
        Assert.Equal(@"C:\ProgramData\docker\certs.d\server-cert.pem", HostPath.Combine(DaemonPlatform.Windows, @"C:\ProgramData\docker\certs.d", "server-cert.pem"));
    }

    [Fact]
    public void MacOSUsesTheUnixLayout()
    {
        Assert.Equal("/etc/docker/daemon.json", DaemonPaths.DefaultConfigPath(DaemonPlatform.MacOS));
        Assert.Equal("unix:///var/run/docker.sock", DaemonPaths.LocalSocket(DaemonPlatform.MacOS));
    }

    [Fact]
    public void NonSystemdLinuxRestartsTheService()
    {
        Assert.Equal("service docker restart", DaemonPaths.RestartCommand(DaemonPlatform.Linux, systemd: false));
    }
}
