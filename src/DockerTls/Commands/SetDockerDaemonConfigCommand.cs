using System;
using System.Linq;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Daemon;
using DockerTls.Core.Fleet;
using DockerTls.Core.IO;
using DockerTls.Core.Remote;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.Set, "DockerDaemonConfig", SupportsShouldProcess = true, DefaultParameterSetName = CertPathSet)]
[OutputType(typeof(DaemonConfigReport), typeof(DockerHostResult))]
public sealed class SetDockerDaemonConfigCommand : DaemonHostCmdlet
{
    private const string CertPathSet = "CertPath";
    private const string TlsFilesSet = "TlsFiles";

    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(ParameterSetName = CertPathSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? CertPath { get; set; }

    [Parameter(ParameterSetName = CertPathSet)]
    [ValidateNotNullOrEmpty]
    public string? CertDestination { get; set; }

    [Parameter(ParameterSetName = TlsFilesSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? TlsCACert { get; set; }

    [Parameter(ParameterSetName = TlsFilesSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? TlsCert { get; set; }

    [Parameter(ParameterSetName = TlsFilesSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? TlsKey { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? DockerHost { get; set; }

    [Parameter]
    public SwitchParameter NoLocalSocket { get; set; }

    [Parameter]
    public SwitchParameter NoHosts { get; set; }

    [Parameter]
    public SwitchParameter AllowInsecure { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SystemdRoot { get; set; }

    [Parameter]
    public SwitchParameter ConfigureSystemd { get; set; }

    [Parameter]
    public SwitchParameter NoBackup { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int Port { get; set; }

    [Parameter]
    public SwitchParameter Restart { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ClientCertPath { get; set; }

    protected override int SshPortValue => Port;

    protected override void ProcessRecord()
    {
        IDaemonHost host;
        DaemonConfigRequest request;
        try
        {
            host = OpenHost();
            request = Request(host);
        }
        catch (DockerTlsException e)
        {
            if (!IsRemote) ThrowTerminating(e);
            WriteRemoteFailure(HostName!, e);
            return;
        }

        if (host is SshDaemonHost ssh)
        {
            ssh.PrefetchDaemon(request.Path, request.CertDestination, request.SystemdRoot);
            ssh.ChecksAtCommit = !IsWhatIf; // the commit's script checks first; -WhatIf checks on its own
            ssh.RecoversInterrupted = !IsWhatIf; // a killed run's half set is rolled back before the plan reads; -WhatIf reads it as it is
        }

        var restart = Restart ? new DaemonRestartOptions { ClientCertPath = ClientCertPath is null ? null : ResolvePath(ClientCertPath) } : null;
        if (IsRemote && !IsWhatIf)
        {
            if (!ShouldProcess(host.Name, "Configure mutual TLS on the Docker daemon" + (Restart ? " and restart it" : string.Empty))) return;
            Queue(host.Name, () => HostOutput.Of(DaemonConfigJob.Run(host, request, restart), PassThru ? h => DaemonConfigReport.Build(h, request.Path, request.SystemdRoot, DateTime.UtcNow) : null, host));
            return;
        }

        ConfigureHere(host, request, restart);
    }

    // This machine, or one remote host under -WhatIf: the plan is shown before anything is written.
    private void ConfigureHere(IDaemonHost host, DaemonConfigRequest request, DaemonRestartOptions? restart)
    {
        DaemonConfigPlan plan;
        try
        {
            plan = DaemonConfigPlan.Create(host, request);
        }
        catch (DockerTlsException e)
        {
            if (!IsRemote) ThrowTerminating(e);
            WriteRemoteFailure(host.Name, e);
            return;
        }

        foreach (var warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        WarnWeakDataFolder(host);
        var where = IsRemote ? $"'{plan.Path}' on {host.Name}" : $"'{plan.Path}'";
        // Changes lists only what differs, except the drop-in, which is listed whenever it is written.
        var unchanged = plan.ConfigUnchanged && plan.Changes.Count == (plan.DropInText is null ? 0 : 1)
            && (plan.DropInText is null || host.TryReadFile(plan.DropInPath!, SafeFile.SystemdUnit) is { } dropIn && dropIn.SequenceEqual(new System.Text.UTF8Encoding(false).GetBytes(plan.DropInText)));
        if (WhatIfNothingToChange(unchanged, $"{where} and the files it names hold this configuration already.")) return;
        var description = $"Configure mutual TLS in {where}:" + Environment.NewLine + string.Join(Environment.NewLine, plan.Changes.Select(c => "  " + c));
        if (!ShouldProcess(description, $"Configure mutual TLS in {where}?", "Set-DockerDaemonConfig"))
        {
            return;
        }

        if (plan.ConfigUnchanged)
        {
            WriteVerbose($"'{plan.Path}' already holds this configuration.");
        }

        DockerHostResult result;
        try
        {
            result = DaemonConfigJob.Configure(host, plan, restart, VerboseFileWritten);
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
            return;
        }

        WriteOutcome(host, plan, result, restart is not null);

        if (PassThru)
        {
            WriteObject(DaemonConfigReport.Build(host, plan.Path, request.SystemdRoot, DateTime.UtcNow, request.WindowsService));
        }
    }

    // Without -Restart, how to apply the change; with it, the restart's result, its warnings and its error.
    private void WriteOutcome(IDaemonHost host, DaemonConfigPlan plan, DockerHostResult result, bool restarted)
    {
        if (!restarted)
        {
            WriteHostText($"TLS settings are read only when the daemon starts. Restart it to apply them: {plan.RestartCommand}");
            return;
        }

        var output = HostOutput.Of(result, null, host);
        foreach (var warning in output.Warnings) WriteWarning(warning);
        if (output.Error is not null) WriteDockerTlsError(output.Error);
        WriteObject(result);
    }

    private void WarnWeakDataFolder(IDaemonHost host)
    {
        var dataFolder = DockerDataFolderAcl.FolderFor(DaemonPaths.CurrentProgramData());
        if (host.Platform == DaemonPlatform.Windows && host is LocalDaemonHost && DockerDataFolderAcl.Read(dataFolder) is { } acl && DockerDataFolderAcl.Weaknesses(acl) is { Count: > 0 } weak)
        {
            WriteWarning($"'{dataFolder}' is less protected than dockerd makes it (Administrators and SYSTEM only): {string.Join("; ", weak)}. As an administrator, run: "
                + $"$a = Get-Acl '{dataFolder}'; $a.SetSecurityDescriptorSddlForm('{DockerDataFolderAcl.Sddl}'); Set-Acl '{dataFolder}' $a");
        }
    }

    // On a remote host -Path, -CertDestination and -SystemdRoot are that host's absolute paths; -CertPath and the
    // named TLS files are on this machine (the administrator's), from which they are sent.
    private DaemonConfigRequest Request(IDaemonHost host) => new()
    {
        Path = Path is null ? DaemonDefaults.ConfigPath(host) : HostPathOf(Path, "-Path"),
        PathGiven = Path is not null,
        CertPath = CertPath is null ? null : ResolvePath(CertPath),
        CertDestination = CertDestination is null ? DaemonDefaults.CertDestination(host) : HostPathOf(CertDestination, "-CertDestination"),
        TlsCACert = TlsCACert is null ? null : ResolvePath(TlsCACert),
        TlsCert = TlsCert is null ? null : ResolvePath(TlsCert),
        TlsKey = TlsKey is null ? null : ResolvePath(TlsKey),
        DockerHost = DockerHost ?? Array.Empty<string>(),
        NoLocalSocket = NoLocalSocket,
        NoHosts = NoHosts,
        AllowInsecure = AllowInsecure,
        SystemdRoot = SystemdRoot is not null ? HostPathOf(SystemdRoot, "-SystemdRoot") : DaemonDefaults.SystemdRootOf(host),
        WindowsService = DaemonDefaults.Service(host),
        ConfigureSystemd = ConfigureSystemd,
        NoBackup = NoBackup,
        Now = DateTime.Now,
    };
}
