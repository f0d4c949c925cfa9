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

    [Parameter]
    public SwitchParameter PromptPassphrase { get; set; }

    protected override void ProcessRecord()
    {
        var folder = OutputFolder;
        var progressShown = false;
        try
        {
            using var passphrase = KeyPassphrase.ForNewKey(Passphrase, PromptPassphrase, Host.UI);
            StopsOnCtrlC(() =>
            {
                var spec = KeySpec;
                if (!ShouldProcess(folder, $"Create the CA '{CommonName}' ({spec}, {ValidityDays} days): ca.pem, ca-key.pem")) return;
                CertificateFiles.CheckTargets(folder, CertificateKind.CA, null, Force, VerboseFileWritten);
                var chars = passphrase.Ask("Passphrase for the new CA key (ca-key.pem)");
                ProgressKey(1, "New-DockerCA", $"Generating the {spec} key");
                progressShown = true;
                var issued = CertificateAuthority.Create(CommonName, Keys, ValidityDays, chars);
                ProgressDone(1, "New-DockerCA");
                progressShown = false;
                WriteObject(CertificateFiles.Write(folder, CertificateKind.CA, issued, null, Force, VerboseFileWritten, CertificateInventory.InFolder(folder)));
            });
        }
        catch (DockerTlsException e)
        {
            if (progressShown) ProgressDone(1, "New-DockerCA");
            ThrowTerminating(e);
        }
    }

    protected override void EndProcessing() => EndKeys();

    public void Dispose() => EndKeys();
}
