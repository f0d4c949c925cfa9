using System;
using System.Globalization;

namespace DockerTls.Core.IO;

/// <summary>The name of a backup beside the file it keeps: <c>&lt;path&gt;.&lt;yyyyMMddHHmmss&gt;.bak</c>, with a counter when that name is taken.</summary>
public static class BackupFileName
{
    private const int MaxTries = 1000;

    /// <summary>The first free name for a backup of <paramref name="path"/> made at <paramref name="now"/>; <paramref name="taken"/> tells which names exist.</summary>
    public static string Next(string path, DateTime now, Func<string, bool> taken)
    {
        var stamp = now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var name = $"{path}.{stamp}.bak";
        for (var i = 2; taken(name); i++)
        {
            if (i > MaxTries)
                throw new DockerTlsException("BackupNamesExhausted", ErrorKind.ResourceExists,
                    $"'{path}' has {MaxTries} backups made in the second {stamp}. Nothing was written. Remove some of them and run again.", path);
            name = $"{path}.{stamp}-{i}.bak";
        }

        return name;
    }
}
