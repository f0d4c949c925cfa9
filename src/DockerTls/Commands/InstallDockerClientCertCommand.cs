using System.IO;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Client;
using DockerTls.Core.Pki;

namespace DockerTls.Commands;

[Cmdlet(VerbsLifecycle.Install, "DockerClientCert", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(DockerCertificate))]
public sealed class InstallDockerClientCertCommand : DockerTlsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = "";

    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    private bool _pathOnCommandLine;

    protected override void BeginProcessing() => _pathOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Path));

    protected override void ProcessRecord()
    {
        // A Path property of a pipeline object (the cert.pem New-DockerClientCert returns) names a file, not a pattern.
        var literal = ParameterSetName == "LiteralPath" || !_pathOnCommandLine;
        var given = ParameterSetName == "LiteralPath" ? LiteralPath : Path;
        var matches = ResolveExisting(given, literal, "ClientCertificateNotFound",
            "Give the folder that holds ca.pem, cert.pem and key.pem (what New-DockerClientCert wrote), or its cert.pem.");
        if (matches.Count == 0) return;
        if (matches.Count > 1)
        {
            WriteError(new ErrorRecord(new System.ArgumentException(
                $"'{given}' matches {matches.Count} locations ({string.Join(", ", matches)}); one client certificate is installed at a time. "
                + "Give one folder, or -LiteralPath when the name holds [ or ]."), "ClientCertificatePathAmbiguous", ErrorCategory.InvalidArgument, given));
            return;
        }
        var source = matches[0];
        if (File.Exists(source))
        {
            // A certificate piped from New-DockerClientCert names its cert.pem: its folder holds the set.
            source = System.IO.Path.GetDirectoryName(source)!;
        }

        var destination = Destination is null ? DockerConfigFolder.Current() : ResolvePath(Destination);
        try
        {
            var certificate = ClientCertificateCheck.Check(source);
            WriteFindingWarnings(certificate);
            WriteVerbose($"'{System.IO.Path.Combine(source, "cert.pem")}' ({certificate.Subject}) chains to ca.pem, has clientAuth and matches key.pem.");
            var installed = ClientCertificateInstaller.IsInstalled(source, destination);
            if (WhatIfNothingToChange(installed, $"'{destination}' holds the very ca.pem, cert.pem and key.pem of '{source}' already.")) return;
            if (!ShouldProcess(destination, $"Install ca.pem, cert.pem and key.pem from '{source}'"))
            {
                return;
            }

            // The same files again are no conflict: they are written as they are (the key is always rewritten, never compared in place).
            WriteObject(ClientCertificateInstaller.Install(source, destination, Force || installed, VerboseFileWritten));
            var certPath = System.Environment.GetEnvironmentVariable(ClientEnvironment.CertPathVariable);
            if (!string.IsNullOrEmpty(certPath) && !ClientEnvironment.SamePath(certPath, destination))
            {
                WriteWarning($"DOCKER_CERT_PATH is set to '{certPath}', so the docker CLI reads its certificates there, not from '{destination}'. "
                    + "Run Set-DockerClientEnv or Clear-DockerClientEnv to change it.");
            }
        }
        catch (DockerTlsException e) when (MyInvocation.ExpectingInput)
        {
            WriteDockerTlsError(e); // one bad item among many: report it and go on
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }
}
