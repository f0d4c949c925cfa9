using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security;
using DockerTls.Core;
using DockerTls.Core.IO;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

/// <summary>
/// What New-DockerServerCert and New-DockerClientCert share: the CA from -CAPath or from the pipeline,
/// loaded once per command; one folder per item when the items come down the pipeline.
/// </summary>
public abstract class LeafCertificateCmdlet : KeyCmdlet
{
    private readonly Dictionary<string, CertificateAuthority> _authorities = new(StringComparer.Ordinal);
    private char[]? _passphrase;
    private HashSet<string> _commandLine = new();
    private readonly Stopwatch _sinceProgress = new();
    private bool _progressShown;
    private int _issued;

    // Files are written in the background, a few hosts at a time, and reported in pipeline order.
    private readonly OrderedWorkQueue<WrittenCertificate> _writes = new(maxConcurrency: 4);
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);

    /// <summary>Progress records at most this often, so that a fast pipeline (ECDSA keys) is not slowed by the host.</summary>
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    [Parameter(Mandatory = true, ParameterSetName = "CAPath", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string CAPath { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = "CA", ValueFromPipeline = true)]
    public DockerCertificate? CA { get; set; }

    [Parameter]
    public SecureString? CAPassphrase { get; set; }

    [Parameter]
    public int ValidityDays { get; set; } = 365;

    protected abstract CertificateKind Kind { get; }

    /// <summary>The parameters whose values, when they come down the pipeline, name one item each.</summary>
    protected abstract string[] ItemParameters { get; }

    protected override void BeginProcessing()
    {
        _passphrase = ToChars(CAPassphrase);
        _commandLine = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Items named by pipeline objects (Import-Csv hosts.csv | ...) each get a folder of their own.</summary>
    private bool FolderPerItem =>
        MyInvocation.ExpectingInput && ParameterSetName != "CA" && !ItemParameters.Any(_commandLine.Contains);

    /// <summary>
    /// A value bound by property name, unless the pipeline object is the CA itself: then its own
    /// CommonName is not the new certificate's, and only the command line names the certificate.
    /// </summary>
    protected T? ItemValue<T>(string parameter, T? value) =>
        ParameterSetName == "CA" && !_commandLine.Contains(parameter) ? default : value;

    /// <summary>Issues the certificate for the current item and writes it, unless -WhatIf.</summary>
    protected void IssueAndWrite(string commonName, Func<CertificateAuthority, IssuedCertificate> issue)
    {
        try
        {
            var spec = KeySpec;
            var ca = LoadAuthority();
            var root = OutputFolder;
            var folder = FolderPerItem ? Path.Combine(root, FolderName(commonName)) : root;
            var names = string.Join(", ", CertificateFiles.Targets(folder, Kind).Select(Path.GetFileName));
            if (!ShouldProcess(folder, $"Create the {Kind.ToString().ToLowerInvariant()} certificate '{commonName}' ({spec}): {names}")) return;
            CertificateFiles.CheckTargets(folder, Kind, ca.BundlePem, Force);
            Claim(folder);
            // Before the seconds an RSA key takes, say so; ECDSA keys take a fraction of a millisecond.
            if (_issued == 0 || spec.Algorithm == KeyAlgorithm.RSA) Progress($"Generating the {spec} key for {commonName}");
            var issued = issue(ca);
            if (issued.Warning != null) WriteWarning(issued.Warning);
            var (kind, bundle, force) = (Kind, ca.BundlePem, Force.IsPresent);
            _writes.Enqueue(() =>
            {
                var files = new List<string>();
                var certificate = CertificateFiles.Write(folder, kind, issued, bundle, force, (path, mode) => files.Add($"Wrote {path} ({mode})"));
                return new WrittenCertificate(certificate, files);
            });
            ReportWritten(waitForAll: !MyInvocation.ExpectingInput);
        }
        catch (DockerTlsException e)
        {
            Report(e);
        }
    }

    /// <summary>One bad row among many is reported and the rest go on; a bad CA, or a single item, ends the command.</summary>
    private void Report(DockerTlsException e)
    {
        if (MyInvocation.ExpectingInput && e.ErrorId is not ("CANotFound" or "NotACertificateAuthority"
            or "CAKeyNotFound" or "CAPassphraseRequired" or "CAPassphraseWrong" or "CAKeyMismatch" or "CAExpired" or "CAKeyInvalid"))
        {
            WriteDockerTlsError(e);
        }
        else
        {
            ThrowTerminating(e);
        }
    }

    /// <summary>Two items of one command may not write the same files (a host listed twice).</summary>
    private void Claim(string folder)
    {
        var targets = CertificateFiles.Targets(folder, Kind).Take(2).ToList(); // the certificate and its key; ca.pem is shared
        var taken = targets.FirstOrDefault(_claimed.Contains);
        if (taken != null)
            throw new DockerTlsException("KeyFileExists", ErrorKind.ResourceExists,
                $"'{taken}' is written by an earlier item of this command already: the same host appears twice. Nothing more was written for it.", taken);
        _claimed.UnionWith(targets);
    }

    /// <summary>Writes out, in pipeline order, what the background writes have finished.</summary>
    private void ReportWritten(bool waitForAll)
    {
        foreach (var write in _writes.TakeFinished(waitForAll))
        {
            if (write.Exception?.GetBaseException() is { } failure)
            {
                Report(failure as DockerTlsException ?? new DockerTlsException("FileWriteFailed", ErrorKind.PermissionDenied,
                    $"Writing the certificate files failed: {failure.Message}", null, failure));
                continue;
            }
            foreach (var line in write.Result.Files) WriteVerbose(line);
            WriteObject(write.Result.Certificate);
            _issued++;
            Progress($"Issued {_issued}: {write.Result.Certificate.CommonName}");
        }
    }

    private sealed class WrittenCertificate
    {
        public WrittenCertificate(DockerCertificate certificate, List<string> files) { Certificate = certificate; Files = files; }
        public DockerCertificate Certificate { get; }
        public List<string> Files { get; }
    }

    private CertificateAuthority LoadAuthority()
    {
        string path;
        if (ParameterSetName == "CA")
        {
            if (CA!.Kind != CertificateKind.CA)
                throw new DockerTlsException("NotACertificateAuthority", ErrorKind.InvalidArgument,
                    $"'{CA.Path}' is a {CA.Kind} certificate, not a CA. Pipe the output of New-DockerCA, or use -CAPath.", CA.Path);
            path = CA.Path;
        }
        else
        {
            path = ResolvePath(CAPath);
        }
        if (!_authorities.TryGetValue(path, out var ca))
        {
            ca = CertificateAuthority.Load(path, _passphrase);
            _authorities[path] = ca;
        }
        return ca;
    }

    private static string FolderName(string commonName)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(new[] { ':', '*', '?', '/', '\\' }).ToArray();
        return new string(commonName.Select(c => invalid.Contains(c) ? '_' : c).ToArray());
    }

    /// <summary>One progress record, unless one was written less than <see cref="ProgressInterval"/> ago.</summary>
    private void Progress(string status)
    {
        if (_progressShown && _sinceProgress.Elapsed < ProgressInterval) return;
        WriteProgress(new ProgressRecord(1, MyInvocation.MyCommand.Name, status));
        _progressShown = true;
        _sinceProgress.Restart();
    }

    protected override void EndProcessing()
    {
        ReportWritten(waitForAll: true);
        if (_progressShown)
        {
            WriteProgress(new ProgressRecord(1, MyInvocation.MyCommand.Name, $"Issued {_issued}") { RecordType = ProgressRecordType.Completed });
        }
        Release();
    }

    protected override void StopProcessing() => Release();

    private void Release()
    {
        foreach (var ca in _authorities.Values) ca.Dispose();
        _authorities.Clear();
        Wipe(_passphrase);
    }
}
