using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace DockerTls;

/// <summary>
/// Runs when PowerShell imports DockerTls.dll (the root module) and sets up where it finds its own dependencies,
/// DockerTls.Core and BouncyCastle.Cryptography: bin/deps, a folder PowerShell does not search, so that nothing but
/// this resolver binds them. On PowerShell 7 both go into an AssemblyLoadContext of their own, so another module's
/// BouncyCastle 2.x (every 2.x has assembly version 2.0.0.0) can neither stop the import nor be bound to our code,
/// and ours never reaches theirs
/// (https://learn.microsoft.com/powershell/scripting/dev-cross-plat/resolving-dependency-conflicts). On Windows
/// PowerShell 5.1 (.NET Framework has no load contexts) they are loaded from bin/deps as any module's would be.
/// This class, and every type PowerShell reflects on before <see cref="OnImport"/> runs, names no type of them.
/// </summary>
public sealed class ModuleAssemblies : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    /// <summary>The name of the load context, as AssemblyLoadContext.GetLoadContext shows it.</summary>
    public const string ContextName = "DockerTls";

    private const string CoreName = "DockerTls.Core";
    private const string BouncyCastleName = "BouncyCastle.Cryptography";

    private static readonly object Sync = new();
    private static Assembly? _core;
    private static Assembly? _bouncyCastle;
    private static Type[] _types = Array.Empty<Type>();

    /// <summary>True under .NET Framework (Windows PowerShell 5.1): no isolation there.</summary>
    public static bool IsNetFramework { get; } =
        RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

    /// <summary>bin/deps beside DockerTls.dll.</summary>
    public static string Folder { get; } =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleAssemblies).Assembly.Location)!, "deps");

    /// <summary>
    /// Loads the dependencies once per process and answers the default context's requests for DockerTls.Core with
    /// our copy. Where they are isolated, the public types of DockerTls.Core become type accelerators under their
    /// full names, because PowerShell resolves type names only among the assemblies of the default load context;
    /// BouncyCastle's are left out, as those names belong to whichever copy the default context holds.
    /// </summary>
    public void OnImport()
    {
        lock (Sync)
        {
            if (_core == null)
            {
                if (IsNetFramework)
                {
                    _bouncyCastle = Assembly.LoadFrom(Path.Combine(Folder, BouncyCastleName + ".dll"));
                    _core = Assembly.LoadFrom(Path.Combine(Folder, CoreName + ".dll"));
                }
                else
                {
                    _core = LoadIsolated();
                    _types = _core.GetExportedTypes().Where(t => !t.IsNested).ToArray();
                }
                // AssemblyResolve is raised on .NET too, once the default context has found nothing of that name.
                AppDomain.CurrentDomain.AssemblyResolve += Resolve;
            }
            var add = Accelerators().GetMethod("Add", new[] { typeof(string), typeof(Type) })!;
            foreach (var type in _types) add.Invoke(null, new object[] { type.FullName!, type });
        }
    }

    /// <summary>Takes back the type accelerators that <see cref="OnImport"/> added (Remove-Module DockerTls).</summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        var remove = Accelerators().GetMethod("Remove", new[] { typeof(string) })!;
        lock (Sync)
        {
            foreach (var type in _types) remove.Invoke(null, new object[] { type.FullName! });
        }
    }

    private static Type Accelerators() =>
        typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators", throwOnError: true)!;

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name).Name;
        if (name == CoreName) return _core;
        // .NET Framework: DockerTls.Core's own reference. On .NET our context holds BouncyCastle already.
        if (name == BouncyCastleName && _bouncyCastle != null && (args.RequestingAssembly == null || args.RequestingAssembly == _core))
            return _bouncyCastle;
        return null;
    }

    private static Assembly LoadIsolated()
    {
        // netstandard2.0 has no AssemblyLoadContext; .NET Core 3.0 and later (every PowerShell 7) have it in CoreLib.
        var type = typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext", throwOnError: true)!;
        var context = Activator.CreateInstance(type, ContextName, false)!; // (string name, bool isCollectible)
        var loadFromPath = type.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) })!;
        // BouncyCastle first: the runtime looks in a context's own loaded assemblies before it asks the default
        // context, so once it is in ours, DockerTls.Core's reference to it can only bind there.
        try
        {
            loadFromPath.Invoke(context, new object[] { Path.Combine(Folder, BouncyCastleName + ".dll") });
            return (Assembly)loadFromPath.Invoke(context, new object[] { Path.Combine(Folder, CoreName + ".dll") })!;
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            throw e.InnerException;
        }
    }
}
