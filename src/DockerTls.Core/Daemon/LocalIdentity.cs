using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace DockerTls.Core.Daemon;

/// <summary>The names and addresses by which clients may reach this host, for checking a server certificate's SANs.</summary>
public static class LocalIdentity
{
    /// <summary>
    /// The names clients use for the daemon on <paramref name="host"/>: this machine's (<see cref="NamesFor"/>), or
    /// for a remote host the name it was reached by and the addresses of its TCP hosts (a wildcard adds nothing:
    /// the remote's interfaces are not known here).
    /// </summary>
    public static IReadOnlyList<string> NamesOf(IDaemonHost host, IEnumerable<string> hosts)
    {
        if (host is LocalDaemonHost) return NamesFor(hosts);
        var names = new List<string> { host.Name };
        foreach (var text in hosts)
        {
            if (DockerHostAddress.TryParse(text, out var address, out _) && address!.IsTcp && address.Host is { } name && name != "0.0.0.0" && name != "::") names.Add(name);
        }

        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>
    /// This host's name, its fully qualified name when known, and the addresses that TCP hosts listen on: each
    /// specific address in <paramref name="hosts"/>, or every non-loopback unicast address for a wildcard (0.0.0.0, ::).
    /// </summary>
    public static IReadOnlyList<string> NamesFor(IEnumerable<string> hosts)
    {
        var names = new List<string>();
        try
        {
            var hostName = Dns.GetHostName();
            names.Add(hostName);
            var domain = IPGlobalProperties.GetIPGlobalProperties().DomainName;
            if (!string.IsNullOrEmpty(domain) && hostName.IndexOf('.') < 0)
            {
                names.Add(hostName + "." + domain);
            }
        }
        catch (Exception e) when (e is SocketException || e is NetworkInformationException || e is PlatformNotSupportedException)
        {
            // Without a host name there is nothing to compare; the check is only advice.
        }

        foreach (var text in hosts)
        {
            if (!DockerHostAddress.TryParse(text, out var address, out _) || !address!.IsTcp)
            {
                continue;
            }

            if (address.Host is null || address.Host == "0.0.0.0" || address.Host == "::")
            {
                names.AddRange(UnicastAddresses());
            }
            else
            {
                names.Add(address.Host);
            }
        }

        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    private static IEnumerable<string> UnicastAddresses()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(u => u.Address)
                .Where(a => !IPAddress.IsLoopback(a) && !(a.AddressFamily == AddressFamily.InterNetworkV6 && (a.IsIPv6LinkLocal || a.IsIPv6Multicast)))
                .Select(a => a.ToString())
                .ToArray();
        }
        catch (NetworkInformationException)
        {
            return Array.Empty<string>();
        }
    }
}
