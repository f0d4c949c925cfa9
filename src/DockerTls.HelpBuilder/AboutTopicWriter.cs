using System.Text;

namespace DockerTls.HelpBuilder;

/// <summary>Renders an about_*.md page as the plain-text about_*.help.txt that Get-Help shows.</summary>
internal static class AboutTopicWriter
{
    private const int Width = 80;
    private const string Indent = "    ";

    /// <summary>The text of the topic; refuses a page without its title or short and long descriptions.</summary>
    public static string Render(Outline page)
    {
        var topic = Path.GetFileNameWithoutExtension(page.Path);
        if (page.Title is null) throw page.Error(1, $"missing the '# {topic}' title.");
        if (!string.Equals(page.Title, topic, StringComparison.OrdinalIgnoreCase))
            throw page.Error(page.TitleLine, $"the title '# {page.Title}' differs from the file name {topic}.md.");
        // Get-Help takes an about topic's synopsis from the line after SHORT DESCRIPTION.
        var shortDescription = page.Find("Short description")
            ?? throw page.Error(page.TitleLine, "missing required heading '## Short description'.");
        if (shortDescription.Blocks.Count == 0) throw page.Error(shortDescription.Line, "'## Short description' is empty.");
        if (page.Find("Long description") is null)
            throw page.Error(page.TitleLine, "missing required heading '## Long description'.");

        var text = new StringBuilder();
        text.Append("TOPIC\n").Append(Indent).Append(page.Title).Append("\n\n");
        foreach (var section in page.Sections)
        {
            text.Append(section.Title.ToUpperInvariant()).Append('\n');
            AppendBlocks(text, page, section.Blocks, Indent);
            foreach (var sub in section.Subsections)
            {
                text.Append(Indent).Append(sub.Title).Append("\n\n");
                AppendBlocks(text, page, sub.Blocks, Indent + "  ");
            }
            text.Append('\n');
        }
        return text.ToString().TrimEnd() + "\n";
    }

    private static void AppendBlocks(StringBuilder text, Outline page, IEnumerable<Markdig.Syntax.Block> blocks, string indent)
    {
        foreach (var block in TextBlock.From(blocks, page.Source))
        {
            var nested = indent + new string(' ', block.Depth * 2);
            switch (block.Kind)
            {
                case TextKind.Preformatted:
                    foreach (var line in block.Text.Split('\n')) text.Append(nested).Append(Indent).Append(line).Append('\n');
                    break;
                case TextKind.ListItem:
                    var marker = block.Marker + " ";
                    Wrap(text, block.Text, nested + marker, nested + new string(' ', marker.Length));
                    break;
                default:
                    Wrap(text, block.Text, nested, nested);
                    break;
            }
            text.Append('\n');
        }
    }

    /// <summary>Word-wraps <paramref name="value"/> to 80 columns; hard line breaks are kept.</summary>
    private static void Wrap(StringBuilder text, string value, string firstIndent, string indent)
    {
        var prefix = firstIndent;
        foreach (var hardLine in value.Split('\n'))
        {
            var line = new StringBuilder(prefix);
            var empty = true;
            foreach (var word in hardLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!empty && line.Length + 1 + word.Length > Width)
                {
                    text.Append(line).Append('\n');
                    line.Clear().Append(indent);
                    empty = true;
                }
                if (!empty) line.Append(' ');
                line.Append(word);
                empty = false;
            }
            text.Append(line).Append('\n');
            prefix = indent;
        }
    }
}
