using System;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

[Cmdlet(VerbsLifecycle.Complete, "DockerCARollover", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CARolloverStatus))]
public sealed class CompleteDockerCARolloverCommand : RolloverCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string CAPath { get; set; } = "";

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            var plan = CARollover.PlanComplete(ResolvePath(CAPath), Force, DateTime.UtcNow);
            if (plan.Status.OldLeaves.Length > 0)
                WriteWarning($"-Force: {plan.Status.OldLeaves.Length} certificate(s) still signed by the old CA stop working once the daemons restart: "
                    + string.Join(", ", Array.ConvertAll(plan.Status.OldLeaves, c => $"'{c.Path}'")) + ".");
            WriteStage(plan, $"Retire the old CA '{plan.Status.OldCA.CommonName}' (ca.pem copies hold the new CA '{plan.Status.NewCA.CommonName}' only)");
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }
}
