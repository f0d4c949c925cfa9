using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;

namespace DockerTls.Core.IO;

/// <summary>
/// The ACL of <c>%ProgramData%\docker</c> on Windows, which holds daemon.json (<c>config\</c>) and the server's key
/// (<c>certs.d\</c>). dockerd makes it for Administrators and SYSTEM only, with nothing inherited (moby
/// <c>setupDaemonRoot</c> through <c>MkdirAllWithACL</c>, SDDL <c>D:P(A;OICI;GA;;;BA)(A;OICI;GA;;;SY)</c>); a folder made
/// by <c>Directory.CreateDirectory</c> inherits ProgramData's instead, which lets every user read it and make folders in
/// it. The module makes the folder as dockerd does (<see cref="ForNewFolder"/>) and names what makes an existing one
/// weaker (<see cref="Weaknesses"/>).
/// </summary>
public static class DockerDataFolderAcl
{
    /// <summary>
    /// dockerd's DACL, owned by Administrators (dockerd, as LocalSystem, would own it as SYSTEM; an administrator
    /// making it must not leave it owned by a user, whose ownership would let that user rewrite the DACL).
    /// </summary>
    public const string Sddl = "O:BAD:P(A;OICI;GA;;;BA)(A;OICI;GA;;;SY)";

    private const string Administrators = "S-1-5-32-544", LocalSystem = "S-1-5-18";
    private const uint FullControl = 0x1F01FF;

    /// <summary>The folder <c>%ProgramData%\docker</c> for the given value of %ProgramData%.</summary>
    public static string FolderFor(string? programData) =>
        (string.IsNullOrEmpty(programData) ? @"C:\ProgramData" : programData!.TrimEnd('\\', '/')) + @"\docker";

    /// <summary>
    /// The SDDL a new folder at <paramref name="path"/> is made with: <see cref="Sddl"/> for <c>%ProgramData%\docker</c>
    /// itself (compared as Windows does: case, <c>/</c> for <c>\</c>, a trailing separator), null for any other folder,
    /// which inherits from its parent.
    /// </summary>
    public static string? ForNewFolder(string path, string? programData) =>
        string.Equals(Normal(path), Normal(FolderFor(programData)), StringComparison.OrdinalIgnoreCase) ? Sddl : null;

    /// <summary>
    /// What makes the ACL <paramref name="sddl"/> (as Windows writes it, e.g. Get-Acl's Sddl) weaker than dockerd's, one
    /// sentence each; empty when it is as strong: a DACL that inherits from ProgramData, an allow entry for anyone but
    /// Administrators and SYSTEM (inherited, or handed down to what is made inside), an owner other than those two
    /// (an owner may always rewrite the DACL). A DACL that leaves SYSTEM or Administrators without full control is
    /// named too: dockerd runs as SYSTEM. Deny entries only take rights away and pass.
    /// </summary>
    public static IReadOnlyList<string> Weaknesses(string sddl)
    {
        SddlDescriptor descriptor;
        try { descriptor = SddlDescriptor.Parse(sddl); }
        catch (FormatException e) { return new[] { $"its security descriptor could not be read ({e.Message})" }; }

        var found = new List<string>();
        if (!descriptor.Protected) found.Add("it inherits entries from its parent folder (ProgramData's, which let every user read it and make folders in it)");
        if (descriptor.Owner is { } owner && owner != Administrators && owner != LocalSystem)
        {
            found.Add($"it is owned by {owner}, who may change its ACL at any time");
        }

        foreach (var ace in descriptor.Aces.Where(a => a.IsAllow && a.Trustee != Administrators && a.Trustee != LocalSystem))
        {
            var where = ace.InheritOnly ? "on what is made inside it" : ace.Inherited ? "inherited" : "on the folder";
            found.Add($"it grants {Name(ace.Trustee)} access (0x{ace.Rights:x}, {where})");
        }

        foreach (var sid in new[] { Administrators, LocalSystem })
        {
            if (!descriptor.Aces.Any(a => a.IsAllow && !a.InheritOnly && a.Trustee == sid && (a.Rights & FullControl) == FullControl))
            {
                found.Add($"{Name(sid)} has no full control of it (dockerd runs as SYSTEM)");
            }
        }

        return found;
    }

    /// <summary>
    /// The ACL of the existing folder <paramref name="path"/> as SDDL (owner and DACL), read from Windows; null when
    /// it does not exist. Windows only.
    /// </summary>
    public static string? Read(string path)
    {
        const uint OwnerAndDacl = 0x1 | 0x4;
        var code = GetNamedSecurityInfoW(path, 1 /* SE_FILE_OBJECT */, OwnerAndDacl, out _, out _, out _, out _, out var descriptor);
        if (code == 2 || code == 3) return null; // ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND
        if (code != 0) throw FileSystemErrors.FromCode(code, path, "read the ACL of");
        try
        {
            if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(descriptor, 1, OwnerAndDacl, out var text, out _))
            {
                throw FileSystemErrors.FromCode(Marshal.GetLastWin32Error(), path, "read the ACL of");
            }

            try { return Marshal.PtrToStringUni(text); }
            finally { LocalFree(text); }
        }
        finally { LocalFree(descriptor); }
    }

    private static string Normal(string path) => path.Replace('/', '\\').TrimEnd('\\');

    private static string Name(string sid) => sid switch
    {
        Administrators => "Administrators",
        LocalSystem => "SYSTEM",
        "S-1-5-32-545" => "Users (BU)",
        "S-1-5-11" => "Authenticated Users (AU)",
        "S-1-1-0" => "Everyone (WD)",
        "S-1-3-0" => "CREATOR OWNER (CO)",
        _ => sid,
    };

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode)]
    private static extern int GetNamedSecurityInfoW(string name, int type, uint information, out IntPtr owner, out IntPtr group,
        out IntPtr dacl, out IntPtr sacl, out IntPtr descriptor);

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool ConvertSecurityDescriptorToStringSecurityDescriptorW(IntPtr descriptor, uint revision, uint information,
        out IntPtr text, out uint length);

    [DllImport("kernel32.dll")]
    private static extern IntPtr LocalFree(IntPtr memory);
}
