using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using System.Security;
using DockerTls.Core;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

[Cmdlet(VerbsData.Update, "DockerCertificate", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(DockerCertificate))]
public sealed class UpdateDockerCertificateCommand : DockerTlsCmdlet, IDisposable
{
    private readonly CommandKeys _keys = new();
    private KeyPassphrase? _passphrase;
    private string _caPath = "";
    private CertificateRenewal? _renewal;
    private RenewalQueue? _queue;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Certificate", ValueFromPipeline = true)]
    public DockerCertificate[]? Certificate { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string CAPath { get; set; } = "";

    [Parameter]
    public SecureString? CAPassphrase { get; set; }

    [Parameter]
    public SwitchParameter KeepKey { get; set; }

    [Parameter]
    public int ValidityDays { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing()
    {
        _passphrase = KeyPassphrase.Of(CAPassphrase);
        _caPath = ResolvePath(CAPath);
        try
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(ValidityDays))) CertificateAuthority.CheckValidity(ValidityDays);
            _renewal = new CertificateRenewal(CertificateAuthority.Load(_caPath, _passphrase?.Chars, forRenewal: true));
            _queue = new RenewalQueue(_renewal);
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var file in Files())
        {
            try
            {
                _keys.StopsOnCtrlC(() => Renew(file));
            }
            catch (DockerTlsException e)
            {
                WriteDockerTlsError(e);
            }
        }
    }

    private void Renew(string file)
    {
        var authority = _renewal!.Authority;
        _queue!.WaitForFolder(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file))!); // a renewal being written there changes what this one reads
        var plan = _renewal.Assess(file, Force);
        if (plan.IsAuthority && !string.Equals(plan.CertificatePath, authority.CertificatePath, StringComparison.Ordinal))
        {
            WriteVerbose($"{plan.CertificatePath}: a copy of the CA certificate; renewing the CA ('{authority.CertificatePath}') and the leaf beside it refreshes it.");
            return;
        }
        var kind = plan.IsAuthority ? "CA" : plan.Current.Kind.ToString().ToLowerInvariant();
        var what = $"{kind} certificate '{plan.Current.CommonName}'";
        if (!plan.Due)
        {
            WriteVerbose($"{plan.CertificatePath}: the {what} is {plan.Reason}.");
            return;
        }
        var spec = CertificateRenewal.KeySpecOf(plan);
        var key = plan.IsAuthority ? "the same key" : KeepKey ? "the same key" : $"a new {spec} key";
        if (!ShouldProcess(plan.CertificatePath, $"Renew the {what} ({plan.Reason}) with a new serial and {key}")) return;
        WriteVerbose($"{plan.CertificatePath}: renewing the {what}: {plan.Reason}.");
        int? days = MyInvocation.BoundParameters.ContainsKey(nameof(ValidityDays)) ? ValidityDays : null;
        if (plan.IsAuthority)
        {
            // Leaves renewed after it in this command get the renewed ca.pem as their bundle; those before it are written first.
            ReportWritten(waitForAll: true);
            WriteObject(_renewal.Renew(plan, KeysFor(spec), KeepKey, days, VerboseFileWritten, WriteWarning));
            authority.Dispose();
            _renewal = new CertificateRenewal(CertificateAuthority.Load(_caPath, _passphrase?.Chars, forRenewal: true));
            _queue = new RenewalQueue(_renewal);
            return;
        }
        _queue.Enqueue(_renewal.Prepare(plan, KeysFor(spec), KeepKey, days, WriteWarning));
        ReportWritten(waitForAll: false);
    }

    /// <summary>Writes out, in pipeline order, the renewals the background writer has finished: the certificate, or why nothing was written.</summary>
    private void ReportWritten(bool waitForAll)
    {
        foreach (var item in _queue!.TakeFinished(waitForAll))
        {
            if (item.Fault != null) ExceptionDispatchInfo.Capture(item.Fault).Throw();
            if (item.Error != null)
            {
                WriteDockerTlsError(item.Error);
                continue;
            }
            foreach (var (path, mode) in item.FilesWritten) VerboseFileWritten(path, mode);
            WriteObject(item.Write.Certificate);
        }
    }

    /// <summary>The certificate files of this item: paths (wildcards on -Path), files of a folder, or the objects' paths.</summary>
    private IEnumerable<string> Files()
    {
        IEnumerable<string> items;
        if (ParameterSetName == "Certificate") items = Certificate!.Select(c => c.Path);
        else if (ParameterSetName == "LiteralPath") items = LiteralPath!.Select(ResolvePath);
        else items = Path!.SelectMany(Resolve);
        foreach (var item in items)
        {
            if (!Directory.Exists(item)) { yield return item; continue; }
            foreach (var file in Directory.GetFiles(item, "*.pem").OrderBy(f => f, StringComparer.Ordinal))
                if (File.ReadAllText(file).Contains("-----BEGIN CERTIFICATE-----")) yield return file;
        }
    }

    private IEnumerable<string> Resolve(string path)
    {
        try
        {
            return SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _);
        }
        catch (ItemNotFoundException)
        {
            WriteDockerTlsError(new DockerTlsException("CertificateNotFound", ErrorKind.ObjectNotFound,
                $"'{path}' does not exist. Give the certificate files to renew.", path));
            return Array.Empty<string>();
        }
    }

    /// <summary>One key source per key spec: a pipeline of RSA renewals makes its keys on every core.</summary>
    private KeySource KeysFor(KeySpec spec) => _keys.For(spec, () => new KeySource(spec, pipeline: MyInvocation.ExpectingInput));

    protected override void EndProcessing()
    {
        if (_queue != null) ReportWritten(waitForAll: true);
        // A rollover under way: what is left of this stage, as Start-DockerCARollover says it.
        if (_renewal?.Authority is { } authority && CARollover.LeavesLeftInRollover(authority, DateTime.UtcNow) is { } left)
        {
            var folder = System.IO.Path.GetDirectoryName(authority.CertificatePath);
            if (left.Count > 0)
                WriteWarning($"A CA rollover is under way: {left.Count} certificate(s) in the inventory are still signed by the CA it retires: "
                    + string.Join(", ", left.Select(c => $"'{c.Path}'")) + $". Re-issue them before Complete-DockerCARollover -CAPath '{folder}'.");
            else
                WriteVerbose($"A CA rollover is under way and no unrevoked certificate of the retiring CA is left in the inventory: Complete-DockerCARollover -CAPath '{folder}' is next.");
        }
        Release();
    }

    protected override void StopProcessing()
    {
        _queue?.Stop();
        _keys.Stop();
    }

    public void Dispose() => Release();

    private void Release()
    {
        _queue?.Stop();
        _queue?.WaitForWriter(); // a group being written lands whole before the command ends
        _keys.End();
        _renewal?.Authority.Dispose();
        _passphrase?.Dispose();
    }
}
