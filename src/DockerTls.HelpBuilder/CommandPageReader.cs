using System.Text.RegularExpressions;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace DockerTls.HelpBuilder;

/// <summary>Reads a cmdlet page in PlatyPS 1.0's markdown schema, refusing one that strays from it.</summary>
internal static class CommandPageReader
{
    private const string Aliases = "ALIASES";

    /// <summary>The ## headings of a cmdlet page in their order; all but ALIASES are required.</summary>
    private static readonly string[] Headings =
        ["SYNOPSIS", "SYNTAX", Aliases, "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS"];

    private static readonly IDeserializer Yaml = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();

    /// <summary>A -Name in a syntax line; the dash of Verb-Noun follows a letter, so it does not match.</summary>
    private static readonly Regex SyntaxParameter = new(@"(?<![\w-])-([A-Za-z][A-Za-z0-9]*)");

    public static CommandHelp Read(Outline page)
    {
        CheckHeadings(page);
        var name = page.Title!;
        var expectedFile = name + ".md";
        if (!string.Equals(Path.GetFileName(page.Path), expectedFile, StringComparison.OrdinalIgnoreCase))
            throw page.Error(page.TitleLine, $"the page for '{name}' must be named {expectedFile}.");
        if (page.FrontMatter.TryGetValue("title", out var title) && title != name)
            throw page.Error(1, $"front matter title '{title}' differs from the '# {name}' heading.");

        var synopsis = Prose(page, "SYNOPSIS", required: true);
        var sets = ReadParameterSets(page);
        var parameters = ReadParameters(page, sets);
        CheckSyntaxAgainstParameters(page, sets, parameters);
        return new CommandHelp
        {
            Name = name,
            Synopsis = synopsis,
            Description = Prose(page, "DESCRIPTION", required: true),
            ParameterSets = sets,
            Parameters = parameters,
            Examples = ReadExamples(page),
            Inputs = ReadTypes(page, "INPUTS"),
            Outputs = ReadTypes(page, "OUTPUTS"),
            Notes = Prose(page, "NOTES", required: false),
            RelatedLinks = ReadLinks(page),
            HelpUri = page.FrontMatter.TryGetValue("HelpUri", out var uri) && TextBlock.IsAbsolute(uri) ? uri : null,
        };
    }

    private static void CheckHeadings(Outline page)
    {
        if (page.Title is null) throw page.Error(1, "missing the '# <Verb-Noun>' title.");
        var last = -1;
        foreach (var section in page.Sections)
        {
            var index = Array.FindIndex(Headings, h => string.Equals(h, section.Title, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
                throw page.Error(section.Line, $"unexpected heading '## {section.Title}'; a cmdlet page has: {string.Join(", ", Headings)}.");
            if (index <= last)
                throw page.Error(section.Line, $"'## {section.Title}' is out of order or repeated; the order is: {string.Join(", ", Headings)}.");
            last = index;
        }
        foreach (var heading in Headings.Where(h => h != Aliases))
        {
            if (page.Find(heading) is null) throw page.Error(page.TitleLine, $"missing required heading '## {heading}'.");
        }
    }

    private static List<TextBlock> Prose(Outline page, string heading, bool required)
    {
        var section = page.Find(heading)!;
        var text = TextBlock.From(section.AllBlocks(), page.Source);
        if (required && text.Count == 0) throw page.Error(section.Line, $"'## {heading}' is empty.");
        return text;
    }

    private static List<SyntaxSet> ReadParameterSets(Outline page)
    {
        var section = page.Find("SYNTAX")!;
        if (section.Subsections.Count == 0)
            throw page.Error(section.Line, "'## SYNTAX' needs a '### <ParameterSetName>' heading and a code block per parameter set.");
        var sets = new List<SyntaxSet>();
        foreach (var sub in section.Subsections)
        {
            var code = sub.Blocks.OfType<CodeBlock>().FirstOrDefault()
                ?? throw page.Error(sub.Line, $"syntax '### {sub.Title}' has no code block.");
            var set = sub.Title.EndsWith("(Default)", StringComparison.OrdinalIgnoreCase)
                ? sub.Title[..^"(Default)".Length].Trim()
                : sub.Title.Trim();
            if (set == "__AllParameterSets") set = ParameterSetMembership.All;
            var order = SyntaxParameter.Matches(code.Lines.ToString()).Select(m => m.Groups[1].Value).ToList();
            sets.Add(new SyntaxSet(set, order));
        }
        return sets;
    }

    /// <summary>Every parameter a syntax line names must be documented under PARAMETERS, and the other way round.</summary>
    private static void CheckSyntaxAgainstParameters(Outline page, List<SyntaxSet> sets, List<ParameterHelp> parameters)
    {
        var line = page.Find("SYNTAX")!.Line;
        foreach (var set in sets)
        {
            foreach (var name in set.ParameterOrder)
            {
                if (!parameters.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
                    throw page.Error(line, $"the syntax of '{set.Name}' names -{name}, which '## PARAMETERS' does not document.");
            }
        }
        foreach (var parameter in parameters.Where(p => !p.DontShow))
        {
            var named = sets.Any(s => s.ParameterOrder.Contains(parameter.Name, StringComparer.OrdinalIgnoreCase));
            if (!named) throw page.Error(line, $"-{parameter.Name} is documented but no syntax line under '## SYNTAX' names it.");
        }
    }

    private static List<ParameterHelp> ReadParameters(Outline page, List<SyntaxSet> sets)
    {
        var parameters = new List<ParameterHelp>();
        foreach (var sub in page.Find("PARAMETERS")!.Subsections)
        {
            if (string.Equals(sub.Title, "CommonParameters", StringComparison.OrdinalIgnoreCase)) continue;
            if (!sub.Title.StartsWith('-') || sub.Title.Length < 2)
                throw page.Error(sub.Line, $"parameter heading '### {sub.Title}' must be '### -<Name>' (or '### CommonParameters').");
            var name = sub.Title[1..].Trim();
            if (parameters.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw page.Error(sub.Line, $"parameter -{name} is documented twice.");

            var yamlIndex = sub.Blocks.FindIndex(b => b is FencedCodeBlock f && f.Info == "yaml");
            if (yamlIndex < 0)
                throw page.Error(sub.Line, $"parameter -{name} has no ```yaml block (Type, DefaultValue, ParameterSets, ...).");
            var description = TextBlock.From(sub.Blocks.Take(yamlIndex), page.Source);
            if (description.Count == 0)
                throw page.Error(sub.Line, $"parameter -{name} has no description before its yaml block.");

            var yamlBlock = (FencedCodeBlock)sub.Blocks[yamlIndex];
            var yaml = ParseYaml(page, yamlBlock, name);
            parameters.Add(new ParameterHelp
            {
                Name = name,
                Description = description,
                Type = yaml.Type!,
                DefaultValue = yaml.DefaultValue,
                SupportsWildcards = yaml.SupportsWildcards,
                Aliases = yaml.Aliases ?? [],
                AcceptedValues = yaml.AcceptedValues ?? [],
                DontShow = yaml.DontShow,
                Sets = yaml.ParameterSets!.Select(s => ToMembership(page, yamlBlock, name, s, sets)).ToList(),
            });
        }
        return parameters;
    }

    private static ParameterYaml ParseYaml(Outline page, FencedCodeBlock block, string name)
    {
        var line = block.Line + 1;
        ParameterYaml? yaml;
        try
        {
            yaml = Yaml.Deserialize<ParameterYaml>(block.Lines.ToString());
        }
        catch (YamlException e)
        {
            throw page.Error(line + (int)e.Start.Line, $"the yaml block of -{name} is not valid: {e.InnerException?.Message ?? e.Message}");
        }
        if (yaml is null || string.IsNullOrWhiteSpace(yaml.Type))
            throw page.Error(line, $"the yaml block of -{name} has no Type.");
        if (yaml.ParameterSets is not { Count: > 0 })
            throw page.Error(line, $"the yaml block of -{name} has no ParameterSets.");
        return yaml;
    }

    private static ParameterSetMembership ToMembership(Outline page, FencedCodeBlock block, string name, ParameterSetYaml set, List<SyntaxSet> sets)
    {
        var line = block.Line + 1;
        var setName = set.Name?.Trim() ?? throw page.Error(line, $"a parameter set of -{name} has no Name.");
        if (setName == "__AllParameterSets") setName = ParameterSetMembership.All;
        if (setName != ParameterSetMembership.All && !sets.Any(s => string.Equals(s.Name, setName, StringComparison.OrdinalIgnoreCase)))
            throw page.Error(line, $"-{name} names parameter set '{setName}', which '## SYNTAX' does not have ({string.Join(", ", sets.Select(s => s.Name))}).");
        int? position = null;
        if (!string.IsNullOrWhiteSpace(set.Position) && !string.Equals(set.Position, "Named", StringComparison.OrdinalIgnoreCase))
        {
            position = int.TryParse(set.Position, out var p) && p >= 0
                ? p
                : throw page.Error(line, $"-{name} has Position '{set.Position}'; use a number from 0 or 'Named'.");
        }
        return new ParameterSetMembership
        {
            Name = setName,
            Position = position,
            IsRequired = set.IsRequired,
            ValueFromPipeline = set.ValueFromPipeline,
            ValueFromPipelineByPropertyName = set.ValueFromPipelineByPropertyName,
            ValueFromRemainingArguments = set.ValueFromRemainingArguments,
        };
    }

    private static List<ExampleHelp> ReadExamples(Outline page)
    {
        var examples = new List<ExampleHelp>();
        foreach (var sub in page.Find("EXAMPLES")!.Subsections)
        {
            var code = sub.Blocks.OfType<CodeBlock>().FirstOrDefault()
                ?? throw page.Error(sub.Line, $"example '### {sub.Title}' has no code block.");
            var remarks = TextBlock.From(sub.Blocks.Where(b => b != code), page.Source);
            examples.Add(new ExampleHelp(sub.Title, code.Lines.ToString().TrimEnd(), remarks));
        }
        return examples;
    }

    private static List<TypeHelp> ReadTypes(Outline page, string heading) =>
        page.Find(heading)!.Subsections
            .Select(sub => new TypeHelp(sub.Title, TextBlock.From(sub.Blocks, page.Source)))
            .ToList();

    private static List<LinkHelp> ReadLinks(Outline page)
    {
        var links = new List<LinkHelp>();
        var paragraphs = page.Find("RELATED LINKS")!.AllBlocks()
            .SelectMany(b => b is ParagraphBlock p ? [p] : b.Descendants<ParagraphBlock>());
        foreach (var block in paragraphs)
        {
            if (block.Inline is null) continue;
            var found = block.Inline.Descendants<LinkInline>().Where(l => !l.IsImage).ToList();
            if (found.Count == 0)
            {
                var text = TextBlock.InlineText(block.Inline);
                if (text.Length > 0) links.Add(new LinkHelp(text, null));
                continue;
            }
            foreach (var link in found)
                links.Add(new LinkHelp(TextBlock.InlineText(link), TextBlock.IsAbsolute(link.Url) ? link.Url : null));
        }
        return links;
    }

    /// <summary>The yaml block under a parameter, as PlatyPS 1.0 writes it.</summary>
    private sealed class ParameterYaml
    {
        public string? Type { get; set; }
        public string? DefaultValue { get; set; }
        public bool SupportsWildcards { get; set; }
        public List<string>? Aliases { get; set; }
        public List<ParameterSetYaml>? ParameterSets { get; set; }
        public bool DontShow { get; set; }
        public List<string>? AcceptedValues { get; set; }
        public string? HelpMessage { get; set; }
    }

    private sealed class ParameterSetYaml
    {
        public string? Name { get; set; }
        public string? Position { get; set; }
        public bool IsRequired { get; set; }
        public bool ValueFromPipeline { get; set; }
        public bool ValueFromPipelineByPropertyName { get; set; }
        public bool ValueFromRemainingArguments { get; set; }
    }
}
