using System.Management.Automation;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.New, "DockerClientCert", SupportsShouldProcess = true, DefaultParameterSetName = "CA")]
[OutputType(typeof(DockerCertificate))]
public sealed class NewDockerClientCertCommand : LeafCertificateCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string CommonName { get; set; } = "client";

    protected override CertificateKind Kind => CertificateKind.Client;

    protected override string[] ItemParameters => new[] { nameof(CommonName) };

    protected override void ProcessRecord()
    {
        var commonName = ItemValue(nameof(CommonName), CommonName) ?? "client";
        IssueAndWrite(commonName, ca => ca.IssueClient(commonName, Keys, ValidityDays));
    }
}
