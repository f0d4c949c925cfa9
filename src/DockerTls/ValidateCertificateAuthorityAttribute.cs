using System.Management.Automation;
using DockerTls.Core.Pki;

namespace DockerTls;

/// <summary>
/// Lets only a CA-kind certificate bind to -CA, by value or from the pipeline. A server or client certificate
/// piped in (Get-DockerCertificate ./server | New-DockerServerCert) binds to nothing: PowerShell reports
/// ParameterArgumentValidationError for that item with this message, so leaf certificates stay free to flow
/// down a pipeline as items.
/// </summary>
public sealed class ValidateCertificateAuthorityAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var certificate = (arguments as PSObject)?.BaseObject as DockerCertificate ?? arguments as DockerCertificate;
        if (certificate is null || certificate.Kind == CertificateKind.CA) return;
        throw new ValidationMetadataException(
            $"'{certificate.Path}' is a {certificate.Kind.ToString().ToLowerInvariant()} certificate, not a CA. "
            + "Pipe a CA (Get-DockerCertificate ./ca or New-DockerCA) or give -CAPath.");
    }
}
