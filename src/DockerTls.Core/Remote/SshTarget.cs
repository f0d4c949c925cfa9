using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace DockerTls.Core.Remote;

/// <summary>
/// A host reached with the OpenSSH client on PATH, named as New-PSSession's SSH parameters name it (HostName,
/// UserName, Port, KeyFilePath, Options). Host keys are checked against known_hosts as ssh does, never skipped;
/// the session is non-interactive (BatchMode), without a terminal, agent or X11 forwarding.
/// </summary>
public sealed class SshTarget
{
    private static readonly Regex OptionName = new("^[A-Za-z][A-Za-z0-9]*$", RegexOptions.CultureInvariant);
    private readonly List<KeyValuePair<string, string>> options;

    /// <summary>Makes a target; a value ssh would misread (a leading '-', a control character) is <c>SshTargetInvalid</c>.</summary>
    public SshTarget(string hostName, string? userName = null, int port = 0, string? keyFilePath = null, IEnumerable<KeyValuePair<string, string>>? options = null)
    {
        HostName = Word(hostName, "-HostName", allowEmpty: false)!;
        UserName = Word(userName, "-UserName", allowEmpty: true);
        if (port < 0 || port > 65535) throw Invalid($"-Port {port} is not a TCP port (1 to 65535).", port);
        Port = port;
        KeyFilePath = string.IsNullOrEmpty(keyFilePath) ? null : keyFilePath;
        if (KeyFilePath is not null && TerminalText.HasControl(KeyFilePath)) throw Invalid("-KeyFilePath holds a control character.", KeyFilePath);
        this.options = (options ?? Enumerable.Empty<KeyValuePair<string, string>>()).Select(CheckOption).ToList();
    }

    /// <summary>The host as ssh is given it (a name, an address, or a Host alias of ssh_config).</summary>
    public string HostName { get; }

    /// <summary>The login (-l), or null for ssh's own choice.</summary>
    public string? UserName { get; }

    /// <summary>The port (-p), or 0 for ssh's own choice (22 or ssh_config's).</summary>
    public int Port { get; }

    /// <summary>The private key file (-i), or null.</summary>
    public string? KeyFilePath { get; }

    /// <summary>Further ssh options (-o Name=Value), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Options => options;

    /// <summary>The ssh program: <c>ssh</c> on PATH unless set.</summary>
    public string SshProgram { get; set; } = "ssh";

    /// <summary>How long ssh waits for the TCP connection (ConnectTimeout).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The arguments of one ssh run of <paramref name="remoteCommand"/>.</summary>
    internal IReadOnlyList<string> Arguments(string remoteCommand)
    {
        var args = new List<string> { "-T", "-a", "-x", "-o", "BatchMode=yes" };
        // ssh keeps the first value it gets for an option, and the command line comes before every ssh_config:
        // checking stays on (a user's own choice of accept-new in -Options is kept; "no" was refused).
        if (!options.Any(o => o.Key.Equals("StrictHostKeyChecking", StringComparison.OrdinalIgnoreCase)))
            args.AddRange(new[] { "-o", "StrictHostKeyChecking=yes" });
        args.AddRange(new[] { "-o", "ConnectTimeout=" + Math.Max(1, (int)ConnectTimeout.TotalSeconds) });
        // Win32-OpenSSH has no multiplexing, and a ControlPath from ssh_config makes it fail (FIELD-NOTES, "A fleet over SSH").
        if (IO.PlatformInfo.IsWindows) args.AddRange(new[] { "-o", "ControlMaster=no", "-o", "ControlPath=none" });
        foreach (var option in options) args.AddRange(new[] { "-o", option.Key + "=" + option.Value });
        if (Port > 0) args.AddRange(new[] { "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        if (KeyFilePath is not null) args.AddRange(new[] { "-i", KeyFilePath });
        if (UserName is not null) args.AddRange(new[] { "-l", UserName });
        args.Add("--");
        args.Add(HostName);
        args.Add(remoteCommand);
        return args;
    }

    /// <inheritdoc/>
    public override string ToString() => (UserName is null ? string.Empty : UserName + "@") + HostName + (Port > 0 ? ":" + Port : string.Empty);

    private static KeyValuePair<string, string> CheckOption(KeyValuePair<string, string> option)
    {
        if (option.Key is null || !OptionName.IsMatch(option.Key)) throw Invalid($"'{TerminalText.Clean(option.Key)}' in -Options is not an ssh option name (letters and digits, as in ssh_config).", option.Key);
        var value = option.Value ?? string.Empty;
        if (TerminalText.HasControl(value)) throw Invalid($"The value of {option.Key} in -Options holds a control character.", option.Key);
        if (option.Key.Equals("StrictHostKeyChecking", StringComparison.OrdinalIgnoreCase) && (value.Equals("no", StringComparison.OrdinalIgnoreCase) || value.Equals("off", StringComparison.OrdinalIgnoreCase)))
        {
            throw new DockerTlsException(SshErrorIds.SshHostKeyCheckingOff, ErrorKind.SecurityError,
                "-Options StrictHostKeyChecking=no would send keys to whatever answers at that address. Nothing was sent. Add the host's key to known_hosts (check its fingerprint with the host's own 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub'), or use StrictHostKeyChecking=accept-new for a host never seen before.", option.Key);
        }

        return new KeyValuePair<string, string>(option.Key, value);
    }

    private static string? Word(string? value, string parameter, bool allowEmpty)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (allowEmpty) return null;
            throw Invalid($"{parameter} is empty; give the host's name or address.", value);
        }

        if (value![0] == '-' || value.Any(c => char.IsWhiteSpace(c) || TerminalText.IsControl(c)))
            throw Invalid($"{parameter} '{TerminalText.Clean(value)}' starts with '-' or holds a space or a control character, which ssh would read as something else.", value);
        return value;
    }

    private static DockerTlsException Invalid(string message, object? target) =>
        new(SshErrorIds.SshTargetInvalid, ErrorKind.InvalidArgument, message + " Nothing was sent.", target);
}
