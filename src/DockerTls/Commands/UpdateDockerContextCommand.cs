using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Client;

namespace DockerTls.Commands;

[Cmdlet(VerbsData.Update, "DockerContext", SupportsShouldProcess = true)]
[OutputType(typeof(DockerContext))]
public sealed class UpdateDockerContextCommand : DockerTlsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DockerContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? CertPath { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var store = new DockerContextStore(DockerConfigFolder.Current());
            var certFolder = CertPath is null ? store.ConfigFolder : ResolvePath(CertPath);
            var context = DockerContextRefresh.Read(store, Name);
            var certificate = ClientCertificateCheck.Check(certFolder);
            WriteVerbose($"'{certificate.Path}' ({certificate.Subject}, serial {certificate.SerialNumber}, {certificate.DaysRemaining} days left) chains to ca.pem, has clientAuth and matches key.pem.");
            if (WhatIfNothingToChange(store.Holds(Name, certFolder), $"the Docker context '{Name}' holds the very ca.pem, cert.pem and key.pem of '{certFolder}' already.")) return;
            if (!ShouldProcess($"{Name} in '{store.ConfigFolder}'", $"Replace the context's ca.pem, cert.pem and key.pem with those in '{certFolder}', keeping its host {context.DockerHost}")) return;
            WriteObject(DockerContextRefresh.Refresh(store, Name, certFolder, VerboseFileWritten));
        }
        catch (DockerTlsException e) when (MyInvocation.ExpectingInput)
        {
            WriteDockerTlsError(e);
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }
}
