using System;
using System.Collections.Generic;
using System.Management.Automation;
using DockerTls.Core.Pki;

namespace DockerTls;

/// <summary>
/// The keys of one command and its Ctrl+C, for every cmdlet that makes keys: a <see cref="KeySource"/> per key spec
/// (Update-DockerCertificate renews certificates of several kinds in one pipeline), made when first asked, so that
/// -WhatIf and bad input make none. <see cref="End"/> ends them all (at the command's end, when it is disposed, and on
/// Ctrl+C from PowerShell's other thread through <see cref="Stop"/>); a source first asked for after that is ended at once.
/// </summary>
internal sealed class CommandKeys : IDisposable
{
    private readonly object gate = new();
    private readonly Dictionary<string, KeySource> sources = new(StringComparer.Ordinal);
    private bool ended;
    private volatile bool stopped;

    /// <summary>The source for <paramref name="spec"/>, made by <paramref name="make"/> when first asked.</summary>
    public KeySource For(KeySpec spec, Func<KeySource> make)
    {
        lock (gate)
        {
            var name = spec.ToString();
            if (!sources.TryGetValue(name, out var keys)) sources[name] = keys = make();
            if (ended) keys.Dispose();
            return keys;
        }
    }

    /// <summary>Ctrl+C: ends the keys at once instead of after the key in the making.</summary>
    public void Stop()
    {
        stopped = true;
        End();
    }

    /// <summary>Ends every source: no key is started any more, and a take that waits is woken.</summary>
    public void End()
    {
        lock (gate)
        {
            ended = true;
            foreach (var keys in sources.Values) keys.Dispose();
        }
    }

    public void Dispose() => End();

    /// <summary>
    /// Runs <paramref name="work"/>: when Ctrl+C has ended the keys, the key wait that ends with
    /// <see cref="OperationCanceledException"/> stops the pipeline, as PowerShell expects of a stopped command.
    /// </summary>
    public void StopsOnCtrlC(Action work)
    {
        try
        {
            work();
        }
        catch (OperationCanceledException) when (stopped)
        {
            throw new PipelineStoppedException();
        }
    }
}
