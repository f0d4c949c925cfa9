using System;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.New, "DockerSystemdUnit", SupportsShouldProcess = true)]
[OutputType(typeof(SystemdUnitFile))]
public sealed class NewDockerSystemdUnitCommand : DockerTlsCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public SystemdUnitKind Kind { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = DaemonPaths.TlsPort;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string SystemdRoot { get; set; } = DaemonDefaults.SystemdRoot;

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var unit = SystemdUnitFile.Create(LocalDaemonHost.Current, Kind, ResolvePath(SystemdRoot), Port);
            foreach (var warning in unit.Warnings)
            {
                WriteWarning(warning);
            }

            var same = SafeFile.HoldsExactly(unit.Path, new System.Text.UTF8Encoding(false).GetBytes(unit.Text));
            if (WhatIfNothingToChange(same, $"'{unit.Path}' holds this unit already.")) return;
            if (!ShouldProcess($"Write '{unit.Path}':" + Environment.NewLine + unit.Text, $"Write '{unit.Path}'?", "New-DockerSystemdUnit"))
            {
                return;
            }

            unit.Write(Force, VerboseFileWritten);
            WriteHostText("Apply it with: " + string.Join(" && ", unit.Commands));
            WriteObject(unit);
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }
}
