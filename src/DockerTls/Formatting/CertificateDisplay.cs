using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;
using DockerTls.Core.Pki;

namespace DockerTls.Formatting;

/// <summary>
/// The parts of a certificate, a test result and a remedy as the format views show them: certificates grouped by
/// folder with the file name, the names and the verdicts, as Get-ChildItem groups files; a failed test in
/// PowerShell's warning colour; a remedy with each command on a line of its own.
/// </summary>
public static class CertificateDisplay
{
    private static readonly Regex CommandBreak = new(@"(?<=[:;]|, or) (?=\S)|(?<=\()(?=[A-Z][a-z]+-Docker)", RegexOptions.CultureInvariant);

    /// <summary>The folder a certificate was read from (the whole address for one a daemon presented).</summary>
    public static string Folder(object? certificate)
    {
        var path = Unwrap<DockerCertificate>(certificate)?.Path ?? "";
        return path.IndexOf("://", StringComparison.Ordinal) >= 0 ? path : Path.GetDirectoryName(path) ?? path;
    }

    /// <summary>The file name of a certificate (empty for one a daemon presented).</summary>
    public static string File(object? certificate)
    {
        var path = Unwrap<DockerCertificate>(certificate)?.Path ?? "";
        return path.IndexOf("://", StringComparison.Ordinal) >= 0 ? "" : Path.GetFileName(path);
    }

    /// <summary>The names a certificate is for: its subject alternative names, else its common name.</summary>
    public static string Names(object? certificate)
    {
        var c = Unwrap<DockerCertificate>(certificate);
        if (c is null) return "";
        var names = c.DnsNames.Concat(c.IPAddresses).ToList();
        return names.Count > 0 ? string.Join(", ", names) : c.CommonName;
    }

    /// <summary>
    /// The verdicts in words: <c>ok</c> when every check made passed, else what failed (<c>expired</c>, <c>wrong
    /// key</c>, <c>encrypted key</c> for a server or client key, <c>bad chain</c>); empty when nothing was checked.
    /// </summary>
    public static string Checks(object? certificate)
    {
        var c = Unwrap<DockerCertificate>(certificate);
        if (c is null) return "";
        var failed = new List<string>();
        if (c.DaysRemaining < 0) failed.Add("expired");
        if (c.KeyMatches == false) failed.Add("wrong key");
        if (c.KeyEncrypted == true && c.Kind != CertificateKind.CA) failed.Add("encrypted key");
        if (c.ChainValid == false) failed.Add("bad chain");
        if (failed.Count > 0) return string.Join(", ", failed);
        return c.KeyMatches == true || c.ChainValid == true ? "ok" : "";
    }

    /// <summary>
    /// <paramref name="text"/> in PowerShell's warning colour (<c>$PSStyle.Formatting.Warning</c>) when
    /// <paramref name="failed"/> and the host shows colour (as <see cref="ExpiryDisplay"/> decides it), else as it is.
    /// </summary>
    public static string Warning(object? text, bool failed, object? psStyle, object? hostUI)
    {
        var plain = (text is PSObject wrapped ? wrapped.BaseObject : text)?.ToString() ?? "";
        if (!failed || plain.Length == 0 || !ExpiryDisplay.UsesColour(psStyle, hostUI)) return plain;
        var warning = ExpiryDisplay.Property(ExpiryDisplay.Property(psStyle, "Formatting"), "Warning") as string;
        var reset = ExpiryDisplay.Property(psStyle, "Reset") as string;
        return warning is null || reset is null ? plain : warning + plain + reset;
    }

    /// <summary>
    /// A remedy with a line break after each <c>: </c> and <c>; </c> and before a cmdlet in parentheses, so that each
    /// command starts a line of its own and Format-List does not cut one between two lines where it fits one.
    /// </summary>
    public static string CommandLines(object? remedy)
    {
        var text = (remedy is PSObject wrapped ? wrapped.BaseObject : remedy)?.ToString() ?? "";
        return CommandBreak.Replace(text, Environment.NewLine);
    }

    private static T? Unwrap<T>(object? value) where T : class =>
        (value is PSObject wrapped ? wrapped.BaseObject : value) as T;
}
