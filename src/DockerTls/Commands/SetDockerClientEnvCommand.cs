using System;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Client;
using DockerTls.Core.IO;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.Set, "DockerClientEnv", SupportsShouldProcess = true)]
[OutputType(typeof(ClientEnvironment))]
public sealed class SetDockerClientEnvCommand : DockerTlsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string DockerHost { get; set; } = "";

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? CertPath { get; set; }

    [Parameter]
    [ValidateSet(ClientEnvironmentScope.Process, ClientEnvironmentScope.User, IgnoreCase = true)]
    public string Scope { get; set; } = ClientEnvironmentScope.Process;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var host = ClientHostAddress.Parse(DockerHost);
            var configFolder = DockerConfigFolder.Current();
            var environment = ClientEnvironment.ForHost(host, CertPath is null ? null : ResolvePath(CertPath), configFolder);
            ClientEnvironment.RequireCertificateFiles(environment.EffectiveCertPath);
            WarnAbout(host, configFolder);

            var user = string.Equals(Scope, ClientEnvironmentScope.User, StringComparison.OrdinalIgnoreCase);
            var settings = $"DOCKER_HOST={host.Uri}, DOCKER_TLS_VERIFY=1, " + (environment.CertPath is null ? "no DOCKER_CERT_PATH (default folder)" : "DOCKER_CERT_PATH=" + environment.CertPath);
            var target = Target(user);
            var alreadySet = environment.IsSetIn(Environment.GetEnvironmentVariable)
                && (!user || (!PlatformInfo.IsWindows && ProfileFile.HoldsBlock(ClientEnvironmentScope.ProfilePath(this), ProfileBlock.Lines(environment))));
            if (WhatIfNothingToChange(alreadySet, $"{target} holds {settings} already.")) return;
            if (!ShouldProcess(target, "Set " + settings))
            {
                return;
            }

            if (user)
            {
                ApplyToUser(environment);
            }

            ClientEnvironmentScope.ApplyToProcess(environment, WriteVerbose);
            if (PassThru)
            {
                WriteObject(environment);
            }
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }

    // A plain-text port, or a selected context that DOCKER_HOST will override: both are worth a word before the change.
    private void WarnAbout(ClientHostAddress host, string configFolder)
    {
        if (host.IsPlainTextPort)
        {
            WriteWarning($"Port {host.Port} is Docker's plain-text port; a daemon with TLS usually listens on {ClientHostAddress.DefaultTlsPort}.");
        }

        var context = new DockerContextStore(configFolder).SelectedContext(Environment.GetEnvironmentVariable("DOCKER_CONTEXT"));
        if (context != null)
        {
            WriteWarning($"The Docker context '{context}' is selected; DOCKER_HOST overrides it, so docker will talk to {host.Uri} instead. "
                + "Run Clear-DockerClientEnv to go back to the context.");
        }
    }

    private string Target(bool user)
    {
        if (!user)
        {
            return "this PowerShell session";
        }

        return PlatformInfo.IsWindows ? "the user environment and this session" : $"the profile '{ClientEnvironmentScope.ProfilePath(this)}' and this session";
    }

    // -Scope User: the Windows user environment, or the DockerTls block of the shell profile elsewhere.
    private void ApplyToUser(ClientEnvironment environment)
    {
        if (PlatformInfo.IsWindows)
        {
            ClientEnvironmentScope.ApplyToWindowsUser(environment, WriteVerbose);
            return;
        }

        var profile = ClientEnvironmentScope.ProfilePath(this);
        var changed = ProfileFile.SetBlock(profile, ProfileBlock.Lines(environment), VerboseFileWritten);
        WriteVerbose(changed ? $"Wrote the DockerTls block into '{profile}'." : $"'{profile}' already holds these settings.");
    }
}
