using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace DockerTls.Loader;

/// <summary>
/// Loads DockerTls's own assemblies (DockerTls, DockerTls.Core and BouncyCastle.Cryptography) for DockerTls.psm1.
/// On PowerShell 7 they go into an AssemblyLoadContext of their own, so another module's BouncyCastle 2.x (every
/// 2.x has assembly version 2.0.0.0) can neither stop the import nor be bound to our code, and ours never reaches
/// theirs. On Windows PowerShell 5.1 (.NET Framework has no load contexts) they are loaded as any module's are.
/// </summary>
public static class ModuleAssemblies
{
    /// <summary>The name of the load context, as AssemblyLoadContext.GetLoadContext shows it.</summary>
    public const string ContextName = "DockerTls";

    // Dependencies first: the runtime looks in a context's own loaded assemblies before it asks the default
    // context, so once BouncyCastle is in ours, DockerTls.Core's reference to it can only bind there.
    private static readonly string[] Files = { "BouncyCastle.Cryptography.dll", "DockerTls.Core.dll", "DockerTls.dll" };

    private static readonly object Sync = new();
    private static Assembly? _module;
    private static Type[] _types = Array.Empty<Type>();

    /// <summary>
    /// The cmdlet assembly DockerTls.dll from <paramref name="folder"/>, loaded once per process (a second import,
    /// even of another copy of the module, gets the first copy's assembly).
    /// </summary>
    public static Assembly Load(string folder)
    {
        lock (Sync)
        {
            if (_module != null) return _module;
            if (IsNetFramework) return _module = Assembly.LoadFrom(Path.Combine(folder, "DockerTls.dll"));
            var loaded = LoadIsolated(folder);
            _types = loaded.Skip(1).SelectMany(a => a.GetExportedTypes()).Where(t => !t.IsNested).ToArray();
            return _module = loaded[loaded.Length - 1];
        }
    }

    /// <summary>
    /// Makes the cmdlets of <paramref name="inner"/> (the PSModuleInfo that Import-Module -Assembly returned) the
    /// exports of <paramref name="module"/> (DockerTls.psm1's own PSModuleInfo): a second import gets the cached
    /// assembly module without importing its cmdlets into the psm1's scope
    /// (https://github.com/PowerShell/PowerShell/issues/20710). Where the assemblies are isolated, their public
    /// types become type accelerators under their full names, because PowerShell resolves type names only among
    /// the assemblies of the default load context; BouncyCastle's types are left out, as those names belong to
    /// whichever copy the default context holds; the module's OnRemove takes them back. Reflection, because this
    /// assembly does not reference PowerShell.
    /// </summary>
    public static void Export(object module, object inner)
    {
        var addCmdlet = module.GetType().GetMethod("AddExportedCmdlet", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new MissingMethodException("PSModuleInfo", "AddExportedCmdlet");
        var cmdlets = (IDictionary)inner.GetType().GetProperty("ExportedCmdlets")!.GetValue(inner)!;
        foreach (var cmdlet in cmdlets.Values) addCmdlet.Invoke(module, new[] { cmdlet });

        var add = Accelerators(module).GetMethod("Add", new[] { typeof(string), typeof(Type) })!;
        lock (Sync)
        {
            foreach (var type in _types) add.Invoke(null, new object[] { type.FullName!, type });
        }

        // module.OnRemove = { ... }, set here rather than in the psm1 (one script operation fewer at every import).
        var create = module.GetType().Assembly.GetType("System.Management.Automation.ScriptBlock", throwOnError: true)!
            .GetMethod("Create", new[] { typeof(string) })!;
        var onRemove = create.Invoke(null, new object[] { "[DockerTls.Loader.ModuleAssemblies]::RemoveAccelerators($ExecutionContext.SessionState)" });
        module.GetType().GetProperty("OnRemove")!.SetValue(module, onRemove);
    }

    /// <summary>
    /// Takes back the type accelerators that <see cref="Export"/> added (Remove-Module DockerTls);
    /// <paramref name="powerShellObject"/> is any object of a System.Management.Automation type.
    /// </summary>
    public static void RemoveAccelerators(object powerShellObject)
    {
        var remove = Accelerators(powerShellObject).GetMethod("Remove", new[] { typeof(string) })!;
        lock (Sync)
        {
            foreach (var type in _types) remove.Invoke(null, new object[] { type.FullName! });
        }
    }

    private static Type Accelerators(object powerShellObject) =>
        powerShellObject.GetType().Assembly.GetType("System.Management.Automation.TypeAccelerators", throwOnError: true)!;

    /// <summary>True under .NET Framework (Windows PowerShell 5.1): no isolation there.</summary>
    public static bool IsNetFramework { get; } =
        RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

    /// <summary>
    /// Windows PowerShell 5.1: the path of a BouncyCastle.Cryptography other than the one in <paramref name="folder"/>
    /// that this process has loaded already (ours would bind to it), or null.
    /// </summary>
    public static string? ForeignBouncyCastle(string folder)
    {
        var ours = Path.GetFullPath(Path.Combine(folder, Files[0]));
        return AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name == "BouncyCastle.Cryptography" && !a.IsDynamic)
            .Select(a => a.Location)
            .FirstOrDefault(location => !string.Equals(Path.GetFullPath(location), ours, StringComparison.OrdinalIgnoreCase));
    }

    private static Assembly[] LoadIsolated(string folder)
    {
        // netstandard2.0 has no AssemblyLoadContext; .NET Core 3.0 and later (every PowerShell 7) have it in CoreLib.
        var type = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext", throwOnError: true)!;
        var context = Activator.CreateInstance(type, ContextName, false)!; // (string name, bool isCollectible)
        var loadFromPath = type.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })!;
        var loaded = new Assembly[Files.Length];
        for (var i = 0; i < Files.Length; i++)
        {
            try
            {
                loaded[i] = (Assembly)loadFromPath.Invoke(context, new object[] { Path.Combine(folder, Files[i]) })!;
            }
            catch (TargetInvocationException e) when (e.InnerException != null)
            {
                throw e.InnerException;
            }
        }
        return loaded;
    }
}
