using System;
using System.Linq;
using System.Management.Automation;
using System.Security;
using DockerTls.Core;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

[Cmdlet(VerbsData.Initialize, "DockerTls", SupportsShouldProcess = true)]
[OutputType(typeof(DockerCertificate))]
public sealed class InitializeDockerTlsCommand : KeyCmdlet
{
    [Parameter]
    public string[]? DnsName { get; set; }

    [Parameter]
    public string[]? IPAddress { get; set; }

    [Parameter]
    public int ValidityDays { get; set; } = 365;

    [Parameter]
    public int CAValidityDays { get; set; } = 3650;

    [Parameter]
    public SecureString? Passphrase { get; set; }

    protected override void ProcessRecord()
    {
        var root = OutputFolder;
        var passphrase = ToNewKeyPassphrase(Passphrase, "-Passphrase");
        try
        {
            var named = DnsName != null || IPAddress != null;
            var request = new TlsKitRequest
            {
                OutputPath = root,
                DnsNames = named ? SubjectAltNames.NormalizeDnsNames(DnsName) : TlsKit.DefaultDnsNames(),
                IPAddresses = named ? SubjectAltNames.NormalizeIPAddresses(IPAddress) : TlsKit.DefaultIPAddresses(),
                Key = KeySpec,
                ValidityDays = ValidityDays,
                CAValidityDays = CAValidityDays,
                Passphrase = passphrase,
            };
            var names = string.Join(", ", request.DnsNames.Concat(request.IPAddresses));
            if (!ShouldProcess(root, $"Create a TLS kit (ca/, server/, client/; {request.Key}) for {names}")) return;
            WriteProgress(new ProgressRecord(1, "Initialize-DockerTls", $"Generating three {request.Key} keys"));
            var kit = TlsKit.Create(request, Force, VerboseFileWritten, StopRequested);
            WriteProgress(new ProgressRecord(1, "Initialize-DockerTls", "Done") { RecordType = ProgressRecordType.Completed });
            foreach (var warning in kit.Warnings) WriteWarning(warning);
            WriteObject(kit.CA);
            WriteObject(kit.Server);
            WriteObject(kit.Client);
            WriteHostText(TlsKit.NextSteps(root, kit));
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
        catch (OperationCanceledException) when (StopRequested.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            Wipe(passphrase);
        }
    }
}
