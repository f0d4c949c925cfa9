using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;
using DockerTls.Core;

namespace DockerTls;

/// <summary>
/// What every DockerTls cmdlet shares: paths through the provider, Core's errors as PowerShell errors. Passphrases
/// reach Core through <see cref="KeyPassphrase"/>.
/// </summary>
public abstract class DockerTlsCmdlet : PSCmdlet
{
    /// <summary>
    /// A file-system path for a PowerShell path: relative to the current location, <c>~</c> expanded, the file
    /// need not exist. Non-FileSystem paths (HKLM:, Env:) end the command with <c>NotAFileSystemPath</c>.
    /// </summary>
    protected string ResolvePath(string path)
    {
        var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
        if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"'{path}' is a {provider.Name} path; DockerTls reads and writes files. Give a file-system path."),
                "NotAFileSystemPath", ErrorCategory.InvalidArgument, path));
        }
        return resolved;
    }

    /// <summary>
    /// The existing files and folders a -Path (wildcards, through the provider) or a -LiteralPath (as written:
    /// <c>[</c> and <c>]</c> are characters) names. One that names nothing gets the non-terminating error
    /// <paramref name="notFoundId"/> and yields nothing; a non-FileSystem path ends the command with <c>NotAFileSystemPath</c>.
    /// </summary>
    protected IReadOnlyList<string> ResolveExisting(string path, bool literal, string notFoundId, string whatToGive)
    {
        var found = new List<string>();
        if (literal)
        {
            var item = ResolvePath(path);
            if (File.Exists(item) || Directory.Exists(item)) found.Add(item);
        }
        else
        {
            Collection<string> resolved;
            ProviderInfo provider;
            try
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
            }
            catch (ItemNotFoundException)
            {
                resolved = new Collection<string>();
                provider = SessionState.Path.CurrentFileSystemLocation.Provider;
                ResolvePath(path); // a path of another provider that does not exist is refused as such
            }
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider)) ResolvePath(path);
            found.AddRange(resolved);
        }
        if (found.Count == 0)
        {
            var hint = !literal && WildcardPattern.ContainsWildcardCharacters(path)
                ? " As -Path it is a wildcard pattern ([ and ] enclose a set of characters): use -LiteralPath for a name that holds them."
                : "";
            WriteError(new ErrorRecord(new ItemNotFoundException($"'{path}' does not exist. {whatToGive}{hint}"),
                notFoundId, ErrorCategory.ObjectNotFound, path));
        }
        return found;
    }

    /// <summary>The current file-system location, the default output folder.</summary>
    protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

    protected void ThrowTerminating(DockerTlsException error) => ThrowTerminatingError(ToErrorRecord(error));

    protected void WriteDockerTlsError(DockerTlsException error) => WriteError(ToErrorRecord(error));

    /// <summary>Core's error as a PowerShell error: its id, the matching category, its target.</summary>
    protected static ErrorRecord ToErrorRecord(DockerTlsException error) =>
        new(error, error.ErrorId, Category(error.Kind), error.Target);

    private static ErrorCategory Category(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        ErrorKind.SecurityError => ErrorCategory.SecurityError,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        ErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        _ => ErrorCategory.InvalidOperation,
    };

    /// <summary>A warning for each finding that Docker accepts but strict verifiers refuse (or an expiry within 30 days), with its id.</summary>
    protected void WriteFindingWarnings(DockerTls.Core.Pki.DockerCertificate certificate)
    {
        foreach (var finding in certificate.Findings)
        {
            if (finding.Severity == DockerTls.Core.Pki.FindingSeverity.Warning) WriteWarning($"{finding.Id}: {finding.Message}");
        }
    }

    /// <summary>Narrates a file written, with its mode, for -Verbose.</summary>
    protected void VerboseFileWritten(string path, string mode) => WriteVerbose($"Wrote {path} ({mode})");

    /// <summary>
    /// True when -WhatIf is in effect and the run would change nothing: then the host is told so, where -WhatIf
    /// describes a change ("What if: Nothing to change: ..."), and the caller returns without its ShouldProcess.
    /// </summary>
    protected bool WhatIfNothingToChange(bool nothingToChange, string whatHolds)
    {
        var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var given)
            ? ((SwitchParameter)given).IsPresent
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
        if (!nothingToChange || !whatIf) return false;
        WriteHostText($"What if: Nothing to change: {whatHolds}");
        return true;
    }

    /// <summary>Text for the user's console that is not pipeline output (next steps, restart commands).</summary>
    protected void WriteHostText(string text) =>
        WriteInformation(new HostInformationMessage { Message = text }, new[] { "PSHOST" });
}
