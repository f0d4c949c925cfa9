namespace DockerTls.Core.Pki;

/// <summary>
/// The error ids <see cref="PemFormat"/> reports for a private key file, one set for a CA's key and one for any other, so
/// that every id is written out whole (the catalogue, <c>ErrorIds</c>, lists them) and a CA's key says it is the CA's.
/// </summary>
public sealed class KeyFileErrorIds
{
    /// <summary>The ids of a certificate's own key (server-key.pem, key.pem).</summary>
    public static readonly KeyFileErrorIds Key = new("KeyNotFound", "PassphraseRequired", "PassphraseWrong", "KeyInvalid");

    /// <summary>The ids of a CA's key (ca-key.pem): every one of them means that the CA cannot issue.</summary>
    public static readonly KeyFileErrorIds CAKey = new("CAKeyNotFound", "CAPassphraseRequired", "CAPassphraseWrong", "CAKeyInvalid");

    private KeyFileErrorIds(string notFound, string passphraseRequired, string passphraseWrong, string invalid)
    {
        NotFound = notFound;
        PassphraseRequired = passphraseRequired;
        PassphraseWrong = passphraseWrong;
        Invalid = invalid;
    }

    /// <summary>The key file does not exist.</summary>
    public string NotFound { get; }

    /// <summary>The key is encrypted and no passphrase was given.</summary>
    public string PassphraseRequired { get; }

    /// <summary>The passphrase does not open the key.</summary>
    public string PassphraseWrong { get; }

    /// <summary>The file holds no private key that can be read, or a damaged one.</summary>
    public string Invalid { get; }
}
