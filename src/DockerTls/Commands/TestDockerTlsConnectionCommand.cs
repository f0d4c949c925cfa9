using System;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Diagnostics;

namespace DockerTls.Commands;

[Cmdlet(VerbsDiagnostic.Test, "DockerTlsConnection")]
[OutputType(typeof(DockerTlsTestResult), typeof(bool))]
public sealed class TestDockerTlsConnectionCommand : DockerTlsCmdlet
{
    // No null checks on the pipeline-bound pair: Set-DockerClientEnv -PassThru has no CertPath for the default folder,
    // and an empty value means "the default", as it does for the docker CLI.
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public string? DockerHost { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? CertPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DockerContextNameCompleter))]
    public string? Context { get; set; }

    [Parameter]
    [ValidateRange(1, 600)]
    public int TimeoutSec { get; set; } = 10;

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        ConnectionSettings settings;
        try
        {
            settings = ConnectionSettings.Resolve(
                DockerHost,
                string.IsNullOrEmpty(CertPath) ? null : ResolvePath(CertPath!),
                Context,
                Environment.GetEnvironmentVariable,
                Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
            return;
        }

        WriteVerbose($"Testing {settings.Host.Uri} (from {settings.Source}) with the certificates in {settings.CertPath}.");
        var result = new TlsProbe(settings, TimeSpan.FromSeconds(TimeoutSec)).Run();
        if (settings.OverriddenContext != null)
        {
            WriteWarning($"DOCKER_HOST={settings.Host.Uri} overrides the current Docker context '{settings.OverriddenContext}'. Run Clear-DockerClientEnv to use the context.");
        }

        foreach (var warning in result.ExpiryWarnings())
        {
            WriteWarning(warning);
        }

        if (Quiet)
        {
            WriteObject(result.Success);
        }
        else
        {
            WriteObject(result);
        }
    }
}
