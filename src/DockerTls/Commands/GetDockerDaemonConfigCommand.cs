using System;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Daemon;
using DockerTls.Core.Remote;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.Get, "DockerDaemonConfig")]
[OutputType(typeof(DaemonConfigReport))]
public sealed class GetDockerDaemonConfigCommand : DaemonHostCmdlet
{
    // By property name only (PSPath of Get-Item, a Path column): bound by value, a row of a fleet would become its -Path.
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SystemdRoot { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int Port { get; set; }

    protected override int SshPortValue => Port;

    protected override void ProcessRecord()
    {
        IDaemonHost host;
        string path;
        string? systemdRoot;
        try
        {
            host = OpenHost();
            path = Path is null ? DaemonDefaults.ConfigPath(host) : HostPathOf(Path, "-Path");
            systemdRoot = SystemdRoot is not null ? HostPathOf(SystemdRoot, "-SystemdRoot") : DaemonDefaults.SystemdRootOf(host);
        }
        catch (DockerTlsException e)
        {
            if (!IsRemote) ThrowTerminating(e);
            WriteRemoteFailure(HostName!, e);
            return;
        }

        if (host is SshDaemonHost ssh)
        {
            ssh.PrefetchDaemon(path, DaemonDefaults.CertDestination(host), systemdRoot);
            Queue(host.Name, () => Report(host, path, systemdRoot));
            return;
        }

        var output = Report(host, path, systemdRoot);
        foreach (var warning in output.Warnings) WriteWarning(warning);
        WriteObject(output.Object);
    }

    private static HostOutput Report(IDaemonHost host, string path, string? systemdRoot)
    {
        var report = DaemonConfigReport.Build(host, path, systemdRoot, DateTime.UtcNow, DaemonDefaults.Service(host));
        var output = new HostOutput { Object = report };
        foreach (var problem in report.Problems)
        {
            if (problem.Id == DaemonErrorIds.ServerCertificateExpiring) output.Warnings.Add(problem.Message);
        }

        return output;
    }
}
