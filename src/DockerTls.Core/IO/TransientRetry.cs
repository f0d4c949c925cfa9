using System;

namespace DockerTls.Core.IO;

/// <summary>
/// A short, bounded retry of a rename that another process refuses for a moment: on Windows an antivirus scanner or
/// the search indexer opens a new file just as it is moved into place (ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION,
/// ERROR_LOCK_VIOLATION). Eight tries, about one second in all; a refusal that outlasts them fails the commit, which
/// then puts back every file it had already moved (<see cref="FileTransaction"/>), so the set still lands all or none.
/// </summary>
internal static class TransientRetry
{
    public const int Attempts = 8;

    /// <summary>The Windows errors worth another try: 5 (access denied), 32 (sharing violation), 33 (lock violation).</summary>
    public static bool IsTransientWindows(int code) => code is 5 or 32 or 33;

    /// <summary>The wait after the <paramref name="attempt"/>th failure (0-based): 10, 20, 40 ... ms, at most 400.</summary>
    public static TimeSpan Delay(int attempt) => TimeSpan.FromMilliseconds(Math.Min(10 << Math.Min(attempt, 10), 400));

    /// <summary>
    /// Calls <paramref name="attempt"/> (0 for success, else an error code) until it succeeds, fails with an error
    /// that is not transient, or has been tried <see cref="Attempts"/> times; returns the last code.
    /// </summary>
    public static int Run(Func<int> attempt, Func<int, bool> isTransient, Action<TimeSpan> sleep)
    {
        var code = 0;
        for (var i = 0; i < Attempts; i++)
        {
            code = attempt();
            if (code == 0 || !isTransient(code)) return code;
            if (i < Attempts - 1) sleep(Delay(i));
        }

        return code;
    }
}
