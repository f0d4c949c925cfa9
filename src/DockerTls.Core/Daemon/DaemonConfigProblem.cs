namespace DockerTls.Core.Daemon;

/// <summary>One problem of a daemon's configuration: a short id and a sentence that says what is wrong and how to fix it.</summary>
public sealed class DaemonConfigProblem
{
    /// <summary>Creates a problem.</summary>
    public DaemonConfigProblem(string id, string message)
    {
        Id = id;
        Message = message;
    }

    /// <summary>A short id, e.g. <c>DaemonHostsConflict</c> or <c>ServerCertificateExpiring</c>.</summary>
    public string Id { get; }

    /// <summary>What is wrong and what to do about it.</summary>
    public string Message { get; }

    /// <summary>The message.</summary>
    public override string ToString() => Message;
}
