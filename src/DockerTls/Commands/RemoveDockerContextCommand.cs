using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Client;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.Remove, "DockerContext", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveDockerContextCommand : DockerTlsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DockerContextNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var store = new DockerContextStore(DockerConfigFolder.Current());
        foreach (var name in Name)
        {
            try
            {
                DockerContextRemoval.Check(store, name, Force);
                if (!ShouldProcess($"{name} in '{store.ConfigFolder}'", "Remove the Docker context (its meta.json and its copies of ca.pem, cert.pem, key.pem)")) continue;
                foreach (var folder in DockerContextRemoval.Remove(store, name, Force))
                {
                    WriteVerbose($"Removed '{folder}'.");
                }
            }
            catch (DockerTlsException e) when (MyInvocation.ExpectingInput || Name.Length > 1)
            {
                WriteDockerTlsError(e);
            }
            catch (DockerTlsException e)
            {
                ThrowTerminating(e);
            }
        }
    }
}
