using System;
using System.IO;
using System.Linq;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests.IO;

/// <summary>
/// The ACL of %ProgramData%\docker: the SDDL it is made with, and the check of an existing one against dockerd's, on
/// security descriptors written as Windows writes them (Get-Acl's Sddl, icacls /save). Pure; the last test, which makes
/// the folder for real and reads its ACL back, runs on Windows only (CI's windows-2022 leg; on this Linux machine it
/// returns at once): the Windows calls themselves are not run here.
/// </summary>
public class DockerDataFolderAclTests
{
    private const string User = "S-1-5-21-3623811015-3361044348-30300820-1013";

    [Fact]
    public void TheNewFolderGetsDockerdsDaclOwnedByAdministrators()
    {
        // moby daemon/internal/system: SddlAdministratorsLocalSystem = "D:P(A;OICI;GA;;;BA)(A;OICI;GA;;;SY)".
        Assert.Equal("O:BAD:P(A;OICI;GA;;;BA)(A;OICI;GA;;;SY)", DockerDataFolderAcl.Sddl);
        var parsed = SddlDescriptor.Parse(DockerDataFolderAcl.Sddl);
        Assert.Equal("S-1-5-32-544", parsed.Owner);
        Assert.True(parsed.Protected);
        Assert.Equal(new[] { "S-1-5-32-544", "S-1-5-18" }, parsed.Aces.Select(a => a.Trustee));
        Assert.All(parsed.Aces, a => Assert.Equal(0x1F01FFu, a.Rights));
        Assert.Empty(DockerDataFolderAcl.Weaknesses(DockerDataFolderAcl.Sddl));
    }

    [Theory]
    [InlineData(@"C:\ProgramData\docker", @"C:\ProgramData")]
    [InlineData(@"c:\programdata\Docker\", @"C:\ProgramData")]
    [InlineData(@"C:/ProgramData/docker", @"C:\ProgramData\")]
    [InlineData(@"D:\Data\docker", @"D:\Data")]
    [InlineData(@"C:\ProgramData\docker", null)]
    public void OnlyProgramDataDockerItselfIsMadeWithIt(string path, string? programData)
    {
        Assert.Equal(DockerDataFolderAcl.Sddl, DockerDataFolderAcl.ForNewFolder(path, programData));
    }

    [Theory]
    [InlineData(@"C:\ProgramData\docker\config")]
    [InlineData(@"C:\ProgramData\docker\certs.d")]
    [InlineData(@"C:\ProgramData")]
    [InlineData(@"C:\ProgramData\dockerd")]
    [InlineData(@"C:\Users\me\.docker")]
    public void OtherFoldersInheritAsBefore(string path)
    {
        Assert.Null(DockerDataFolderAcl.ForNewFolder(path, @"C:\ProgramData"));
    }

    [Theory]
    // What Get-Acl shows for a folder dockerd made: the generic right mapped to FA, auto-inherited flag set.
    [InlineData("O:SYG:SYD:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)")]
    // The entries in the other order, and as hexadecimal rights.
    [InlineData("O:BAG:SYD:P(A;OICI;0x1f01ff;;;SY)(A;OICI;0x1f01ff;;;BA)")]
    // Split by Windows into an entry for the folder and an inherit-only generic one for what is made inside.
    [InlineData("O:BAD:PAI(A;;FA;;;BA)(A;OICIIO;GA;;;BA)(A;;FA;;;SY)(A;OICIIO;GA;;;SY)")]
    // A deny entry only takes rights away; no owner in the string.
    [InlineData("D:P(D;OICI;WD;;;WD)(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)")]
    // Full SIDs instead of aliases.
    [InlineData("O:S-1-5-32-544D:P(A;OICI;FA;;;S-1-5-32-544)(A;OICI;FA;;;S-1-5-18)")]
    public void AsStrongAsDockerdsPasses(string sddl)
    {
        Assert.Empty(DockerDataFolderAcl.Weaknesses(sddl));
    }

    [Fact]
    public void AFolderThatInheritsProgramDatasAclIsNamedForEachWeakness()
    {
        // A folder made with Directory.CreateDirectory under C:\ProgramData, as Get-Acl writes it.
        var inherited = $"O:{User}G:{User}D:AI(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)(A;OICIIOID;GA;;;CO)(A;OICIID;0x1200a9;;;BU)(A;CIID;DCLCRPCR;;;BU)";
        var weak = DockerDataFolderAcl.Weaknesses(inherited);
        Assert.Contains(weak, w => w.Contains("inherits entries from its parent"));
        Assert.Contains(weak, w => w.Contains($"owned by {User}"));
        Assert.Contains(weak, w => w.Contains("CREATOR OWNER (CO)") && w.Contains("on what is made inside it"));
        Assert.Contains(weak, w => w.Contains("Users (BU) access (0x1200a9, inherited)"));
        Assert.Contains(weak, w => w.Contains("Users (BU) access (0x116, inherited)"));
        Assert.Equal(5, weak.Count);
    }

    [Theory]
    [InlineData("O:BAD:P(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICI;FR;;;AU)", "Authenticated Users (AU)")]
    [InlineData("O:BAD:P(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;;FA;;;WD)", "Everyone (WD)")]
    [InlineData("O:BAD:P(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICI;FA;;;" + User + ")", User)]
    [InlineData("O:BAD:P(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICI;FA;;;DU)", "DU")]
    public void AnAllowEntryForAnyoneElseIsNamed(string sddl, string who)
    {
        var weak = Assert.Single(DockerDataFolderAcl.Weaknesses(sddl));
        Assert.Contains($"grants {who} access", weak);
    }

    [Theory]
    [InlineData("O:BAD:P(A;OICI;FA;;;BA)", "SYSTEM has no full control")]
    [InlineData("O:BAD:P(A;OICI;FR;;;BA)(A;OICI;FA;;;SY)", "Administrators has no full control")]
    [InlineData("O:BAD:P(A;OICIIO;GA;;;SY)(A;OICI;FA;;;BA)", "SYSTEM has no full control")]
    public void SystemAndAdministratorsNeedFullControlOfTheFolderItself(string sddl, string expected)
    {
        Assert.Contains(expected, Assert.Single(DockerDataFolderAcl.Weaknesses(sddl)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("D:P(A;OICI;FA;;BA)")]          // five fields
    [InlineData("D:P(A;OICI;ZZ;;;BA)")]         // no such right
    [InlineData("X:P(A;OICI;FA;;;BA)")]
    [InlineData("O:BA")]                        // no DACL
    [InlineData("D:P(A;OICI;FA;;;not a sid)")]
    public void WhatIsNotSddlIsAWeaknessNotACrash(string sddl)
    {
        Assert.Contains("could not be read", Assert.Single(DockerDataFolderAcl.Weaknesses(sddl)));
    }

    [Fact]
    public void OnWindowsTheFolderIsBornWithDockerdsAclAndReadsBackAsStrong()
    {
        if (!PlatformInfo.IsWindows) return; // CI's windows-2022 leg (elevated): owner BA needs an administrator
        using var temp = new TempFolder();
        var programData = Path.Combine(temp.Path, "ProgramData");
        Directory.CreateDirectory(programData);
        var saved = Environment.GetEnvironmentVariable("ProgramData");
        Environment.SetEnvironmentVariable("ProgramData", programData);
        try
        {
            var transaction = new FileTransaction(overwrite: false);
            transaction.AddFile(Path.Combine(programData, "docker", "config", "daemon.json"), new byte[] { (byte)'{', (byte)'}' }, FileModes.PublicFile);
            transaction.Commit();
        }
        finally { Environment.SetEnvironmentVariable("ProgramData", saved); }

        var acl = DockerDataFolderAcl.Read(Path.Combine(programData, "docker"));
        Assert.NotNull(acl);
        Assert.Empty(DockerDataFolderAcl.Weaknesses(acl!));
        Assert.NotEmpty(DockerDataFolderAcl.Weaknesses(DockerDataFolderAcl.Read(programData)!)); // the parent, made plainly, inherits
    }
}
