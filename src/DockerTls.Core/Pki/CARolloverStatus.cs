using System;

namespace DockerTls.Core.Pki;

/// <summary>The stage of a CA rollover a command reached, and what is left to do on this machine and elsewhere.</summary>
public enum CARolloverStage
{
    /// <summary>Both CAs are trusted (ca.pem copies hold the bundle); leaves are being re-issued from the new CA.</summary>
    Started,

    /// <summary>The old CA is retired: the ca.pem copies hold the new CA only.</summary>
    Completed,
}

/// <summary>
/// What Start-DockerCARollover or Complete-DockerCARollover did (or, with -WhatIf, would do), and what is left: the
/// ca.pem copies the inventory lists that are not on this machine or hold neither CA, and the leaves still signed by
/// the old CA. Paths are full paths.
/// </summary>
public sealed class CARolloverStatus
{
    public CARolloverStage Stage { get; internal set; }

    /// <summary>The CA folder (<see cref="CARolloverLayout"/>).</summary>
    public string CAPath { get; internal set; } = "";

    /// <summary>The CA that issues from Start on.</summary>
    public DockerCertificate NewCA { get; internal set; } = new();

    /// <summary>The CA being retired (in retiring/), or retired (in retired-&lt;time&gt;/).</summary>
    public DockerCertificate OldCA { get; internal set; } = new();

    /// <summary>The files this run wrote (with -WhatIf: would write).</summary>
    public string[] Written { get; internal set; } = Array.Empty<string>();

    /// <summary>ca.pem copies that already held what this stage puts there.</summary>
    public string[] UpToDate { get; internal set; } = Array.Empty<string>();

    /// <summary>ca.pem copies beside a listed certificate that are not on this machine: copy the CA's ca.pem there (another host, a moved folder).</summary>
    public string[] Missing { get; internal set; } = Array.Empty<string>();

    /// <summary>ca.pem copies that hold neither CA: left alone.</summary>
    public string[] Unrecognized { get; internal set; } = Array.Empty<string>();

    /// <summary>Unrevoked certificates in place that the new CA did not sign: re-issue them with Update-DockerCertificate.</summary>
    public DockerCertificate[] OldLeaves { get; internal set; } = Array.Empty<DockerCertificate>();

    /// <summary>Revoked certificates in place: left out of the rollover on purpose, so that their access ends when it completes.</summary>
    public DockerCertificate[] Revoked { get; internal set; } = Array.Empty<DockerCertificate>();

    /// <summary>What to do next, in words and commands.</summary>
    public string NextStep { get; internal set; } = "";
}
