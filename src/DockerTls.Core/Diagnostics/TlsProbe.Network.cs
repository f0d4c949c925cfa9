using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DockerTls.Core.Diagnostics;

/// <summary>The probe's network: the name lookup, the TCP connection under the deadline, and a plain <c>GET /_ping</c>.</summary>
public sealed partial class TlsProbe
{
    /// <summary>The addresses looked up, a connected socket to one of them, and the deadline's guard over it; null when it failed (diagnosed).</summary>
    private ProbeConnection? Open()
    {
        var addresses = Resolve();
        if (addresses is null)
        {
            return null;
        }

        var socket = OpenSocket(addresses);
        return socket is null ? null : new ProbeConnection(addresses, socket, deadline.Guard(socket));
    }

    // GET /_ping in plain HTTP, as the docker CLI without TLS sends it, within what is left of the deadline.
    private HttpExchange.Response PlainPing(Socket socket)
    {
        SetTimeouts(socket);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var request = Encoding.ASCII.GetBytes("GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n");
        stream.Write(request, 0, request.Length);
        return HttpExchange.Read(stream);
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

    private sealed class ProbeConnection : IDisposable
    {
        private readonly IDisposable guard;

        public ProbeConnection(IPAddress[] addresses, Socket socket, IDisposable guard)
        {
            Addresses = addresses;
            Socket = socket;
            this.guard = guard;
        }

        public IPAddress[] Addresses { get; }

        public Socket Socket { get; }

        public void Dispose()
        {
            guard.Dispose();
            Socket.Dispose();
        }
    }
}
