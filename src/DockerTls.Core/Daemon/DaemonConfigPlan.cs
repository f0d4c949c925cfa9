using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DockerTls.Core.IO;
using DockerTls.Core.Json;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Daemon;

/// <summary>
/// Everything Set-DockerDaemonConfig will change, worked out and checked before anything is written, so that
/// -WhatIf can show it and <see cref="Apply"/> writes it all or nothing.
/// </summary>
public sealed class DaemonConfigPlan
{
    private readonly List<(string Target, byte[] Content, bool IsKey)> installs = new();
    private readonly Dictionary<string, byte[]?> seen = new(StringComparer.Ordinal); // what each target held at planning
    private readonly List<(string Path, byte[] Content, int Mode)> backups = new();

    /// <summary>The daemon.json path.</summary>
    public string Path { get; private set; } = string.Empty;

    /// <summary>The configuration before the change (empty when the file did not exist).</summary>
    public DaemonConfigFile Current { get; private set; } = null!;

    /// <summary>The configuration after the change.</summary>
    public JsonObject NewConfig { get; private set; } = null!;

    /// <summary>The bytes daemon.json will hold.</summary>
    public byte[] NewBytes { get; private set; } = Array.Empty<byte>();

    /// <summary>True when daemon.json already holds exactly these bytes.</summary>
    public bool ConfigUnchanged => Current.Exists && Current.OriginalBytes.SequenceEqual(NewBytes);

    /// <summary>The backup of daemon.json that will be written, or null.</summary>
    public string? BackupPath { get; private set; }

    /// <summary>The drop-in to write, or null.</summary>
    public string? DropInPath { get; private set; }

    /// <summary>The backup of an existing drop-in that is rewritten, or null.</summary>
    public string? DropInBackupPath { get; private set; }

    /// <summary>The drop-in's text, or null.</summary>
    public string? DropInText { get; private set; }

    /// <summary>The server certificate that will be served.</summary>
    public DockerCertificate? Certificate { get; private set; }

    /// <summary>Warnings to show before the change (Docker Desktop, SAN coverage, certificate expiry, plain TCP, live-restore).</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = Array.Empty<string>();

    /// <summary>One line per change, for -WhatIf and -Verbose, e.g. <c>set "tlsverify": true</c>.</summary>
    public IReadOnlyList<string> Changes { get; private set; } = Array.Empty<string>();

    /// <summary>The command that applies the change (TLS settings need a restart, not a reload).</summary>
    public string RestartCommand { get; private set; } = string.Empty;

    /// <summary>Works out and checks the change; throws the first problem that would break the daemon.</summary>
    /// <exception cref="DockerTlsException">
    /// <c>DaemonConfigInvalidJson</c>, <c>InsecureHost</c>, <c>DaemonHostsConflict</c>, <c>NoHostsConflict</c>, <c>InvalidDockerHost</c>,
    /// <c>ServerCertificateNotFound</c>, <c>ServerCertificateInvalid</c>, <c>ServerKeyInvalid</c>,
    /// <c>DaemonTlsFilesIncomplete</c>, <c>DockerDesktopDetected</c>.
    /// </exception>
    public static DaemonConfigPlan Create(DaemonConfigRequest request)
    {
        var plan = new DaemonConfigPlan { Path = request.Path };
        var warnings = new List<string>();
        var changes = new List<string>();

        LinkedFile.Resolve(System.IO.Path.GetFullPath(request.Path)); // a dangling or hostile link is refused before it is read
        plan.Current = DaemonConfigFile.Load(request.Path);
        var units = request.SystemdRoot is null ? null : SystemdUnits.Load(request.SystemdRoot);

        var (verdict, evidence) = DockerDesktopDetector.AssessCurrent(request.Path, request.PathGiven,
            plan.Current.Exists || (units?.HasDockerService ?? false));
        if (verdict == DesktopVerdict.Refuse)
        {
            throw new DockerTlsException(DaemonErrorIds.DockerDesktopDetected, ErrorKind.InvalidOperation,
                $"Docker Desktop{(evidence is null ? string.Empty : $" ({evidence})")} manages this daemon. {DockerDesktopDetector.Advice} Nothing was written.", request.Path);
        }

        if (verdict == DesktopVerdict.Warn)
        {
            warnings.Add($"Docker Desktop is installed ({evidence}). This changes '{request.Path}', the configuration of Docker Engine, not of Docker Desktop's VM.");
        }

        // The TLS files: installed from -CertPath, named one by one, or already in the destination.
        var hasFiles = request.TlsCACert is not null || request.TlsCert is not null || request.TlsKey is not null;
        if (hasFiles && (request.TlsCACert is null || request.TlsCert is null || request.TlsKey is null))
        {
            throw new DockerTlsException(DaemonErrorIds.DaemonTlsFilesIncomplete, ErrorKind.InvalidArgument,
                "Give all three of -TlsCACert, -TlsCert and -TlsKey, or a -CertPath folder holding ca.pem, server-cert.pem and server-key.pem. Nothing was written.");
        }

        string caTarget, certTarget, keyTarget, caSource, certSource, keySource;
        if (hasFiles)
        {
            caTarget = caSource = request.TlsCACert!;
            certTarget = certSource = request.TlsCert!;
            keyTarget = keySource = request.TlsKey!;
        }
        else
        {
            var source = request.CertPath ?? request.CertDestination;
            caSource = System.IO.Path.Combine(source, DaemonPaths.CACertificateFileName);
            certSource = System.IO.Path.Combine(source, DaemonPaths.ServerCertificateFileName);
            keySource = System.IO.Path.Combine(source, DaemonPaths.ServerKeyFileName);
            caTarget = System.IO.Path.Combine(request.CertDestination, DaemonPaths.CACertificateFileName);
            certTarget = System.IO.Path.Combine(request.CertDestination, DaemonPaths.ServerCertificateFileName);
            keyTarget = System.IO.Path.Combine(request.CertDestination, DaemonPaths.ServerKeyFileName);
        }

        // What is checked is what gets installed: the bytes read before the check, the same after it.
        var held = ReadSources(caSource, certSource, keySource);
        var (certificate, problems) = ServerCertificateCheck.Assess(caSource, certSource, keySource, request.Now.ToUniversalTime());
        var blocking = problems.FirstOrDefault(p => p.Id is not ("ServerCertificateExpiring" or DaemonErrorIds.ServerCertificateNotStrict));
        if (blocking is not null)
        {
            var kind = blocking.Id == DaemonErrorIds.ServerCertificateNotFound ? ErrorKind.ObjectNotFound : ErrorKind.InvalidData;
            throw new DockerTlsException(blocking.Id, kind, blocking.Message + " Nothing was written.", certSource);
        }

        var reread = ReadSources(caSource, certSource, keySource);
        if (held is null || reread is null || !held.Zip(reread, (a, b) => a.SequenceEqual(b)).All(same => same))
        {
            throw new DockerTlsException(DaemonErrorIds.ServerFilesChanged, ErrorKind.InvalidOperation,
                $"The server files in '{System.IO.Path.GetDirectoryName(certSource)}' changed while they were being checked (another command is writing them). Nothing was written. Run again when it has finished.", certSource);
        }

        warnings.AddRange(problems.Select(p => p.Message));
        plan.Certificate = certificate;

        var sources = new[] { (caSource, caTarget, false, held[0]), (certSource, certTarget, false, held[1]), (keySource, keyTarget, true, held[2]) };
        foreach (var (src, dst, isKey, bytes) in sources)
        {
            var installed = SafeFile.TryReadAllBytes(dst, SafeFile.Pem);
            if (!SamePath(src, dst) && !(installed is not null && installed.SequenceEqual(bytes)))
            {
                plan.installs.Add((dst, bytes, isKey));
                plan.seen[dst] = installed;
                changes.Add($"install '{src}' as '{dst}'{(isKey ? " (0400)" : " (0444)")}");
                if (!request.NoBackup && installed is not null)
                {
                    var backup = BackupName(dst, request.Now);
                    plan.backups.Add((backup, installed, isKey ? FileModes.Key : FileModes.Certificate));
                    changes.Add($"back up '{dst}' as '{backup}'");
                }
            }
        }

        // hosts, and what would make them unsafe or make dockerd refuse to start.
        if (request.NoHosts && (request.DockerHost.Count > 0 || request.NoLocalSocket || request.ConfigureSystemd))
        {
            var other = request.DockerHost.Count > 0 ? "-DockerHost" : request.NoLocalSocket ? "-NoLocalSocket" : "-ConfigureSystemd";
            throw new DockerTlsException(DaemonErrorIds.NoHostsConflict, ErrorKind.InvalidArgument,
                $"-NoHosts leaves \"hosts\" out of daemon.json, so that dockerd takes its hosts from its command line; {other} only applies to \"hosts\" in daemon.json. Use one or the other. Nothing was written.");
        }

        var hosts = request.NoHosts ? Array.Empty<string>() : DaemonTlsSettings.BuildHosts(request.DockerHost, !request.NoLocalSocket, request.Platform);
        var plain = DaemonTlsSettings.FindPlainTcpHosts(hosts, TlsMode.TlsVerify);
        if (plain.Count > 0)
        {
            if (!request.AllowInsecure)
            {
                throw new DockerTlsException(DaemonErrorIds.InsecureHost, ErrorKind.SecurityError,
                    $"'{plain[0]}' uses port 2375, Docker's port for plain HTTP; clients connect there without TLS, and anyone who can reach an unprotected port is root on this host. Use port 2376 (the default), or add -AllowInsecure if you really mean it. Nothing was written.",
                    plain[0]);
            }

            warnings.Add($"'{string.Join("', '", plain)}' uses port 2375, which clients take for plain HTTP. Anyone who can reach an unprotected Docker port is root on this host; use it only for testing.");
        }

        if (certificate is not null)
        {
            var missing = ServerCertificateCheck.MissingNames(certificate, LocalIdentity.NamesFor(hosts));
            if (missing.Count > 0)
            {
                warnings.Add($"The server certificate does not list {string.Join(", ", missing)} (it lists {string.Join(", ", certificate.DnsNames.Concat(certificate.IPAddresses))}); clients connecting by those names get 'x509: certificate is valid for ..., not ...'. Issue one that lists them with New-DockerServerCert -DnsName ... -IPAddress ....");
            }
        }

        if (request.NoHosts)
        {
            if (units is not null && units.HasDockerService && units.HostFlags.Count == 0)
            {
                warnings.Add("dockerd's command line (its systemd unit and /etc/default/docker) has no -H, so with no \"hosts\" in daemon.json it listens on its local socket only and no client reaches it over TCP. Give it -H fd:// with the socket unit of New-DockerSystemdUnit -Kind Socket, or run Set-DockerDaemonConfig without -NoHosts.");
            }
        }
        else if (units is not null && units.HostFlags.Count > 0)
        {
            if (!request.ConfigureSystemd)
            {
                var flag = units.HostFlags[0];
                throw new DockerTlsException(DaemonErrorIds.DaemonHostsConflict, ErrorKind.InvalidOperation,
                    $"{flag}, so with \"hosts\" in daemon.json dockerd would refuse to start ('the following directives are specified both as a flag and in the configuration file: hosts'). Add -ConfigureSystemd to write the drop-in '{SystemdUnits.FullPath(request.SystemdRoot!, SystemdUnits.DropInRelativePath)}' that resets ExecStart= without -H and keeps every other flag, or add -NoHosts to keep the flag and leave \"hosts\" out of daemon.json. Nothing was written.",
                    flag.File);
            }

            plan.DropInPath = SystemdUnits.FullPath(request.SystemdRoot!, SystemdUnits.DropInRelativePath);
            plan.seen[plan.DropInPath] = SafeFile.TryReadAllBytes(plan.DropInPath, SafeFile.SystemdUnit);
            plan.DropInText = units.DropInText(SafeFile.TryReadAllText(plan.DropInPath, SafeFile.SystemdUnit));
            var after = SystemdUnits.Load(request.SystemdRoot!, new Dictionary<string, string> { [SystemdUnits.DropInRelativePath] = plan.DropInText });
            if (after.HostFlags.Count > 0)
            {
                var flag = after.HostFlags[0];
                throw new DockerTlsException(DaemonErrorIds.DaemonHostsConflict, ErrorKind.InvalidOperation,
                    $"{flag}, which the drop-in '{plan.DropInPath}' cannot reset; dockerd would refuse to start with \"hosts\" in daemon.json. Remove that flag, then run again. Nothing was written.",
                    flag.File);
            }

            changes.Add($"write the systemd drop-in '{plan.DropInPath}': ExecStart={after.DockerdCommand?.WithoutHostFlags()}");
            var oldDropIn = plan.seen[plan.DropInPath];
            if (!request.NoBackup && oldDropIn is not null && !oldDropIn.SequenceEqual(new System.Text.UTF8Encoding(false).GetBytes(plan.DropInText)))
            {
                plan.DropInBackupPath = BackupName(plan.DropInPath, request.Now);
                changes.Add($"back up '{plan.DropInPath}' as '{plan.DropInBackupPath}'");
            }
        }

        // daemon.json itself.
        var settings = new DaemonTlsSettings(caTarget, certTarget, keyTarget, request.NoHosts ? null : hosts);
        plan.NewConfig = plan.Current.Merge(settings);
        plan.NewBytes = DaemonConfigFile.Serialize(plan.NewConfig);
        foreach (var member in plan.NewConfig.Members)
        {
            var before = plan.Current.Root[member.Key];
            var now = JsonText.Write(member.Value, indented: false);
            if (before is null || JsonText.Write(before, indented: false) != now)
            {
                changes.Add($"set \"{member.Key}\": {now}");
            }
        }

        foreach (var member in plan.Current.Root.Members.Where(m => !plan.NewConfig.ContainsKey(m.Key)))
        {
            changes.Add($"remove \"{member.Key}\": {JsonText.Write(member.Value, indented: false)}");
        }

        if (!plan.ConfigUnchanged)
        {
            if (!plan.Current.Exists)
            {
                changes.Add($"create '{request.Path}'");
            }
            else if (!request.NoBackup)
            {
                plan.BackupPath = BackupName(request.Path, request.Now);
                changes.Add($"back up '{request.Path}' as '{plan.BackupPath}'");
            }
        }

        if (!plan.Current.LiveRestore)
        {
            warnings.Add("\"live-restore\" is off: restarting the daemon to apply TLS stops every running container. Add \"live-restore\": true to daemon.json first, or restart at a quiet time.");
        }

        plan.RestartCommand = DaemonPaths.RestartCommand(request.Platform, units?.HasDockerService ?? false);
        plan.Warnings = warnings;
        plan.Changes = changes;
        plan.Transaction().CheckTargets(); // -WhatIf meets what a real run would: no permission, a read-only file system
        return plan;
    }

    /// <summary>Writes the server files, daemon.json, the drop-in and the backups, all or none; returns the paths written.</summary>
    public IReadOnlyList<string> Apply(Action<string, string>? onWritten = null)
    {
        var transaction = Transaction();
        if (onWritten is not null)
        {
            transaction.FileWritten += onWritten;
        }

        return transaction.Commit();
    }

    private FileTransaction Transaction()
    {
        var transaction = new FileTransaction(overwrite: true, destinationParameter: null);

        foreach (var (path, content, mode) in backups)
        {
            transaction.AddFile(path, content, mode);
        }

        foreach (var (target, bytes, isKey) in installs)
        {
            if (isKey)
            {
                transaction.AddKey(target, bytes);
            }
            else
            {
                transaction.AddCertificate(target, bytes);
            }
        }

        // daemon.json and the drop-in keep their owner, group and mode, and so do their backups.
        if (!ConfigUnchanged)
        {
            if (BackupPath is not null)
            {
                transaction.AddBackup(BackupPath, Path, Current.OriginalBytes, FileModes.PublicFile);
            }

            transaction.AddRewrite(Path, NewBytes, FileModes.PublicFile);
        }

        if (DropInPath is not null && DropInText is not null)
        {
            if (DropInBackupPath is not null && seen.TryGetValue(DropInPath, out var oldDropIn) && oldDropIn is not null)
            {
                transaction.AddBackup(DropInBackupPath, DropInPath, oldDropIn, FileModes.PublicFile);
            }

            transaction.AddRewrite(DropInPath, new System.Text.UTF8Encoding(false).GetBytes(DropInText), FileModes.PublicFile);
        }

        // Another writer's change since the plan was made stops this one (TargetChanged) instead of being lost.
        transaction.Expect(Path, Current.Exists ? Current.OriginalBytes : null);
        foreach (var target in seen) transaction.Expect(target.Key, target.Value);
        return transaction;
    }

    /// <summary><c>&lt;path&gt;.&lt;yyyyMMddHHmmss&gt;.bak</c>, with a counter when that name is taken.</summary>
    public static string BackupName(string path, DateTime now)
    {
        var stamp = now.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var name = $"{path}.{stamp}.bak";
        for (var i = 2; File.Exists(name); i++)
        {
            name = $"{path}.{stamp}-{i}.bak";
        }

        return name;
    }

    // The three source files' bytes, or null when one cannot be read (the check that follows names why).
    private static byte[][]? ReadSources(params string[] paths)
    {
        try
        {
            return paths.Select(path => SafeFile.ReadAllBytes(path, SafeFile.Pem)).ToArray();
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is DockerTlsException)
        {
            return null;
        }
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(System.IO.Path.GetFullPath(a), System.IO.Path.GetFullPath(b), PlatformInfo.IsWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
