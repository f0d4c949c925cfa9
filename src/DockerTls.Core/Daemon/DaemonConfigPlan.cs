using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;
using DockerTls.Core.Json;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Daemon;

/// <summary>
/// Everything Set-DockerDaemonConfig will change on one host, worked out and checked before anything is written, so
/// that -WhatIf can show it and <see cref="Apply"/> writes it all or nothing: <see cref="Files"/> holds the very
/// bytes that were checked, and what each target held when it was read.
/// </summary>
public sealed class DaemonConfigPlan
{
    private readonly DaemonConfigRequest request;
    private readonly List<string> warnings = new();
    private readonly List<string> changes = new();
    private readonly List<HostFileChange> installBackups = new();
    private readonly List<HostFileChange> installs = new();
    private readonly Dictionary<string, byte[]?> seen = new(StringComparer.Ordinal); // what each target held at planning
    private byte[]? oldDropIn;

    private DaemonConfigPlan(IDaemonHost host, DaemonConfigRequest request)
    {
        Host = host;
        this.request = request;
        Path = request.Path;
    }

    /// <summary>The host the plan is for.</summary>
    public IDaemonHost Host { get; }

    /// <summary>The daemon.json path.</summary>
    public string Path { get; }

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
    public IReadOnlyList<string> Warnings => warnings;

    /// <summary>One line per change, for -WhatIf and -Verbose, e.g. <c>set "tlsverify": true</c>.</summary>
    public IReadOnlyList<string> Changes => changes;

    /// <summary>The files <see cref="Apply"/> writes, with what each target held when the plan read it.</summary>
    public HostFileChanges Files { get; private set; } = new();

    /// <summary>The command that applies the change (TLS settings need a restart, not a reload).</summary>
    public string RestartCommand { get; private set; } = string.Empty;

    /// <summary>Works out and checks the change on <paramref name="host"/>; throws the first problem that would break the daemon.</summary>
    /// <exception cref="DockerTlsException">
    /// <c>DaemonConfigInvalidJson</c>, <c>InsecureHost</c>, <c>DaemonHostsConflict</c>, <c>NoHostsConflict</c>, <c>InvalidDockerHost</c>,
    /// <c>ServerCertificateNotFound</c>, <c>ServerCertificateInvalid</c>, <c>ServerKeyInvalid</c>,
    /// <c>DaemonTlsFilesIncomplete</c>, <c>DockerDesktopDetected</c>.
    /// </exception>
    public static DaemonConfigPlan Create(IDaemonHost host, DaemonConfigRequest request)
    {
        var plan = new DaemonConfigPlan(host, request);
        plan.Current = DaemonConfigFile.Load(host, request.Path);
        var units = request.SystemdRoot is null ? null : SystemdUnits.Load(host, request.SystemdRoot);
        plan.CheckDockerDesktop(units);
        var source = ServerFileSources.Of(request, host);
        var hosts = plan.Hosts();
        var files = ServerTlsFiles.Read(source.From, source.CA, source.Cert, source.Key);
        var assessment = DaemonAssessment.Assess(new DaemonSetup
        {
            Platform = host.Platform,
            Hosts = hosts,
            TlsMode = TlsMode.TlsVerify,
            TlsPaths = (source.CATarget, source.CertTarget, source.KeyTarget),
            ServerFiles = files,
            Units = units,
            Service = request.WindowsService,
            AllowInsecure = request.AllowInsecure,
            DropInPlanned = request.ConfigureSystemd,
            NowUtc = request.Now.ToUniversalTime(),
        });
        Stop(assessment.FirstBlocking, source.Cert);
        plan.Certificate = assessment.Certificate;
        plan.warnings.AddRange(assessment.Warnings.Select(f => f.Message));
        plan.WarnMissingNames(hosts);
        plan.PlanInstall(source, files.CA!, source.CATarget, HostFileKind.Certificate);
        plan.PlanInstall(source, files.Cert!, source.CertTarget, HostFileKind.Certificate);
        plan.PlanInstall(source, files.Key!, source.KeyTarget, HostFileKind.Key);
        plan.PlanDropIn(units);
        plan.PlanDaemonJson(new DaemonTlsSettings(source.CATarget, source.CertTarget, source.KeyTarget, request.NoHosts ? null : hosts));
        if (!plan.Current.LiveRestore)
        {
            plan.warnings.Add("\"live-restore\" is off: restarting the daemon to apply TLS stops every running container. Add \"live-restore\": true to daemon.json first, or restart at a quiet time.");
        }

        plan.RestartCommand = DaemonPaths.RestartCommand(host.Platform, units?.HasDockerService ?? false);
        plan.Files = plan.BuildFiles();
        host.Check(plan.Files); // -WhatIf meets what a real run would: no permission, a read-only file system
        return plan;
    }

    /// <summary>Writes exactly <see cref="Files"/> on the host, all or none; returns the paths written.</summary>
    public IReadOnlyList<string> Apply(Action<string, string>? onWritten = null) => Host.Commit(Files, onWritten);

    /// <summary><see cref="Apply"/>, then <paramref name="argv"/> on the host once every file is written (the restart), in one login over SSH.</summary>
    public (IReadOnlyList<string> Written, HostCommandResult Then) ApplyThenRun(IReadOnlyList<string> argv, TimeSpan timeout, Action<string, string>? onWritten = null) =>
        Host.CommitThenRun(Files, argv, timeout, onWritten);

    private void CheckDockerDesktop(SystemdUnits? units)
    {
        var (verdict, evidence) = DockerDesktopDetector.AssessHost(Host, request.Path, request.PathGiven, Current.Exists || (units?.HasDockerService ?? false));
        if (verdict == DesktopVerdict.Refuse)
        {
            throw new DockerTlsException(DaemonErrorIds.DockerDesktopDetected, ErrorKind.InvalidOperation,
                $"Docker Desktop{(evidence is null ? string.Empty : $" ({evidence})")} manages this daemon. {DockerDesktopDetector.Advice} Nothing was written.", request.Path);
        }

        if (verdict == DesktopVerdict.Warn)
        {
            warnings.Add($"Docker Desktop is installed ({evidence}). This changes '{request.Path}', the configuration of Docker Engine, not of Docker Desktop's VM.");
        }
    }

    // The hosts daemon.json will list; -NoHosts with a parameter that shapes them is a contradiction.
    private IReadOnlyList<string> Hosts()
    {
        if (request.NoHosts && (request.DockerHost.Count > 0 || request.NoLocalSocket || request.ConfigureSystemd))
        {
            var other = request.DockerHost.Count > 0 ? "-DockerHost" : request.NoLocalSocket ? "-NoLocalSocket" : "-ConfigureSystemd";
            throw new DockerTlsException(DaemonErrorIds.NoHostsConflict, ErrorKind.InvalidArgument,
                $"-NoHosts leaves \"hosts\" out of daemon.json, so that dockerd takes its hosts from its command line; {other} only applies to \"hosts\" in daemon.json. Use one or the other. Nothing was written.");
        }

        return request.NoHosts ? Array.Empty<string>() : DaemonTlsSettings.BuildHosts(request.DockerHost, !request.NoLocalSocket, Host.Platform);
    }

    // The first blocking finding stops the plan, with "Nothing was written." after its sentence.
    private static void Stop(DaemonConfigProblem? blocking, string serverCertificate)
    {
        if (blocking is null) return;
        var kind = blocking.Id switch
        {
            DaemonErrorIds.ServerCertificateNotFound => ErrorKind.ObjectNotFound,
            DaemonErrorIds.ServerCertificateInvalid or DaemonErrorIds.ServerKeyInvalid => ErrorKind.InvalidData,
            DaemonErrorIds.InsecureHost => ErrorKind.SecurityError,
            DaemonErrorIds.InvalidDockerHost => ErrorKind.InvalidArgument,
            _ => ErrorKind.InvalidOperation,
        };
        throw new DockerTlsException(blocking.Id, kind, blocking.Message + " Nothing was written.", blocking.Target ?? serverCertificate);
    }

    private void WarnMissingNames(IReadOnlyList<string> hosts)
    {
        if (Certificate is null) return;
        var missing = ServerCertificateCheck.MissingNames(Certificate, LocalIdentity.NamesOf(Host, hosts));
        if (missing.Count > 0)
        {
            warnings.Add($"The server certificate does not list {string.Join(", ", missing)} (it lists {string.Join(", ", Certificate.DnsNames.Concat(Certificate.IPAddresses))}); clients connecting by those names get 'x509: certificate is valid for ..., not ...'. Issue one that lists them with New-DockerServerCert -DnsName ... -IPAddress ....");
        }
    }

    // What is checked is what gets installed: the bytes read once, checked, and planned.
    private void PlanInstall(ServerFileSources source, PemFile file, string target, HostFileKind kind)
    {
        var installed = Host.TryReadFile(target, SafeFile.Pem);
        if (source.SameFile(file.Path, target) || (installed is not null && installed.SequenceEqual(file.Bytes)))
        {
            // Left alone, but still part of the set: another writer that replaces it before the commit stops this one.
            if (installed is not null) seen[target] = installed;
            return;
        }

        var isKey = kind == HostFileKind.Key;
        var mode = isKey ? FileModes.Key : FileModes.Certificate;
        installs.Add(new HostFileChange(target, file.Bytes, kind, mode));
        seen[target] = installed;
        changes.Add($"install '{file.Path}' as '{target}'{(isKey ? " (0400)" : " (0444)")}");
        if (!request.NoBackup && installed is not null)
        {
            var backup = BackupName(target);
            installBackups.Add(new HostFileChange(backup, installed, HostFileKind.File, mode));
            changes.Add($"back up '{target}' as '{backup}'");
        }
    }

    // -ConfigureSystemd: the drop-in that resets ExecStart= without -H, checked by reading the units as they will be.
    private void PlanDropIn(SystemdUnits? units)
    {
        if (!request.ConfigureSystemd || request.NoHosts || units is null || units.HostFlags.Count == 0)
        {
            return;
        }

        var path = units.FullPath(SystemdUnitFile.DropInRelativePath);
        DropInPath = path;
        oldDropIn = Host.TryReadFile(path, SafeFile.SystemdUnit);
        seen[path] = oldDropIn;
        DropInText = SystemdUnitFile.DropInText(units, oldDropIn is null ? null : Utf8Text.Decode(path, oldDropIn));
        var after = SystemdUnits.Load(Host, units.Root, new Dictionary<string, string> { [SystemdUnitFile.DropInRelativePath] = DropInText });
        Stop(DaemonAssessment.FlagsTheDropInCannotReset(after, path), path);

        changes.Add($"write the systemd drop-in '{path}': ExecStart={after.DockerdCommand?.WithoutHostFlags()}");
        if (!request.NoBackup && oldDropIn is not null && !oldDropIn.SequenceEqual(Utf8(DropInText)))
        {
            DropInBackupPath = BackupName(path);
            changes.Add($"back up '{path}' as '{DropInBackupPath}'");
        }
    }

    private void PlanDaemonJson(DaemonTlsSettings settings)
    {
        NewConfig = Current.Merge(settings);
        NewBytes = DaemonConfigFile.Serialize(NewConfig);
        foreach (var member in NewConfig.Members)
        {
            var before = Current.Root[member.Key];
            var now = JsonText.Write(member.Value, indented: false);
            if (before is null || JsonText.Write(before, indented: false) != now)
            {
                changes.Add($"set \"{member.Key}\": {now}");
            }
        }

        foreach (var member in Current.Root.Members.Where(m => !NewConfig.ContainsKey(m.Key)))
        {
            changes.Add($"remove \"{member.Key}\": {JsonText.Write(member.Value, indented: false)}");
        }

        if (ConfigUnchanged)
        {
            return;
        }

        if (!Current.Exists)
        {
            changes.Add($"create '{Path}'");
        }
        else if (!request.NoBackup)
        {
            BackupPath = BackupName(Path);
            changes.Add($"back up '{Path}' as '{BackupPath}'");
        }
    }

    // Backups first, then the server files, daemon.json and the drop-in; daemon.json and the drop-in keep their
    // owner, group and mode, and so do their backups.
    private HostFileChanges BuildFiles()
    {
        var files = new HostFileChanges();
        foreach (var change in installBackups.Concat(installs)) files.Add(change);
        if (!ConfigUnchanged)
        {
            if (BackupPath is not null) files.Add(new HostFileChange(BackupPath, Current.OriginalBytes, HostFileKind.Backup, FileModes.PublicFile, Path));
            files.Add(new HostFileChange(Path, NewBytes, HostFileKind.Rewrite, FileModes.PublicFile));
        }

        if (DropInPath is not null && DropInText is not null)
        {
            if (DropInBackupPath is not null && oldDropIn is not null) files.Add(new HostFileChange(DropInBackupPath, oldDropIn, HostFileKind.Backup, FileModes.PublicFile, DropInPath));
            files.Add(new HostFileChange(DropInPath, Utf8(DropInText), HostFileKind.Rewrite, FileModes.PublicFile));
        }

        // Another writer's change since the plan was made stops this one (TargetChanged) instead of being lost.
        files.Expect(Path, Current.Exists ? Current.OriginalBytes : null);
        foreach (var target in seen) files.Expect(target.Key, target.Value);
        return files;
    }

    private string BackupName(string path) => BackupFileName.Next(path, request.Now, Host.Exists);

    private static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);
}
