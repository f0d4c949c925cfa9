using System;
using System.Management.Automation;
using System.Threading;
using DockerTls.Core.Pki;

namespace DockerTls;

/// <summary>The parameters of every cmdlet that makes a key: where to write, which key, -Force.</summary>
public abstract class KeyCmdlet : DockerTlsCmdlet
{
    [Parameter]
    public string? OutputPath { get; set; }

    [Parameter]
    public KeyAlgorithm KeyAlgorithm { get; set; } = KeyAlgorithm.RSA;

    [Parameter]
    [ValidateSet("2048", "3072", "4096")]
    public int KeySize { get; set; } = 4096;

    [Parameter]
    public EcCurve Curve { get; set; } = EcCurve.P256;

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected KeySpec KeySpec => new(KeyAlgorithm, KeySize, Curve);

    private readonly CancellationTokenSource _stopping = new();
    private readonly object _keysGate = new();
    private KeySource? _keys;
    private bool _keysEnded;

    /// <summary>
    /// The command's keys (<see cref="KeySource"/>): when items come down the pipeline, every core makes RSA keys from
    /// the first one asked until <see cref="EndKeys"/>; otherwise each key is made when asked. Nothing is made before
    /// a key is asked for, so -WhatIf and bad input make none. After <see cref="EndKeys"/> the source is ended, also
    /// when it is first asked for only then (Ctrl+C a moment before the first key).
    /// </summary>
    protected KeySource Keys
    {
        get
        {
            lock (_keysGate)
            {
                _keys ??= NewKeySource();
                if (_keysEnded) _keys.Dispose();
                return _keys;
            }
        }
    }

    /// <summary>The source <see cref="Keys"/> makes when first asked: one key per ask, or for a pipeline keys made ahead on every core.</summary>
    protected virtual KeySource NewKeySource() => new(KeySpec, pipeline: MyInvocation.ExpectingInput);

    /// <summary>
    /// Runs <paramref name="work"/>, which takes its keys from <see cref="Keys"/>: when Ctrl+C has ended them, the key wait
    /// that ends with <see cref="OperationCanceledException"/> stops the pipeline, as PowerShell expects of a stopped command.
    /// </summary>
    protected void StopsOnCtrlC(Action work)
    {
        try
        {
            work();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Ctrl+C, from PowerShell's other thread: ends the keys at once instead of after the key in the making.</summary>
    protected override void StopProcessing()
    {
        _stopping.Cancel();
        EndKeys();
    }

    /// <summary>Ends the command's keys (at its end, on Ctrl+C from PowerShell's other thread, or when disposed).</summary>
    protected void EndKeys()
    {
        lock (_keysGate)
        {
            _keysEnded = true;
            _keys?.Dispose();
        }
    }

    /// <summary>-OutputPath as a file-system path; the current location when not given.</summary>
    protected string OutputFolder => OutputPath is null ? CurrentDirectory : ResolvePath(OutputPath);

    protected void ProgressKey(int activityId, string activity, string status) =>
        WriteProgress(new ProgressRecord(activityId, activity, status));

    protected void ProgressDone(int activityId, string activity) =>
        WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
}
