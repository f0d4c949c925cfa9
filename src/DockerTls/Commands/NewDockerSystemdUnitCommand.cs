using System;
using System.Linq;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Daemon;
using DockerTls.Core.Remote;
using DockerTls.Core.IO;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.New, "DockerSystemdUnit", SupportsShouldProcess = true)]
[OutputType(typeof(SystemdUnitFile))]
public sealed class NewDockerSystemdUnitCommand : DaemonHostCmdlet
{
    // An int field, not the enum's: see KeyCmdlet (its class is loaded before DockerTls.Core is loadable).
    private int _kind;

    [Parameter(Mandatory = true, Position = 0)]
    public SystemdUnitKind Kind { get => (SystemdUnitKind)_kind; set => _kind = (int)value; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = DaemonPaths.TlsPort;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string SystemdRoot { get; set; } = DaemonDefaults.SystemdRoot;

    [Parameter]
    public SwitchParameter Force { get; set; }

    // -Port is the TCP port of the socket unit here, so the SSH port is -SshPort.
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int SshPort { get; set; }

    protected override int SshPortValue => SshPort;

    protected override void ProcessRecord()
    {
        try
        {
            var host = OpenHost();
            if (host is SshDaemonHost ssh) ssh.RecoversInterrupted = !IsWhatIf; // a killed run's half set is rolled back before the unit is read
            var unit = SystemdUnitFile.Create(host, Kind, HostPathOf(SystemdRoot, "-SystemdRoot"), Port);
            var where = IsRemote ? $"'{unit.Path}' on {host.Name}" : $"'{unit.Path}'";
            var same = host.TryReadFile(unit.Path, SafeFile.SystemdUnit) is { } now && now.SequenceEqual(new System.Text.UTF8Encoding(false).GetBytes(unit.Text));
            if (WhatIfNothingToChange(same, $"{where} holds this unit already.")) return;
            if (!ShouldProcess($"Write {where}:" + Environment.NewLine + unit.Text, $"Write {where}?", "New-DockerSystemdUnit"))
            {
                foreach (var warning in unit.Warnings) WriteWarning(warning);
                return;
            }

            if (IsRemote)
            {
                var force = Force.IsPresent;
                Queue(host.Name, () =>
                {
                    unit.Write(force);
                    var output = new HostOutput { Object = unit };
                    output.Warnings.AddRange(unit.Warnings);
                    return output;
                });
                return;
            }

            foreach (var warning in unit.Warnings) WriteWarning(warning);
            unit.Write(Force, VerboseFileWritten);
            WriteHostText("Apply it with: " + string.Join(" && ", unit.Commands));
            WriteObject(unit);
        }
        catch (DockerTlsException e)
        {
            if (!IsRemote) ThrowTerminating(e);
            WriteRemoteFailure(HostName!, e);
        }
    }
}
