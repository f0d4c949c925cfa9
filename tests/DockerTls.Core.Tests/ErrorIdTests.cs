using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace DockerTls.Core.Tests;

/// <summary>
/// One catalogue of ids (issue 13): every error id, daemon problem id and certificate finding id that src/ uses is a row
/// of the table under "Error ids" in en-US/about_DockerTls.md, every row is an id src/ uses, and no id is built by
/// concatenation or interpolation, so that grep finds each where it is made. The test reads the sources as text.
/// </summary>
public class ErrorIdTests
{
    private const string CatalogueHeading = "## Error ids";

    // The places an id is made: the first argument of DockerTlsException (or of a target-typed new followed by an
    // ErrorKind), of a DaemonConfigProblem, and the argument before ErrorCategory in an ErrorRecord.
    private static readonly Regex[] IdArguments =
    {
        new(@"\bDockerTlsException\(\s*(?<arg>[^,;]*?)\s*,", RegexOptions.Compiled),
        new(@"\bnew\(\s*(?<arg>[^,;()]*?)\s*,\s*ErrorKind\.", RegexOptions.Compiled),
        new(@"\bDaemonConfigProblem\(\s*(?<arg>[^,;]*?)\s*,", RegexOptions.Compiled),
        new(@",\s*(?<arg>[^,;()]*?)\s*,\s*ErrorCategory\.", RegexOptions.Compiled),
    };

    // An id compared where it is handled: e.ErrorId == "X", problem.Id is ("X" or "Y").
    private static readonly Regex Comparison = new(@"\b(?:ErrorId|Id)\s*(?:==|is(?:\s+not)?)\s*\(?\s*(?<first>""\w+"")(?<more>(?:\s*(?:or|\|\|)\s*(?:[\w.]+\s*==\s*)?(?:""\w+""|[\w.]+))*)", RegexOptions.Compiled);

    private static readonly Regex Literal = new(@"^""(?<id>[A-Z]\w*)""$", RegexOptions.Compiled);
    // A named id handed on: a constant, a parameter, or a member (fault!.Id, known.ErrorId) of an id made elsewhere.
    private static readonly Regex Reference = new(@"^[A-Za-z_]\w*!?(\.[A-Za-z_]\w*!?)*$", RegexOptions.Compiled);
    private static readonly Regex NamedConstant = new(@"\bconst string (?<name>\w+) = ""(?<value>\w+)"";", RegexOptions.Compiled);

    [Fact]
    public void EveryIdUsedInSrcIsInTheCatalogue()
    {
        var catalogue = Catalogue();
        var missing = UsedIds().Where(u => !catalogue.ContainsKey(u.Key)).Select(u => $"{u.Key} ({u.Value})").ToList();
        Assert.True(missing.Count == 0,
            $"Ids used in src/ but not in the table under '{CatalogueHeading}' of en-US/about_DockerTls.md (add a row: | `Id` | kind | what it means |):\n" + string.Join("\n", missing));
    }

    [Fact]
    public void EveryIdInTheCatalogueIsUsedInSrc()
    {
        var used = UsedIds();
        var stale = Catalogue().Keys.Where(id => !used.ContainsKey(id)).ToList();
        Assert.True(stale.Count == 0, "Rows of the id catalogue that src/ no longer uses (remove them): " + string.Join(", ", stale));
    }

    [Fact]
    public void NoIdIsBuiltByConcatenationOrInterpolation()
    {
        var built = new List<string>();
        foreach (var (relative, text) in Sources())
        {
            foreach (var (argument, line) in IdArgumentsOf(text))
            {
                if (!Literal.IsMatch(argument) && !Reference.IsMatch(argument)) built.Add($"{relative}:{line}: {argument}");
            }
        }

        Assert.True(built.Count == 0, "Ids that are not a literal or a named constant (write each id out whole, so that grep finds it):\n" + string.Join("\n", built));
    }

    [Fact]
    public void TheScannerFindsIdsAndRefusesBuiltOnes()
    {
        var text = string.Join("\n",
            "throw new DockerTlsException(\"KeyFileExists\", ErrorKind.ResourceExists, $\"'{path}' exists.\", path);",
            "// new DockerTlsException(\"InAComment\", ErrorKind.InvalidData, \"no\");",
            "static DockerTlsException Empty(string p) => new(\"EmptyPassphrase\", ErrorKind.InvalidArgument, \"empty\", p);",
            "throw new DockerTlsException(idPrefix + \"KeyNotFound\", ErrorKind.ObjectNotFound, \"gone\");",
            "throw new DockerTlsException($\"{kind}Invalid\", ErrorKind.InvalidData, \"bad\");",
            "WriteError(new ErrorRecord(new ArgumentException(\"a, b\"), \"NotAFileSystemPath\", ErrorCategory.InvalidArgument, path));",
            "catch (DockerTlsException e) when (e.ErrorId == \"FileTooLarge\" || e.ErrorId == \"FileNotRegular\")",
            "public const string TargetBusy = \"TargetBusy\";",
            "throw new DockerTlsException(TargetBusy, ErrorKind.ResourceUnavailable, \"busy\");");
        var arguments = IdArgumentsOf(Blank(text)).Select(a => a.Argument).ToList();
        Assert.Equal(new[] { "\"KeyFileExists\"", "\"EmptyPassphrase\"", "idPrefix + \"KeyNotFound\"", "$\"{kind}Invalid\"", "\"NotAFileSystemPath\"", "TargetBusy" }, arguments);
        var ids = IdsOf(Blank(text), new Dictionary<string, string> { ["TargetBusy"] = "TargetBusy" }).ToList();
        Assert.Equal(new[] { "KeyFileExists", "EmptyPassphrase", "NotAFileSystemPath", "TargetBusy", "FileTooLarge", "FileNotRegular" }, ids);
    }

    /// <summary>The ids src/ uses, each with the first file that makes it.</summary>
    private static Dictionary<string, string> UsedIds()
    {
        var sources = Sources().ToList();
        var constants = new Dictionary<string, string>(StringComparer.Ordinal);
        var used = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (relative, text) in sources)
        {
            foreach (Match m in NamedConstant.Matches(text))
            {
                constants[m.Groups["name"].Value] = m.Groups["value"].Value;
                // The classes that hold ids (DaemonErrorIds, CertificateFindingIds, FileSystemErrors): each constant is one.
                if (Regex.IsMatch(relative, @"(Ids|Errors)\.cs$")) used.TryAdd(m.Groups["value"].Value, relative);
            }

            // KeyFileErrorIds spells out its ids as the arguments of its instances.
            if (relative.EndsWith("ErrorIds.cs", StringComparison.Ordinal))
            {
                foreach (Match m in Regex.Matches(text, @"\bnew\((?<args>\s*""\w+""(?:\s*,\s*""\w+"")*\s*)\)"))
                {
                    foreach (Match id in Regex.Matches(m.Groups["args"].Value, @"""(\w+)""")) used.TryAdd(id.Groups[1].Value, relative);
                }
            }
        }

        foreach (var (relative, text) in sources)
        {
            foreach (var id in IdsOf(text, constants)) used.TryAdd(id, relative);
            foreach (var (id, caller) in IdsPassedToIdParameters(text, sources)) used.TryAdd(id, caller);
        }

        return used;
    }

    private static IEnumerable<string> IdsOf(string text, IReadOnlyDictionary<string, string> constants)
    {
        foreach (var (argument, _) in IdArgumentsOf(text))
        {
            var literal = Literal.Match(argument);
            if (literal.Success) yield return literal.Groups["id"].Value;
            else if (constants.TryGetValue(argument.Split('.').Last(), out var value)) yield return value;
        }

        foreach (Match m in Comparison.Matches(text))
        {
            foreach (Match id in Regex.Matches(m.Groups["first"].Value + m.Groups["more"].Value, @"""(\w+)""")) yield return id.Groups[1].Value;
        }
    }

    // A literal handed to a method's parameter named like an id (string notFoundId, string errorId): the id is made there.
    private static IEnumerable<(string Id, string Caller)> IdsPassedToIdParameters(string text, IReadOnlyList<(string Relative, string Text)> sources)
    {
        foreach (Match declaration in Regex.Matches(text, @"\b(?<name>[A-Z]\w*)\s*\((?<parameters>[^()]*\bstring\??\s+\w*(?:Id|errorId)\b[^()]*)\)"))
        {
            var parameters = declaration.Groups["parameters"].Value.Split(',');
            var positions = parameters.Select((p, i) => (p, i)).Where(x => Regex.IsMatch(x.p, @"\bstring\??\s+\w*(?:Id|errorId)\b")).Select(x => x.i).ToList();
            foreach (var (caller, other) in sources)
            {
                foreach (Match call in Regex.Matches(other, @"\b" + declaration.Groups["name"].Value + @"\("))
                {
                    var arguments = Arguments(other, call.Index + call.Length);
                    foreach (var at in positions.Where(at => at < arguments.Count))
                    {
                        var literal = Literal.Match(arguments[at].Trim());
                        if (literal.Success) yield return (literal.Groups["id"].Value, caller);
                    }
                }
            }
        }
    }

    // The arguments of a call whose '(' ends just before start, split at the commas outside brackets.
    private static List<string> Arguments(string text, int start)
    {
        var arguments = new List<string>();
        var depth = 0;
        var current = new StringBuilder();
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (depth == 0 && (c == ')' || c == ','))
            {
                arguments.Add(current.ToString());
                current.Clear();
                if (c == ')') break;
                continue;
            }

            if (c is '(' or '[' or '{') depth++;
            if (c is ')' or ']' or '}') depth--;
            current.Append(c);
        }

        return arguments;
    }

    private static IEnumerable<(string Argument, int Line)> IdArgumentsOf(string text)
    {
        var found = new List<(int Index, string Argument)>();
        foreach (var pattern in IdArguments)
        {
            foreach (Match m in pattern.Matches(text))
            {
                var argument = m.Groups["arg"].Value.Trim();
                // "new(" in a declaration of parameters, or the first arguments of an ErrorRecord's exception: not ids.
                if (argument.Length == 0 || argument.StartsWith("new ", StringComparison.Ordinal) || argument.StartsWith("string ", StringComparison.Ordinal)) continue;
                if (found.Any(f => f.Index == m.Groups["arg"].Index)) continue;
                found.Add((m.Groups["arg"].Index, argument));
            }
        }

        return found.OrderBy(f => f.Index).Select(f => (f.Argument, text.Take(f.Index).Count(c => c == '\n') + 1)).ToList();
    }

    /// <summary>The catalogue: id to its row, from the table under <see cref="CatalogueHeading"/>.</summary>
    private static Dictionary<string, string> Catalogue()
    {
        var path = Path.Combine(Path.GetDirectoryName(SizeTests.Source())!, "en-US", "about_DockerTls.md");
        var lines = File.ReadAllLines(path);
        var start = Array.IndexOf(lines, CatalogueHeading);
        Assert.True(start >= 0, $"{path} has no '{CatalogueHeading}' section.");
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            var row = Regex.Match(lines[i], @"^\|\s*`(?<id>\w+)`\s*\|");
            if (!row.Success) continue;
            Assert.True(rows.TryAdd(row.Groups["id"].Value, lines[i]), $"'{row.Groups["id"].Value}' is in the catalogue twice.");
        }

        return rows;
    }

    private static IEnumerable<(string Relative, string Text)> Sources() =>
        SizeTests.SourceFiles().Select(f => (f.Relative, Blank(File.ReadAllText(f.File))));

    // Comments blanked, strings kept: an id in a comment or a doc comment is not one that is used.
    private static string Blank(string text) => SizeTests.Blank(text, strings: false);
}
