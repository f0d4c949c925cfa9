using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Daemon;
using DockerTls.Core.Fleet;
using DockerTls.Core.Remote;

namespace DockerTls;

/// <summary>
/// A daemon-side cmdlet that works on this machine or, with -HostName, on a Linux Docker host over SSH (the
/// parameter names of New-PSSession's SSH set, bound by property name so that an Import-Csv of a fleet configures
/// every host). Remote hosts start as the pipeline hands them over, -ThrottleLimit at a time (the first logins go
/// while the rest of an Import-Csv is still read); each host's objects and warnings are written here, on the
/// pipeline's thread, as soon as that host is done (at the next record, or in EndProcessing, which waits for the
/// rest), and a host that fails is an error of its own that stops no other. A pipeline stopped (Ctrl+C, or a
/// Select-Object -First downstream) starts no host after that; those at work finish what they began.
/// </summary>
public abstract class DaemonHostCmdlet : DockerTlsCmdlet, IDisposable
{
    private readonly System.Threading.CancellationTokenSource stopped = new();
    private FleetRun<(string Host, Func<HostOutput> Job), HostOutput>? run;
    private int done;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? HostName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? UserName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? KeyFilePath { get; set; }

    [Parameter]
    public Hashtable? Options { get; set; }

    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>The SSH port the cmdlet was given (0: ssh's own choice).</summary>
    protected abstract int SshPortValue { get; }

    /// <summary>True when -WhatIf is given or $WhatIfPreference is set.</summary>
    protected bool IsWhatIf => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? ((SwitchParameter)w).IsPresent : (bool)(GetVariableValue("WhatIfPreference") ?? false) is true;

    /// <summary>True when -HostName names a remote host.</summary>
    protected bool IsRemote => !string.IsNullOrEmpty(HostName);

    /// <summary>The host for this record: an <see cref="SshDaemonHost"/> for -HostName, else this machine.</summary>
    protected IDaemonHost OpenHost() => IsRemote ? new SshDaemonHost(Target()) : LocalDaemonHost.Current;

    /// <summary>The SSH target of this record's -HostName, -UserName, -Port, -KeyFilePath and -Options.</summary>
    protected SshTarget Target()
    {
        var options = (Options ?? new Hashtable()).Cast<DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string>(Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, Convert.ToString(e.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
        return new SshTarget(HostName!, string.IsNullOrEmpty(UserName) ? null : UserName, SshPortValue, string.IsNullOrEmpty(KeyFilePath) ? null : ResolvePath(KeyFilePath!), options);
    }

    /// <summary>A path on the remote host as given: it must be absolute there (nothing of this machine's file system applies).</summary>
    protected static string HostAbsolutePath(string path, string parameter)
    {
        if (path.StartsWith("/", StringComparison.Ordinal)) return path;
        throw new DockerTlsException("RemotePathNotAbsolute", ErrorKind.InvalidArgument,
            $"{parameter} '{TerminalText.Clean(path)}' is not an absolute path; with -HostName it names a file on that host, e.g. /etc/docker/daemon.json.", path);
    }

    /// <summary>A path the cmdlet was given: on a remote host that host's absolute path, here resolved as usual.</summary>
    protected string HostPathOf(string path, string parameter) => IsRemote ? HostAbsolutePath(path, parameter) : ResolvePath(path);

    /// <summary>A remote host that failed before its job was queued (a bad -HostName, a bad path): its error and result.</summary>
    protected void WriteRemoteFailure(string host, DockerTlsException error)
    {
        var output = HostOutput.Failed(host, error);
        WriteDockerTlsError(output.Error!);
        WriteObject(output.Object);
    }

    /// <summary>Starts the work of one remote host (or queues it behind -ThrottleLimit others) and writes what is done so far.</summary>
    protected void Queue(string host, Func<HostOutput> job)
    {
        run ??= new FleetRun<(string Host, Func<HostOutput> Job), HostOutput>(ThrottleLimit, q => q.Job().NamedFor(q.Host), (q, e) => HostOutput.Failed(q.Host, e), stopped.Token);
        run.Add((host, job));
        while (run.TryTake(out var output)) Write(output);
    }

    /// <summary>Waits for the hosts still at work and writes each one's output as it finishes.</summary>
    protected override void EndProcessing()
    {
        if (run is null) return;
        foreach (var output in run.Finish()) Write(output);
        if (run.Count > 1) WriteProgress(new ProgressRecord(1, MyInvocation.MyCommand.Name, "done") { RecordType = ProgressRecordType.Completed });
    }

    /// <summary>Ctrl+C: no host starts after this.</summary>
    protected override void StopProcessing() => stopped.Cancel();

    /// <summary>The pipeline ended, or stopped downstream: no host starts after this.</summary>
    public void Dispose() => stopped.Cancel();

    private void Write(HostOutput output)
    {
        done++;
        if (run!.Count > 1)
            WriteProgress(new ProgressRecord(1, MyInvocation.MyCommand.Name, $"{done} of {run.Count} hosts done") { PercentComplete = 100 * done / run.Count });
        foreach (var warning in output.Warnings) WriteWarning(warning);
        if (output.Error is not null) WriteDockerTlsError(output.Error);
        if (output.Object is not null) WriteObject(output.Object);
    }
}

/// <summary>What one host's job hands back to the pipeline: an object, warnings, and the error of a failed host.</summary>
public sealed class HostOutput
{
    public object? Object { get; set; }

    public List<string> Warnings { get; } = new();

    public DockerTlsException? Error { get; set; }

    /// <summary>
    /// This output with each warning led by the host's name, as a fleet's warnings come in one stream, in the order
    /// the hosts finish ("10.0.0.5: ...").
    /// </summary>
    public HostOutput NamedFor(string host)
    {
        var name = TerminalText.Clean(host) + ": ";
        for (var i = 0; i < Warnings.Count; i++)
            if (!Warnings[i].StartsWith(name, StringComparison.Ordinal)) Warnings[i] = name + Warnings[i];
        return this;
    }

    /// <summary>
    /// The output of a finished host: its result, its warnings, and an error when it failed, was rolled back or did
    /// not pass the TLS check (so that $? and -ErrorAction see it); <paramref name="report"/> adds the daemon's report.
    /// </summary>
    public static HostOutput Of(DockerHostResult result, Func<IDaemonHost, object>? report, IDaemonHost host)
    {
        var output = new HostOutput { Object = result };
        output.Warnings.AddRange(result.Warnings);
        if (report is not null && result.Verdict != FleetVerdict.Failed) result.Report = report(host);
        var id = result.Verdict switch
        {
            FleetVerdict.Failed => result.ErrorId ?? FleetErrorIds.DaemonRestartFailed,
            FleetVerdict.RolledBack => FleetErrorIds.DaemonRolledBack,
            FleetVerdict.NotVerified => FleetErrorIds.DaemonNotVerified,
            _ => null,
        };
        if (id is not null)
            output.Error = new DockerTlsException(id, ErrorKind.InvalidOperation, $"{result.HostName}: " + string.Join(" ", result.Problems), result.HostName);
        return output;
    }

    /// <summary>The output of a host whose job threw: a failed <see cref="DockerHostResult"/> and its error.</summary>
    public static HostOutput Failed(string host, Exception e)
    {
        var error = e as DockerTlsException ?? new DockerTlsException(FleetErrorIds.HostFailed, ErrorKind.InvalidOperation, $"{host}: {e.Message}", host, e);
        var result = new DockerHostResult(host) { Verdict = FleetVerdict.Failed, ErrorId = error.ErrorId };
        result.AddProblem(error.Message);
        return new HostOutput { Object = result, Error = error };
    }
}
