using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using DockerTls.Core.IO;

namespace DockerTls.Core.Pki;

/// <summary>What <see cref="TlsKit.Create"/> should make.</summary>
public sealed class TlsKitRequest
{
    /// <summary>The kit's root; ca/, server/ and client/ go below it (the docker:dind layout).</summary>
    public string OutputPath { get; set; } = ".";
    public IReadOnlyList<string> DnsNames { get; set; } = Array.Empty<string>();
    public IReadOnlyList<string> IPAddresses { get; set; } = Array.Empty<string>();
    public KeySpec Key { get; set; } = new();
    public int ValidityDays { get; set; } = 365;
    public int CAValidityDays { get; set; } = 3650;
    public char[]? Passphrase { get; set; }
    /// <summary>The CA's common name; null for "Docker CA &lt;host&gt; &lt;date&gt;", which tells one kit's CA from another's.</summary>
    public string? CACommonName { get; set; }
    public string ClientCommonName { get; set; } = "client";
}

/// <summary>The three certificates of a kit, as written.</summary>
public sealed class TlsKitResult
{
    public DockerCertificate CA { get; set; } = null!;
    public DockerCertificate Server { get; set; } = null!;
    public DockerCertificate Client { get; set; } = null!;
    public IReadOnlyList<string> Warnings { get; set; } = Array.Empty<string>();
}

/// <summary>
/// A complete TLS kit for one host: a CA, a server certificate naming the host, a client certificate,
/// each in its folder with Docker's file names, written all or none.
/// </summary>
public static class TlsKit
{
    public const string CAFolder = "ca";
    public const string ServerFolder = "server";
    public const string ClientFolder = "client";

    /// <summary>This machine's host name and localhost; clients on this host use either.</summary>
    public static IReadOnlyList<string> DefaultDnsNames()
    {
        var names = new List<string>();
        try
        {
            var host = Dns.GetHostName();
            if (!string.IsNullOrWhiteSpace(host) && IsValidDnsName(host)) names.Add(host.ToLowerInvariant());
        }
        catch (SocketException) { }
        if (!names.Contains("localhost")) names.Add("localhost");
        return names;
    }

    /// <summary>The addresses of this machine's interfaces that are up (not loopback, not link-local), then 127.0.0.1.</summary>
    public static IReadOnlyList<string> DefaultIPAddresses()
    {
        var addresses = new List<string>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback) continue;
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    var address = unicast.Address;
                    if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6Multicast) continue;
                    if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)) continue;
                    var text = new IPAddress(address.GetAddressBytes()).ToString(); // drops any scope id
                    if (!addresses.Contains(text)) addresses.Add(text);
                }
            }
        }
        catch (NetworkInformationException) { }
        addresses.Add("127.0.0.1");
        return addresses;
    }

    /// <summary>
    /// The addresses of a kit's server certificate: a kit for this host, named <c>localhost</c> and <c>127.0.0.1</c>, names
    /// <c>::1</c> too, where <c>localhost</c> often resolves first, so that a client dialing <c>[::1]</c> is not refused.
    /// </summary>
    public static IReadOnlyList<string> WithIPv6Loopback(IReadOnlyList<string> dnsNames, IReadOnlyList<string> ipAddresses)
    {
        if (!dnsNames.Contains("localhost") || !ipAddresses.Contains("127.0.0.1") || ipAddresses.Contains("::1")) return ipAddresses;
        return ipAddresses.Concat(new[] { "::1" }).ToList();
    }

    /// <summary>"Docker CA &lt;host&gt; &lt;yyyy-MM-dd&gt;": the host the kit is for (its first name other than localhost) and the day it was made.</summary>
    public static string CACommonNameFor(IReadOnlyList<string> dnsNames, IReadOnlyList<string> ipAddresses, DateTime utcNow)
    {
        var host = dnsNames.FirstOrDefault(n => n != "localhost") ?? ipAddresses.FirstOrDefault(a => a != "127.0.0.1" && a != "::1") ?? dnsNames.FirstOrDefault() ?? ipAddresses.FirstOrDefault() ?? "localhost";
        return $"Docker CA {host} {utcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// Adds the kit's nine files to a transaction. Before anything is generated, call it with the certificates null to
    /// find conflicts early: the same files, with the same modes, as the transaction that writes them.
    /// </summary>
    private static void Plan(FileTransaction transaction, string root, IssuedCertificate? ca, IssuedCertificate? server, IssuedCertificate? client)
    {
        var bundle = ca?.CertificatePem ?? Array.Empty<byte>();
        CertificateFiles.Plan(transaction, Path.Combine(root, CAFolder), CertificateKind.CA, ca, null);
        CertificateFiles.Plan(transaction, Path.Combine(root, ServerFolder), CertificateKind.Server, server, bundle);
        CertificateFiles.Plan(transaction, Path.Combine(root, ClientFolder), CertificateKind.Client, client, bundle);
    }

    /// <summary>
    /// Makes the three keys side by side (and the CA key's encryption key beside them), each certificate as soon as
    /// a key is ready (the CA's while the other two keys are still being made), then writes all nine files in one go.
    /// The keys come from <paramref name="keys"/> (three of <see cref="TlsKitRequest.Key"/>, made side by side: see
    /// <see cref="KeysFor"/>), or from a source of its own when null. Ending that source (Ctrl+C, from any thread) while
    /// keys are being made throws <see cref="OperationCanceledException"/> at once, with nothing written.
    /// </summary>
    public static TlsKitResult Create(TlsKitRequest request, bool overwrite, Action<string, string>? onWritten = null, KeySource? keys = null, Action<CertificateKind, int>? onSigned = null)
    {
        var dns = SubjectAltNames.NormalizeDnsNames(request.DnsNames);
        var ips = WithIPv6Loopback(dns, SubjectAltNames.NormalizeIPAddresses(request.IPAddresses));
        var probe = new FileTransaction(overwrite);
        Plan(probe, request.OutputPath, null, null, null);
        if (onWritten != null) probe.FileWritten += onWritten;
        probe.RecoverInterrupted();
        probe.CheckTargets();
        CertificateAuthority.CheckValidity(request.CAValidityDays);
        CertificateAuthority.CheckValidity(request.ValidityDays);

        using var encryption = Pkcs8Encryption.PassphraseKey.Start(request.Passphrase);
        using var ownKeys = keys is null ? KeysFor(request.Key) : null;
        keys ??= ownKeys!;
        string Folder(string name) => Path.Combine(request.OutputPath, name);

        var caIssued = CertificateAuthority.Create(request.CACommonName ?? CACommonNameFor(dns, ips, DateTime.UtcNow), request.CAValidityDays, encryption, keys.Next);
        onSigned?.Invoke(CertificateKind.CA, 1);
        var caSummary = CertificateFiles.Describe(Folder(CAFolder), CertificateKind.CA, caIssued);
        using var ca = CertificateAuthority.FromIssued(caIssued);
        var server = ca.IssueServer(null, dns, ips, request.ValidityDays, keys.Next);
        onSigned?.Invoke(CertificateKind.Server, 2);
        var serverSummary = CertificateFiles.Describe(Folder(ServerFolder), CertificateKind.Server, server);
        var client = ca.IssueClient(request.ClientCommonName, request.ValidityDays, keys.Next);
        onSigned?.Invoke(CertificateKind.Client, 3);

        var transaction = new FileTransaction(overwrite);
        if (onWritten != null) transaction.FileWritten += onWritten;
        Plan(transaction, request.OutputPath, caIssued, server, client);
        var clientSummary = CertificateFiles.Describe(Folder(ClientFolder), CertificateKind.Client, client);
        CertificateInventory.Commit(transaction, CertificateInventory.InFolder(Folder(CAFolder)), new[] { caSummary, serverSummary, clientSummary }, DateTime.UtcNow);

        return new TlsKitResult
        {
            CA = caSummary,
            Server = serverSummary,
            Client = clientSummary,
            Warnings = new[] { server.Warning, client.Warning }.Where(w => w != null).Select(w => w!).ToList(),
        };
    }

    /// <summary>The keys of a kit: three, made side by side from the first ask (the CA's signed while the others are made).</summary>
    public static KeySource KeysFor(KeySpec spec) => new(spec, count: 3);

    private static bool IsValidDnsName(string name)
    {
        try { return SubjectAltNames.NormalizeDnsNames(new[] { name }).Count == 1; }
        catch (DockerTlsException) { return false; }
    }
}
