#if NET // Unix file modes: .NET only (the net48 build of these tests runs on Windows, where they do not apply)
using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using DockerTls.Core.IO;
using Xunit;

namespace DockerTls.Core.Tests.IO;

/// <summary>
/// How a new file is born on Unix. open(2) is variadic: a fixed-arity P/Invoke of it is wrong on Apple arm64
/// (dotnet/runtime#48752), where the mode would be read from the stack. The mode-at-creation test is the one the CI's
/// macOS arm64 leg runs; on this Linux x64 machine the old P/Invoke happened to pass the mode right too, so here the
/// proof that no variadic function is called is the declaration test.
/// </summary>
[Collection(nameof(UmaskCollection))] // the umask is the process's
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class FileCreationTests
{
    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint SetUmask(uint mask);

    // C functions whose prototype ends in "...", with the number of their fixed parameters: a P/Invoke may declare
    // those (they are passed as usual), never a variadic one such as open's mode.
    private static readonly System.Collections.Generic.Dictionary<string, int> Variadic = new()
    {
        ["open"] = 2, ["open64"] = 2, ["openat"] = 3, ["openat64"] = 3, ["fcntl"] = 2, ["ioctl"] = 2, ["sem_open"] = 2, ["mq_open"] = 2,
    };

    [Fact]
    public void NoPInvokeOfTheCorePassesAVariadicArgument()
    {
        var imports = typeof(FileModes).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Import: m.GetCustomAttribute<DllImportAttribute>()))
            .Where(x => x.Import != null)
            .Select(x => (Name: $"{x.Method.DeclaringType!.Name}.{x.Method.Name}", Entry: x.Import!.EntryPoint ?? x.Method.Name, Count: x.Method.GetParameters().Length))
            .ToList();
        Assert.NotEmpty(imports); // fchmod, mkdir, rename are there
        var wrong = imports.Where(i => Variadic.TryGetValue(i.Entry, out var fixedCount) && i.Count > fixedCount)
            .Select(i => $"{i.Name} -> {i.Entry} with {i.Count} parameters").ToList();
        Assert.True(wrong.Count == 0, "variadic arguments passed through a fixed-arity P/Invoke: " + string.Join(", ", wrong));
    }

    [Fact]
    public void ThisRuntimeCreatesFilesThroughUnixCreateMode()
    {
        if (PlatformInfo.IsWindows) return; // Windows creates files inside a private staging folder instead
        Assert.True(NativeMethods.HasUnixCreateMode);
    }

    [Theory]
    [InlineData(0x100, "0400")] // a key
    [InlineData(0x180, "0600")] // a context's TLS file
    public void ANewFileIsBornOwnerOnlyEvenUnderUmask000(int mode, string expected)
    {
        if (PlatformInfo.IsWindows) return;
        using var temp = new TempFolder();
        var path = temp["key.pem"];
        var old = SetUmask(0);
        try
        {
            // Nothing else is done to the file before its mode is read: no write, no fchmod, no close.
            using var stream = NativeMethods.CreateNew(path, mode);
            Assert.Equal(expected, FileModes.Format((int)File.GetUnixFileMode(path)));
            Assert.Equal(0L, new FileInfo(path).Length);
        }
        finally
        {
            SetUmask(old);
        }
    }

    [Fact]
    public void CreateExclusiveSetsTheExactModeOnTheOpenFile()
    {
        if (PlatformInfo.IsWindows) return;
        using var temp = new TempFolder();
        var path = temp["ca.pem"];
        var old = SetUmask(0x3F); // 077 would take the certificate's read bits for group and others
        try
        {
            using var stream = NativeMethods.CreateExclusive(path, 0x124);
            Assert.Equal("0444", FileModes.Format((int)File.GetUnixFileMode(path)));
        }
        finally
        {
            SetUmask(old);
        }
    }

    [Fact]
    public void AnExistingFileIsRefusedAndLeftAsItWas()
    {
        if (PlatformInfo.IsWindows) return;
        using var temp = new TempFolder();
        var path = temp.Write("key.pem", "theirs");
        var error = Assert.Throws<DockerTlsException>(() => NativeMethods.CreateExclusive(path, 0x100));
        Assert.Equal("FileSystemError", error.ErrorId);
        Assert.Equal("theirs", File.ReadAllText(path));
    }

    [Fact]
    public void ALinkInThePlaceOfTheNewFileIsRefusedNotFollowed()
    {
        if (PlatformInfo.IsWindows) return;
        using var temp = new TempFolder();
        var victim = temp.Write("victim", "untouched");
        File.SetUnixFileMode(victim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var link = temp["key.pem"];
        File.CreateSymbolicLink(link, victim);
        var dangling = temp["dangling.pem"];
        File.CreateSymbolicLink(dangling, temp["nothing-here"]);

        Assert.Equal("FileSystemError", Assert.Throws<DockerTlsException>(() => NativeMethods.CreateExclusive(link, 0x100)).ErrorId);
        Assert.Equal("FileSystemError", Assert.Throws<DockerTlsException>(() => NativeMethods.CreateExclusive(dangling, 0x100)).ErrorId);
        Assert.Equal("untouched", File.ReadAllText(victim));
        Assert.Equal("0644", FileModes.Format((int)File.GetUnixFileMode(victim)));
        Assert.False(File.Exists(temp["nothing-here"]));
    }
}
#endif
