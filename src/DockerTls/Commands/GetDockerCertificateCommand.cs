using System.IO;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.Get, "DockerCertificate", DefaultParameterSetName = "Path")]
[OutputType(typeof(DockerCertificate))]
public sealed class GetDockerCertificateCommand : DockerTlsCmdlet
{
    [Parameter(Position = 0, ParameterSetName = "Path", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CAPath { get; set; }

    protected override void ProcessRecord()
    {
        var caPath = CAPath is null ? null : ResolvePath(CAPath);
        var literal = ParameterSetName == "LiteralPath";
        foreach (var path in (literal ? LiteralPath : Path) ?? new[] { CurrentDirectory })
        {
            var resolved = ResolveExisting(path, literal || Path is null, "CertificateNotFound",
                "Give a certificate file or a folder holding them.");
            foreach (var item in resolved)
            {
                try
                {
                    if (Directory.Exists(item)) WriteObject(CertificateReader.ReadFolder(item, caPath, WriteDockerTlsError), enumerateCollection: true);
                    else WriteObject(CertificateReader.ReadWithNeighbours(item, caPath));
                }
                catch (DockerTlsException e)
                {
                    WriteDockerTlsError(e);
                }
            }
        }
    }
}
