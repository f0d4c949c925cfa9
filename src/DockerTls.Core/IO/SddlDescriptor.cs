using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DockerTls.Core.IO;

/// <summary>
/// A security descriptor in SDDL, as Windows writes it (ConvertSecurityDescriptorToStringSecurityDescriptor, Get-Acl's
/// Sddl): the owner, the DACL's flags and its entries, with the aliases Windows uses for well-known SIDs (BA, SY, BU, ...)
/// turned into SIDs and the rights into one mask, so that <c>FA</c>, <c>GA</c> and <c>0x1f01ff</c> compare as what they
/// grant on a file or folder. The group and the SACL are read past. Pure: parsing only, no Windows call.
/// </summary>
internal sealed class SddlDescriptor
{
    private static readonly Regex Part = new(@"\G(?<tag>[OGDS]):(?<body>(?:\([^()]*\)|[^():])*?)(?=[OGDS]:|\z)", RegexOptions.CultureInvariant);

    // The aliases of well-known SIDs (sddl.h, "SID strings").
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["BA"] = "S-1-5-32-544", ["SY"] = "S-1-5-18", ["BU"] = "S-1-5-32-545", ["AU"] = "S-1-5-11", ["WD"] = "S-1-1-0",
        ["CO"] = "S-1-3-0", ["CG"] = "S-1-3-1", ["OW"] = "S-1-3-4", ["PU"] = "S-1-5-32-547", ["BG"] = "S-1-5-32-546",
        ["LS"] = "S-1-5-19", ["NS"] = "S-1-5-20", ["IU"] = "S-1-5-4", ["NU"] = "S-1-5-2", ["AN"] = "S-1-5-7",
        ["AC"] = "S-1-15-2-1", ["BO"] = "S-1-5-32-551", ["SO"] = "S-1-5-32-549", ["RD"] = "S-1-5-32-555",
    };

    // File rights: the generic ones as a file or folder maps them (FILE_GENERIC_*, FILE_ALL_ACCESS), and the specific ones.
    private static readonly Dictionary<string, uint> Rights = new(StringComparer.Ordinal)
    {
        ["GA"] = 0x1F01FF, ["GR"] = 0x120089, ["GW"] = 0x120116, ["GX"] = 0x1200A0,
        ["FA"] = 0x1F01FF, ["FR"] = 0x120089, ["FW"] = 0x120116, ["FX"] = 0x1200A0,
        ["RC"] = 0x20000, ["SD"] = 0x10000, ["WD"] = 0x40000, ["WO"] = 0x80000,
        ["CC"] = 0x1, ["DC"] = 0x2, ["LC"] = 0x4, ["SW"] = 0x8, ["RP"] = 0x10, ["WP"] = 0x20, ["DT"] = 0x40, ["LO"] = 0x80, ["CR"] = 0x100,
    };

    private SddlDescriptor(string? owner, string daclFlags, IReadOnlyList<SddlAce> aces) { Owner = owner; DaclFlags = daclFlags; Aces = aces; }

    /// <summary>The owner's SID (aliases resolved), or null when the string names none.</summary>
    public string? Owner { get; }

    /// <summary>The DACL's flags as written: <c>P</c> (protected), <c>AI</c>, <c>AR</c>, in any order.</summary>
    public string DaclFlags { get; }

    /// <summary>True when the DACL inherits nothing from the parent folder (<c>P</c>).</summary>
    public bool Protected => DaclFlags.Replace("AI", "").Replace("AR", "").Contains("P");

    /// <summary>The DACL's entries in their order.</summary>
    public IReadOnlyList<SddlAce> Aces { get; }

    /// <summary>Reads <paramref name="sddl"/>; <see cref="FormatException"/> when it is not SDDL this class knows.</summary>
    public static SddlDescriptor Parse(string sddl)
    {
        if (string.IsNullOrEmpty(sddl)) throw new FormatException("An empty security descriptor.");
        string? owner = null;
        string? dacl = null;
        var at = 0;
        for (var match = Part.Match(sddl); match.Success && match.Index == at; match = match.NextMatch())
        {
            var body = match.Groups["body"].Value;
            if (match.Groups["tag"].Value == "O") owner = Sid(body);
            else if (match.Groups["tag"].Value == "D") dacl = body;
            at = match.Index + match.Length;
        }

        if (at != sddl.Length) throw new FormatException($"'{sddl}' is not SDDL (stopped at character {at + 1}).");
        if (dacl is null) throw new FormatException($"'{sddl}' has no DACL (D:).");
        var open = dacl.IndexOf('(');
        var flags = open < 0 ? dacl : dacl.Substring(0, open);
        var aces = new List<SddlAce>();
        foreach (Match ace in Regex.Matches(open < 0 ? "" : dacl.Substring(open), @"\(([^()]*)\)"))
        {
            aces.Add(Ace(ace.Groups[1].Value));
        }

        return new SddlDescriptor(owner, flags, aces);
    }

    private static SddlAce Ace(string text)
    {
        var fields = text.Split(';');
        if (fields.Length < 6) throw new FormatException($"'({text})' is not an ACE (type;flags;rights;object;inherited object;trustee).");
        return new SddlAce(fields[0], fields[1], Mask(fields[2]), Sid(fields[5]));
    }

    private static uint Mask(string rights)
    {
        if (rights.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return uint.Parse(rights.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        if (rights.Length % 2 != 0) throw new FormatException($"'{rights}' is not a list of access rights in SDDL.");
        uint mask = 0;
        foreach (var code in Pairs(rights))
        {
            mask |= Rights.TryGetValue(code, out var bits) ? bits : throw new FormatException($"'{code}' is not an access right in SDDL.");
        }

        return mask;
    }

    /// <summary>The two-letter codes of a string of them (rights, ACE flags).</summary>
    internal static IEnumerable<string> Pairs(string codes)
    {
        for (var i = 0; i + 1 < codes.Length; i += 2) yield return codes.Substring(i, 2);
    }

    // A SID alias Windows writes that is not in the table (a domain's DA, DU, ...) stays as written: never BA or SY.
    private static string Sid(string text) =>
        Aliases.TryGetValue(text, out var sid) ? sid
        : text.StartsWith("S-1-", StringComparison.Ordinal) || Regex.IsMatch(text, "^[A-Z]{2}$") ? text
        : throw new FormatException($"'{text}' is not a SID or a SID alias.");
}

/// <summary>One entry of a DACL.</summary>
internal sealed class SddlAce
{
    public SddlAce(string type, string flags, uint rights, string trustee) { Type = type; Flags = flags; Rights = rights; Trustee = trustee; }

    /// <summary><c>A</c> (allow) or <c>D</c> (deny), or another ACE type as written.</summary>
    public string Type { get; }

    /// <summary>Inheritance flags as written: <c>OI</c>, <c>CI</c>, <c>IO</c>, <c>NP</c>, <c>ID</c>.</summary>
    public string Flags { get; }

    /// <summary>The rights as a mask (generic rights as a file maps them).</summary>
    public uint Rights { get; }

    /// <summary>The SID the entry is for.</summary>
    public string Trustee { get; }

    public bool IsAllow => Type == "A";

    /// <summary>Applies to what is made inside only, not to the folder itself.</summary>
    public bool InheritOnly => Has("IO");

    /// <summary>Came from the parent folder.</summary>
    public bool Inherited => Has("ID");

    private bool Has(string flag) => System.Linq.Enumerable.Contains(SddlDescriptor.Pairs(Flags), flag);
}
