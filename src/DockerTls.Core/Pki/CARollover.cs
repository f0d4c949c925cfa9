using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DockerTls.Core.IO;
using Org.BouncyCastle.X509;

namespace DockerTls.Core.Pki;

/// <summary>
/// A CA rollover with overlap, in three stages that each can be run again to resume (the layout is
/// <see cref="CARolloverLayout"/>). Start makes a new CA beside the old and writes the bundle of both as the CA's ca.pem
/// and as every ca.pem copy the inventory lists on this machine; Update-DockerCertificate then re-issues each leaf from
/// the new CA (<see cref="CertificateRenewal"/>); Complete retires the old CA, so that the copies hold the new CA alone,
/// and refuses (<c>CARolloverLeavesLeft</c>) while an unrevoked leaf the old CA signed is still in place. dockerd
/// trusts every CA in its tlscacert and the docker CLI every CA in its ca.pem, so at each stage everyone whose files
/// the stage has reached accepts everyone else.
/// </summary>
public static class CARollover
{
    /// <summary>
    /// Plans the start (or, under way already, the resumption) of a rollover of the CA at <paramref name="caPath"/>:
    /// the new CA named <paramref name="commonName"/> (else the old name with today's date) with a key of the old one's
    /// algorithm, for <paramref name="validityDays"/> (else the old CA's lifetime), its key encrypted with
    /// <paramref name="passphrase"/> when the old one is. Fails as loading the CA does (<c>CAPassphraseWrong</c>, ...).
    /// </summary>
    public static CARolloverPlan PlanStart(string caPath, char[]? passphrase, string? commonName, int? validityDays, DateTime now)
    {
        var folder = CARolloverLayout.CAFolder(caPath);
        var caFile = Path.Combine(folder, CertificateFiles.CACertificate);
        var inventory = CertificateInventory.InFolder(folder);
        using var current = CertificateAuthority.Load(folder, passphrase, forRenewal: true);
        var records = CertificateInventory.Read(inventory);
        if (current.Retiring.Count > 0)
        {
            // Under way: the copies that lack the bundle get it; no second new CA.
            var resumed = NewPlan(CARolloverStage.Started, folder, current.Certificate, current.Retiring[0], CARolloverLayout.RetiringCertificatePath(folder), records, inventory, now);
            resumed.Copies(records, folder, current.BundlePem, current.Retiring.Concat(new[] { current.Certificate }).ToList());
            Finish(resumed, folder);
            return resumed;
        }
        if (validityDays is { } days) CertificateAuthority.CheckValidity(days);
        var lifetime = validityDays ?? Math.Max(1, (int)Math.Round((current.Certificate.NotAfter - current.Certificate.NotBefore).TotalDays));
        var name = commonName ?? NextName(current.Certificate, now);
        var created = CertificateAuthority.Create(name, CertificateRenewal.KeySpecOf(current.Certificate), lifetime, passphrase);
        var oldPem = SafeFile.ReadAllBytes(caFile, SafeFile.Pem);
        var keyFile = Path.Combine(folder, CertificateFiles.CAKey);
        var oldKey = SafeFile.ReadAllBytes(keyFile, SafeFile.Pem);
        var bundle = created.CertificatePem.Concat(oldPem).ToArray();
        var plan = NewPlan(CARolloverStage.Started, folder, created.Certificate, current.Certificate, CARolloverLayout.RetiringCertificatePath(folder), records, inventory, now);
        var retiring = CARolloverLayout.RetiringFolder(folder);
        plan.Directory(retiring);
        plan.Certificate(Path.Combine(retiring, CertificateFiles.CACertificate), oldPem, null);
        plan.Key(Path.Combine(retiring, CertificateFiles.CAKey), oldKey, null);
        plan.Certificate(caFile, bundle, oldPem);
        plan.Key(keyFile, created.KeyPem, oldKey);
        plan.Record(CertificateFiles.Describe(folder, CertificateKind.CA, created));
        plan.Copies(records, folder, bundle, new[] { current.Certificate, created.Certificate });
        Finish(plan, folder);
        return plan;
    }

    /// <summary>
    /// Plans the completion of the rollover under way at <paramref name="caPath"/> (or, completed already, the copies that
    /// still hold the old CA): ca.pem and every listed copy on this machine hold the new CA only, and retiring/ becomes
    /// retired-&lt;time&gt;/. <c>CARolloverNotStarted</c> without a rollover; <c>CARolloverLeavesLeft</c> while an
    /// unrevoked leaf of the old CA is in place, unless <paramref name="force"/>.
    /// </summary>
    public static CARolloverPlan PlanComplete(string caPath, bool force, DateTime now)
    {
        var folder = CARolloverLayout.CAFolder(caPath);
        var caFile = Path.Combine(folder, CertificateFiles.CACertificate);
        if (!File.Exists(caFile))
            throw new DockerTlsException("CANotFound", ErrorKind.ObjectNotFound,
                $"No CA certificate at '{caFile}'. Give -CAPath the CA's folder (ca.pem, ca-key.pem) or its ca.pem.", caPath);
        var retiringFile = CARolloverLayout.RetiringCertificatePath(folder);
        var underWay = File.Exists(retiringFile);
        var oldFile = underWay ? retiringFile : CARolloverLayout.LatestRetired(folder) is { } retired ? Path.Combine(retired, CertificateFiles.CACertificate) : null;
        if (oldFile == null)
            throw new DockerTlsException("CARolloverNotStarted", ErrorKind.InvalidOperation,
                $"No rollover of the CA in '{folder}' is under way or done (no {CARolloverLayout.RetiringFolderName}/ folder). Start one with Start-DockerCARollover -CAPath '{folder}'.", folder);
        var old = PemFormat.ReadCertificates(oldFile);
        var caPem = SafeFile.ReadAllBytes(caFile, SafeFile.Pem);
        var newCerts = PemFormat.ReadCertificates(caFile).Where(c => !old.Any(o => o.Equals(c))).ToList();
        if (newCerts.Count == 0)
            throw new DockerTlsException("CARolloverInvalid", ErrorKind.InvalidData,
                $"'{caFile}' holds no CA other than the one in '{oldFile}', so there is no new CA to keep. Nothing was changed.", caFile);
        var newOnly = newCerts.SelectMany(PemFormat.WriteCertificate).ToArray();
        var inventory = CertificateInventory.InFolder(folder);
        var records = CertificateInventory.Read(inventory);
        var to = CARolloverLayout.RetiredFolder(folder, now);
        var plan = NewPlan(CARolloverStage.Completed, folder, newCerts[0], old[0], underWay ? Path.Combine(to, CertificateFiles.CACertificate) : oldFile, records, inventory, now);
        if (underWay && plan.Status.OldLeaves.Length > 0 && !force)
            throw new DockerTlsException("CARolloverLeavesLeft", ErrorKind.InvalidOperation,
                $"{plan.Status.OldLeaves.Length} certificate(s) in place are still signed by the old CA and would stop working: "
                + string.Join(", ", plan.Status.OldLeaves.Take(10).Select(c => $"'{c.Path}' ({c.CommonName})"))
                + $". Re-issue them from the new CA first (Get-DockerCertificate -IssuedBy '{folder}' | Update-DockerCertificate -CAPath '{folder}'), revoke the ones that should lose access (Revoke-DockerClientCert), or give -Force. Nothing was changed.", folder);
        if (!caPem.SequenceEqual(newOnly)) plan.Certificate(caFile, newOnly, caPem);
        plan.Copies(records, folder, newOnly, old.Concat(newCerts).ToList());
        if (underWay)
        {
            var from = CARolloverLayout.RetiringFolder(folder);
            plan.AfterCommit(() => System.IO.Directory.Move(from, to), to);
        }
        Finish(plan, folder);
        return plan;
    }

    private static CARolloverPlan NewPlan(CARolloverStage stage, string folder, X509Certificate newCA, X509Certificate oldCA, string oldPath,
        IReadOnlyList<InventoryRecord> records, string inventory, DateTime now)
    {
        var inPlace = records.Where(r => r.ReplacedBy == null && r.Kind != CertificateKind.CA).ToList();
        var status = new CARolloverStatus
        {
            Stage = stage,
            CAPath = folder,
            NewCA = CertificateReader.Summarize(newCA, Path.Combine(folder, CertificateFiles.CACertificate), now),
            OldCA = CertificateReader.Summarize(oldCA, oldPath, now),
            OldLeaves = LeavesNotFrom(newCA, records, now).ToArray(),
            Revoked = inPlace.Where(r => r.Revoked).Select(r => r.ToCertificate(now)).ToArray(),
        };
        return new CARolloverPlan(status, inventory);
    }

    /// <summary>
    /// During a rollover (<paramref name="authority"/> has a retiring CA and an inventory), the unrevoked leaves in place
    /// that the retiring CA still signs; null when no rollover is under way. The cmdlets call this, not
    /// <see cref="LeavesNotFrom"/>: their assembly never names a BouncyCastle type, which lives in the module's own load context.
    /// </summary>
    public static IReadOnlyList<DockerCertificate>? LeavesLeftInRollover(CertificateAuthority authority, DateTime now) =>
        authority.Retiring.Count > 0 && authority.InventoryPath is { } inventory
            ? LeavesNotFrom(authority.Certificate, CertificateInventory.Read(inventory), now).ToList()
            : null;

    /// <summary>
    /// The unrevoked leaves in place in <paramref name="records"/> that <paramref name="ca"/> did not sign, by the key id
    /// each record carries; a record without one was written before the rollover began, by the CA of the time.
    /// </summary>
    public static IEnumerable<DockerCertificate> LeavesNotFrom(X509Certificate ca, IEnumerable<InventoryRecord> records, DateTime now)
    {
        var keyId = KeyIdentifiers.SubjectOf(ca);
        return records.Where(r => r.ReplacedBy == null && r.Kind != CertificateKind.CA && !r.Revoked
                && !string.Equals(r.AuthorityKeyId, keyId, StringComparison.OrdinalIgnoreCase))
            .Select(r => r.ToCertificate(now));
    }

    // What is left, in words: the copies to carry by hand, the leaves to re-issue, the next stage.
    private static void Finish(CARolloverPlan plan, string folder)
    {
        var s = plan.Status;
        var steps = new List<string>();
        if (s.Missing.Length > 0)
            steps.Add($"{s.Missing.Length} listed ca.pem cop{(s.Missing.Length == 1 ? "y is" : "ies are")} not on this machine ({string.Join(", ", s.Missing.Take(5))}): copy '{Path.Combine(folder, CertificateFiles.CACertificate)}' there (Install-DockerClientCert, Update-DockerContext, or by hand on other hosts), then restart each daemon");
        if (s.Unrecognized.Length > 0)
            steps.Add($"{string.Join(", ", s.Unrecognized.Take(5))} hold{(s.Unrecognized.Length == 1 ? "s" : "")} neither CA and {(s.Unrecognized.Length == 1 ? "was" : "were")} left alone");
        if (s.Stage == CARolloverStage.Started)
        {
            steps.Add("restart every daemon so that it reads the bundle (dockerd reads its TLS files only at start)");
            if (s.OldLeaves.Length > 0)
                steps.Add($"re-issue the {s.OldLeaves.Length} certificate(s) still signed by the old CA: Get-DockerCertificate -IssuedBy '{folder}' | Update-DockerCertificate -CAPath '{folder}', and restart the daemons whose server certificate changed");
            steps.Add($"then Complete-DockerCARollover -CAPath '{folder}'");
        }
        else
        {
            steps.Add("restart every daemon so that it trusts the new CA only");
            if (s.Revoked.Length > 0) steps.Add($"{s.Revoked.Length} revoked certificate(s) lose their access once the daemons restart");
        }
        s.NextStep = string.Join("; ", steps) + ".";
    }

    /// <summary>The new CA's default name: the old one with today's date in place of its own (a kit's CA is "Docker CA &lt;host&gt; &lt;date&gt;").</summary>
    internal static string NextName(X509Certificate old, DateTime now)
    {
        var oldName = old.SubjectDN.GetValueList(Org.BouncyCastle.Asn1.X509.X509Name.CN).FirstOrDefault() ?? "Docker CA";
        var stem = Regex.Replace(oldName, @" \d{4}-\d{2}-\d{2}( \d{6})?$", "");
        var date = now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var name = Fit(stem, $" {date}");
        return name != oldName ? name : Fit(stem, $" {date} {now.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture)}");
    }

    private static string Fit(string stem, string suffix) => (stem.Length + suffix.Length > 64 ? stem.Substring(0, 64 - suffix.Length) : stem) + suffix;
}
