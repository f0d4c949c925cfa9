using System.Management.Automation;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.New, "DockerServerCert", SupportsShouldProcess = true, DefaultParameterSetName = "CA")]
[OutputType(typeof(DockerCertificate))]
public sealed class NewDockerServerCertCommand : LeafCertificateCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? DnsName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? IPAddress { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? CommonName { get; set; }

    protected override CertificateKind Kind => CertificateKind.Server;

    protected override string[] ItemParameters => new[] { nameof(DnsName), nameof(IPAddress), nameof(CommonName) };

    protected override void ProcessRecord()
    {
        try
        {
            var commonName = CertificateAuthority.ServerCommonName(ItemValue(nameof(CommonName), CommonName), DnsName, IPAddress);
            IssueAndWrite(commonName, ca => ca.IssueServer(commonName, DnsName, IPAddress, Keys, ValidityDays));
        }
        catch (Core.DockerTlsException e) when (MyInvocation.ExpectingInput)
        {
            WriteDockerTlsError(e);
        }
        catch (Core.DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }
}
