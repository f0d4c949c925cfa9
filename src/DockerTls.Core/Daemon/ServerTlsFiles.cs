using System;
using System.Collections.Generic;
using System.IO;
using DockerTls.Core.IO;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Daemon;

/// <summary>
/// The three files a TLS daemon serves with (ca.pem, server-cert.pem, server-key.pem) as read from one host, once:
/// what is checked is these bytes, and what a plan installs is the same bytes.
/// </summary>
public sealed class ServerTlsFiles
{
    private ServerTlsFiles(string? caPath, string certPath, string? keyPath)
    {
        CAPath = caPath;
        CertPath = certPath;
        KeyPath = keyPath;
    }

    /// <summary>The CA certificate's path (null: not given).</summary>
    public string? CAPath { get; }

    /// <summary>The server certificate's path.</summary>
    public string CertPath { get; }

    /// <summary>The server key's path (null: not given).</summary>
    public string? KeyPath { get; }

    /// <summary>The CA certificate, or null when not given or not there.</summary>
    public PemFile? CA { get; private set; }

    /// <summary>The server certificate, or null when not there.</summary>
    public PemFile? Cert { get; private set; }

    /// <summary>The server key, or null when not given or not there.</summary>
    public PemFile? Key { get; private set; }

    /// <summary>The files that are not there, each a <c>ServerCertificateNotFound</c> with its fix.</summary>
    public IReadOnlyList<DaemonConfigProblem> Missing { get; private set; } = Array.Empty<DaemonConfigProblem>();

    /// <summary>Why a file that is there could not be read (a FIFO, a file over its cap, no permission), or null.</summary>
    public DaemonConfigProblem? Unreadable { get; private set; }

    /// <summary>Reads the files from <paramref name="host"/> (a null CA or key path is skipped).</summary>
    public static ServerTlsFiles Read(IDaemonHost host, string? caPath, string certPath, string? keyPath)
    {
        var files = new ServerTlsFiles(caPath, certPath, keyPath);
        var missing = new List<DaemonConfigProblem>();
        files.CA = files.ReadOne(host, caPath, "CA certificate (tlscacert)", missing);
        files.Cert = files.ReadOne(host, certPath, "server certificate (tlscert)", missing);
        files.Key = files.ReadOne(host, keyPath, "server key (tlskey)", missing);
        files.Missing = missing;
        return files;
    }

    private PemFile? ReadOne(IDaemonHost host, string? path, string what, List<DaemonConfigProblem> missing)
    {
        if (path is null) return null;
        byte[]? bytes = null;
        try
        {
            if (!host.IsDirectory(path)) bytes = host.TryReadFile(path, SafeFile.Pem);
        }
        catch (DockerTlsException e) when (e.ErrorId == "FileLinkBroken")
        {
        }
        catch (DockerTlsException e)
        {
            Unreadable ??= new DaemonConfigProblem(DaemonErrorIds.ServerCertificateInvalid,
                $"The server certificate '{CertPath}' cannot be read ({e.Message}). Issue a new one with New-DockerServerCert.");
            return null;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            Unreadable ??= new DaemonConfigProblem(DaemonErrorIds.ServerCertificateInvalid,
                $"The server files cannot be read ({e.Message}). Run as a user that can read them (root on Linux, Administrator on Windows).");
            return null;
        }

        if (bytes is not null) return new PemFile(path, bytes);
        missing.Add(new DaemonConfigProblem(DaemonErrorIds.ServerCertificateNotFound,
            $"The {what} '{path}' does not exist; dockerd will not start. Install it with Set-DockerDaemonConfig -CertPath <folder with ca.pem, server-cert.pem, server-key.pem>, or make one with New-DockerServerCert."));
        return null;
    }
}
