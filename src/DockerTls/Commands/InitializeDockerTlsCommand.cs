using System;
using System.Linq;
using System.Management.Automation;
using System.Security;
using DockerTls.Core;
using DockerTls.Core.Daemon;
using DockerTls.Core.IO;
using DockerTls.Core.Pki;
using DockerTls.Formatting;

namespace DockerTls.Commands;

[Cmdlet(VerbsData.Initialize, "DockerTls", SupportsShouldProcess = true)]
[OutputType(typeof(DockerCertificate))]
public sealed class InitializeDockerTlsCommand : KeyCmdlet, IDisposable
{
    private bool _progressShown;

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
        try
        {
            using var passphrase = KeyPassphrase.ForNewKey(Passphrase, PromptPassphrase, Host.UI);
            var named = DnsName != null || IPAddress != null;
            var request = new TlsKitRequest
            {
                OutputPath = root,
                DnsNames = named ? SubjectAltNames.NormalizeDnsNames(DnsName) : TlsKit.DefaultDnsNames(),
                IPAddresses = named ? SubjectAltNames.NormalizeIPAddresses(IPAddress) : TlsKit.DefaultIPAddresses(),
                Key = KeySpec,
                ValidityDays = ValidityDays,
                CAValidityDays = CAValidityDays,
                Passphrase = passphrase.Chars,
            };
            var names = string.Join(", ", request.DnsNames.Concat(request.IPAddresses));
            if (!ShouldProcess(root, $"Create a TLS kit (ca/, server/, client/; {request.Key}) for {names}")) return;
            request.Passphrase = passphrase.Ask("Passphrase for the new CA key (ca/ca-key.pem)");
            _progressShown = true;
            WriteProgress(new ProgressRecord(1, "Initialize-DockerTls", $"Generating three {request.Key} keys: none done yet") { PercentComplete = 0 });
            StopsOnCtrlC(() => Create(request, root));
        }
        catch (DockerTlsException e)
        {
            EndProgress();
            ThrowTerminating(e);
        }
    }

    /// <summary>The kit's three keys, made side by side (<see cref="TlsKit.KeysFor"/>), come through <see cref="KeyCmdlet.Keys"/> as every command's do.</summary>
    protected override KeySource NewKeySource() => TlsKit.KeysFor(KeySpec);

    private void Create(TlsKitRequest request, string root)
    {
        var kit = TlsKit.Create(request, Force, VerboseFileWritten, Keys, (kind, done) =>
            WriteProgress(new ProgressRecord(1, "Initialize-DockerTls", $"{done} of 3 {request.Key} keys done: {Done(done)}; " + (done < 3 ? $"making the {Pending(done)}" : "writing the files"))
            {
                PercentComplete = done * 100 / 3,
            }));
        EndProgress();
        foreach (var warning in kit.Warnings) WriteWarning(warning);
        WriteObject(kit.CA);
        WriteObject(kit.Server);
        WriteObject(kit.Client);
        WriteHostText(KitNextSteps.Text(root, kit, DaemonDefaults.SystemdRootOf(LocalDaemonHost.Current), SessionState.Path.CurrentFileSystemLocation.ProviderPath));
    }

    protected override void EndProcessing() => EndKeys();

    public void Dispose() => EndKeys();

    private static string Done(int done) => done switch
    {
        1 => "the CA certificate is signed",
        2 => "the CA and server certificates are signed",
        _ => "the CA, server and client certificates are signed",
    };

    private static string Pending(int done) => done == 1 ? "server and client keys" : "client key";

    // The bar goes away at the end, after a failure too: a record left Processing stays on the screen.
    private void EndProgress()
    {
        if (!_progressShown) return;
        _progressShown = false;
        WriteProgress(new ProgressRecord(1, "Initialize-DockerTls", "Done") { RecordType = ProgressRecordType.Completed });
    }
}
