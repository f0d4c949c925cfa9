using System;
using System.Globalization;
using System.Linq;
using DockerTls.Core.Json;

namespace DockerTls.Core.Pki;

/// <summary>One certificate a CA issued, as its inventory (ca-inventory.jsonl) holds it: never a key.</summary>
public sealed class InventoryRecord
{
    public string SerialNumber { get; set; } = "";
    public CertificateKind Kind { get; set; }
    public string Subject { get; set; } = "";
    public string CommonName { get; set; } = "";
    public string[] DnsNames { get; set; } = Array.Empty<string>();
    public string[] IPAddresses { get; set; } = Array.Empty<string>();
    public DateTime NotBefore { get; set; }
    public DateTime NotAfter { get; set; }
    public string KeyAlgorithm { get; set; } = "";

    /// <summary>SHA-256 of the DER certificate, colon-separated.</summary>
    public string Sha256Fingerprint { get; set; } = "";

    /// <summary>The key identifier of the CA that signed it (hex), or null in a record written before records had it.</summary>
    public string? AuthorityKeyId { get; set; }

    /// <summary>Where the certificate file was written (full path).</summary>
    public string Path { get; set; } = "";

    /// <summary>When this record was written, UTC.</summary>
    public DateTime Recorded { get; set; }

    public bool Revoked { get; set; }

    /// <summary>The serial of the certificate later written to the same path (a renewal), or null while this one is current.</summary>
    public string? ReplacedBy { get; set; }

    internal InventoryRecord Clone() => (InventoryRecord)MemberwiseClone();

    internal static InventoryRecord From(DockerCertificate certificate, DateTime now) => new()
    {
        SerialNumber = certificate.SerialNumber,
        Kind = certificate.Kind,
        Subject = certificate.Subject,
        CommonName = certificate.CommonName,
        DnsNames = certificate.DnsNames,
        IPAddresses = certificate.IPAddresses,
        NotBefore = certificate.NotBefore,
        NotAfter = certificate.NotAfter,
        KeyAlgorithm = certificate.KeyAlgorithm,
        Sha256Fingerprint = certificate.Sha256Fingerprint,
        AuthorityKeyId = certificate.AuthorityKeyId,
        Path = certificate.Path,
        Recorded = now,
    };

    /// <summary>The record as a certificate summary, with the days left at <paramref name="now"/>.</summary>
    public DockerCertificate ToCertificate(DateTime now) => new()
    {
        Path = Path,
        Kind = Kind,
        Subject = Subject,
        CommonName = CommonName,
        DnsNames = DnsNames,
        IPAddresses = IPAddresses,
        NotBefore = NotBefore,
        NotAfter = NotAfter,
        DaysRemaining = (int)Math.Floor((NotAfter - now).TotalDays),
        KeyAlgorithm = KeyAlgorithm,
        SerialNumber = SerialNumber,
        Sha256Fingerprint = Sha256Fingerprint,
        AuthorityKeyId = AuthorityKeyId,
        IsCA = Kind == CertificateKind.CA,
        ServerAuth = Kind == CertificateKind.Server,
        ClientAuth = Kind == CertificateKind.Client,
        Revoked = Revoked,
    };

    internal JsonObject ToJson()
    {
        var json = new JsonObject();
        json["serial"] = new JsonString(SerialNumber);
        json["kind"] = new JsonString(Kind.ToString());
        json["subject"] = new JsonString(Subject);
        json["commonName"] = new JsonString(CommonName);
        json["dnsNames"] = new JsonArray(DnsNames.Select(n => (JsonNode)new JsonString(n)));
        json["ipAddresses"] = new JsonArray(IPAddresses.Select(n => (JsonNode)new JsonString(n)));
        json["notBefore"] = new JsonString(Time(NotBefore));
        json["notAfter"] = new JsonString(Time(NotAfter));
        json["keyAlgorithm"] = new JsonString(KeyAlgorithm);
        json["sha256"] = new JsonString(Sha256Fingerprint);
        if (AuthorityKeyId != null) json["authorityKeyId"] = new JsonString(AuthorityKeyId);
        json["path"] = new JsonString(Path);
        json["recorded"] = new JsonString(Time(Recorded));
        json["revoked"] = new JsonBool(Revoked);
        json["replacedBy"] = ReplacedBy is null ? new JsonNull() : new JsonString(ReplacedBy);
        return json;
    }

    internal static InventoryRecord FromJson(JsonObject json) => new()
    {
        SerialNumber = Text(json, "serial"),
        Kind = Enum.TryParse<CertificateKind>(Text(json, "kind"), out var kind) ? kind : CertificateKind.Other,
        Subject = Text(json, "subject"),
        CommonName = Text(json, "commonName"),
        DnsNames = Texts(json, "dnsNames"),
        IPAddresses = Texts(json, "ipAddresses"),
        NotBefore = ParseTime(Text(json, "notBefore")),
        NotAfter = ParseTime(Text(json, "notAfter")),
        KeyAlgorithm = Text(json, "keyAlgorithm"),
        Sha256Fingerprint = Text(json, "sha256"),
        AuthorityKeyId = json["authorityKeyId"] is JsonString aki ? aki.Value : null,
        Path = Text(json, "path"),
        Recorded = ParseTime(Text(json, "recorded")),
        Revoked = json["revoked"] is JsonBool { Value: true },
        ReplacedBy = json["replacedBy"] is JsonString s ? s.Value : null,
    };

    private static string Text(JsonObject json, string key) => json[key] is JsonString s ? s.Value : "";

    private static string[] Texts(JsonObject json, string key) =>
        json[key] is JsonArray a ? a.OfType<JsonString>().Select(s => s.Value).ToArray() : Array.Empty<string>();

    private static string Time(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTime ParseTime(string text) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : default;
}
