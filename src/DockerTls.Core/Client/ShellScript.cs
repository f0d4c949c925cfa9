using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace DockerTls.Core.Client;

/// <summary>
/// Shell code that sets or removes the client variables, in the syntax of each shell, ending with a comment on
/// how to apply it, as <c>docker-machine env</c> printed it. Values are quoted so that spaces, quotes, <c>$</c>
/// and backticks reach the variable unchanged.
/// </summary>
public static class ShellScript
{
    /// <summary>The names accepted for <c>-Shell</c>, lower case.</summary>
    public static readonly IReadOnlyList<string> ShellNames = new[] { "bash", "zsh", "fish", "pwsh", "powershell", "cmd" };

    /// <summary>Parses a shell name (case ignored); throws <c>UnknownShell</c> otherwise.</summary>
    public static ClientShell ParseName(string name)
    {
        switch ((name ?? string.Empty).Trim().ToLowerInvariant())
        {
            case "bash":
            case "sh":
                return ClientShell.Bash;
            case "zsh":
                return ClientShell.Zsh;
            case "fish":
                return ClientShell.Fish;
            case "pwsh":
                return ClientShell.Pwsh;
            case "powershell":
                return ClientShell.PowerShell;
            case "cmd":
                return ClientShell.Cmd;
            default:
                throw new DockerTlsException(
                    "UnknownShell",
                    ErrorKind.InvalidArgument,
                    $"'{name}' is not a shell this module writes code for. Use one of: {string.Join(", ", ShellNames)}.",
                    name);
        }
    }

    /// <summary>
    /// The shell to write for when none is named. <c>$SHELL</c> names the shell that will evaluate the text when it is a
    /// known one (bash, zsh, fish, pwsh; sh, dash, ksh and ash get bash syntax, which they share); otherwise the text is for
    /// the PowerShell the command runs in: <see cref="ClientShell.PowerShell"/> under Windows PowerShell, else <see cref="ClientShell.Pwsh"/>.
    /// </summary>
    public static ClientShell Detect(string? shellVariable, bool windowsPowerShell)
    {
        if (!string.IsNullOrEmpty(shellVariable))
        {
            var name = Path.GetFileName(shellVariable!.Replace('\\', '/').TrimEnd('/'));
            if (name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase))
            {
                name = name.Substring(0, name.Length - 4);
            }

            switch (name.ToLowerInvariant())
            {
                case "bash":
                case "sh":
                case "dash":
                case "ksh":
                case "ash":
                    return ClientShell.Bash;
                case "zsh":
                    return ClientShell.Zsh;
                case "fish":
                    return ClientShell.Fish;
                case "pwsh":
                    return ClientShell.Pwsh;
            }
        }

        return windowsPowerShell ? ClientShell.PowerShell : ClientShell.Pwsh;
    }

    /// <summary>
    /// The code that sets <paramref name="environment"/>'s variables and removes the ones it leaves out, then the comment
    /// telling how to apply it (<paramref name="powerShellCommand"/>: the PowerShell command that prints this text; none when null).
    /// Each of <paramref name="warnings"/> comes first, as a comment line of the shell (see <see cref="WarningLine"/>).
    /// </summary>
    public static string Render(
        ClientShell shell, ClientEnvironment environment, string? powerShellCommand = null, string powerShellExecutable = "pwsh", IEnumerable<string>? warnings = null)
    {
        if (environment is null)
        {
            throw new ArgumentNullException(nameof(environment));
        }

        var lines = new List<string>();
        foreach (var warning in warnings ?? Array.Empty<string>())
        {
            lines.Add(WarningLine(shell, warning));
        }

        foreach (var variable in environment.Variables)
        {
            lines.Add(SetLine(shell, variable.Key, variable.Value));
        }

        foreach (var name in environment.Removed)
        {
            lines.Add(UnsetLine(shell, name));
        }

        return Finish(shell, lines, powerShellCommand, powerShellExecutable);
    }

    /// <summary>The code that removes all three client variables, then the comment telling how to apply it.</summary>
    public static string RenderUnset(ClientShell shell, string? powerShellCommand = null, string powerShellExecutable = "pwsh")
    {
        var lines = new List<string>();
        foreach (var name in ClientEnvironment.VariableNames)
        {
            lines.Add(UnsetLine(shell, name));
        }

        return Finish(shell, lines, powerShellCommand, powerShellExecutable);
    }

    /// <summary>
    /// The two comment lines that tell how to apply the output of <paramref name="powerShellCommand"/> in <paramref name="shell"/>.
    /// A command with a line break is refused (<c>ShellValueUnsupported</c>): it would end the comment.
    /// </summary>
    public static IReadOnlyList<string> UsageHint(ClientShell shell, string powerShellCommand, string powerShellExecutable = "pwsh")
    {
        if (HasControlCharacter(powerShellCommand) || HasControlCharacter(powerShellExecutable))
        {
            throw Unsupported(shell, powerShellCommand, "a line break or another control character");
        }

        string apply;
        switch (shell)
        {
            case ClientShell.Fish:
                apply = $"{powerShellExecutable} -NoProfile -Command {QuoteCommand(shell, powerShellCommand)} | source";
                break;
            case ClientShell.Pwsh:
            case ClientShell.PowerShell:
                apply = $"& {{ {powerShellCommand} }} | Invoke-Expression";
                break;
            case ClientShell.Cmd:
                apply = $"@FOR /f \"tokens=*\" %i IN ('{powerShellExecutable} -NoProfile -Command \"{powerShellCommand}\"') DO @%i";
                break;
            default:
                apply = $"eval \"$({powerShellExecutable} -NoProfile -Command {QuoteCommand(shell, powerShellCommand)})\"";
                break;
        }

        var comment = shell == ClientShell.Cmd ? "REM" : "#";
        return new[] { comment + " Run this command to configure your shell:", comment + " " + apply };
    }

    /// <summary>
    /// <paramref name="value"/> as a literal in <paramref name="shell"/>: single quotes in bash, zsh, fish and PowerShell
    /// (each with its own escapes), double quotes in cmd, which cannot hold <c>"</c>. A line break or another control
    /// character is refused in every shell (<c>ShellValueUnsupported</c>): quoted it would be safe, but the usage hint
    /// and the profile block are line-based, and a line break there would turn the rest of the value into code.
    /// </summary>
    public static string Quote(ClientShell shell, string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        if (HasControlCharacter(value))
        {
            throw Unsupported(shell, value, "a line break or another control character");
        }

        switch (shell)
        {
            case ClientShell.Bash:
            case ClientShell.Zsh:
                return "'" + value.Replace("'", "'\\''") + "'";
            case ClientShell.Fish:
                return "'" + value.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
            case ClientShell.Pwsh:
            case ClientShell.PowerShell:
                return QuotePowerShell(value);
            case ClientShell.Cmd:
                if (value.IndexOf('"') >= 0)
                {
                    throw Unsupported(shell, value, "a double quote");
                }

                return "\"" + value + "\"";
            default:
                throw new ArgumentOutOfRangeException(nameof(shell));
        }
    }

    /// <summary>A PowerShell single-quoted string literal (the typographic single quotes PowerShell also accepts are doubled too).</summary>
    public static string QuotePowerShell(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var ch in value)
        {
            builder.Append(ch);
            if (ch == '\'' || ch == '\u2018' || ch == '\u2019' || ch == '\u201A' || ch == '\u201B')
            {
                builder.Append(ch);
            }
        }

        return builder.Append('\'').ToString();
    }

    /// <summary>
    /// A warning as a comment line of <paramref name="shell"/> (<c># WARNING: ...</c>, <c>REM WARNING: ...</c> in cmd), the
    /// only form in which a warning may travel with the code: <c>pwsh -Command</c> sends the warning stream to stdout, where
    /// <c>eval "$(...)"</c> would run its words. A warning with a line break or another control character is refused
    /// (<c>ShellValueUnsupported</c>): it would end the comment and run the rest.
    /// </summary>
    public static string WarningLine(ClientShell shell, string warning)
    {
        if (warning is null)
        {
            throw new ArgumentNullException(nameof(warning));
        }

        if (HasControlCharacter(warning))
        {
            throw Unsupported(shell, warning, "a line break or another control character");
        }

        return (shell == ClientShell.Cmd ? "REM" : "#") + " WARNING: " + warning;
    }

    /// <summary>The line that sets one variable.</summary>
    public static string SetLine(ClientShell shell, string name, string value)
    {
        switch (shell)
        {
            case ClientShell.Fish:
                return $"set -gx {name} {Quote(shell, value)};";
            case ClientShell.Pwsh:
            case ClientShell.PowerShell:
                return $"$env:{name} = {Quote(shell, value)}";
            case ClientShell.Cmd:
                Quote(shell, value);
                return $"SET \"{name}={value}\"";
            default:
                return $"export {name}={Quote(shell, value)}";
        }
    }

    /// <summary>The line that removes one variable (never one that sets it empty or to 0, except in cmd, where setting it empty removes it).</summary>
    public static string UnsetLine(ClientShell shell, string name)
    {
        switch (shell)
        {
            case ClientShell.Fish:
                return $"set -e {name};";
            case ClientShell.Pwsh:
            case ClientShell.PowerShell:
                return $"Remove-Item -LiteralPath 'Env:{name}' -ErrorAction Ignore";
            case ClientShell.Cmd:
                return $"SET \"{name}=\"";
            default:
                return $"unset {name}";
        }
    }

    private static string Finish(ClientShell shell, List<string> lines, string? powerShellCommand, string powerShellExecutable)
    {
        if (!string.IsNullOrEmpty(powerShellCommand))
        {
            lines.AddRange(UsageHint(shell, powerShellCommand!, powerShellExecutable));
        }

        return string.Join("\n", lines) + "\n";
    }

    // Double quotes read better around a command that holds PowerShell's single quotes, and are safe when nothing in it expands.
    private static string QuoteCommand(ClientShell shell, string command) =>
        command.IndexOfAny(new[] { '"', '$', '`', '\\', '!', '\n' }) < 0 ? "\"" + command + "\"" : Quote(shell, command);

    private static bool HasControlCharacter(string text) => TerminalText.HasControl(text);

    private static DockerTlsException Unsupported(ClientShell shell, string value, string what) =>
        new(
            "ShellValueUnsupported",
            ErrorKind.InvalidArgument,
            $"The value '{TerminalText.Clean(value)}' holds {what}, which {shell.ToString().ToLowerInvariant()} cannot take in an environment variable. "
            + "Move the certificates to a folder whose path has no such character.",
            value);
}
