namespace DockerTls.HelpBuilder;

/// <summary>A help page that does not follow the PlatyPS schema; the message names the file and line.</summary>
internal sealed class HelpFormatException(string file, int line, string message)
    : Exception($"{Path.GetFileName(file)}:{line}: {message}");
