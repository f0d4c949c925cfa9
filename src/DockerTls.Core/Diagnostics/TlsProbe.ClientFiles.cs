using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using DockerTls.Core.Client;
using DockerTls.Core.Pki;

namespace DockerTls.Core.Diagnostics;

/// <summary>The probe's first step, offline: the client folder's files, judged by <see cref="ClientCertificateCheck"/>.</summary>
public sealed partial class TlsProbe
{
    // The client folder as the docker CLI reads it before it connects, with the client check's rules; null when it fails (diagnosed).
    private ClientCertificateFiles? ReadClientFiles(out X509Certificate2? clientCertificate)
    {
        clientCertificate = null;
        var missing = ClientCertificateFiles.FileNames.Where(name => !File.Exists(Path.Combine(settings.CertPath, name))).ToList();
        if (missing.Count > 0)
        {
            diagnosis.ClientCertificateMissing(missing);
            return null;
        }

        ClientCertificateFiles files;
        try
        {
            files = ClientCertificateFiles.Read(settings.CertPath);
        }
        catch (DockerTlsException e) when (e.ErrorId == "CertificateInvalid" || e.ErrorId == "CertificateNotFound")
        {
            diagnosis.ClientCertificateMissing(Array.Empty<string>(), e.Target as string ?? settings.CertPath);
            return null;
        }
        catch (DockerTlsException e)
        {
            // A FIFO, a device, a link to nothing or a file it may not read: refused at once, without waiting on it.
            diagnosis.ClientFileUnusable(e.ErrorId, e.Message);
            return null;
        }

        if (!PassesClientCheck(files))
        {
            return null;
        }

        try
        {
            clientCertificate = files.LoadWithKey();
        }
        catch (DockerTlsException e) when (e.ErrorId == "ClientKeyStoreUnavailable")
        {
            diagnosis.ClientCredentialsUnavailable(files.KeyPath, e.InnerException?.Message ?? e.Message);
            return null;
        }
        catch (DockerTlsException e)
        {
            diagnosis.KeyMismatch(files.CertPath, files.KeyPath, unreadable: e.ErrorId == KeyFileErrorIds.Key.Invalid);
            return null;
        }

        result.ClientCertificate = files.Summary();
        return files;
    }

    // ClientCertificateCheck's verdict on what the CLI meets before it connects; false when it refuses (diagnosed). A key
    // that cannot be read leaves no summary: loading it with the certificate below tells that.
    private bool PassesClientCheck(ClientCertificateFiles files)
    {
        DockerCertificate summary;
        try
        {
            summary = files.Summary();
        }
        catch (DockerTlsException)
        {
            return true;
        }

        result.ClientCertificate = summary;
        switch (ClientCertificateCheck.Problem(summary, untilConnect: true)?.ErrorId)
        {
            case "EncryptedKey":
                diagnosis.EncryptedKey(files.KeyPath);
                return false;
            case "ClientKeyMismatch":
                diagnosis.KeyMismatch(files.CertPath, files.KeyPath, unreadable: false);
                return false;
            case "ClientCertificateExpired":
                diagnosis.ClientCertificateOutOfValidity(summary, DateTime.UtcNow);
                return false;
            default:
                return true;
        }
    }
}
