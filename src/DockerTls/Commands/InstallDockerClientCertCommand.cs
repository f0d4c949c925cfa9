using System.IO;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Client;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

[Cmdlet(VerbsLifecycle.Install, "DockerClientCert", SupportsShouldProcess = true)]
[OutputType(typeof(DockerCertificate))]
public sealed class InstallDockerClientCertCommand : DockerTlsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var source = ResolvePath(Path);
        if (File.Exists(source))
        {
            // A certificate piped from New-DockerClientCert names its cert.pem: its folder holds the set.
            source = System.IO.Path.GetDirectoryName(source)!;
        }

        var destination = Destination is null ? DockerConfigFolder.Current() : ResolvePath(Destination);
        try
        {
            var certificate = ClientCertificateCheck.Check(source);
            WriteFindingWarnings(certificate);
            WriteVerbose($"'{System.IO.Path.Combine(source, "cert.pem")}' ({certificate.Subject}) chains to ca.pem, has clientAuth and matches key.pem.");
            if (!ShouldProcess(destination, $"Install ca.pem, cert.pem and key.pem from '{source}'"))
            {
                return;
            }

            WriteObject(ClientCertificateInstaller.Install(source, destination, Force, VerboseFileWritten));
            var certPath = System.Environment.GetEnvironmentVariable(ClientEnvironment.CertPathVariable);
            if (!string.IsNullOrEmpty(certPath) && !ClientEnvironment.SamePath(certPath, destination))
            {
                WriteWarning($"DOCKER_CERT_PATH is set to '{certPath}', so the docker CLI reads its certificates there, not from '{destination}'. "
                    + "Run Set-DockerClientEnv or Clear-DockerClientEnv to change it.");
            }
        }
        catch (DockerTlsException e) when (MyInvocation.ExpectingInput)
        {
            WriteDockerTlsError(e); // one bad item among many: report it and go on
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }
}
