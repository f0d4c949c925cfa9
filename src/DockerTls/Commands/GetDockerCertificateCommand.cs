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
                    if (Directory.Exists(item))
                    {
                        var found = CertificateReader.ReadFolder(item, caPath, WriteDockerTlsError);
                        if (found.Count == 0)
                        {
                            // Nothing to show is worth saying: an empty table reads as "the path was wrong" or as nothing at all.
                            WriteDockerTlsError(new DockerTlsException("NoCertificateInFolder", ErrorKind.ObjectNotFound,
                                $"The folder '{item}' holds no certificate (no .pem file with a certificate in it). Give a kit's ca, server or client folder, or a certificate file.", item));
                        }

                        WriteObject(found, enumerateCollection: true);
                    }
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
