using System;
using System.Collections.Generic;
using DockerTls.Core.Diagnostics;

namespace DockerTls.Core.Fleet;

/// <summary>What happened on one host of a fleet run: <see cref="FleetVerdict"/> says it in a word, Problems in sentences.</summary>
public sealed class DockerHostResult
{
    private readonly List<string> problems = new();
    private readonly List<string> warnings = new();

    /// <summary>Makes the result of <paramref name="hostName"/>.</summary>
    public DockerHostResult(string hostName) => HostName = TerminalText.Clean(hostName);

    /// <summary>The host as it was given (-HostName, or localhost).</summary>
    public string HostName { get; }

    /// <summary>True when files were written on the host (and stay written: a rolled-back run is false).</summary>
    public bool Changed { get; set; }

    /// <summary>True when dockerd was restarted and runs the new settings.</summary>
    public bool Restarted { get; set; }

    /// <summary>The outcome in a word (see <see cref="FleetVerdict"/>).</summary>
    public string Verdict { get; set; } = FleetVerdict.Unchanged;

    /// <summary>What went wrong, each a sentence with what to do; text from the host is cleaned for a terminal.</summary>
    public IReadOnlyList<string> Problems => problems;

    /// <summary>Warnings for this host (shown on the warning stream too).</summary>
    public IReadOnlyList<string> Warnings => warnings;

    /// <summary>The error id of the failure, or null.</summary>
    public string? ErrorId { get; set; }

    /// <summary>The files written on the host.</summary>
    public IReadOnlyList<string> FilesWritten { get; set; } = Array.Empty<string>();

    /// <summary>The TLS check from this machine after the restart, or null.</summary>
    public DockerTlsTestResult? Connection { get; set; }

    /// <summary>The daemon's report after the run (Get-DockerDaemonConfig's object), or null.</summary>
    public object? Report { get; set; }

    /// <summary>Adds a problem (cleaned).</summary>
    public void AddProblem(string text) => problems.Add(TerminalText.Clean(text));

    /// <summary>Adds a warning (cleaned).</summary>
    public void AddWarning(string text) => warnings.Add(TerminalText.Clean(text));

    /// <inheritdoc/>
    public override string ToString() => $"{HostName}: {Verdict}";
}

/// <summary>The words of <see cref="DockerHostResult.Verdict"/>.</summary>
public static class FleetVerdict
{
    /// <summary>Nothing needed writing.</summary>
    public const string Unchanged = "Unchanged";

    /// <summary>Files written; dockerd not restarted (it reads TLS settings only when it starts).</summary>
    public const string Configured = "Configured";

    /// <summary>Restarted and listening on its TLS port; no TLS check was asked for (no -ClientCertPath).</summary>
    public const string Restarted = "Restarted";

    /// <summary>Restarted, and the TLS check from this machine passed.</summary>
    public const string Verified = "Verified";

    /// <summary>Restarted, but the TLS check from this machine failed (see Connection).</summary>
    public const string NotVerified = "NotVerified";

    /// <summary>dockerd refused the new settings: the previous files are back and dockerd runs on them again.</summary>
    public const string RolledBack = "RolledBack";

    /// <summary>The host could not be configured (unreachable, unknown host key, no root, a bad file); see Problems.</summary>
    public const string Failed = "Failed";

    /// <summary>-WhatIf: what would be done was shown, nothing was written.</summary>
    public const string WhatIf = "WhatIf";
}
