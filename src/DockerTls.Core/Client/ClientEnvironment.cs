using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using DockerTls.Core.IO;

namespace DockerTls.Core.Client;

/// <summary>
/// The environment variables that point the docker CLI at a TLS daemon: <c>DOCKER_HOST</c>,
/// <c>DOCKER_TLS_VERIFY=1</c> and <c>DOCKER_CERT_PATH</c> (left out, and removed, when the certificates
/// are in the CLI's default folder). <c>DOCKER_TLS_VERIFY</c> is never set to <c>0</c>: the CLI treats any
/// non-empty value as "verify", so turning verification off means removing the variable.
/// </summary>
public sealed class ClientEnvironment
{
    /// <summary><c>DOCKER_HOST</c>.</summary>
    public const string DockerHostVariable = "DOCKER_HOST";

    /// <summary><c>DOCKER_TLS_VERIFY</c>.</summary>
    public const string TlsVerifyVariable = "DOCKER_TLS_VERIFY";

    /// <summary><c>DOCKER_TLS</c>: any non-empty value makes the CLI use TLS without checking the daemon's certificate.</summary>
    public const string TlsVariable = "DOCKER_TLS";

    /// <summary><c>DOCKER_CERT_PATH</c>.</summary>
    public const string CertPathVariable = "DOCKER_CERT_PATH";

    /// <summary>The files the CLI reads from the certificate folder.</summary>
    public static readonly IReadOnlyList<string> CertificateFileNames = new[] { "ca.pem", "cert.pem", "key.pem" };

    /// <summary>The three variables this module sets and clears, in the order it writes them.</summary>
    public static readonly IReadOnlyList<string> VariableNames = new[] { DockerHostVariable, TlsVerifyVariable, CertPathVariable };

    private ClientEnvironment(string? dockerHost, bool tlsVerify, string? certPath, string effectiveCertPath)
    {
        DockerHost = dockerHost;
        TlsVerify = tlsVerify;
        CertPath = certPath;
        EffectiveCertPath = effectiveCertPath;

        var set = new List<KeyValuePair<string, string>>();
        var unset = new List<string>();
        if (dockerHost != null)
        {
            set.Add(new KeyValuePair<string, string>(DockerHostVariable, dockerHost));
        }
        else
        {
            unset.Add(DockerHostVariable);
        }

        if (tlsVerify)
        {
            set.Add(new KeyValuePair<string, string>(TlsVerifyVariable, "1"));
        }
        else
        {
            unset.Add(TlsVerifyVariable);
        }

        if (certPath != null)
        {
            set.Add(new KeyValuePair<string, string>(CertPathVariable, certPath));
        }
        else
        {
            unset.Add(CertPathVariable);
        }

        Variables = set;
        Removed = unset;
    }

    /// <summary>True when the environment read through <paramref name="getVariable"/> holds exactly these settings already.</summary>
    public bool IsSetIn(Func<string, string?> getVariable) =>
        Variables.All(v => string.Equals(getVariable(v.Key), v.Value, StringComparison.Ordinal))
        && Removed.All(name => string.IsNullOrEmpty(getVariable(name)));

    /// <summary>The value of <c>DOCKER_HOST</c> (<c>tcp://host:2376</c>), or null when it is not set.</summary>
    public string? DockerHost { get; }

    /// <summary>Whether <c>DOCKER_TLS_VERIFY</c> is set (always to <c>1</c>).</summary>
    public bool TlsVerify { get; }

    /// <summary>The value of <c>DOCKER_CERT_PATH</c>, or null when the CLI's default folder is used.</summary>
    public string? CertPath { get; }

    /// <summary>The folder the CLI reads <c>ca.pem</c>, <c>cert.pem</c> and <c>key.pem</c> from.</summary>
    public string EffectiveCertPath { get; }

    /// <summary>The variables to set, in order, with their values.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variables { get; }

    /// <summary>The variables to remove, so that stale values from earlier settings do not linger.</summary>
    public IReadOnlyList<string> Removed { get; }

    /// <summary>
    /// The settings for a TLS daemon at <paramref name="host"/> with certificates in <paramref name="certPath"/>
    /// (null: <paramref name="defaultCertFolder"/>). <c>DOCKER_CERT_PATH</c> is left out when the folder is the default one.
    /// </summary>
    public static ClientEnvironment ForHost(ClientHostAddress host, string? certPath, string defaultCertFolder)
    {
        if (host is null)
        {
            throw new ArgumentNullException(nameof(host));
        }

        var effective = string.IsNullOrEmpty(certPath) ? Path.GetFullPath(defaultCertFolder) : UserPath.Full(certPath!, "-CertPath");
        var isDefault = SamePath(effective, defaultCertFolder);
        return new ClientEnvironment(host.Uri, true, isDefault ? null : effective, effective);
    }

    /// <summary>
    /// The settings found in an environment (read through <paramref name="getVariable"/>).
    /// A <c>DOCKER_TLS_VERIFY</c> of any non-empty value, <c>0</c> included, counts as set, as the CLI counts it.
    /// </summary>
    public static ClientEnvironment FromVariables(Func<string, string?> getVariable, string defaultCertFolder)
    {
        if (getVariable is null)
        {
            throw new ArgumentNullException(nameof(getVariable));
        }

        var host = NullIfEmpty(getVariable(DockerHostVariable));
        var verify = NullIfEmpty(getVariable(TlsVerifyVariable)) != null;
        var certPath = NullIfEmpty(getVariable(CertPathVariable));
        return new ClientEnvironment(host, verify, certPath, certPath ?? defaultCertFolder);
    }

    /// <summary>
    /// Throws <c>ClientCertFolderIncomplete</c> unless <paramref name="folder"/> holds <c>ca.pem</c>, <c>cert.pem</c> and
    /// <c>key.pem</c>: without the client pair the CLI silently sends no certificate and the daemon answers "bad certificate".
    /// </summary>
    public static void RequireCertificateFiles(string folder)
    {
        var missing = new List<string>();
        foreach (var name in CertificateFileNames)
        {
            if (!File.Exists(Path.Combine(folder, name)))
            {
                missing.Add(name);
            }
        }

        if (missing.Count > 0)
        {
            throw new DockerTlsException(
                "ClientCertFolderIncomplete",
                ErrorKind.ObjectNotFound,
                $"The folder '{folder}' lacks {string.Join(", ", missing)}; the docker CLI needs all three there. "
                + "Make them with New-DockerClientCert -OutputPath <folder>, or copy a kit's client folder there with Install-DockerClientCert -Path <kit>/client.",
                folder);
        }
    }

    /// <summary>Whether two folder paths name the same folder (full paths, trailing separators ignored, case ignored on Windows and macOS).</summary>
    public static bool SamePath(string a, string b)
    {
        var comparison = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        return string.Equals(Normalize(a), Normalize(b), comparison);
    }

    private static string Normalize(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? string.Empty;
        while (full.Length > root.Length && (full.EndsWith("/", StringComparison.Ordinal) || full.EndsWith("\\", StringComparison.Ordinal)))
        {
            full = full.Substring(0, full.Length - 1);
        }

        return full;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
