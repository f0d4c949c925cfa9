namespace DockerTls.HelpBuilder;

/// <summary>One cmdlet's help, as read from its PlatyPS-schema page.</summary>
internal sealed class CommandHelp
{
    public required string Name { get; init; }
    public required IReadOnlyList<TextBlock> Synopsis { get; init; }
    public required IReadOnlyList<TextBlock> Description { get; init; }
    /// <summary>The parameter sets of the SYNTAX section, in its order.</summary>
    public required IReadOnlyList<SyntaxSet> ParameterSets { get; init; }
    public required IReadOnlyList<ParameterHelp> Parameters { get; init; }
    public required IReadOnlyList<ExampleHelp> Examples { get; init; }
    public required IReadOnlyList<TypeHelp> Inputs { get; init; }
    public required IReadOnlyList<TypeHelp> Outputs { get; init; }
    public required IReadOnlyList<TextBlock> Notes { get; init; }
    public required IReadOnlyList<LinkHelp> RelatedLinks { get; init; }
    public string? HelpUri { get; init; }
}

/// <summary>A parameter: its prose plus the fields of its yaml block.</summary>
internal sealed class ParameterHelp
{
    public required string Name { get; init; }
    public required IReadOnlyList<TextBlock> Description { get; init; }
    public required string Type { get; init; }
    public string? DefaultValue { get; init; }
    public bool SupportsWildcards { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public IReadOnlyList<string> AcceptedValues { get; init; } = [];
    public bool DontShow { get; init; }
    public required IReadOnlyList<ParameterSetMembership> Sets { get; init; }

    public bool IsSwitch => Type is "SwitchParameter" or "System.Management.Automation.SwitchParameter";
}

/// <summary>How a parameter takes part in one parameter set; <c>(All)</c> stands for every set.</summary>
internal sealed class ParameterSetMembership
{
    public const string All = "(All)";

    public required string Name { get; init; }
    /// <summary>A 0-based position, or null for a named parameter.</summary>
    public int? Position { get; init; }
    public bool IsRequired { get; init; }
    public bool ValueFromPipeline { get; init; }
    public bool ValueFromPipelineByPropertyName { get; init; }
    public bool ValueFromRemainingArguments { get; init; }

    public bool AppliesTo(string setName) =>
        Name == All || string.Equals(Name, setName, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A parameter set and the order its syntax line names the parameters in.</summary>
internal sealed record SyntaxSet(string Name, IReadOnlyList<string> ParameterOrder);

internal sealed record ExampleHelp(string Title, string Code, IReadOnlyList<TextBlock> Remarks);

internal sealed record TypeHelp(string TypeName, IReadOnlyList<TextBlock> Description);

internal sealed record LinkHelp(string Text, string? Uri);
