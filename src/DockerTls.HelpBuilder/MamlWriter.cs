using System.Xml.Linq;

namespace DockerTls.HelpBuilder;

/// <summary>Writes cmdlet help as MAML, the XML that Get-Help reads for a binary module (&lt;assembly&gt;-Help.xml).</summary>
internal static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private static readonly XNamespace MSHelp = "http://msdn.microsoft.com/mshelp";

    public static void Write(IEnumerable<CommandHelp> commands, string path)
    {
        var root = new XElement(Msh + "helpItems",
            new XAttribute("schema", "maml"),
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MSHelp),
            commands.Select(ToCommand));
        new XDocument(new XDeclaration("1.0", "utf-8", null), root).Save(path);
    }

    private static XElement ToCommand(CommandHelp help)
    {
        var dash = help.Name.IndexOf('-');
        var shown = help.Parameters.Where(p => !p.DontShow).ToList();
        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", help.Name),
                new XElement(Command + "verb", dash > 0 ? help.Name[..dash] : help.Name),
                new XElement(Command + "noun", dash > 0 ? help.Name[(dash + 1)..] : ""),
                Description(help.Synopsis)),
            Description(help.Description),
            new XElement(Command + "syntax", SyntaxSets(help).Select(set => SyntaxItem(help.Name, set, shown))),
            new XElement(Command + "parameters", shown.Select(p => Parameter(p, p.Sets, inSyntax: false))),
            new XElement(Command + "inputTypes", help.Inputs.Select(t =>
                new XElement(Command + "inputType", DevType(t.TypeName), Description(t.Description)))),
            new XElement(Command + "returnValues", help.Outputs.Select(t =>
                new XElement(Command + "returnValue", DevType(t.TypeName), Description(t.Description)))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paragraphs(help.Notes))),
            new XElement(Command + "examples", help.Examples.Select(Example)),
            new XElement(Command + "relatedLinks", RelatedLinks(help).Select(link =>
                new XElement(Maml + "navigationLink",
                    new XElement(Maml + "linkText", link.Text),
                    new XElement(Maml + "uri", link.Uri ?? "")))));
    }

    /// <summary>The sets to show a syntax line for: those of the SYNTAX section, one line when it names none.</summary>
    private static IEnumerable<SyntaxSet> SyntaxSets(CommandHelp help) =>
        help.ParameterSets.Count == 0 ? [new SyntaxSet(ParameterSetMembership.All, [])] : help.ParameterSets;

    private static XElement SyntaxItem(string name, SyntaxSet set, List<ParameterHelp> parameters)
    {
        // The order of the page's syntax line; parameters it leaves out follow in page order.
        int Rank(ParameterHelp p)
        {
            var index = set.ParameterOrder.ToList().FindIndex(n => string.Equals(n, p.Name, StringComparison.OrdinalIgnoreCase));
            return index < 0 ? int.MaxValue : index;
        }
        var members = parameters
            .Select((p, order) => (p, order, m: p.Sets.FirstOrDefault(s => s.AppliesTo(set.Name) || set.Name == ParameterSetMembership.All)))
            .Where(x => x.m is not null)
            .OrderBy(x => Rank(x.p))
            .ThenBy(x => x.order);
        return new XElement(Command + "syntaxItem",
            new XElement(Maml + "name", name),
            members.Select(x => Parameter(x.p, [x.m!], inSyntax: true)));
    }

    private static XElement Parameter(ParameterHelp p, IReadOnlyList<ParameterSetMembership> sets, bool inSyntax)
    {
        // Across sets a parameter is required when it is required in every set it belongs to.
        var required = sets.All(s => s.IsRequired);
        var positions = sets.Select(s => s.Position).Distinct().ToList();
        var position = positions.Count == 1 && positions[0] is int n ? n.ToString() : "named";
        var element = new XElement(Command + "parameter",
            new XAttribute("required", required ? "true" : "false"),
            new XAttribute("variableLength", p.Type.EndsWith("[]") ? "true" : "false"),
            new XAttribute("globbing", p.SupportsWildcards ? "true" : "false"),
            new XAttribute("pipelineInput", PipelineInput(sets)),
            new XAttribute("position", position),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(Maml + "name", p.Name),
            Description(p.Description));
        if (p.AcceptedValues.Count > 0)
        {
            element.Add(new XElement(Command + "parameterValueGroup", p.AcceptedValues.Select(v =>
                new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))));
        }
        // A switch shows as [-Force] in syntax, so it gets no value there.
        if (!(inSyntax && p.IsSwitch))
        {
            element.Add(new XElement(Command + "parameterValue",
                new XAttribute("required", p.IsSwitch ? "false" : "true"),
                new XAttribute("variableLength", "false"),
                ShortTypeName(p.Type)));
        }
        element.Add(DevType(p.Type));
        element.Add(new XElement(Dev + "defaultValue", string.IsNullOrWhiteSpace(p.DefaultValue) ? "None" : p.DefaultValue));
        return element;
    }

    private static string PipelineInput(IReadOnlyList<ParameterSetMembership> sets)
    {
        var ways = new List<string>();
        if (sets.Any(s => s.ValueFromPipeline)) ways.Add("ByValue");
        if (sets.Any(s => s.ValueFromPipelineByPropertyName)) ways.Add("ByPropertyName");
        return ways.Count == 0 ? "False" : $"True ({string.Join(", ", ways)})";
    }

    private static string ShortTypeName(string type)
    {
        var generic = type.IndexOf('[');
        var bare = generic >= 0 ? type[..generic] : type;
        var dot = bare.LastIndexOf('.');
        return dot >= 0 ? type[(dot + 1)..] : type;
    }

    private static XElement Example(ExampleHelp example) =>
        new(Command + "example",
            new XElement(Maml + "title", $"--------- {example.Title} ---------"),
            new XElement(Dev + "code", example.Code),
            new XElement(Dev + "remarks", Paragraphs(example.Remarks), new XElement(Maml + "para")));

    private static IEnumerable<LinkHelp> RelatedLinks(CommandHelp help) =>
        help.HelpUri is null ? help.RelatedLinks : help.RelatedLinks.Prepend(new LinkHelp("Online Version:", help.HelpUri));

    private static XElement DevType(string name) =>
        new(Dev + "type", new XElement(Maml + "name", name), new XElement(Maml + "uri"));

    private static XElement Description(IReadOnlyList<TextBlock> text) => new(Maml + "description", Paragraphs(text));

    private static IEnumerable<XElement> Paragraphs(IReadOnlyList<TextBlock> text)
    {
        if (text.Count == 0) return [new XElement(Maml + "para")];
        return text.Select(block => new XElement(Maml + "para", block.Kind switch
        {
            TextKind.ListItem => new string(' ', block.Depth * 2) + block.Marker + " " + block.Text,
            // Get-Help indents every line of a paragraph alike, so code keeps its own indentation only.
            TextKind.Preformatted => block.Text,
            _ => new string(' ', block.Depth * 2) + block.Text,
        }));
    }
}
