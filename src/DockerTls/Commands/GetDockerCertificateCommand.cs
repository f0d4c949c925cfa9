using System.Collections.ObjectModel;
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
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(ParameterSetName = "Path")]
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
