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
        var platform = DaemonPlatforms.Current;
        var path = Path is null ? DaemonPaths.DefaultConfigPath(platform, DaemonPaths.CurrentProgramData()) : ResolvePath(Path);
        var systemdRoot = SystemdRoot is not null ? ResolvePath(SystemdRoot) : platform == DaemonPlatform.Linux ? "/" : null;
        var report = DaemonConfigReport.Build(path, systemdRoot, platform, DateTime.UtcNow);
        foreach (var problem in report.Problems)
        {
            if (problem.Id == "ServerCertificateExpiring") WriteWarning(problem.Message);
        }

        WriteObject(report);
    }
}
