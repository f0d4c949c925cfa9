namespace DockerTls.Core.Client;

/// <summary>A Docker context with a TLS docker endpoint, as written into Docker's context store.</summary>
public sealed class DockerContext
{
    /// <summary>The context's name (<c>docker --context NAME</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>The description <c>docker context ls</c> shows.</summary>
    public string Description { get; set; } = "";

    /// <summary>The docker endpoint, <c>tcp://host:port</c>.</summary>
    public string DockerHost { get; set; } = "";

    /// <summary>Whether the CLI skips checking the daemon's certificate (never, for contexts this module writes).</summary>
    public bool SkipTlsVerify { get; set; }

    /// <summary>Whether <c>config.json</c> names this context as the current one.</summary>
    public bool Current { get; set; }

    /// <summary>The folder holding <c>meta.json</c>.</summary>
    public string MetadataPath { get; set; } = "";

    /// <summary>The folder holding the endpoint's <c>ca.pem</c>, <c>cert.pem</c> and <c>key.pem</c> (under <c>docker/</c>).</summary>
    public string TlsPath { get; set; } = "";

    /// <inheritdoc />
    public override string ToString() => Name;
}
