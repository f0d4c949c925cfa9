using DockerTls.Core.Pki;

namespace DockerTls.Core.Daemon;

/// <summary>
/// One finding about a daemon's configuration: a short id, a severity, and a sentence that says what is wrong and how
/// to fix it. Set-DockerDaemonConfig stops on the first of severity Error; Get-DockerDaemonConfig lists them all.
/// </summary>
public sealed class DaemonConfigProblem
{
    /// <summary>Creates a finding.</summary>
    public DaemonConfigProblem(string id, string message, string? findingId = null, FindingSeverity severity = FindingSeverity.Error, string? target = null)
    {
        Id = id;
        Message = message;
        FindingId = findingId;
        Severity = severity;
        Target = target;
    }

    /// <summary>A short id, e.g. <c>DaemonHostsConflict</c> or <c>ServerCertificateExpiring</c>.</summary>
    public string Id { get; }

    /// <summary>Error: dockerd will not start, or serves without protection; Warning: it works, but see the sentence.</summary>
    public FindingSeverity Severity { get; }

    /// <summary>For a problem of the server certificate, the id of the <see cref="Pki.CertificateFinding"/> it comes from
    /// (e.g. <c>CertificateExpired</c>, <c>CAKeyCertSignMissing</c>); null for the others.</summary>
    public string? FindingId { get; }

    /// <summary>What is wrong and what to do about it.</summary>
    public string Message { get; }

    /// <summary>The file or place the finding is about (a unit file, daemon.json), when there is one.</summary>
    public string? Target { get; }

    /// <summary>The message.</summary>
    public override string ToString() => Message;
}
