using System;
using System.IO;
using System.Linq;
using System.Text;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests.IO;

/// <summary>
/// The security descriptors of keys on Windows. The SDDL is built by a pure function and checked here on any
/// platform; the ACL that Windows actually gives a key (owner, entries, no inheritance) is checked by the last test,
/// which runs on Windows only (CI's windows-2022 leg; on this Linux machine it returns at once).
/// </summary>
public class WindowsAclTests
{
    private const string User = "S-1-5-21-3623811015-3361044348-30300820-1013";

    [Fact]
    public void AKeyIsOwnedByTheUserAndGrantsOnlyTheUserSystemAndAdministrators()
    {
        Assert.Equal($"O:{User}D:P(A;;FA;;;{User})(A;;FA;;;SY)(A;;FA;;;BA)", WindowsAcl.PrivateFile(User));
    }

    [Fact]
    public void APrivateFolderHandsTheSameEntriesDownToWhatIsMadeInside()
    {
        Assert.Equal($"O:{User}D:P(A;OICI;FA;;;{User})(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)", WindowsAcl.PrivateFolder(User));
    }

    [Fact]
    public void NeitherNamesOwnerRightsNorInheritsFromTheParent()
    {
        foreach (var sddl in new[] { WindowsAcl.PrivateFile(User), WindowsAcl.PrivateFolder(User) })
        {
            Assert.DoesNotContain(";OW)", sddl);    // OWNER RIGHTS, S-1-3-4
            Assert.DoesNotContain("S-1-3-4", sddl);
            Assert.DoesNotContain(";CO)", sddl);    // CREATOR OWNER
            Assert.Contains("D:P(", sddl);          // protected: no entry inherited from the parent
            Assert.DoesNotContain(";ID;", sddl);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("OW")]
    [InlineData("S-1-5-21-1)(A;;FA;;;WD")] // would grant Everyone
    [InlineData("S-1-5-21-1;")]
    [InlineData("S-1")]
    public void OnlyASidInStringFormIsAccepted(string sid)
    {
        Assert.Throws<ArgumentException>(() => WindowsAcl.PrivateFile(sid));
        Assert.Throws<ArgumentException>(() => WindowsAcl.PrivateFolder(sid));
    }

    [Fact]
    public void OnWindowsAWrittenKeyIsOwnedByTheUserWithExactlyThoseThreeEntries()
    {
        if (!PlatformInfo.IsWindows) return; // CI's windows-2022 leg
        using var temp = new TempFolder();
        var key = Path.Combine(temp.Path, "client", "key.pem");
        var transaction = new FileTransaction(overwrite: false);
        transaction.AddKey(key, Encoding.ASCII.GetBytes("key"));
        transaction.Commit();

        var user = System.Security.Principal.WindowsIdentity.GetCurrent().User!;
        Assert.Equal(user.Value, WindowsAcl.CurrentUserSid());
#if NET
        var acl = new FileInfo(key).GetAccessControl();
#else
        var acl = File.GetAccessControl(key);
#endif
        Assert.Equal(user, acl.GetOwner(typeof(System.Security.Principal.SecurityIdentifier)));
        Assert.True(acl.AreAccessRulesProtected);
        var rules = acl.GetAccessRules(true, true, typeof(System.Security.Principal.SecurityIdentifier))
            .Cast<System.Security.AccessControl.FileSystemAccessRule>().ToList();
        Assert.All(rules, r => Assert.False(r.IsInherited));
        Assert.All(rules, r => Assert.Equal(System.Security.AccessControl.AccessControlType.Allow, r.AccessControlType));
        var expected = new[] { user.Value, "S-1-5-18", "S-1-5-32-544" }.OrderBy(s => s);
        Assert.Equal(expected, rules.Select(r => r.IdentityReference.Value).OrderBy(s => s));
    }
}
