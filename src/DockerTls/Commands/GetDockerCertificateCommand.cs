using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.Get, "DockerCertificate")]
[OutputType(typeof(DockerCertificate))]
public sealed class GetDockerCertificateCommand : DockerTlsCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CAPath { get; set; }

    protected override void ProcessRecord()
    {
        var caPath = CAPath is null ? null : ResolvePath(CAPath);
        foreach (var path in Path ?? new[] { CurrentDirectory })
        {
            Collection<string> resolved;
            try
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _);
            }
            catch (ItemNotFoundException)
            {
                WriteDockerTlsError(new DockerTlsException("CertificateNotFound", ErrorKind.ObjectNotFound,
                    $"'{path}' does not exist. Give a certificate file or a folder holding them.", path));
                continue;
            }
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
