using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DockerTls.Core.Client;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Diagnostics;

/// <summary>
/// Turns what the probe saw into a <see cref="ConnectionFailure"/>, one sentence saying what happened in the user's terms,
/// and the remedy, naming this module's cmdlets. Each method fills the result it was made for.
/// </summary>
public sealed partial class ConnectionDiagnosis
{
    private readonly DockerTlsTestResult result;
    private readonly ConnectionSettings settings;

    /// <summary>A diagnosis that writes into <paramref name="result"/>.</summary>
    public ConnectionDiagnosis(DockerTlsTestResult result, ConnectionSettings settings)
    {
        this.result = result;
        this.settings = settings;
    }

    private string Host => settings.Host.Host;

    private string Address => settings.Host.Uri;

    private string CertPath => settings.CertPath;

    /// <summary>The handshake and both requests worked; a context overridden by <c>DOCKER_HOST</c> is still worth a warning.</summary>
    public void Succeeded(string? version, string? apiVersion)
    {
        result.Success = true;
        result.ServerVersion = version;
        result.ApiVersion = apiVersion;
        result.Failure = ConnectionFailure.None;
        result.Diagnosis = $"Docker {version} (API {apiVersion}) at {Address} answered over {result.TlsProtocol} with mutual TLS.";
        result.Remedy = "";
        if (settings.OverriddenContext != null)
        {
            var endpoint = settings.OverriddenContextHost is null ? "" : $" ({settings.OverriddenContextHost})";
            result.Failure = ConnectionFailure.ContextOverridden;
            result.Diagnosis += $" But DOCKER_HOST={Address} overrides the current Docker context '{settings.OverriddenContext}'{endpoint}, so docker does not use that context.";
            result.Remedy = $"To use the context '{settings.OverriddenContext}', remove the variables: Clear-DockerClientEnv. To keep using {Address}, select the default context: docker context use default.";
        }
    }

    /// <summary>The host name does not resolve.</summary>
    public void HostNotFound(string message) => Fail(ConnectionFailure.HostNotFound,
        $"The host name '{Host}' does not resolve to an address ({message}).",
        $"Check the spelling, or use the daemon's IP address: Test-DockerTlsConnection -DockerHost tcp://<ip>:{settings.Host.Port}; then point docker at it: Set-DockerClientEnv -DockerHost tcp://<ip>:{settings.Host.Port}.");

    /// <summary>Nothing listens there.</summary>
    public void ConnectionRefused(string message) => Fail(ConnectionFailure.ConnectionRefused,
        $"Nothing accepts connections at {Host} port {settings.Host.Port} ({message}): the daemon is not running or does not listen on that address and port.",
        $"On the daemon's host, check that docker runs and listens there: Get-DockerDaemonConfig; add the TCP host with TLS: Set-DockerDaemonConfig -CertPath <kit>/server -DockerHost tcp://0.0.0.0:{settings.Host.Port}, then restart docker (systemctl restart docker).");

    /// <summary>A step did not finish within the timeout.</summary>
    public void Timeout(string step, TimeSpan timeout) => Fail(ConnectionFailure.Timeout,
        $"The {step} with {Host} port {settings.Host.Port} did not finish within {timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s: a firewall drops the packets, the address is wrong, or the service there does not answer.",
        $"Check the address and that port {settings.Host.Port}/tcp is open between here and the daemon (firewall, security group); try a longer -TimeoutSec.");

    /// <summary>The port does not speak TLS; <paramref name="clientUsesTls"/> false when the CLI, too, speaks plain HTTP to it.</summary>
    public void ServerNotTls(bool plainHttp, string? apiVersion, string message, bool clientUsesTls = true) => Fail(ConnectionFailure.ServerNotTls,
        plainHttp && !clientUsesTls
            ? $"The daemon at {Host} port {settings.Host.Port} answers plain HTTP{(apiVersion is null ? "" : $" (Docker API {apiVersion})")}, and the docker CLI talks to it unencrypted ({WhyPlain()}); anyone who can reach that port controls the host."
            : plainHttp
            ? $"The daemon at {Host} port {settings.Host.Port} answers plain HTTP{(apiVersion is null ? "" : $" (Docker API {apiVersion})")}, not TLS (\"http: server gave HTTP response to HTTPS client\"); anyone who can reach that port controls the host."
            : $"The service at {Host} port {settings.Host.Port} does not complete a TLS handshake ({message}).",
        $"Use the daemon's TLS port (usually 2376), or turn on TLS on the daemon's host: Set-DockerDaemonConfig -CertPath <kit>/server -DockerHost tcp://0.0.0.0:2376, then restart docker.");

    /// <summary>The server certificate failed one of the client's checks.</summary>
    public void ServerCertificateRejected(ConnectionFailure failure, DockerCertificate server, IReadOnlyList<DockerCertificate> authorities, DateTime now)
    {
        var caPath = System.IO.Path.Combine(CertPath, "ca.pem");
        switch (failure)
        {
            case ConnectionFailure.NameMismatch:
                var names = server.DnsNames.Concat(server.IPAddresses).ToArray();
                Fail(failure,
                    $"The daemon's certificate is valid for {(names.Length == 0 ? "no names at all" : string.Join(", ", names))}, not {Host} ({NameMismatchQuote(server)}).",
                    $"Connect with a name or address the certificate holds (Set-DockerClientEnv -DockerHost tcp://{(names.Length == 0 ? "<name>" : names[0])}:{settings.Host.Port}), "
                    + $"or issue a server certificate that holds {Host} too: {NewServerCert(server, Host)}, then Set-DockerDaemonConfig -CertPath <kit>/server and restart docker.");
                break;
            case ConnectionFailure.UnknownAuthority:
                var cas = string.Join("; ", authorities.Select(a => $"'{a.Subject}' SHA-256 {a.Sha256Fingerprint}"));
                Fail(failure,
                    $"The daemon's certificate (issued by '{server.Issuer}', SHA-256 {server.Sha256Fingerprint}) is not signed by the CA in '{caPath}' ({cas}) (\"x509: certificate signed by unknown authority\"); often one side's CA was made again.",
                    $"Install the ca.pem of the CA that issued the daemon's certificate, with the client certificate from that CA: {InstallClient()}; "
                    + "or, if the daemon holds an old certificate, issue a new one from your CA: New-DockerServerCert -CAPath <kit>/ca -OutputPath <kit>/server -Force and Set-DockerDaemonConfig -CertPath <kit>/server.");
                break;
            case ConnectionFailure.ServerCertificateExpired:
                var expired = server.Findings.Any(f => f.ChainDepth == 0 && f.Id == CertificateFindingIds.CertificateExpired) ? $"The daemon's certificate (CN={server.CommonName}) expired on {Date(server.NotAfter)}" : "The CA certificate that signed the daemon's certificate has expired";
                Fail(failure,
                    $"{expired} (\"x509: certificate has expired or is not yet valid\").",
                    $"Issue a new server certificate with the same names and install it on the daemon: {NewServerCert(server, null)}; Set-DockerDaemonConfig -CertPath <kit>/server; then restart docker.");
                break;
            case ConnectionFailure.IncompatibleKeyUsage:
                Fail(failure,
                    $"The daemon presents a certificate (CN={server.CommonName}) that is not for servers: its extended key usage lacks serverAuth (\"x509: certificate specifies an incompatible key usage\"); often a client certificate was installed as server-cert.pem.",
                    $"Issue a server certificate and install it on the daemon: {NewServerCert(server, null)}; Set-DockerDaemonConfig -CertPath <kit>/server; then restart docker.");
                break;
            case ConnectionFailure.InvalidCertificateAuthority:
            case ConnectionFailure.InsecureAlgorithm:
                var finding = server.Findings.FirstOrDefault(f => f.BreaksChain && f.Severity == FindingSeverity.Error);
                Fail(failure,
                    $"The docker CLI refuses the daemon's certificate (CN={server.CommonName}) and its chain to '{caPath}' ({finding?.Id}): {finding?.Message}",
                    failure == ConnectionFailure.InsecureAlgorithm
                        ? $"Issue the server certificate again (SHA-256) and install it on the daemon: {NewServerCert(server, null)}; Set-DockerDaemonConfig -CertPath <kit>/server; then restart docker."
                        : "Make a CA that may sign (New-DockerCA, or renew this one with Update-DockerCertificate), issue the server and client certificates from it "
                          + $"({NewServerCert(server, null)}; New-DockerClientCert -CAPath <kit>/ca -OutputPath <kit>/client), install them (Set-DockerDaemonConfig -CertPath <kit>/server; {InstallClient()}), then restart docker.");
                break;
            default:
                Fail(ConnectionFailure.NotYetValid,
                    $"The daemon's certificate (CN={server.CommonName}) is not valid before {Date(server.NotBefore)}; it is now {Date(now)} here, so this clock or the daemon host's is wrong (\"x509: certificate has expired or is not yet valid\").",
                    $"Set the clocks right on both hosts (timedatectl set-ntp true), or issue a server certificate valid now: {NewServerCert(server, null)}; Set-DockerDaemonConfig -CertPath <kit>/server; then restart docker.");
                break;
        }
    }

    /// <summary>
    /// The CLI speaks plain HTTP to a TLS daemon. <paramref name="withTls"/> is the same test with mutual TLS: whether
    /// <c>DOCKER_TLS_VERIFY=1</c> is all that is missing.
    /// </summary>
    public void TlsNotUsed(DockerTlsTestResult? withTls)
    {
        // The test with TLS is told by its outcome only: its quotes are what the CLI would print with TLS, not now.
        var then = withTls is null ? ""
            : withTls.Success
            ? $" With DOCKER_TLS_VERIFY=1 it works: Docker {withTls.ServerVersion} answered over {withTls.TlsProtocol} with mutual TLS."
            : $" With DOCKER_TLS_VERIFY=1 the test then fails with {withTls.Failure}: run it again after the fix below to see why.";
        string remedy;
        if (settings.ContextName != null)
        {
            remedy = $"Give the context the kit's client files: New-DockerContext -Name {settings.ContextName} -DockerHost {Address} -CertPath <kit>/client -Force.";
        }
        else
        {
            var certPath = settings.IsDefaultCertPath ? "" : $" -CertPath '{CertPath}'";
            remedy = $"Set DOCKER_TLS_VERIFY=1 (the docker CLI then uses mutual TLS): Set-DockerClientEnv -DockerHost {Address}{certPath}; in a POSIX shell: export DOCKER_TLS_VERIFY=1.";
        }

        Fail(ConnectionFailure.TlsNotUsed,
            $"The docker CLI speaks plain HTTP to {Address} ({WhyPlain()}), but the daemon there speaks TLS (\"Client sent an HTTP request to an HTTPS server\").{then}",
            remedy);
    }

    /// <summary>
    /// The connection worked with <c>DOCKER_TLS</c> alone: the CLI did not check the daemon's certificate, whose check gave
    /// <paramref name="verdict"/>.
    /// </summary>
    public void ServerNotVerified(ConnectionFailure verdict)
    {
        result.Failure = ConnectionFailure.ServerNotVerified;
        result.Diagnosis += $" But {ClientEnvironment.TlsVariable} is set without {ClientEnvironment.TlsVerifyVariable}, so the docker CLI does not check the daemon's certificate: anyone between here and {Host} can pose as the daemon"
            + (verdict == ConnectionFailure.None ? " (the certificate would pass the check)." : $", and this one would fail it ({verdict}).");
        var certPath = settings.IsDefaultCertPath ? "" : $" -CertPath '{CertPath}'";
        result.Remedy = $"Set DOCKER_TLS_VERIFY=1: Set-DockerClientEnv -DockerHost {Address}{certPath} (and remove DOCKER_TLS: Remove-Item Env:DOCKER_TLS).";
    }

    /// <summary>TLS worked but the API did not answer as Docker does.</summary>
    public void ApiError(string what) => Fail(ConnectionFailure.ApiError,
        $"TLS to {Host} port {settings.Host.Port} works, but {what}; this may not be a Docker daemon, or it is not ready.",
        "Check that the port belongs to dockerd (ss -ltnp on its host) and look at its log (journalctl -u docker).");

    // Go's words for the mismatch (crypto/x509 HostnameError), as the docker CLI prints them.
    private string NameMismatchQuote(DockerCertificate server)
    {
        if (System.Net.IPAddress.TryParse(Host, out _) && server.IPAddresses.Length == 0)
        {
            return $"\"x509: cannot validate certificate for {Host} because it doesn't contain any IP SANs\"";
        }

        return server.DnsNames.Length == 0 && server.IPAddresses.Length == 0
            ? "\"x509: certificate relies on legacy Common Name field, use SANs instead\""
            : $"\"x509: certificate is valid for ..., not {Host}\"";
    }

    // The command that issues a server certificate with the names and addresses of the one the daemon has, plus the one used.
    private static string NewServerCert(DockerCertificate server, string? alsoHost)
    {
        var dns = server.DnsNames.ToList();
        var ips = server.IPAddresses.ToList();
        if (alsoHost != null)
        {
            (System.Net.IPAddress.TryParse(alsoHost, out _) ? ips : dns).Add(alsoHost);
        }

        var command = "New-DockerServerCert -CAPath <kit>/ca";
        command += dns.Count > 0 ? " -DnsName " + string.Join(",", dns) : "";
        command += ips.Count > 0 ? " -IPAddress " + string.Join(",", ips) : "";
        return command + " -OutputPath <kit>/server -Force";
    }

    // Why the CLI speaks plain HTTP with these settings.
    private string WhyPlain() => settings.ContextName != null || settings.Source.StartsWith("context", StringComparison.Ordinal)
        ? $"the {settings.Source} holds no TLS files"
        : $"{settings.Source} is set without {ClientEnvironment.TlsVerifyVariable} or {ClientEnvironment.TlsVariable}";

    private void Fail(ConnectionFailure failure, string diagnosis, string remedy)
    {
        result.Success = false;
        result.Failure = failure;
        result.Diagnosis = diagnosis;
        result.Remedy = remedy;
    }

    private static string Date(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
