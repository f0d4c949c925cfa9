using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;
using DockerTls.Core.Json;
using DockerTls.Core.Pki;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
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

    private ClientCertificateFiles? ReadClientFiles(out X509Certificate2? clientCertificate)
    {
        clientCertificate = null;
        var missing = ClientCertificateFiles.FileNames.Where(name => !File.Exists(Path.Combine(settings.CertPath, name))).ToList();
        if (missing.Count > 0)
        {
            diagnosis.ClientCertificateMissing(missing);
            return null;
        }

        ClientCertificateFiles files;
        try
        {
            files = ClientCertificateFiles.Read(settings.CertPath);
        }
        catch (DockerTlsException e) when (e.ErrorId == "CertificateInvalid" || e.ErrorId == "CertificateNotFound")
        {
            diagnosis.ClientCertificateMissing(Array.Empty<string>(), e.Target as string ?? settings.CertPath);
            return null;
        }
        catch (DockerTlsException e)
        {
            // A FIFO, a device, a link to nothing or a file it may not read: refused at once, without waiting on it.
            diagnosis.ClientFileUnusable(e.ErrorId, e.Message);
            return null;
        }

        if (files.KeyEncrypted)
        {
            diagnosis.EncryptedKey(files.KeyPath);
            return null;
        }

        try
        {
            clientCertificate = files.LoadWithKey();
        }
        catch (DockerTlsException e)
        {
            diagnosis.KeyMismatch(files.CertPath, files.KeyPath, unreadable: e.ErrorId.EndsWith("KeyInvalid", StringComparison.Ordinal));
            return null;
        }

        var now = DateTime.UtcNow;
        result.ClientCertificate = files.Summary();
        if (files.Certificate.NotAfter.ToUniversalTime() < now || files.Certificate.NotBefore.ToUniversalTime() > now)
        {
            clientCertificate.Dispose();
            clientCertificate = null;
            diagnosis.ClientCertificateOutOfValidity(files.Summary(), now);
            return null;
        }

        return files;
    }

    private TimeSpan Remaining => deadline.Remaining;

    private bool Expired => deadline.Expired;

    private void Connect(ClientCertificateFiles files, X509Certificate2 clientCertificate)
    {
        var addresses = Resolve();
        if (addresses is null)
        {
            return;
        }

        using var socket = OpenSocket(addresses);
        if (socket is null)
        {
            return;
        }

        using var guard = deadline.Guard(socket);

        using var network = new NetworkStream(socket, ownsSocket: false);
        using var tls = new SslStream(network, false, (_, certificate, _, _) => ValidateServer(certificate, files), (_, _, _, _, _) => clientCertificate);
        serverVerdict = ConnectionFailure.None;
        var serverSeen = false;
        bool ValidateServer(X509Certificate? presented, ClientCertificateFiles client)
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

        try
        {
            SetTimeouts(socket);
            tls.AuthenticateAsClient(settings.Host.Host, new X509CertificateCollection { clientCertificate }, Protocols, checkCertificateRevocation: false);
        }
        catch (Exception e) when (e is AuthenticationException || e is IOException || e is SocketException || e is ObjectDisposedException)
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
            else
            {
                ProbePlainHttp(addresses, Innermost(e));
            }

            return;
        }

        result.TlsProtocol = ProtocolName(tls.SslProtocol);
        Ask(tls, files);
    }

    private void Ask(SslStream tls, ClientCertificateFiles files)
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

            return;
        }
        catch (InvalidDataException e)
        {
            diagnosis.ApiError($"GET /_ping got no HTTP response ({e.Message})");
            return;
        }

        if (ping.StatusCode != 200)
        {
            diagnosis.ApiError($"GET /_ping answered '{ping.StatusLine}'");
            return;
        }

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

    private IPAddress[]? Resolve()
    {
        if (IPAddress.TryParse(settings.Host.Host, out var literal))
        {
            return new[] { literal };
        }

        var lookup = Dns.GetHostAddressesAsync(settings.Host.Host);
        try
        {
            if (!lookup.Wait(Remaining))
            {
                diagnosis.Timeout("name lookup", timeout);
                return null;
            }
        }
        catch (AggregateException e) when (e.InnerException is SocketException socketError)
        {
            diagnosis.HostNotFound(socketError.Message);
            return null;
        }

        if (lookup.Result.Length == 0)
        {
            diagnosis.HostNotFound("no addresses");
            return null;
        }

        return lookup.Result;
    }

    private Socket? OpenSocket(IPAddress[] addresses)
    {
        var refusals = new List<string>();
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                var connect = socket.ConnectAsync(address, settings.Host.Port);
                if (connect.Wait(Remaining))
                {
                    return socket;
                }

                socket.Dispose();
                diagnosis.Timeout("TCP connect", timeout);
                return null;
            }
            catch (AggregateException e) when (e.InnerException is SocketException socketError)
            {
                socket.Dispose();
                refusals.Add($"{address}: {socketError.Message}");
            }
        }

        diagnosis.ConnectionRefused(string.Join("; ", refusals));
        return null;
    }

    private void SetTimeouts(Socket socket)
    {
        var ms = (int)Math.Ceiling(Remaining.TotalMilliseconds);
        socket.ReceiveTimeout = ms;
        socket.SendTimeout = ms;
    }

    private bool IsTimeout(Exception e)
    {
        if (Expired)
        {
            return true;
        }

        for (Exception? inner = e; inner != null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.TimedOut })
            {
                return true;
            }
        }

        return false;
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
