using System;
using System.ComponentModel;

namespace DockerTls.Core.Diagnostics;

/// <summary>What a failed TLS handshake says about where it failed.</summary>
internal static class HandshakeError
{
    // SChannel's errors for credentials it cannot take up on this machine, raised before a ClientHello leaves it:
    // SEC_E_INTERNAL_ERROR (a private key it cannot reach, the usual one for a key store without a profile),
    // SEC_E_UNKNOWN_CREDENTIALS, SEC_E_NO_CREDENTIALS.
    private static readonly int[] LocalCredentialErrors = { unchecked((int)0x80090304), unchecked((int)0x8009030D), unchecked((int)0x8009030E) };

    /// <summary>
    /// True when <paramref name="error"/> (an AuthenticationException and its causes) is SChannel refusing this machine's
    /// client credentials, so that no server certificate arrived because no handshake started: not a server without TLS.
    /// </summary>
    public static bool IsLocalCredentialFailure(Exception error)
    {
        for (var e = error; e != null; e = e.InnerException)
        {
            if (e is Win32Exception win32 && (Array.IndexOf(LocalCredentialErrors, win32.NativeErrorCode) >= 0 || Array.IndexOf(LocalCredentialErrors, win32.HResult) >= 0))
                return true;
        }
        return false;
    }
}
