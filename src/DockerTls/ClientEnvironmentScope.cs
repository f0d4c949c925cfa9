using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using DockerTls.Core.Client;
using DockerTls.Core.IO;

namespace DockerTls;

/// <summary>
/// Where Set-DockerClientEnv and Clear-DockerClientEnv make the client variables take effect: the current process, and for
/// the User scope also the user environment (Windows) or the marked block in the user's PowerShell profile (Linux, macOS).
/// </summary>
internal static class ClientEnvironmentScope
{
    public const string Process = "Process";
    public const string User = "User";

    /// <summary>
    /// The profile that every PowerShell host loads for this user: <c>$PROFILE.CurrentUserAllHosts</c>, or where PowerShell puts it
    /// (<c>$XDG_CONFIG_HOME/powershell/profile.ps1</c>, else <c>~/.config/powershell/profile.ps1</c>) when the host defines no $PROFILE.
    /// </summary>
    public static string ProfilePath(PSCmdlet cmdlet)
    {
        var profile = cmdlet.SessionState.PSVariable.GetValue("PROFILE");
        if (profile != null && PSObject.AsPSObject(profile).Properties["CurrentUserAllHosts"]?.Value is string path && path.Length > 0)
        {
            return path;
        }

        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(config))
        {
            config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        }

        return Path.Combine(config, "powershell", "profile.ps1");
    }

    /// <summary>Sets and removes the variables in this process.</summary>
    public static void ApplyToProcess(ClientEnvironment environment, Action<string> verbose)
    {
        foreach (var variable in environment.Variables)
        {
            Environment.SetEnvironmentVariable(variable.Key, variable.Value);
            verbose($"Set {variable.Key}={variable.Value} in this session.");
        }

        foreach (var name in environment.Removed)
        {
            RemoveFromProcess(name, verbose);
        }
    }

    /// <summary>Removes one variable from this process.</summary>
    public static void RemoveFromProcess(string name, Action<string> verbose)
    {
        if (Environment.GetEnvironmentVariable(name) != null)
        {
            Environment.SetEnvironmentVariable(name, null);
            verbose($"Removed {name} from this session.");
        }
    }

    /// <summary>Sets and removes the variables in the Windows user environment (new processes see them).</summary>
    public static void ApplyToWindowsUser(ClientEnvironment environment, Action<string> verbose)
    {
        // Written all together and announced to running programs once (WindowsUserEnvironment).
        WindowsUserEnvironment.Apply(WindowsUserEnvironment.Changes(environment));
        foreach (var variable in environment.Variables)
        {
            verbose($"Set {variable.Key}={variable.Value} in the user environment.");
        }
    }

    /// <summary>Removes the three variables from the Windows user environment.</summary>
    public static void ClearWindowsUser(Action<string> verbose)
    {
        var present = ClientEnvironment.VariableNames.Where(name => Environment.GetEnvironmentVariable(name, EnvironmentVariableTarget.User) != null).ToList();
        WindowsUserEnvironment.Apply(present.Select(name => new KeyValuePair<string, string?>(name, null)).ToList());
        foreach (var name in present)
        {
            verbose($"Removed {name} from the user environment.");
        }
    }

    /// <summary>Whether the User scope holds settings (the user environment on Windows, the profile block elsewhere).</summary>
    public static bool UserScopeIsSet(PSCmdlet cmdlet) =>
        PlatformInfo.IsWindows
            ? Environment.GetEnvironmentVariable(ClientEnvironment.DockerHostVariable, EnvironmentVariableTarget.User) != null
            : ProfileFile.HasBlock(ProfilePath(cmdlet));
}
