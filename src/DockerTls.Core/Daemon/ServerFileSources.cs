using System;

namespace DockerTls.Core.Daemon;

/// <summary>
/// Where Set-DockerDaemonConfig takes the server files from and where it installs them: from a -CertPath folder or
/// three -TlsCACert/-TlsCert/-TlsKey files on this machine (the administrator's), or, with neither, the files already
/// installed in the destination on the Docker host.
/// </summary>
public sealed class ServerFileSources
{
    private ServerFileSources(IDaemonHost source, IDaemonHost target, (string CA, string Cert, string Key) from, (string CA, string Cert, string Key) to)
    {
        From = source;
        Target = target;
        (CA, Cert, Key) = from;
        (CATarget, CertTarget, KeyTarget) = to;
    }

    /// <summary>The host the sources are read from: this machine, or the Docker host itself.</summary>
    public IDaemonHost From { get; }

    /// <summary>The Docker host the files are installed on.</summary>
    public IDaemonHost Target { get; }

    /// <summary>The CA certificate to read.</summary>
    public string CA { get; }

    /// <summary>The server certificate to read.</summary>
    public string Cert { get; }

    /// <summary>The server key to read.</summary>
    public string Key { get; }

    /// <summary>Where the CA certificate is installed and what daemon.json names.</summary>
    public string CATarget { get; }

    /// <summary>Where the server certificate is installed.</summary>
    public string CertTarget { get; }

    /// <summary>Where the server key is installed.</summary>
    public string KeyTarget { get; }

    /// <summary>Works out the sources and targets of <paramref name="request"/> on <paramref name="target"/>.</summary>
    /// <exception cref="DockerTlsException"><c>DaemonTlsFilesIncomplete</c> when one or two of the three files are named.</exception>
    public static ServerFileSources Of(DaemonConfigRequest request, IDaemonHost target)
    {
        var named = request.TlsCACert is not null || request.TlsCert is not null || request.TlsKey is not null;
        if (named && (request.TlsCACert is null || request.TlsCert is null || request.TlsKey is null))
        {
            throw new DockerTlsException(DaemonErrorIds.DaemonTlsFilesIncomplete, ErrorKind.InvalidArgument,
                "Give all three of -TlsCACert, -TlsCert and -TlsKey, or a -CertPath folder holding ca.pem, server-cert.pem and server-key.pem. Nothing was written.");
        }

        var local = LocalDaemonHost.Current;
        if (named)
        {
            // Named files are what daemon.json points at; on a remote host they are installed at the same paths.
            var files = (request.TlsCACert!, request.TlsCert!, request.TlsKey!);
            return new ServerFileSources(local, target, files, files);
        }

        var to = InFolder(target, request.CertDestination);
        return request.CertPath is null
            ? new ServerFileSources(target, target, to, to)
            : new ServerFileSources(local, target, InFolder(local, request.CertPath), to);
    }

    /// <summary>True when the source <paramref name="path"/> is the target <paramref name="target"/> itself, so nothing is installed.</summary>
    public bool SameFile(string path, string target)
    {
        if (Target is LocalDaemonHost)
        {
            var comparison = IO.PlatformInfo.IsWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            return string.Equals(System.IO.Path.GetFullPath(path), System.IO.Path.GetFullPath(target), comparison);
        }

        return ReferenceEquals(From, Target) && string.Equals(path, target, StringComparison.Ordinal);
    }

    private static (string CA, string Cert, string Key) InFolder(IDaemonHost host, string folder) => (
        HostPath.Combine(host.Platform, folder, DaemonPaths.CACertificateFileName),
        HostPath.Combine(host.Platform, folder, DaemonPaths.ServerCertificateFileName),
        HostPath.Combine(host.Platform, folder, DaemonPaths.ServerKeyFileName));
}
