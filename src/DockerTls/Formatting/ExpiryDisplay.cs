using System;
using System.Globalization;
using System.Management.Automation;

namespace DockerTls.Formatting;

/// <summary>
/// Days remaining as the format views show them. Under <see cref="WarningDays"/> they stand out: in colour
/// (<c>$PSStyle</c>, yellow; red once expired) where the host renders colour, otherwise with a trailing <c>!</c>.
/// Windows PowerShell 5.1 has no <c>$PSStyle</c> and always gets the marker.
/// </summary>
public static class ExpiryDisplay
{
    /// <summary>Fewer days than this stand out.</summary>
    public const int WarningDays = 30;

    /// <summary>The marker appended where colour is not shown.</summary>
    public const string Marker = "!";

    /// <summary>
    /// The text for <paramref name="days"/> (an int, or null: empty). <paramref name="psStyle"/> is <c>$PSStyle</c>
    /// (null on 5.1), <paramref name="hostUI"/> is <c>$Host.UI</c>: with <c>OutputRendering</c> Ansi colour is always
    /// used, with Host only when the host supports virtual terminal sequences and output is not redirected, with
    /// PlainText never.
    /// </summary>
    public static string Days(object? days, object? psStyle, object? hostUI)
    {
        if (days is PSObject wrapped) days = wrapped.BaseObject;
        if (days is null) return string.Empty;
        var value = Convert.ToInt32(days, CultureInfo.InvariantCulture);
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (value >= WarningDays) return text;

        var colour = Colour(psStyle, hostUI, value < 0 ? "Red" : "Yellow");
        var reset = colour is null ? null : Property(psStyle, "Reset") as string;
        return colour is null || reset is null ? text + Marker : colour + text + reset;
    }

    private static string? Colour(object? psStyle, object? hostUI, string name) =>
        UsesColour(psStyle, hostUI) ? Property(Property(psStyle, "Foreground"), name) as string : null;

    /// <summary>
    /// Whether to colour: <c>$PSStyle.OutputRendering</c> Ansi always, Host when the host supports virtual terminal
    /// sequences and output is not redirected, PlainText (or no <c>$PSStyle</c>) never.
    /// </summary>
    internal static bool UsesColour(object? psStyle, object? hostUI)
    {
        if (psStyle is null) return false;
        return Property(psStyle, "OutputRendering")?.ToString() switch
        {
            "Ansi" => true,
            "Host" => Property(hostUI, "SupportsVirtualTerminal") is true && !Console.IsOutputRedirected,
            _ => false,
        };
    }

    internal static object? Property(object? target, string name)
    {
        if (target is null) return null;
        var value = PSObject.AsPSObject(target).Properties[name]?.Value;
        return value is PSObject wrapped ? wrapped.BaseObject : value;
    }
}
