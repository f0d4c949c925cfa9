namespace DockerTls.Core.Daemon;

/// <summary>The error ids of the daemon side; other code and tests match on them.</summary>
public static class DaemonErrorIds
{
    /// <summary>daemon.json is not strict JSON (BOM, comments, trailing comma, wrong types); it was left unchanged.</summary>
    public const string DaemonConfigInvalidJson = "DaemonConfigInvalidJson";

    /// <summary>A plain TCP host (no TLS, or port 2375) without -AllowInsecure.</summary>
    public const string InsecureHost = "InsecureHost";

    /// <summary>dockerd also gets -H/--host from a systemd unit, /etc/default/docker or the Windows service's command line, so a hosts key would stop it from starting.</summary>
    public const string DaemonHostsConflict = "DaemonHostsConflict";

    /// <summary>A text that is not a Docker host address.</summary>
    public const string InvalidDockerHost = "InvalidDockerHost";

    /// <summary>ca.pem, server-cert.pem or server-key.pem is missing.</summary>
    public const string ServerCertificateNotFound = "ServerCertificateNotFound";

    /// <summary>The server certificate cannot serve: a finding of severity Error (expired, not from the CA, a CA that may not sign, no serverAuth, no SANs, SHA-1).</summary>
    public const string ServerCertificateInvalid = "ServerCertificateInvalid";

    /// <summary>A warning: the server certificate expires within 30 days.</summary>
    public const string ServerCertificateExpiring = "ServerCertificateExpiring";

    /// <summary>A warning: Docker accepts the server certificate, but strict verifiers (openssl -x509_strict, Python 3.13) refuse its chain.</summary>
    public const string ServerCertificateNotStrict = "ServerCertificateNotStrict";

    /// <summary>The server key does not belong to the server certificate, or is encrypted.</summary>
    public const string ServerKeyInvalid = "ServerKeyInvalid";

    /// <summary>The target is managed by Docker Desktop, whose daemon runs in a VM.</summary>
    public const string DockerDesktopDetected = "DockerDesktopDetected";

    /// <summary>A systemd unit file to be written exists already and -Force was not given.</summary>
    public const string SystemdUnitExists = "SystemdUnitExists";

    /// <summary>-NoHosts together with a parameter that shapes or needs <c>hosts</c> (-DockerHost, -NoLocalSocket, -ConfigureSystemd).</summary>
    public const string NoHostsConflict = "NoHostsConflict";

    /// <summary>The TLS parameters are incomplete or contradictory.</summary>
    public const string DaemonTlsFilesIncomplete = "DaemonTlsFilesIncomplete";
}
