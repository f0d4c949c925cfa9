using System;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Client;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.New, "DockerContext", SupportsShouldProcess = true)]
[OutputType(typeof(DockerContext))]
public sealed class NewDockerContextCommand : DockerTlsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DockerContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string DockerHost { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? CertPath { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    [Parameter]
    public SwitchParameter Use { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            DockerContextStore.ValidateName(Name);
            var host = ClientHostAddress.Parse(DockerHost);
            var store = new DockerContextStore(DockerConfigFolder.Current());
            var certFolder = CertPath is null ? store.ConfigFolder : ResolvePath(CertPath);
            var certificate = ClientCertificateCheck.Check(certFolder);
            WriteFindingWarnings(certificate);
            WriteVerbose($"'{certificate.Path}' ({certificate.Subject}) chains to ca.pem, has clientAuth and matches key.pem.");
            var same = store.Holds(Name, certFolder, host.Uri, Description) && (!Use || store.Config.TryGetCurrentContext() == Name);
            if (!Force && !same)
            {
                store.RequireAbsent(Name);
            }

            if (WhatIfNothingToChange(same, $"the Docker context '{Name}' in '{store.ConfigFolder}' holds this host and these certificates already.")) return;
            var action = $"Create the Docker context for {host.Uri} with the certificates in '{certFolder}'" + (Use ? " and make it current" : string.Empty);
            if (!ShouldProcess($"{Name} in '{store.ConfigFolder}'", action))
            {
                return;
            }

            var context = store.Create(Name, host, certFolder, Description, Force || same, Use, VerboseFileWritten);
            var dockerHost = Environment.GetEnvironmentVariable(ClientEnvironment.DockerHostVariable);
            if (!string.IsNullOrEmpty(dockerHost))
            {
                WriteWarning($"DOCKER_HOST is set ({dockerHost}) and overrides every context; run Clear-DockerClientEnv so that docker uses '{Name}'.");
            }

            var dockerContext = Environment.GetEnvironmentVariable("DOCKER_CONTEXT");
            if (Use && !string.IsNullOrEmpty(dockerContext) && dockerContext != Name)
            {
                WriteWarning($"DOCKER_CONTEXT is set ({dockerContext}) and overrides currentContext in config.json; remove it ($env:DOCKER_CONTEXT = $null) so that docker uses '{Name}'.");
            }

            WriteObject(context);
        }
        catch (DockerTlsException e) when (MyInvocation.ExpectingInput)
        {
            WriteDockerTlsError(e); // one bad item among many: report it and go on
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }
}
