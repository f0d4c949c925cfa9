namespace DockerTls.Core.Daemon;

/// <summary>One problem of a daemon's configuration: a short id and a sentence that says what is wrong and how to fix it.</summary>
public sealed class DaemonConfigProblem
{
    /// <summary>Creates a problem.</summary>
    public DaemonConfigProblem(string id, string message, string? findingId = null)
    {
        Id = id;
        Message = message;
        FindingId = findingId;
    }

    /// <summary>A short id, e.g. <c>DaemonHostsConflict</c> or <c>ServerCertificateExpiring</c>.</summary>
    public string Id { get; }

    /// <summary>For a problem of the server certificate, the id of the <see cref="Pki.CertificateFinding"/> it comes from
    /// (e.g. <c>CertificateExpired</c>, <c>CAKeyCertSignMissing</c>); null for the others.</summary>
    public string? FindingId { get; }

    /// <summary>What is wrong and what to do about it.</summary>
    public string Message { get; }

    /// <summary>The message.</summary>
    public override string ToString() => Message;
}
