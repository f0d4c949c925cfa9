using System.IO;
using DockerTls.Core.Pki;
using Xunit;

namespace DockerTls.Core.Tests;

public class TlsKitTests
{
    [Fact]
    public void TheNextStepsQuoteTheFoldersForPowerShell()
    {
        // The user pastes these lines into a root session: a quote in the folder must not end the string.
        var root = Path.Combine(Path.GetTempPath(), "it's; Remove-Item x");
        var kit = new TlsKitResult
        {
            CA = new DockerCertificate(),
            Server = new DockerCertificate { DnsNames = new[] { "docker1" } },
            Client = new DockerCertificate(),
        };

        var text = TlsKit.NextSteps(root, kit);

        Assert.Contains("Set-DockerDaemonConfig -CertPath '" + Path.Combine(root, "server").Replace("'", "''") + "'", text);
        Assert.Contains("Install-DockerClientCert -Path '" + Path.Combine(root, "client").Replace("'", "''") + "'", text);
    }
}
