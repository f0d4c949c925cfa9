using System;

namespace DockerTls.Core;

/// <summary>What kind of failure an error is; the cmdlets map it to PowerShell's ErrorCategory.</summary>
public enum ErrorKind
{
    InvalidArgument,
    InvalidData,
    ObjectNotFound,
    ResourceExists,
    SecurityError,
    PermissionDenied,
    ResourceUnavailable,
    ConnectionError,
    InvalidOperation,
}

/// <summary>
/// An error with a short id (<c>KeyFileExists</c>, <c>DaemonConfigInvalidJson</c>) and a message that says what to do next.
/// Every failure Core reports to a user is one of these.
/// </summary>
public sealed class DockerTlsException : Exception
{
    public DockerTlsException(string errorId, ErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    /// <summary>The short error id, e.g. <c>KeyFileExists</c>.</summary>
    public string ErrorId { get; }

    public ErrorKind Kind { get; }

    /// <summary>The object the error is about (a path, a host name).</summary>
    public object? Target { get; }
}
