using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text;
using DockerTls.Core;
using DockerTls.Core.Client;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.Get, "DockerClientEnv", DefaultParameterSetName = "Set")]
[OutputType(typeof(string))]
public sealed class GetDockerClientEnvCommand : DockerTlsCmdlet
{
    [Parameter(Position = 0, ParameterSetName = "Set", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? DockerHost { get; set; }

    [Parameter(ParameterSetName = "Set", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? CertPath { get; set; }

    [Parameter]
    [ValidateSet("bash", "zsh", "fish", "pwsh", "powershell", "cmd", IgnoreCase = true)]
    public string? Shell { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Unset")]
    public SwitchParameter Unset { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var windowsPowerShell = RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);
            var shell = Shell is null ? ShellScript.Detect(Environment.GetEnvironmentVariable("SHELL"), windowsPowerShell) : ShellScript.ParseName(Shell);
            var shellName = shell.ToString().ToLowerInvariant();
            var executable = windowsPowerShell ? "powershell" : "pwsh";
            if (Unset)
            {
                WriteObject(ShellScript.RenderUnset(shell, $"Get-DockerClientEnv -Shell {shellName} -Unset", executable));
                return;
            }

            var configFolder = DockerConfigFolder.Current();
            var command = new StringBuilder("Get-DockerClientEnv");
            ClientEnvironment environment;
            var warnings = new List<string>();
            if (DockerHost is null)
            {
                environment = ClientEnvironment.FromVariables(Environment.GetEnvironmentVariable, configFolder);
                if (environment.DockerHost is null)
                {
                    throw new DockerTlsException(
                        "DockerHostNotSet",
                        ErrorKind.ObjectNotFound,
                        "DOCKER_HOST is not set in this session, so there is nothing to describe. Give -DockerHost (and -CertPath), or use -Unset.");
                }
            }
            else
            {
                var host = ClientHostAddress.Parse(DockerHost);
                environment = ClientEnvironment.ForHost(host, CertPath is null ? null : ResolvePath(CertPath), configFolder);
                command.Append(" -DockerHost ").Append(ShellScript.QuotePowerShell(host.Uri));
                if (environment.CertPath != null)
                {
                    command.Append(" -CertPath ").Append(ShellScript.QuotePowerShell(environment.CertPath));
                }

                try
                {
                    ClientEnvironment.RequireCertificateFiles(environment.EffectiveCertPath);
                }
                catch (DockerTlsException e)
                {
                    // A comment inside the code, not WriteWarning: pwsh -Command prints warnings on stdout, into the eval.
                    warnings.Add(e.Message);
                }
            }

            command.Append(" -Shell ").Append(shellName);
            WriteObject(ShellScript.Render(shell, environment, command.ToString(), executable, warnings));
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }
}
