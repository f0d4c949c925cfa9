namespace DockerTls.Core.Daemon;

/// <summary>How a TCP connection to dockerd uses TLS: the daemon's listeners (<c>tls</c>, <c>tlsverify</c>), or the docker CLI (<c>DOCKER_TLS</c>, <c>DOCKER_TLS_VERIFY</c>, where <see cref="Tls"/> leaves the daemon's certificate unchecked).</summary>
public enum TlsMode
{
    /// <summary>No TLS: plain HTTP, anyone who reaches the port is root on the host.</summary>
    None,

    /// <summary>TLS without client authentication: encrypted, but any client is accepted.</summary>
    Tls,

    /// <summary>Mutual TLS: only clients with a certificate from the trusted CA are accepted.</summary>
    TlsVerify,
}

/// <summary>Works out the effective <see cref="TlsMode"/> from daemon.json's <c>tls</c> and <c>tlsverify</c>.</summary>
public static class TlsModes
{
    /// <summary>
    /// The mode dockerd applies. Any <c>tlsverify</c> turns TLS on; <c>tlsverify: true</c> verifies clients.
    /// Since Engine 20.10 <c>tls: true</c> alone also verifies, unless <c>tlsverify: false</c> is written.
    /// </summary>
    public static TlsMode Resolve(bool? tls, bool? tlsVerify)
    {
        if (tlsVerify == true)
        {
            return TlsMode.TlsVerify;
        }

        if (tlsVerify == false)
        {
            return TlsMode.Tls;
        }

        return tls == true ? TlsMode.TlsVerify : TlsMode.None;
    }
}
