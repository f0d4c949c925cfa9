namespace DockerTls.Core.Daemon;

/// <summary>A place where dockerd gets a <c>-H</c>/<c>--host</c> flag: a unit file, a drop-in or an environment file.</summary>
public sealed class HostFlagLocation
{
    /// <summary>Creates a location.</summary>
    public HostFlagLocation(string file, int line, string flag)
    {
        File = file;
        Line = line;
        Flag = flag;
    }

    /// <summary>The file that passes the flag.</summary>
    public string File { get; }

    /// <summary>The 1-based line in <see cref="File"/>; 0 where the place has no lines (a Windows service's command line).</summary>
    public int Line { get; }

    /// <summary>The flag as dockerd gets it, e.g. <c>-H fd://</c>.</summary>
    public string Flag { get; }

    /// <summary>E.g. <c>/lib/systemd/system/docker.service line 13 passes -H fd://</c>.</summary>
    public override string ToString() => Line > 0 ? $"{File} line {Line} passes {Flag}" : $"{File} passes {Flag}";
}
