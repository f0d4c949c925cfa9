using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Client;

namespace DockerTls.Commands;

[Cmdlet(VerbsLifecycle.Uninstall, "DockerClientCert", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UninstalledClientCertificate))]
public sealed class UninstallDockerClientCertCommand : DockerTlsCmdlet
{
    [Parameter(Position = 0)]
    [Alias("Destination")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var folder = Path is null ? DockerConfigFolder.Current() : ResolvePath(Path);
        try
        {
            var planned = ClientCertificateUninstaller.Check(folder, Force);
            if (!ShouldProcess(planned.Folder, $"Remove {string.Join(", ", planned.Removed)} (installed by Install-DockerClientCert)")) return;
            WriteObject(ClientCertificateUninstaller.Remove(folder, Force, path => WriteVerbose($"Removed '{path}'.")));
            WarnAboutEnvironment(planned.Folder);
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }

    // The variables that still send the docker CLI to the files just removed.
    private void WarnAboutEnvironment(string folder)
    {
        var certPath = System.Environment.GetEnvironmentVariable(ClientEnvironment.CertPathVariable);
        var verify = System.Environment.GetEnvironmentVariable(ClientEnvironment.TlsVerifyVariable);
        var readsHere = string.IsNullOrEmpty(certPath) ? ClientEnvironment.SamePath(folder, DockerConfigFolder.Current()) : ClientEnvironment.SamePath(certPath!, folder);
        if (readsHere && !string.IsNullOrEmpty(verify))
        {
            WriteWarning($"DOCKER_TLS_VERIFY is set and the docker CLI reads its certificates from '{folder}', so it now fails (\"open {System.IO.Path.Combine(folder, "ca.pem")}: no such file or directory\"). "
                + "Run Clear-DockerClientEnv, or Set-DockerClientEnv with another certificate folder.");
        }
    }
}
