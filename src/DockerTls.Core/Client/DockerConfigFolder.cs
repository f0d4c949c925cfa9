using System;
using System.IO;
using DockerTls.Core.IO;

namespace DockerTls.Core.Client;

/// <summary>
/// Where the docker CLI keeps its configuration, contexts and (by default) its client certificates:
/// <c>$DOCKER_CONFIG</c> when set, else <c>~/.docker</c>.
/// </summary>
public static class DockerConfigFolder
{
    /// <summary>The environment variable that moves the folder.</summary>
    public const string Variable = "DOCKER_CONFIG";

    /// <summary>The folder for the given value of <c>DOCKER_CONFIG</c> and home folder.</summary>
    public static string Resolve(string? dockerConfig, string userHome) =>
        string.IsNullOrEmpty(dockerConfig) ? Path.Combine(userHome, ".docker") : UserPath.Full(dockerConfig!, Variable);

    /// <summary>The folder for this process's environment (<c>HOME</c> on Unix, <c>USERPROFILE</c> on Windows, as the CLI reads them).</summary>
    public static string Current() =>
        Resolve(Environment.GetEnvironmentVariable(Variable), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
}
