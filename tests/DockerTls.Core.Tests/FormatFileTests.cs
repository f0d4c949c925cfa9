using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace DockerTls.Core.Tests;

/// <summary>
/// Every property that src/DockerTls/DockerTls.Format.ps1xml names (a PropertyName, or $_.Name in a script block, with
/// the properties chained after it) exists on the type its view is selected by. PowerShell shows a misspelt or missing
/// property as an empty cell, silently, so nothing else would notice.
/// </summary>
public class FormatFileTests
{
    private static readonly Regex Reference = new(@"\$_((?:\.[A-Za-z_][A-Za-z0-9_]*)+)(\s*\()?", RegexOptions.CultureInvariant);

    private static string FormatFile()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder != null && !File.Exists(Path.Combine(folder.FullName, "DockerTls.sln"))) folder = folder.Parent;
        return Path.Combine(folder?.FullName ?? throw new InvalidOperationException("DockerTls.sln not found"), "src", "DockerTls", "DockerTls.Format.ps1xml");
    }

    public static IEnumerable<object[]> Views() =>
        XDocument.Load(FormatFile()).Descendants("View")
            .Select((view, i) => new object[] { $"{i + 1}: {view.Element("Name")?.Value}" });

    [Theory]
    [MemberData(nameof(Views))]
    public void EveryPropertyAViewNamesExistsOnItsType(string view)
    {
        var element = XDocument.Load(FormatFile()).Descendants("View").ElementAt(int.Parse(view.Substring(0, view.IndexOf(':'))) - 1);
        var types = element.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => Resolve(t.Value)).ToList();
        Assert.NotEmpty(types);
        var missing = new List<string>();
        foreach (var type in types)
        {
            foreach (var property in element.Descendants("PropertyName").Select(p => p.Value.Trim()))
            {
                if (Property(type, property) == null) missing.Add($"{type.Name}.{property} (PropertyName)");
            }
            foreach (var script in element.Descendants("ScriptBlock").Select(s => s.Value))
            {
                var inner = InnerPipelineBlocks(script);
                foreach (Match match in Reference.Matches(script))
                {
                    if (inner[match.Index]) continue; // $_ there is an element piped inside the script, not the object shown
                    var chain = match.Groups[1].Value.Split(new[] { '.' }, StringSplitOptions.RemoveEmptyEntries).ToList();
                    if (match.Groups[2].Success) chain.RemoveAt(chain.Count - 1); // a method call ends the chain
                    var current = type;
                    foreach (var name in chain)
                    {
                        // Arrays: PowerShell's Count, and member enumeration of the elements' properties.
                        if (current.IsArray && string.Equals(name, "Count", StringComparison.OrdinalIgnoreCase)) break;
                        if (current.IsArray) current = current.GetElementType()!;
                        var found = Property(current, name);
                        if (found == null)
                        {
                            missing.Add($"{current.Name}.{name} (in {match.Value.Trim()})");
                            break;
                        }
                        current = Nullable.GetUnderlyingType(found.PropertyType) ?? found.PropertyType;
                    }
                }
            }
        }
        Assert.True(missing.Count == 0, $"view {view} names properties its type lacks: {string.Join(", ", missing)}");
    }

    // For each position of a script, whether it lies inside a script block run per piped element
    // (ForEach-Object, Where-Object, %, ?, .ForEach(, .Where( ), where $_ is that element.
    private static bool[] InnerPipelineBlocks(string script)
    {
        var inside = new bool[script.Length + 1];
        var stack = new Stack<bool>();
        for (var i = 0; i < script.Length; i++)
        {
            if (script[i] == '{')
            {
                var before = script.Substring(0, i).TrimEnd();
                stack.Push(Regex.IsMatch(before, @"(ForEach-Object|Where-Object|(^|[\s|])[%?]|\.ForEach\(|\.Where\()$", RegexOptions.IgnoreCase) || (stack.Count > 0 && stack.Peek()));
            }
            else if (script[i] == '}' && stack.Count > 0)
            {
                stack.Pop();
            }
            inside[i] = stack.Count > 0 && stack.Peek();
        }
        return inside;
    }

    // An interface's own properties exclude those it inherits (IReadOnlyList<T>.Count is IReadOnlyCollection<T>'s).
    private static PropertyInfo? Property(Type type, string name) =>
        type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
        ?? (type.IsInterface ? type.GetInterfaces().Select(i => Property(i, name)).FirstOrDefault(p => p != null) : null);

    private static Type Resolve(string name) =>
        typeof(DockerTlsException).Assembly.GetType(name) ?? throw new InvalidOperationException($"The format file selects '{name}', which DockerTls.Core does not define.");
}
