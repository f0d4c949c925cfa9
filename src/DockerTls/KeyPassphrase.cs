using System;
using System.Linq;
using System.Management.Automation.Host;
using System.Runtime.InteropServices;
using System.Security;
using DockerTls.Core;
using DockerTls.Core.Pki;

namespace DockerTls;

/// <summary>
/// A passphrase as the characters Core takes: from a SecureString parameter, or typed twice at the host's prompt without
/// echo. The characters are wiped when it is disposed; a cmdlet that holds one disposes it at its end, after a terminating
/// error and after Ctrl+C too. It is never echoed, logged, or written anywhere.
/// </summary>
internal sealed class KeyPassphrase : IDisposable
{
    private readonly PSHostUserInterface? prompt;
    private char[]? chars;

    private KeyPassphrase(char[]? chars, PSHostUserInterface? prompt)
    {
        this.chars = chars;
        this.prompt = prompt;
    }

    /// <summary>The passphrase of an existing key (-CAPassphrase); no characters when none was given.</summary>
    public static KeyPassphrase Of(SecureString? given) => new(ToChars(given), null);

    /// <summary>
    /// The passphrase that is to encrypt a new key: <paramref name="given"/> (-Passphrase), or with <paramref name="prompt"/>
    /// (-PromptPassphrase) what <see cref="Ask"/> reads from <paramref name="ui"/>. Both at once are <c>ConflictingPassphrase</c>,
    /// an empty one <c>EmptyPassphrase</c>, before anything is made.
    /// </summary>
    public static KeyPassphrase ForNewKey(SecureString? given, bool prompt, PSHostUserInterface ui, string parameterName = "-Passphrase")
    {
        if (given != null && prompt)
        {
            throw new DockerTlsException("ConflictingPassphrase", ErrorKind.InvalidArgument,
                "Give either -Passphrase or -PromptPassphrase, not both.");
        }

        if (given is { Length: 0 }) throw CertificateAuthority.EmptyPassphrase(parameterName);
        return new KeyPassphrase(ToChars(given), prompt ? ui : null);
    }

    /// <summary>The characters given; null for none (an unencrypted key, or a key that has no passphrase).</summary>
    public char[]? Chars => chars;

    /// <summary>
    /// The characters, asking for them first when the passphrase is to be typed: called after -WhatIf and the checks of the
    /// targets, so that neither asks. Typed twice, as passwd does, since a typo would make the key unusable:
    /// <c>PassphraseMismatch</c> when the two differ, <c>EmptyPassphrase</c> for none.
    /// </summary>
    public char[]? Ask(string what)
    {
        if (prompt is null || chars is not null) return chars;
        prompt.Write($"{what}: ");
        using var first = prompt.ReadLineAsSecureString();
        prompt.Write("Type it again: ");
        using var second = prompt.ReadLineAsSecureString();
        var typed = ToChars(first);
        var again = ToChars(second);
        try
        {
            if (typed is null) throw CertificateAuthority.EmptyPassphrase("-PromptPassphrase");
            if (again is null || !typed.SequenceEqual(again))
            {
                Wipe(typed);
                throw new DockerTlsException("PassphraseMismatch", ErrorKind.InvalidArgument,
                    "The two passphrases typed differ, so neither was used and nothing was written. Run the command again and type the same passphrase twice.");
            }

            return chars = typed;
        }
        finally
        {
            Wipe(again);
        }
    }

    /// <summary>Wipes the characters.</summary>
    public void Dispose()
    {
        Wipe(chars);
        chars = null;
    }

    private static char[]? ToChars(SecureString? secure)
    {
        if (secure is null || secure.Length == 0) return null;
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            var result = new char[secure.Length];
            Marshal.Copy(pointer, result, 0, result.Length);
            return result;
        }
        finally { Marshal.ZeroFreeGlobalAllocUnicode(pointer); }
    }

    private static void Wipe(char[]? chars)
    {
        if (chars != null) Array.Clear(chars, 0, chars.Length);
    }
}
