using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace DockerTls.HelpBuilder;

/// <summary>A heading and the blocks under it, down to the next heading of its level or above.</summary>
internal sealed class Section(string title, int line)
{
    public string Title { get; } = title;
    /// <summary>1-based line of the heading.</summary>
    public int Line { get; } = line;
    /// <summary>Blocks between this heading and its first sub-heading.</summary>
    public List<Block> Blocks { get; } = [];
    public List<Section> Subsections { get; } = [];

    /// <summary>Every block in the section, sub-headings included, in page order.</summary>
    public IEnumerable<Block> AllBlocks()
    {
        foreach (var block in Blocks) yield return block;
        foreach (var sub in Subsections)
        {
            foreach (var block in sub.AllBlocks()) yield return block;
        }
    }
}

/// <summary>A markdown page cut into its front matter, its title (# heading) and its ## and ### sections.</summary>
internal sealed class Outline
{
    private static readonly MarkdownPipeline Pipeline =
        new MarkdownPipelineBuilder().UseYamlFrontMatter().UsePipeTables().Build();

    private Outline(string path, string source)
    {
        Path = path;
        Source = source;
    }

    public string Path { get; }
    public string Source { get; }
    public IReadOnlyDictionary<string, string> FrontMatter { get; private set; } = new Dictionary<string, string>();
    public string? Title { get; private set; }
    public int TitleLine { get; private set; } = 1;
    public List<Section> Sections { get; } = [];

    public static Outline Read(string path)
    {
        var source = File.ReadAllText(path).Replace("\r\n", "\n");
        var outline = new Outline(path, source);
        var document = Markdown.Parse(source, Pipeline);
        Section? h2 = null, h3 = null;
        foreach (var block in document)
        {
            switch (block)
            {
                case YamlFrontMatterBlock front:
                    outline.FrontMatter = ReadFrontMatter(path, source, front);
                    break;
                case HeadingBlock { Level: 1 } heading when outline.Title is null:
                    outline.Title = TextBlock.InlineText(heading.Inline);
                    outline.TitleLine = heading.Line + 1;
                    break;
                case HeadingBlock { Level: 1 } heading:
                    throw new HelpFormatException(path, heading.Line + 1, "a page has one '#' title only.");
                case HeadingBlock { Level: 2 } heading:
                    h2 = new Section(TextBlock.InlineText(heading.Inline), heading.Line + 1);
                    h3 = null;
                    outline.Sections.Add(h2);
                    break;
                case HeadingBlock { Level: 3 } heading when h2 is not null:
                    h3 = new Section(TextBlock.InlineText(heading.Inline), heading.Line + 1);
                    h2.Subsections.Add(h3);
                    break;
                default:
                    if (h3 is not null) h3.Blocks.Add(block);
                    else h2?.Blocks.Add(block);
                    break;
            }
        }
        return outline;
    }

    public Section? Find(string title) =>
        Sections.FirstOrDefault(s => string.Equals(s.Title, title, StringComparison.OrdinalIgnoreCase));

    public HelpFormatException Error(int line, string message) => new(Path, line, message);

    private static Dictionary<string, string> ReadFrontMatter(string path, string source, YamlFrontMatterBlock front)
    {
        var text = source.Substring(front.Span.Start, front.Span.Length);
        var yaml = string.Join('\n', text.Split('\n').Where(l => l.Trim() != "---"));
        try
        {
            var values = new DeserializerBuilder().Build().Deserialize<Dictionary<string, string?>>(yaml) ?? [];
            return values.ToDictionary(kv => kv.Key, kv => kv.Value ?? "", StringComparer.OrdinalIgnoreCase);
        }
        catch (YamlException e)
        {
            throw new HelpFormatException(path, front.Line + 1 + (int)e.Start.Line, $"front matter is not valid YAML: {e.Message}");
        }
    }
}
