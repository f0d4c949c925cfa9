using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using DockerTls.Core.Client;

namespace DockerTls;

/// <summary>Tab completion of the context names in Docker's context store (<c>$DOCKER_CONFIG</c> or <c>~/.docker</c>).</summary>
public sealed class DockerContextNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        IReadOnlyList<string> names;
        try
        {
            names = new DockerContextStore(DockerConfigFolder.Current()).ListNames();
        }
        catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var name in names)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
            }
        }
    }
}
