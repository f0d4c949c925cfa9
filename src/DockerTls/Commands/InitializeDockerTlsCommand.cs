using System;
using System.Linq;
using System.Management.Automation;
using System.Security;
using DockerTls.Core;
using DockerTls.Core.Daemon;
using DockerTls.Core.Pki;
using DockerTls.Formatting;

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

    [Parameter]
    public SwitchParameter PromptPassphrase { get; set; }

    protected override void ProcessRecord()
    {
        var root = OutputFolder;
        char[]? passphrase = null;
        var progressShown = false;
        try
        {
            RequireOnePassphraseSource(Passphrase, PromptPassphrase);
            passphrase = ToNewKeyPassphrase(Passphrase, "-Passphrase");
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
            if (PromptPassphrase)
            {
                passphrase = PromptNewPassphrase("Passphrase for the new CA key (ca/ca-key.pem)");
                request.Passphrase = passphrase;
            }

            progressShown = true;
            WriteProgress(new ProgressRecord(1, "Initialize-DockerTls", $"Generating three {request.Key} keys: none done yet") { PercentComplete = 0 });
            var kit = TlsKit.Create(request, Force, VerboseFileWritten, StopRequested, (kind, done) =>
                WriteProgress(new ProgressRecord(1, "Initialize-DockerTls", $"{done} of 3 {request.Key} keys done: {Done(done)}; " + (done < 3 ? $"making the {Pending(done)}" : "writing the files"))
                {
                    PercentComplete = done * 100 / 3,
                }));
            EndProgress(ref progressShown);
            foreach (var warning in kit.Warnings) WriteWarning(warning);
            WriteObject(kit.CA);
            WriteObject(kit.Server);
            WriteObject(kit.Client);
            WriteHostText(KitNextSteps.Text(root, kit, DaemonDefaults.SystemdRootOf(LocalDaemonHost.Current), SessionState.Path.CurrentFileSystemLocation.ProviderPath));
        }
        catch (DockerTlsException e)
        {
            EndProgress(ref progressShown);
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

    private static string Done(int done) => done switch
    {
        1 => "the CA certificate is signed",
        2 => "the CA and server certificates are signed",
        _ => "the CA, server and client certificates are signed",
    };

    private static string Pending(int done) => done == 1 ? "server and client keys" : "client key";

    // The bar goes away at the end, after a failure too: a record left Processing stays on the screen.
    private void EndProgress(ref bool shown)
    {
        if (!shown) return;
        shown = false;
        WriteProgress(new ProgressRecord(1, "Initialize-DockerTls", "Done") { RecordType = ProgressRecordType.Completed });
    }
}
