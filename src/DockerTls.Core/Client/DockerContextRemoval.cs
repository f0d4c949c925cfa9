using System;
using System.IO;
using DockerTls.Core.IO;

namespace DockerTls.Core.Client;

/// <summary>
/// Removes a Docker context from Docker's own store as <c>docker context rm</c> does: its metadata folder and the
/// folder of its TLS copies. The current context (config.json's <c>currentContext</c>) is refused unless forced; forced,
/// <c>currentContext</c> is taken out of config.json first, so the CLI falls back to <c>DOCKER_HOST</c> or the default.
/// </summary>
public static class DockerContextRemoval
{
    /// <summary>
    /// Removes the context <paramref name="name"/>; returns the folders removed. <c>ContextNotFound</c> when there is no
    /// such context, <c>ContextReserved</c> for <c>default</c>, <c>ContextInUse</c> for the current one without
    /// <paramref name="force"/>; in each case nothing is changed.
    /// </summary>
    public static string[] Remove(DockerContextStore store, string name, bool force)
    {
        Check(store, name, force);
        if (IsCurrent(store, name))
        {
            var transaction = new FileTransaction(overwrite: true, destinationParameter: null);
            store.Config.PlanClearCurrentContext(transaction);
            transaction.Commit();
        }

        var removed = new[] { store.MetadataFolder(name), store.TlsFolder(name) };
        foreach (var folder in removed)
        {
            try
            {
                // A link in the context's place is removed itself; Directory.Delete does not follow links inside.
                if (IsLink(folder)) File.Delete(folder);
                else if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw FileSystemErrors.FromException(e, folder, "remove");
            }
        }

        return removed;
    }

    /// <summary>The refusals of <see cref="Remove"/>, for -WhatIf to meet them too.</summary>
    public static void Check(DockerContextStore store, string name, bool force)
    {
        if (string.Equals(name, "default", StringComparison.Ordinal))
        {
            throw new DockerTlsException("ContextReserved", ErrorKind.InvalidArgument,
                "The context 'default' is the docker CLI's own (DOCKER_HOST or the local socket) and cannot be removed.", name);
        }

        DockerContextStore.ValidateName(name);
        if (!store.Exists(name))
        {
            throw new DockerTlsException("ContextNotFound", ErrorKind.ObjectNotFound,
                $"There is no Docker context named '{name}' in '{store.ConfigFolder}'. Nothing was removed (docker context ls lists those there are).", name);
        }

        if (!force && IsCurrent(store, name))
        {
            throw new DockerTlsException("ContextInUse", ErrorKind.InvalidOperation,
                $"The context '{name}' is the current one in '{store.Config.Path}'. Nothing was removed. Use -Force to remove it anyway (the docker CLI then falls back to DOCKER_HOST or the default context), as docker context rm -f does.", name);
        }
    }

    private static bool IsCurrent(DockerContextStore store, string name) =>
        string.Equals(store.Config.TryGetCurrentContext(), name, StringComparison.Ordinal);

    private static bool IsLink(string path) =>
        File.Exists(path) || Directory.Exists(path) ? (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0 : false;
}
