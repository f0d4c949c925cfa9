using System;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace DockerTls.Core.Diagnostics;

/// <summary>The probe's plain-HTTP side: the docker CLI without TLS, and a port that does not speak TLS.</summary>
public sealed partial class TlsProbe
{
    // The CLI without TLS: GET /_ping in plain HTTP, as it would send it. A TLS daemon (Go's server) answers that with
    // 400 "Client sent an HTTP request to an HTTPS server."; then the test runs again with mutual TLS to tell the user
    // whether DOCKER_TLS_VERIFY=1 is all that is missing.
    private void AskPlain()
    {
        using var connection = Open();
        if (connection is null)
        {
            return;
        }

        HttpExchange.Response response;
        try
        {
            response = PlainPing(connection.Socket);
        }
        catch (Exception e) when (e is IOException || e is SocketException || e is InvalidDataException || e is ObjectDisposedException)
        {
            if (IsTimeout(e))
            {
                diagnosis.Timeout("request GET /_ping", timeout);
            }
            else
            {
                diagnosis.ApiError($"GET /_ping in plain HTTP got no HTTP response ({Innermost(e)})");
            }

            return;
        }

        if (response.StatusCode == 400 && response.Body.IndexOf("HTTPS server", StringComparison.Ordinal) >= 0)
        {
            // A context's TLS folder is empty by definition here: testing it with TLS would only say so again.
            var withTls = settings.ContextName is null ? new TlsProbe(settings.WithTlsVerify(), Remaining).Run() : null;
            result.ServerCertificate = withTls?.ServerCertificate;
            diagnosis.TlsNotUsed(withTls);
            return;
        }

        if (response.StatusCode == 200)
        {
            response.Headers.TryGetValue("Api-Version", out var api);
            diagnosis.ServerNotTls(true, api, "", clientUsesTls: false);
            return;
        }

        diagnosis.ApiError($"GET /_ping in plain HTTP answered '{response.StatusLine}'");
    }

    private void ProbePlainHttp(IPAddress[] addresses, string handshakeError)
    {
        // A handshake that fails before any certificate arrives: ask in plain HTTP on a fresh connection whether this is
        // an unencrypted daemon (the seed's port 2375).
        string? answer = null;
        foreach (var address in addresses)
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (!socket.ConnectAsync(address, settings.Host.Port).Wait(Remaining))
                {
                    break;
                }

                using var guard = deadline.Guard(socket);
                var response = PlainPing(socket);
                response.Headers.TryGetValue("Api-Version", out answer);
                diagnosis.ServerNotTls(true, answer, handshakeError);
                return;
            }
            catch (Exception e) when (e is AggregateException || e is IOException || e is SocketException || e is InvalidDataException || e is ObjectDisposedException)
            {
                if (IsTimeout(e))
                {
                    break;
                }
            }
        }

        if (Expired)
        {
            diagnosis.Timeout("TLS handshake", timeout);
            return;
        }

        diagnosis.ServerNotTls(false, null, handshakeError);
    }
}
