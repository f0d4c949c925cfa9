using System;
using System.Linq;
using System.Management.Automation;
using DockerTls.Core;
using DockerTls.Core.Client;
using DockerTls.Core.IO;

namespace DockerTls.Commands;

[Cmdlet(VerbsCommon.Clear, "DockerClientEnv", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class ClearDockerClientEnvCommand : DockerTlsCmdlet
{
    [Parameter]
    [ValidateSet(ClientEnvironmentScope.Process, ClientEnvironmentScope.User, IgnoreCase = true)]
    public string Scope { get; set; } = ClientEnvironmentScope.Process;

    protected override void ProcessRecord()
    {
        try
        {
            var names = string.Join(", ", ClientEnvironment.VariableNames);
            var user = string.Equals(Scope, ClientEnvironmentScope.User, StringComparison.OrdinalIgnoreCase);
            var nothingSet = ClientEnvironment.VariableNames.All(n => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(n)))
                && (!user || !ClientEnvironmentScope.UserScopeIsSet(this));
            if (WhatIfNothingToChange(nothingSet, $"none of {names} is set" + (user ? " in this session or for the user." : " in this session."))) return;
            if (string.Equals(Scope, ClientEnvironmentScope.User, StringComparison.OrdinalIgnoreCase))
            {
                if (PlatformInfo.IsWindows)
                {
                    if (!ShouldProcess("the user environment and this session", "Remove " + names))
                    {
                        return;
                    }

                    ClientEnvironmentScope.ClearWindowsUser(WriteVerbose);
                }
                else
                {
                    var profile = ClientEnvironmentScope.ProfilePath(this);
                    if (!ShouldProcess($"the profile '{profile}' and this session", "Remove the DockerTls block and " + names))
                    {
                        return;
                    }

                    if (ProfileFile.RemoveBlock(profile, VerboseFileWritten))
                    {
                        WriteVerbose($"Removed the DockerTls block from '{profile}'.");
                    }
                }
            }
            else
            {
                if (!ShouldProcess("this PowerShell session", "Remove " + names))
                {
                    return;
                }

                if (ClientEnvironmentScope.UserScopeIsSet(this))
                {
                    WriteWarning("Settings saved with Set-DockerClientEnv -Scope User will come back in new sessions; run Clear-DockerClientEnv -Scope User to remove them too.");
                }
            }

            foreach (var name in ClientEnvironment.VariableNames)
            {
                ClientEnvironmentScope.RemoveFromProcess(name, WriteVerbose);
            }
        }
        catch (DockerTlsException e)
        {
            ThrowTerminating(e);
        }
    }
}
