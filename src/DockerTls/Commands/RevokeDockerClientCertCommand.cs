using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

[Cmdlet(VerbsSecurity.Revoke, "DockerClientCert", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "SerialNumber")]
[OutputType(typeof(DockerCertificate))]
public sealed class RevokeDockerClientCertCommand : DockerTlsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "SerialNumber", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? SerialNumber { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "CommonName")]
    [ValidateNotNullOrEmpty]
    public string? CommonName { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string? LiteralPath { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string CAPath { get; set; } = "";

    protected override void ProcessRecord()
    {
        try
        {
            var ca = ResolvePath(CAPath);
            var caFile = Directory.Exists(ca) ? System.IO.Path.Combine(ca, CertificateFiles.CACertificate) : ca;
            if (!File.Exists(caFile))
                throw new DockerTlsException("CANotFound", ErrorKind.ObjectNotFound, $"No CA certificate at '{caFile}'. Give -CAPath the CA's folder or its ca.pem.", ca);
            var inventory = CertificateInventory.PathFor(caFile);
            var serial = ParameterSetName == "LiteralPath" ? SerialOf(ResolvePath(LiteralPath!)) : SerialNumber?.Replace(":", "").TrimStart('0');
            Func<InventoryRecord, bool> match = ParameterSetName == "CommonName"
                ? r => string.Equals(r.CommonName, CommonName, StringComparison.Ordinal)
                : r => string.Equals(r.SerialNumber.TrimStart('0'), serial, StringComparison.OrdinalIgnoreCase);
            var candidates = CertificateInventory.Read(inventory).Where(r => r.ReplacedBy == null && match(r)).ToList();
            var what = ParameterSetName == "CommonName" ? $"common name '{CommonName}'" : $"serial {serial}";
            if (candidates.Count == 0)
                throw new DockerTlsException("CertificateNotInInventory", ErrorKind.ObjectNotFound,
                    $"The inventory '{inventory}' lists no certificate in place with {what}. Get-DockerCertificate -IssuedBy '{ca}' lists what it holds.", what);
            var notClient = candidates.FirstOrDefault(r => r.Kind != CertificateKind.Client);
            if (notClient != null)
                throw new DockerTlsException("NotAClientCertificate", ErrorKind.InvalidArgument,
                    $"'{notClient.Path}' ({notClient.Subject}) is a {notClient.Kind} certificate; Revoke-DockerClientCert takes a client's access away. Nothing was marked.", notClient.Path);
            if (!ShouldProcess(string.Join(", ", candidates.Select(r => $"{r.CommonName} ({r.SerialNumber})")), $"Mark revoked in '{inventory}'")) return;
            var now = DateTime.UtcNow;
            var revoked = CertificateInventory.Revoke(inventory, r => r.Kind == CertificateKind.Client && match(r));
            foreach (var record in revoked) WriteObject(record.ToCertificate(now));
            WriteWarning("dockerd cannot check revocation (it has no CRL or OCSP option): the revoked certificate still reaches every daemon that trusts this CA "
                + "until it expires. Its access ends only when the daemons trust a CA that never signed it: a rollover, which re-issues every other certificate "
                + $"and leaves this one out: Start-DockerCARollover -CAPath '{ca}', then Get-DockerCertificate -IssuedBy '{ca}' | Where-Object {{ -not $_.Revoked }} | Update-DockerCertificate -CAPath '{ca}', "
                + $"then Complete-DockerCARollover -CAPath '{ca}', restarting the daemons after each stage.");
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }

    private static string SerialOf(string certPath)
    {
        if (!File.Exists(certPath))
            throw new DockerTlsException("CertificateNotFound", ErrorKind.ObjectNotFound, $"'{certPath}' does not exist. Give the client's cert.pem.", certPath);
        return CertificateReader.Read(certPath).SerialNumber.TrimStart('0');
    }
}
