using System;
using System.Management.Automation;
using DockerTls.Core.Pki;

namespace DockerTls;

/// <summary>The parameters of every cmdlet that makes a key: where to write, which key, -Force.</summary>
public abstract class KeyCmdlet : DockerTlsCmdlet
{
    [Parameter]
    public string? OutputPath { get; set; }

    // The enum parameters keep their values in int fields: to lay out an instance field of an enum, the runtime loads
    // the enum's assembly, and PowerShell loads these classes (GetExportedTypes) before ModuleAssemblies.OnImport has
    // made DockerTls.Core loadable. The parameters' own types stay the enums.
    private int _keyAlgorithm = (int)KeyAlgorithm.RSA;
    private int _curve = (int)EcCurve.P256;

    [Parameter]
    public KeyAlgorithm KeyAlgorithm { get => (KeyAlgorithm)_keyAlgorithm; set => _keyAlgorithm = (int)value; }

    [Parameter]
    [ValidateSet("2048", "3072", "4096")]
    public int KeySize { get; set; } = 4096;

    [Parameter]
    public EcCurve Curve { get => (EcCurve)_curve; set => _curve = (int)value; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected KeySpec KeySpec => new(KeyAlgorithm, KeySize, Curve);

    private readonly CommandKeys _keys = new();

    /// <summary>
    /// The command's keys (<see cref="KeySource"/>): when items come down the pipeline, every core makes RSA keys from
    /// the first one asked until <see cref="EndKeys"/>; otherwise each key is made when asked. Nothing is made before
    /// a key is asked for, so -WhatIf and bad input make none. After <see cref="EndKeys"/> the source is ended, also
    /// when it is first asked for only then (Ctrl+C a moment before the first key).
    /// </summary>
    protected KeySource Keys => _keys.For(KeySpec, NewKeySource);

    /// <summary>The source <see cref="Keys"/> makes when first asked: one key per ask, or for a pipeline keys made ahead on every core.</summary>
    protected virtual KeySource NewKeySource() => new(KeySpec, pipeline: MyInvocation.ExpectingInput);

    /// <summary>Runs <paramref name="work"/>, which takes its keys from <see cref="Keys"/>; Ctrl+C during a key wait stops the pipeline.</summary>
    protected void StopsOnCtrlC(Action work) => _keys.StopsOnCtrlC(work);

    /// <summary>Ctrl+C, from PowerShell's other thread: ends the keys at once instead of after the key in the making.</summary>
    protected override void StopProcessing() => _keys.Stop();

    /// <summary>Ends the command's keys (at its end, on Ctrl+C from PowerShell's other thread, or when disposed).</summary>
    protected void EndKeys() => _keys.End();

    /// <summary>-OutputPath as a file-system path; the current location when not given.</summary>
    protected string OutputFolder => OutputPath is null ? CurrentDirectory : ResolvePath(OutputPath);

    protected void ProgressKey(int activityId, string activity, string status) =>
        WriteProgress(new ProgressRecord(activityId, activity, status));

    protected void ProgressDone(int activityId, string activity) =>
        WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
}
