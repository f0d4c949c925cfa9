using System;
using System.Management.Automation;
using System.Security;
using DockerTls.Core;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.New, "DockerCA", SupportsShouldProcess = true)]
[OutputType(typeof(DockerCertificate))]
public sealed class NewDockerCACommand : KeyCmdlet, IDisposable
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string CommonName { get; set; } = "Docker CA";

    [Parameter]
    public int ValidityDays { get; set; } = 3650;

    [Parameter]
    public SecureString? Passphrase { get; set; }

    protected override void ProcessRecord()
    {
        var folder = OutputFolder;
        var passphrase = ToNewKeyPassphrase(Passphrase, "-Passphrase");
        try
        {
            var spec = KeySpec;
            if (!ShouldProcess(folder, $"Create the CA '{CommonName}' ({spec}, {ValidityDays} days): ca.pem, ca-key.pem")) return;
            CertificateFiles.CheckTargets(folder, CertificateKind.CA, null, Force);
            ProgressKey(1, "New-DockerCA", $"Generating the {spec} key");
            var issued = CertificateAuthority.Create(CommonName, Keys, ValidityDays, passphrase);
            ProgressDone(1, "New-DockerCA");
            WriteObject(CertificateFiles.Write(folder, CertificateKind.CA, issued, null, Force, VerboseFileWritten, CertificateInventory.InFolder(folder)));
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
        catch (OperationCanceledException) when (StopRequested.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            Wipe(passphrase);
        }
    }

    protected override void EndProcessing() => EndKeys();

    public void Dispose() => EndKeys();
}
