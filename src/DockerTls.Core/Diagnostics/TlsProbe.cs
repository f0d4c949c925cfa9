using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;
using DockerTls.Core.Json;
using DockerTls.Core.Pki;
using BcParser = Org.BouncyCastle.X509.X509CertificateParser;

namespace DockerTls.Core.Diagnostics;

/// <summary>
/// Tests a Docker TLS connection step by step and stops at the first step that fails: the client files offline, then
/// name resolution, TCP connect, the TLS handshake with the client certificate, <c>GET /_ping</c> and <c>GET /version</c>.
/// All steps together finish within the timeout, one deadline (<see cref="ProbeDeadline"/>) whatever the peer does. A
/// failure is a result, never an exception. It speaks as the docker CLI would with these settings
/// (<see cref="ConnectionSettings.Tls"/>): plain HTTP when the CLI uses no TLS, and without insisting on the daemon's
/// certificate when the CLI does not check it.
/// </summary>
public sealed partial class TlsProbe
{
    private readonly ConnectionSettings settings;
    private readonly TimeSpan timeout;
    private ProbeDeadline deadline = null!;
    private DockerTlsTestResult result = null!;
    private ConnectionDiagnosis diagnosis = null!;
    private ConnectionFailure serverVerdict;
    private bool serverSeen;

    /// <summary>A probe of <paramref name="settings"/> that gives up after <paramref name="timeout"/>.</summary>
    public TlsProbe(ConnectionSettings settings, TimeSpan timeout)
    {
        this.settings = settings ?? throw new ArgumentNullException(nameof(settings));
        this.timeout = timeout;
    }

    /// <summary>Runs the test.</summary>
    public DockerTlsTestResult Run()
    {
        deadline = new ProbeDeadline(timeout);
        result = new DockerTlsTestResult { DockerHost = settings.Host.Uri, CertPath = settings.CertPath, Source = settings.Source };
        diagnosis = new ConnectionDiagnosis(result, settings);
        if (settings.Tls == TlsMode.None)
        {
            AskPlain();
            result.ElapsedMilliseconds = (long)deadline.Elapsed.TotalMilliseconds;
            return result;
        }

        var files = ReadClientFiles(out var clientCertificate);
        if (files != null && clientCertificate != null)
        {
            using (clientCertificate)
            {
                Connect(files, clientCertificate);
            }
        }

        result.ElapsedMilliseconds = (long)deadline.Elapsed.TotalMilliseconds;
        return result;
    }

    private TimeSpan Remaining => deadline.Remaining;

    private bool Expired => deadline.Expired;

    private void Connect(ClientCertificateFiles files, X509Certificate2 clientCertificate)
    {
        using var connection = Open();
        if (connection is null)
        {
            return;
        }

        using var network = new NetworkStream(connection.Socket, ownsSocket: false);
        using var tls = new SslStream(network, false, (_, certificate, _, _) => ValidateServer(certificate, files), (_, _, _, _, _) => clientCertificate);
        serverVerdict = ConnectionFailure.None;
        serverSeen = false;
        try
        {
            SetTimeouts(connection.Socket);
            tls.AuthenticateAsClient(settings.Host.Host, new X509CertificateCollection { clientCertificate }, Protocols, checkCertificateRevocation: false);
        }
        catch (Exception e) when (e is AuthenticationException || e is IOException || e is SocketException || e is ObjectDisposedException)
        {
            HandshakeFailed(e, files, connection.Addresses);
            return;
        }

        result.TlsProtocol = ProtocolName(tls.SslProtocol);
        if (Ping(tls, files))
        {
            AskVersion(tls);
        }
    }

    // The docker CLI's check of the daemon's certificate, told as a verdict; whether the handshake goes on.
    private bool ValidateServer(X509Certificate? presented, ClientCertificateFiles client)
    {
        if (presented is null)
        {
            return false;
        }

        serverSeen = true;
        var now = DateTime.UtcNow;
        var certificate = new BcParser().ReadCertificate(presented.GetRawCertData());
        var summary = CertificateReader.Summarize(certificate, ".", now);
        serverVerdict = ServerCertificateCheck.Check(certificate, summary, client.Authorities, settings.Host.Host, now);
        summary.Path = settings.Host.Uri;
        summary.ChainCAPath = client.CAPath;
        result.ServerCertificate = summary;

        // DOCKER_TLS without DOCKER_TLS_VERIFY: the CLI takes any certificate; the verdict is told, not enforced.
        return serverVerdict == ConnectionFailure.None || settings.Tls == TlsMode.Tls;
    }

    private void HandshakeFailed(Exception e, ClientCertificateFiles files, IPAddress[] addresses)
    {
        if (IsTimeout(e))
        {
            diagnosis.Timeout("TLS handshake", timeout);
        }
        else if (serverSeen && serverVerdict != ConnectionFailure.None && settings.Tls != TlsMode.Tls)
        {
            var authorities = files.Authorities.Select(a => CertificateReader.Summarize(a, files.CAPath, DateTime.UtcNow)).ToList();
            diagnosis.ServerCertificateRejected(serverVerdict, result.ServerCertificate!, authorities, DateTime.UtcNow);
        }
        else if (serverSeen)
        {
            diagnosis.ClientCertificateRejected(files.Summary(), CASubjects(files));
        }
        else if (HandshakeError.IsLocalCredentialFailure(e))
        {
            diagnosis.ClientCredentialsUnavailable(files.KeyPath, Innermost(e));
        }
        else
        {
            ProbePlainHttp(addresses, Innermost(e));
        }
    }

    // GET /_ping over TLS; false when it failed (the diagnosis is made).
    private bool Ping(SslStream tls, ClientCertificateFiles files)
    {
        HttpExchange.Response ping;
        try
        {
            ping = HttpExchange.Get(tls, "/_ping");
        }
        catch (Exception e) when (e is IOException || e is AuthenticationException || e is SocketException || e is ObjectDisposedException)
        {
            // TLS 1.3 finishes the client's side of the handshake before the daemon has judged the client certificate, so
            // its refusal arrives as an alert at the first read.
            if (IsTimeout(e))
            {
                diagnosis.Timeout("request GET /_ping", timeout);
            }
            else
            {
                diagnosis.ClientCertificateRejected(files.Summary(), CASubjects(files));
            }

            return false;
        }
        catch (InvalidDataException e)
        {
            diagnosis.ApiError($"GET /_ping got no HTTP response ({e.Message})");
            return false;
        }

        if (ping.StatusCode != 200)
        {
            diagnosis.ApiError($"GET /_ping answered '{ping.StatusLine}'");
            return false;
        }

        return true;
    }

    private void AskVersion(SslStream tls)
    {
        try
        {
            var version = HttpExchange.Get(tls, "/version");
            if (version.StatusCode != 200)
            {
                diagnosis.ApiError($"GET /version answered '{version.StatusLine}'");
                return;
            }

            var json = JsonText.Parse(version.Body) as JsonObject;
            var engine = (json?["Version"] as JsonString)?.Value;
            var api = (json?["ApiVersion"] as JsonString)?.Value;
            if (engine is null)
            {
                diagnosis.ApiError("GET /version returned no Docker version");
                return;
            }

            diagnosis.Succeeded(engine, api);
            if (settings.Tls == TlsMode.Tls)
            {
                diagnosis.ServerNotVerified(serverVerdict);
            }
        }
        catch (Exception e) when (e is IOException || e is InvalidDataException || e is JsonParseException || e is ObjectDisposedException)
        {
            if (IsTimeout(e))
            {
                diagnosis.Timeout("request GET /version", timeout);
            }
            else
            {
                diagnosis.ApiError($"GET /version failed ({Innermost(e)})");
            }
        }
    }

    private static IReadOnlyList<string> CASubjects(ClientCertificateFiles files) =>
        files.Authorities.Select(ca => ca.SubjectDN.ToString()).ToList();

    private static string Innermost(Exception e)
    {
        var messages = new List<string>();
        for (Exception? inner = e; inner != null; inner = inner.InnerException)
        {
            messages.Add(inner.Message);
        }

        return messages.Count == 0 ? "" : messages[messages.Count - 1];
    }

    /// <summary>
    /// The TLS versions to offer: the system's choice (None), as the docker CLI leaves it to Go's defaults. .NET Framework
    /// refuses None with an ArgumentException when its system-default TLS versions are switched off, as they often are
    /// for Windows PowerShell, so there it offers TLS 1.2, which every dockerd accepts.
    /// </summary>
    private static SslProtocols Protocols => PlatformInfo.IsNetFramework ? SslProtocols.Tls12 : SslProtocols.None;

    private static string ProtocolName(SslProtocols protocol) => (int)protocol switch
    {
        12288 => "Tls13",
        _ => protocol.ToString(),
    };
}
