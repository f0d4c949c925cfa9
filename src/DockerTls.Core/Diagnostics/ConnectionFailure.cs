namespace DockerTls.Core.Diagnostics;

/// <summary>
/// Why a Docker TLS connection failed, as <c>Test-DockerTlsConnection</c> names it. The names are a contract:
/// scripts compare against them.
/// </summary>
public enum ConnectionFailure
{
    /// <summary>The connection works.</summary>
    None,

    /// <summary>The host name does not resolve.</summary>
    HostNotFound,

    /// <summary>Nothing listens on that address and port.</summary>
    ConnectionRefused,

    /// <summary>A step (connect, handshake, request) did not finish within the timeout.</summary>
    Timeout,

    /// <summary>The port answers, but not with TLS (a plain-HTTP daemon, e.g. port 2375).</summary>
    ServerNotTls,

    /// <summary>The name or address used is not in the server certificate's subject alternative names.</summary>
    NameMismatch,

    /// <summary>The server certificate is not signed by a CA in the client's <c>ca.pem</c>.</summary>
    UnknownAuthority,

    /// <summary>The server certificate (or the CA that signed it) has expired.</summary>
    ServerCertificateExpired,

    /// <summary>The client certificate has expired.</summary>
    ClientCertificateExpired,

    /// <summary>A certificate is not valid yet (issued in the future, or a clock is wrong).</summary>
    NotYetValid,

    /// <summary>The daemon refused the client certificate.</summary>
    ClientCertificateRejected,

    /// <summary><c>cert.pem</c>, <c>key.pem</c> or <c>ca.pem</c> is missing from the certificate folder.</summary>
    ClientCertificateMissing,

    /// <summary><c>cert.pem</c> and <c>key.pem</c> are not a pair.</summary>
    KeyMismatch,

    /// <summary><c>key.pem</c> is encrypted with a passphrase, which Docker refuses.</summary>
    EncryptedKey,

    /// <summary>A warning: the connection works, but <c>DOCKER_HOST</c> overrides the current Docker context.</summary>
    ContextOverridden,

    /// <summary>TLS works, but the daemon's API did not answer <c>/_ping</c> or <c>/version</c> as Docker does.</summary>
    ApiError,

    /// <summary>The daemon's certificate is not for servers: its extended key usage lacks serverAuth.</summary>
    IncompatibleKeyUsage,

    /// <summary>
    /// A CA of the daemon's chain may not sign certificates (no CA:TRUE, a keyUsage without keyCertSign, a path length
    /// exceeded): Go's "x509: ... parent certificate cannot sign this kind of certificate".
    /// </summary>
    InvalidCertificateAuthority,

    /// <summary>The daemon's certificate is signed with SHA-1 or MD5, which Go refuses ("x509: ... insecure algorithm").</summary>
    InsecureAlgorithm,

    /// <summary>
    /// The docker CLI speaks plain HTTP to a daemon that speaks TLS: <c>DOCKER_HOST</c> is set without <c>DOCKER_TLS_VERIFY</c>
    /// (or <c>DOCKER_TLS</c>), or the context holds no TLS files ("Client sent an HTTP request to an HTTPS server").
    /// </summary>
    TlsNotUsed,

    /// <summary>A warning: the connection works, but <c>DOCKER_TLS</c> without <c>DOCKER_TLS_VERIFY</c> leaves the daemon's certificate unchecked.</summary>
    ServerNotVerified,
}
