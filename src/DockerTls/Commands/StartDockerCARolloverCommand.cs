using System;
using System.Management.Automation;
using System.Security;
using DockerTls.Core;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

[Cmdlet(VerbsLifecycle.Start, "DockerCARollover", SupportsShouldProcess = true)]
[OutputType(typeof(CARolloverStatus))]
public sealed class StartDockerCARolloverCommand : RolloverCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string CAPath { get; set; } = "";

    [Parameter]
    public SecureString? CAPassphrase { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CommonName { get; set; }

    [Parameter]
    public int ValidityDays { get; set; }

    protected override void EndProcessing()
    {
        using var passphrase = KeyPassphrase.Of(CAPassphrase);
        try
        {
            int? days = MyInvocation.BoundParameters.ContainsKey(nameof(ValidityDays)) ? ValidityDays : null;
            var plan = CARollover.PlanStart(ResolvePath(CAPath), passphrase.Chars, CommonName, days, DateTime.UtcNow);
            WriteStage(plan, $"Roll the CA over to '{plan.Status.NewCA.CommonName}' (ca.pem copies hold both CAs)");
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }
}
