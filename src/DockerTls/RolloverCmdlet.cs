using System.Management.Automation;
using DockerTls.Core.Pki;

namespace DockerTls;

/// <summary>What both rollover cmdlets do with a planned stage: ask, write it all or none, and say what is left.</summary>
public abstract class RolloverCmdlet : DockerTlsCmdlet
{
    protected void WriteStage(CARolloverPlan plan, string action)
    {
        var status = plan.Status;
        if (plan.HasChanges)
        {
            var files = string.Join(", ", plan.Preview().Written);
            if (!ShouldProcess(status.CAPath, $"{action}: write {files}")) return;
            status = plan.Apply(VerboseFileWritten);
        }
        else
        {
            WriteVerbose($"{status.CAPath}: the {status.Stage.ToString().ToLowerInvariant()} stage has nothing left to write on this machine.");
        }
        var missing = status.Missing.Length;
        if (missing > 0)
            WriteWarning($"{missing} ca.pem cop{(missing == 1 ? "y" : "ies")} that the inventory lists {(missing == 1 ? "is" : "are")} not on this machine and still lack{(missing == 1 ? "s" : "")} this stage's ca.pem: "
                + string.Join(", ", status.Missing) + ".");
        WriteVerbose(status.NextStep);
        WriteObject(status);
    }
}
