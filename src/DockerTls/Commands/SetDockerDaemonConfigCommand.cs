using System;
using System.Linq;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.Set, "DockerDaemonConfig", SupportsShouldProcess = true, DefaultParameterSetName = CertPathSet)]
[OutputType(typeof(DaemonConfigReport))]
public sealed class SetDockerDaemonConfigCommand : DockerTlsCmdlet
{
    private const string CertPathSet = "CertPath";
    private const string TlsFilesSet = "TlsFiles";

    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(ParameterSetName = CertPathSet)]
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

    [Parameter]
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

    protected override void ProcessRecord()
    {
        var host = LocalDaemonHost.Current;
        var request = Request(host);
        DaemonConfigPlan plan;
        try
        {
            plan = DaemonConfigPlan.Create(host, request);
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
            return;
        }

        foreach (var warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        var dataFolder = DockerDataFolderAcl.FolderFor(DaemonPaths.CurrentProgramData());
        if (host.Platform == DaemonPlatform.Windows && DockerDataFolderAcl.Read(dataFolder) is { } acl && DockerDataFolderAcl.Weaknesses(acl) is { Count: > 0 } weak)
        {
            WriteWarning($"'{dataFolder}' is less protected than dockerd makes it (Administrators and SYSTEM only): {string.Join("; ", weak)}. As an administrator, run: "
                + $"$a = Get-Acl '{dataFolder}'; $a.SetSecurityDescriptorSddlForm('{DockerDataFolderAcl.Sddl}'); Set-Acl '{dataFolder}' $a");
        }

        // Changes lists only what differs, except the drop-in, which is listed whenever it is written.
        var unchanged = plan.ConfigUnchanged && plan.Changes.Count == (plan.DropInText is null ? 0 : 1)
            && (plan.DropInText is null || host.TryReadFile(plan.DropInPath!, SafeFile.SystemdUnit) is { } dropIn && dropIn.SequenceEqual(new System.Text.UTF8Encoding(false).GetBytes(plan.DropInText)));
        if (WhatIfNothingToChange(unchanged, $"'{plan.Path}' and the files it names hold this configuration already.")) return;
        var description = $"Configure mutual TLS in '{plan.Path}':" + Environment.NewLine + string.Join(Environment.NewLine, plan.Changes.Select(c => "  " + c));
        if (!ShouldProcess(description, $"Configure mutual TLS in '{plan.Path}'?", "Set-DockerDaemonConfig"))
        {
            return;
        }

        if (plan.ConfigUnchanged)
        {
            WriteVerbose($"'{plan.Path}' already holds this configuration.");
        }

        try
        {
            plan.Apply(VerboseFileWritten);
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }

        WriteHostText($"TLS settings are read only when the daemon starts. Restart it to apply them: {plan.RestartCommand}");
        if (PassThru)
        {
            WriteObject(DaemonConfigReport.Build(host, plan.Path, request.SystemdRoot, DateTime.UtcNow, request.WindowsService));
        }
    }

    private DaemonConfigRequest Request(IDaemonHost host) => new()
    {
        Path = Path is null ? DaemonDefaults.ConfigPath(host) : ResolvePath(Path),
        PathGiven = Path is not null,
        CertPath = CertPath is null ? null : ResolvePath(CertPath),
        CertDestination = CertDestination is null ? DaemonDefaults.CertDestination(host) : ResolvePath(CertDestination),
        TlsCACert = TlsCACert is null ? null : ResolvePath(TlsCACert),
        TlsCert = TlsCert is null ? null : ResolvePath(TlsCert),
        TlsKey = TlsKey is null ? null : ResolvePath(TlsKey),
        DockerHost = DockerHost ?? Array.Empty<string>(),
        NoLocalSocket = NoLocalSocket,
        NoHosts = NoHosts,
        AllowInsecure = AllowInsecure,
        SystemdRoot = SystemdRoot is not null ? ResolvePath(SystemdRoot) : DaemonDefaults.SystemdRootOf(host),
        WindowsService = DaemonDefaults.Service(host),
        ConfigureSystemd = ConfigureSystemd,
        NoBackup = NoBackup,
        Now = DateTime.Now,
    };
}
