using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace DockerTls.Core.IO;

/// <summary>
/// The security descriptors of private files and folders on Windows, as SDDL. The owner and the allow entry name the
/// current user's own SID, not OWNER RIGHTS (S-1-3-4): an elevated administrator's new files are owned by
/// BUILTIN\Administrators (the token's default owner on Windows Server), so an entry for "the owner" would leave the
/// same person, not elevated, unable to read their key, and Win32-OpenSSH refuses a key file whose owner is not the
/// user. SYSTEM and Administrators keep full control; the DACL is protected (nothing inherited).
/// </summary>
internal static class WindowsAcl
{
    // A SID in string form, and nothing else: it is pasted into SDDL, where ')' or ';' would add entries.
    private static readonly Regex SidForm = new("^S-1-[0-9]+(-[0-9]+)+$", RegexOptions.CultureInvariant);

    /// <summary>A key: owned by <paramref name="userSid"/>, full control for it, SYSTEM and Administrators only.</summary>
    public static string PrivateFile(string userSid) =>
        $"O:{Checked(userSid)}D:P(A;;FA;;;{userSid})(A;;FA;;;SY)(A;;FA;;;BA)";

    /// <summary>A private folder: the same entries, inherited by the files and folders made inside it.</summary>
    public static string PrivateFolder(string userSid) =>
        $"O:{Checked(userSid)}D:P(A;OICI;FA;;;{userSid})(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";

    private static string Checked(string sid) =>
        SidForm.IsMatch(sid ?? "") ? sid! : throw new ArgumentException($"'{sid}' is not a SID in string form (S-1-...).", nameof(sid));

    /// <summary>The SID of the user this process runs as (its primary token's user), e.g. S-1-5-21-...-1001.</summary>
    public static string CurrentUserSid()
    {
        const uint TokenQuery = 0x8;
        const int TokenUser = 1;
        if (!OpenProcessToken(GetCurrentProcess(), TokenQuery, out var token)) throw Failure("OpenProcessToken");
        try
        {
            GetTokenInformation(token, TokenUser, IntPtr.Zero, 0, out var length);
            var buffer = Marshal.AllocHGlobal(length);
            try
            {
                if (!GetTokenInformation(token, TokenUser, buffer, length, out _)) throw Failure("GetTokenInformation");
                var sid = Marshal.ReadIntPtr(buffer); // TOKEN_USER { SID_AND_ATTRIBUTES { PSID Sid; DWORD Attributes } }
                if (!ConvertSidToStringSidW(sid, out var text)) throw Failure("ConvertSidToStringSid");
                try { return Marshal.PtrToStringUni(text)!; }
                finally { LocalFree(text); }
            }
            finally { Marshal.FreeHGlobal(buffer); }
        }
        finally { CloseHandle(token); }
    }

    private static DockerTlsException Failure(string call)
    {
        var error = new Win32Exception(Marshal.GetLastWin32Error());
        return new DockerTlsException("FileSystemError", ErrorKind.PermissionDenied,
            $"{call} failed ({error.Message}): the user this process runs as could not be read, so no private ACL can be made.", null, error);
    }

    [DllImport("kernel32.dll")]
    private static extern IntPtr GetCurrentProcess();

    [DllImport("advapi32.dll", SetLastError = true)]
    private static extern bool OpenProcessToken(IntPtr process, uint access, out IntPtr token);

    [DllImport("advapi32.dll", SetLastError = true)]
    private static extern bool GetTokenInformation(IntPtr token, int informationClass, IntPtr information, int length, out int returned);

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool ConvertSidToStringSidW(IntPtr sid, out IntPtr text);

    [DllImport("kernel32.dll", SetLastError = true)]
    private static extern bool CloseHandle(IntPtr handle);

    [DllImport("kernel32.dll")]
    private static extern IntPtr LocalFree(IntPtr memory);
}
