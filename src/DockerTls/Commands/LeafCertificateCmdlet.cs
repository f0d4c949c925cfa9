using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security;
using DockerTls.Core;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

/// <summary>
/// What New-DockerServerCert and New-DockerClientCert share: the CA from -CAPath or from the pipeline,
/// loaded once per command; one folder per item when the items come down the pipeline.
/// </summary>
public abstract class LeafCertificateCmdlet : KeyCmdlet, IDisposable
{
    private readonly Dictionary<string, CertificateAuthority> _authorities = new(StringComparer.Ordinal);
    private KeyPassphrase? _passphrase;
    private HashSet<string> _commandLine = new();
    private readonly Stopwatch _sinceProgress = new();
    private bool _progressShown;
    private int _issued;

    private CertificateBatch? _batch;

    /// <summary>Progress records at most this often, so that a fast pipeline (ECDSA keys) is not slowed by the host.</summary>
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    [Parameter(Mandatory = true, ParameterSetName = "CAPath", ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string CAPath { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = "CA", ValueFromPipeline = true)]
    [ValidateCertificateAuthority]
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
        _passphrase = KeyPassphrase.Of(CAPassphrase);
        _commandLine = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);
        _batch = new CertificateBatch(Kind, Force);
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
            StopsOnCtrlC(() => Issue(commonName, issue));
        }
        catch (DockerTlsException e)
        {
            Report(e);
        }
    }

    private void Issue(string commonName, Func<CertificateAuthority, IssuedCertificate> issue)
    {
        var spec = KeySpec;
        var ca = LoadAuthority();
        var root = OutputFolder;
        var folder = FolderPerItem ? Path.Combine(root, FolderName(commonName)) : root;
        var names = string.Join(", ", CertificateFiles.Targets(folder, Kind).Select(Path.GetFileName));
        if (!ShouldProcess(folder, $"Create the {Kind.ToString().ToLowerInvariant()} certificate '{commonName}' ({spec}): {names}")) return;
        _batch!.Claim(folder, ca.BundlePem);
        // Before the seconds an RSA key takes, say so; ECDSA keys take a millisecond.
        if (_issued == 0 || spec.Algorithm == KeyAlgorithm.RSA) Progress($"Generating the {spec} key for {commonName}");
        IssuedCertificate issued;
        try
        {
            issued = issue(ca);
        }
        catch (DockerTlsException e) when (e.ErrorId == KeyFileErrorIds.CAKey.Invalid)
        {
            EndCommand(e); // a CA key found damaged while signing fails every row alike
            return;
        }

        if (issued.Warning != null) WriteWarning(issued.Warning);
        _batch.Enqueue(folder, issued, ca.BundlePem, ca.InventoryPath);
        ReportWritten(waitForAll: !MyInvocation.ExpectingInput);
    }

    /// <summary>One bad row among many is reported and the rest go on; a single item ends the command.</summary>
    private void Report(DockerTlsException e)
    {
        if (MyInvocation.ExpectingInput)
        {
            WriteDockerTlsError(e);
        }
        else
        {
            EndCommand(e);
        }
    }

    // A bad CA, or the error of a single item: the bar goes first, as a record left Processing stays on the screen.
    private void EndCommand(DockerTlsException e)
    {
        EndProgress();
        ThrowTerminating(e);
    }

    /// <summary>Writes out, in pipeline order, what the background writes have finished.</summary>
    private void ReportWritten(bool waitForAll)
    {
        foreach (var result in _batch!.TakeFinished(waitForAll))
        {
            if (result.Error != null)
            {
                Report(result.Error);
                continue;
            }
            foreach (var (path, mode) in result.Files) VerboseFileWritten(path, mode);
            WriteObject(result.Certificate);
            _issued++;
            Progress($"Issued {_issued}: {result.Certificate!.CommonName}");
        }
    }


    // The CA of this item, loaded once per path; whatever is wrong with it (not found, not a CA, its key, its passphrase,
    // its validity) ends the command, for it would fail every row alike.
    private CertificateAuthority LoadAuthority()
    {
        try
        {
            return LoadAuthorityOnce();
        }
        catch (DockerTlsException e)
        {
            EndCommand(e);
            throw;
        }
    }

    private CertificateAuthority LoadAuthorityOnce()
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
            ca = CertificateAuthority.Load(path, _passphrase?.Chars);
            _authorities[path] = ca;
            // Docker accepts what such a CA issues, strict verifiers do not: say so once per CA, with the finding's id.
            foreach (var finding in ca.Findings.Where(f => f.Severity == FindingSeverity.Warning)) WriteWarning($"{finding.Id}: {finding.Message}");
        }
        return ca;
    }

    private static string FolderName(string commonName)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(new[] { ':', '*', '?', '/', '\\' }).ToArray();
        var name = new string(commonName.Select(c => invalid.Contains(c) ? '_' : c).ToArray());
        return name.Trim('.').Length == 0 ? name.Replace('.', '_') : name; // "." and ".." would name the output folder or its parent
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
        if (_batch != null) ReportWritten(waitForAll: true);
        EndProgress();
        Release();
    }

    // The bar goes away at the end, and before a terminating error too: a record left Processing stays on the screen.
    private void EndProgress()
    {
        if (!_progressShown) return;
        _progressShown = false;
        WriteProgress(new ProgressRecord(1, MyInvocation.MyCommand.Name, $"Issued {_issued}") { RecordType = ProgressRecordType.Completed });
    }

    protected override void StopProcessing()
    {
        base.StopProcessing();
        Release();
    }

    /// <summary>PowerShell disposes the cmdlet when its pipeline ends, also after a terminating error: the passphrase is wiped then too.</summary>
    public void Dispose() => Release();

    private void Release()
    {
        EndKeys();
        foreach (var ca in _authorities.Values) ca.Dispose();
        _authorities.Clear();
        _passphrase?.Dispose();
    }
}
