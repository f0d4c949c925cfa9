using System;
using System.ComponentModel;
using System.IO;
using System.Security.Authentication;
using DockerTls.Core.Diagnostics;
using Xunit;

namespace DockerTls.Core.Tests.Diagnostics;

/// <summary>
/// Test-DockerTlsConnection on Windows: SChannel refusing this machine's client credentials is reported as
/// ClientCredentialsUnavailable, not as a server without TLS. The exceptions are built as SslStream raises them
/// (an AuthenticationException around a Win32Exception); the real SChannel runs only on CI's windows-2022 leg.
/// </summary>
public class HandshakeErrorTests
{
    [Theory]
    [InlineData(unchecked((int)0x80090304))] // SEC_E_INTERNAL_ERROR
    [InlineData(unchecked((int)0x8009030D))] // SEC_E_UNKNOWN_CREDENTIALS
    [InlineData(unchecked((int)0x8009030E))] // SEC_E_NO_CREDENTIALS
    public void SChannelsCredentialErrorsAreLocal(int code)
    {
        Assert.True(HandshakeError.IsLocalCredentialFailure(new AuthenticationException("A call to SSPI failed", new Win32Exception(code))));
    }

    [Theory]
    [InlineData(unchecked((int)0x80090326))] // SEC_E_ILLEGAL_MESSAGE: what a plain-HTTP server's answer gives
    [InlineData(unchecked((int)0x80090325))] // SEC_E_UNTRUSTED_ROOT
    [InlineData(10054)]                     // WSAECONNRESET
    public void OtherHandshakeErrorsAreNot(int code)
    {
        Assert.False(HandshakeError.IsLocalCredentialFailure(new AuthenticationException("failed", new Win32Exception(code))));
    }

    [Fact]
    public void AnIOErrorWithoutSChannelIsNot()
    {
        Assert.False(HandshakeError.IsLocalCredentialFailure(new IOException("Received an unexpected EOF or 0 bytes from the transport stream.")));
    }

    [Fact]
    public void TheFailureHasAName()
    {
        Assert.Equal("ClientCredentialsUnavailable", ConnectionFailure.ClientCredentialsUnavailable.ToString());
    }
}
