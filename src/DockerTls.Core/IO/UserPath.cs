using System;
using System.IO;

namespace DockerTls.Core.IO;

/// <summary>Full paths of paths that users and environment variables give.</summary>
public static class UserPath
{
    /// <summary>
    /// The full path of <paramref name="path"/>. A path this platform cannot take (a NUL anywhere; on .NET Framework
    /// also '"', '&lt;', '&gt;', '|' or a stray ':', as a quoted <c>setx DOCKER_CERT_PATH "C:\certs\"</c> leaves) is an
    /// <c>InvalidPath</c> error that names <paramref name="source"/>, the parameter or variable it came from.
    /// </summary>
    public static string Full(string path, string source)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
        {
            throw new DockerTlsException("InvalidPath", ErrorKind.InvalidArgument,
                $"{source} is '{path}', which is not a valid path here ({e.Message}). Correct it: no quotes or characters such as | < > inside.", path, e);
        }
    }
}
