using DockerTls.HelpBuilder;

// Usage: DockerTls.HelpBuilder <en-US folder> <output folder>
// Cmdlet pages (front matter "document type: cmdlet") become <output>/DockerTls.dll-Help.xml,
// about_*.md pages become <output>/about_*.help.txt; the module page is for readers of the source only.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: DockerTls.HelpBuilder <folder of PlatyPS markdown pages> <output folder>");
    return 2;
}
var (source, output) = (args[0], args[1]);
if (!Directory.Exists(source))
{
    Console.Error.WriteLine($"error: the help source folder '{source}' does not exist.");
    return 2;
}

try
{
    var commands = new List<CommandHelp>();
    var abouts = new List<(string Text, string Target)>();
    foreach (var file in Directory.GetFiles(source, "*.md").Order(StringComparer.Ordinal))
    {
        var page = Outline.Read(file);
        var name = Path.GetFileNameWithoutExtension(file);
        if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
        {
            abouts.Add((AboutTopicWriter.Render(page), Path.Combine(output, name + ".help.txt")));
            continue;
        }
        var kind = page.FrontMatter.GetValueOrDefault("document type");
        switch (kind)
        {
            case "cmdlet":
                commands.Add(CommandPageReader.Read(page));
                break;
            case "module":
                break;
            default:
                throw page.Error(1, kind is null
                    ? "no front matter 'document type:' (cmdlet or module) between '---' lines."
                    : $"unknown 'document type: {kind}'; expected cmdlet or module.");
        }
    }
    if (commands.Count == 0) throw new HelpFormatException(source, 0, "no cmdlet pages (document type: cmdlet) found.");

    // Everything was read without error: only now write, so a bad page leaves no half-made help behind.
    Directory.CreateDirectory(output);
    var maml = Path.Combine(output, "DockerTls.dll-Help.xml");
    MamlWriter.Write(commands, maml);
    foreach (var (text, target) in abouts) File.WriteAllText(target, text, new System.Text.UTF8Encoding(false));
    Console.WriteLine($"Help: {commands.Count} cmdlet pages -> {maml}; {abouts.Count} about topics.");
    return 0;
}
catch (HelpFormatException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
