using System.Text;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace DockerTls.HelpBuilder;

internal enum TextKind
{
    /// <summary>Running text that may be re-wrapped.</summary>
    Prose,
    /// <summary>One item of a bulleted or numbered list; <see cref="TextBlock.Marker"/> holds "-" or "1.".</summary>
    ListItem,
    /// <summary>Code or a table: lines kept exactly as written.</summary>
    Preformatted,
}

/// <summary>A markdown block reduced to plain text, the form both MAML paragraphs and about_*.help.txt need.</summary>
internal sealed record TextBlock(TextKind Kind, string Text, int Depth = 0, string Marker = "")
{
    /// <summary>Turns markdown blocks into plain text blocks; <paramref name="source"/> is the page, for tables.</summary>
    public static List<TextBlock> From(IEnumerable<Block> blocks, string source)
    {
        var result = new List<TextBlock>();
        foreach (var block in blocks) Add(result, block, source, 0);
        return result;
    }

    private static void Add(List<TextBlock> result, Block block, string source, int depth)
    {
        switch (block)
        {
            case ParagraphBlock paragraph:
                result.Add(new TextBlock(TextKind.Prose, InlineText(paragraph.Inline), depth));
                break;
            case ListBlock list:
                var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var marker = list.IsOrdered ? $"{number++}." : "-";
                    var first = true;
                    foreach (var child in item)
                    {
                        if (first && child is ParagraphBlock p)
                            result.Add(new TextBlock(TextKind.ListItem, InlineText(p.Inline), depth, marker));
                        else
                            Add(result, child, source, depth + 1);
                        first = false;
                    }
                }
                break;
            case CodeBlock code:
                result.Add(new TextBlock(TextKind.Preformatted, code.Lines.ToString().TrimEnd(), depth));
                break;
            case Table table:
                AddTable(result, table, depth);
                break;
            case QuoteBlock quote:
                foreach (var child in quote) Add(result, child, source, depth);
                break;
            case HeadingBlock heading:
                result.Add(new TextBlock(TextKind.Prose, InlineText(heading.Inline), depth));
                break;
            // Thematic breaks and HTML (comments) carry nothing for a text reader.
        }
    }

    // A table as Get-Help can show it at any width: one list item per row, its first cell first, then each other cell
    // after its column's header ("None: cause: the connection works"). Markdown's pipes and dashes would stay raw in MAML
    // and in about_*.help.txt, and an aligned table of long cells does not fit 80 columns.
    private static void AddTable(List<TextBlock> result, Table table, int depth)
    {
        static string Cell(TableCell cell) =>
            string.Join(" ", cell.OfType<ParagraphBlock>().Select(p => InlineText(p.Inline))).Replace("\\|", "|").Trim();

        var rows = table.OfType<TableRow>().ToList();
        var headers = rows.FirstOrDefault(r => r.IsHeader)?.OfType<TableCell>().Select(Cell).ToList() ?? new List<string>();
        foreach (var row in rows.Where(r => !r.IsHeader))
        {
            var cells = row.OfType<TableCell>().Select(Cell).ToList();
            if (cells.Count == 0) continue;
            var parts = new List<string>();
            for (var i = 1; i < cells.Count; i++)
            {
                if (cells[i].Length == 0) continue;
                var header = i < headers.Count ? headers[i] : "";
                parts.Add(header.Length == 0 ? cells[i] : $"{header}: {cells[i]}");
            }

            var lead = cells[0].Length == 0 ? "" : cells[0] + (parts.Count == 0 ? "" : ". ");
            result.Add(new TextBlock(TextKind.ListItem, lead + string.Join("; ", parts), depth, "-"));
        }
    }

    /// <summary>The text of inline markdown without its markup; absolute link targets follow their text.</summary>
    public static string InlineText(ContainerInline? inline)
    {
        var text = new StringBuilder();
        Append(text, inline);
        return text.ToString().Trim();
    }

    private static void Append(StringBuilder text, Inline? inline)
    {
        switch (inline)
        {
            case null:
                return;
            case LiteralInline literal:
                text.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                text.Append(code.Content);
                break;
            case LineBreakInline lineBreak:
                text.Append(lineBreak.IsHard ? "\n" : " ");
                break;
            case AutolinkInline autolink:
                text.Append(autolink.Url);
                break;
            case HtmlEntityInline entity:
                text.Append(entity.Transcoded.ToString());
                break;
            case HtmlInline:
                break;
            case LinkInline link:
                var before = text.Length;
                foreach (var child in link) Append(text, child);
                if (IsAbsolute(link.Url) && text.ToString(before, text.Length - before) != link.Url)
                    text.Append(" (").Append(link.Url).Append(')');
                break;
            case ContainerInline container:
                foreach (var child in container) Append(text, child);
                break;
        }
    }

    public static bool IsAbsolute(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
