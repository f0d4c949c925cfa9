using System;
using System.Management.Automation;
using DockerTls.Core.Daemon;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.Get, "DockerDaemonConfig")]
[OutputType(typeof(DaemonConfigReport))]
public sealed class GetDockerDaemonConfigCommand : DockerTlsCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SystemdRoot { get; set; }

    protected override void ProcessRecord()
    {
        var host = LocalDaemonHost.Current;
        var path = Path is null ? DaemonDefaults.ConfigPath(host) : ResolvePath(Path);
        var systemdRoot = SystemdRoot is not null ? ResolvePath(SystemdRoot) : DaemonDefaults.SystemdRootOf(host);
        var report = DaemonConfigReport.Build(host, path, systemdRoot, DateTime.UtcNow, DaemonDefaults.Service(host));
        foreach (var problem in report.Problems)
        {
            if (problem.Id == DaemonErrorIds.ServerCertificateExpiring) WriteWarning(problem.Message);
        }

        WriteObject(report);
    }
}
