using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace DockerTls.Core.Client;

/// <summary>
/// The Windows user environment (<c>HKCU\Environment</c>), which new processes inherit. Environment.SetEnvironmentVariable
/// with the User target broadcasts WM_SETTINGCHANGE once per variable, each broadcast waiting up to its own timeout for
/// windows that do not answer; here every value is written first and the change is announced once.
/// </summary>
public static class WindowsUserEnvironment
{
    /// <summary>The changes that <paramref name="environment"/> makes: each variable set (a value), then each removed (null).</summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> Changes(ClientEnvironment environment) =>
        environment.Variables.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))
            .Concat(environment.Removed.Select(name => new KeyValuePair<string, string?>(name, null)))
            .ToList();

    /// <summary>
    /// Writes <paramref name="changes"/> into the user environment (a null value deletes the variable; a missing one is
    /// no error), then broadcasts WM_SETTINGCHANGE "Environment" once, so that Explorer hands them to new processes.
    /// </summary>
    public static void Apply(IReadOnlyList<KeyValuePair<string, string?>> changes)
    {
        if (changes.Count == 0) return;
        const uint QueryValue = 0x1, SetValue = 0x2;
        var currentUser = new IntPtr(unchecked((int)0x80000001));
        Check(RegOpenKeyExW(currentUser, "Environment", 0, QueryValue | SetValue, out var key), "RegOpenKeyEx");
        try
        {
            foreach (var change in changes)
            {
                if (change.Value is null)
                {
                    var result = RegDeleteValueW(key, change.Key);
                    if (result != 2) Check(result, "RegDeleteValue"); // 2: ERROR_FILE_NOT_FOUND, nothing to remove
                    continue;
                }
                var data = Encoding.Unicode.GetBytes(change.Value + "\0");
                Check(RegSetValueExW(key, change.Key, 0, 1 /* REG_SZ */, data, data.Length), "RegSetValueEx");
            }
        }
        finally { RegCloseKey(key); }

        // HWND_BROADCAST, WM_SETTINGCHANGE, SMTO_ABORTIFHUNG: a hung window is skipped, and the whole wait is bounded.
        SendMessageTimeoutW(new IntPtr(0xFFFF), 0x1A, UIntPtr.Zero, "Environment", 0x2, 5000, out _);
    }

    private static void Check(int result, string call)
    {
        if (result == 0) return;
        var error = new Win32Exception(result);
        throw new DockerTlsException("UserEnvironmentNotWritten", ErrorKind.PermissionDenied,
            $"{call} failed on HKCU\\Environment ({error.Message}); the user environment was not changed completely. Run Set-DockerClientEnv -Scope User again, or set the variables in System Properties.", "HKCU\\Environment", error);
    }

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode)]
    private static extern int RegOpenKeyExW(IntPtr key, string subKey, uint options, uint desired, out IntPtr result);

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode)]
    private static extern int RegSetValueExW(IntPtr key, string name, uint reserved, uint type, byte[] data, int size);

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode)]
    private static extern int RegDeleteValueW(IntPtr key, string name);

    [DllImport("advapi32.dll")]
    private static extern int RegCloseKey(IntPtr key);

    [DllImport("user32.dll", CharSet = CharSet.Unicode)]
    private static extern IntPtr SendMessageTimeoutW(IntPtr window, uint message, UIntPtr wParam, string lParam, uint flags, uint timeout, out UIntPtr result);
}
