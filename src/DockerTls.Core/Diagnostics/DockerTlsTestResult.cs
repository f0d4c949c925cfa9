using DockerTls.Core.Pki;

namespace DockerTls.Core.Diagnostics;

/// <summary>What <c>Test-DockerTlsConnection</c> found: the daemon's versions on success, else the failure, its cause and the fix.</summary>
public sealed class DockerTlsTestResult
{
    // What the daemon answered (versions, headers, certificate names) reaches the console through these: each is kept
    // with its control and bidi characters replaced (TerminalText), whichever path sets it.
    private string _dockerHost = "";
    private string? _serverVersion;
    private string? _apiVersion;
    private string? _tlsProtocol;
    private string _diagnosis = "";
    private string _remedy = "";

    /// <summary>The address tested, <c>tcp://host:port</c>.</summary>
    public string DockerHost { get => _dockerHost; set => _dockerHost = TerminalText.Clean(value); }

    /// <summary>True when the TLS handshake and <c>GET /_ping</c> and <c>GET /version</c> succeeded.</summary>
    public bool Success { get; set; }

    /// <summary>The daemon's engine version (<c>/version</c> <c>Version</c>), on success.</summary>
    public string? ServerVersion { get => _serverVersion; set => _serverVersion = TerminalText.CleanOrNull(value); }

    /// <summary>The daemon's API version (<c>/version</c> <c>ApiVersion</c>), on success.</summary>
    public string? ApiVersion { get => _apiVersion; set => _apiVersion = TerminalText.CleanOrNull(value); }

    /// <summary>The TLS version negotiated (<c>Tls12</c>, <c>Tls13</c>), once the handshake succeeded.</summary>
    public string? TlsProtocol { get => _tlsProtocol; set => _tlsProtocol = TerminalText.CleanOrNull(value); }

    /// <summary>The certificate the daemon presented, when the handshake got that far.</summary>
    public DockerCertificate? ServerCertificate { get; set; }

    /// <summary>Whole days left of <see cref="ServerCertificate"/>; null when the daemon presented none.</summary>
    public int? ServerDaysRemaining => ServerCertificate?.DaysRemaining;

    /// <summary>The client certificate presented (cert.pem of <see cref="CertPath"/>), when it could be read.</summary>
    public DockerCertificate? ClientCertificate { get; set; }

    /// <summary>Whole days left of <see cref="ClientCertificate"/>; null when it could not be read.</summary>
    public int? ClientDaysRemaining => ClientCertificate?.DaysRemaining;

    /// <summary>The folder the CA and client certificate were read from.</summary>
    public string CertPath { get; set; } = "";

    /// <summary>Where the address came from: the parameter, <c>DOCKER_HOST</c>, or a context.</summary>
    public string Source { get; set; } = "";

    /// <summary><see cref="ConnectionFailure.None"/> on success without warnings, else what went wrong.</summary>
    public ConnectionFailure Failure { get; set; }

    /// <summary>One sentence saying what happened, in the user's terms.</summary>
    public string Diagnosis { get => _diagnosis; set => _diagnosis = TerminalText.Clean(value); }

    /// <summary>What to do about it, naming this module's cmdlets; empty on success.</summary>
    public string Remedy { get => _remedy; set => _remedy = TerminalText.Clean(value); }

    /// <summary>How long the test took, in milliseconds.</summary>
    public long ElapsedMilliseconds { get; set; }

    /// <summary>
    /// A warning for the server's and the client's certificate that ends within
    /// <see cref="Pki.CertificateAssessment.ExpiryWarningDays"/> days: their <c>CertificateExpiring</c> finding, told with its id.
    /// </summary>
    public System.Collections.Generic.IEnumerable<string> ExpiryWarnings()
    {
        foreach (var (certificate, whose) in new[] { (ServerCertificate, "server's"), (ClientCertificate, "client's") })
        {
            if (certificate is null || !System.Linq.Enumerable.Any(certificate.Findings, f => f.ChainDepth == 0 && f.Id == Pki.CertificateFindingIds.CertificateExpiring)) continue;
            yield return System.FormattableString.Invariant(
                $"{Pki.CertificateFindingIds.CertificateExpiring}: The {whose} certificate ({certificate.Subject}) expires in {certificate.DaysRemaining} days, on {certificate.NotAfter:yyyy-MM-dd}. Renew it with Update-DockerCertificate -CAPath <the CA folder> on the CA's machine.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Success ? $"{DockerHost}: Docker {ServerVersion}" : $"{DockerHost}: {Failure}";
}
