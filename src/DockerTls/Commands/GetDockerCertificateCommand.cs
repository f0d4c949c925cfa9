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

    [Parameter(ParameterSetName = "Path")]
    [Parameter(ParameterSetName = "LiteralPath")]
    [ValidateNotNullOrEmpty]
    public string? CAPath { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "IssuedBy")]
    [ValidateNotNullOrEmpty]
    public string? IssuedBy { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "IssuedBy")
        {
            WriteInventory(ResolvePath(IssuedBy!));
            return;
        }
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

    /// <summary>What the CA's inventory lists as still in place; a CA without an inventory lists nothing.</summary>
    private void WriteInventory(string ca)
    {
        var caFile = Directory.Exists(ca) ? System.IO.Path.Combine(ca, CertificateFiles.CACertificate) : ca;
        if (!File.Exists(caFile))
        {
            WriteDockerTlsError(new DockerTlsException("CANotFound", ErrorKind.ObjectNotFound,
                $"No CA certificate at '{caFile}'. Give -IssuedBy the folder of the CA (ca.pem, ca-key.pem) or its ca.pem.", ca));
            return;
        }
        try
        {
            WriteObject(CertificateInventory.Current(caFile, System.DateTime.UtcNow), enumerateCollection: true);
        }
        catch (DockerTlsException e)
        {
            WriteDockerTlsError(e);
        }
    }
}
