#requires -Version 7.0
<#
.SYNOPSIS
The strict peers the Pester tests judge certificates by: openssl (verify -x509_strict) and Python's ssl
(VERIFY_X509_STRICT), one definition each for every test file.
.DESCRIPTION
Invoke-OpenSsl runs openssl and returns its exit code and output; Invoke-OpenSslChecked runs it where it must
succeed and throws with the output otherwise. Test-Strict is `openssl verify -x509_strict` of a leaf against a CA
for a purpose, at openssl's default security level unless AuthLevel is given, with the certificates of an
Untrusted file offered as intermediates when one is given. Test-Python is a TLS handshake in memory in which
Python's ssl, with VERIFY_X509_STRICT, is the client: with a HostName, verify_with_python.py (Python's default
context, host name checked); without, strict_verify.py (the chain only: the certificates after the leaf in
CertFile offered as its chain, no host name check).
#>

Set-StrictMode -Version Latest

# openssl with the arguments as given: ExitCode and Output (stdout and stderr, one line each, joined by line breaks).
function Invoke-OpenSsl {
    $output = & openssl @args 2>&1
    [pscustomobject] @{ ExitCode = $LASTEXITCODE; Output = ($output -join "`n") }
}

# openssl that must succeed (making test certificates): nothing returned; a failure throws with openssl's words.
function Invoke-OpenSslChecked {
    $result = Invoke-OpenSsl @args
    if ($result.ExitCode -ne 0) { throw "openssl $($args -join ' ') failed: $($result.Output)" }
}

# What `openssl verify -x509_strict` says of CertFile against CAFile for a purpose (sslserver, sslclient, any).
function Test-Strict {
    param(
        [Parameter(Mandatory)] [string] $CAFile,
        [Parameter(Mandatory)] [string] $CertFile,
        [Parameter(Mandatory)] [string] $Purpose,
        [int] $AuthLevel = -1,
        [string] $Untrusted
    )
    $options = @('-x509_strict')
    if ($AuthLevel -ge 0) { $options += '-auth_level', "$AuthLevel" }
    $options += '-purpose', $Purpose, '-CAfile', $CAFile
    if ($Untrusted) { $options += '-untrusted', $Untrusted }
    Invoke-OpenSsl verify @options $CertFile
}

# Python's ssl (strict flags) as the client of a TLS handshake with a server presenting CertFile and KeyFile,
# trusting CAFile: ExitCode 0 and Output 'ok' (with HostName) or 'OK' (without), else the verify message.
function Test-Python {
    param(
        [Parameter(Mandatory)] [string] $CAFile,
        [Parameter(Mandatory)] [string] $CertFile,
        [Parameter(Mandatory)] [string] $KeyFile,
        [string] $HostName
    )
    $arguments = if ($HostName) {
        (Join-Path $PSScriptRoot 'verify_with_python.py'), $CAFile, $CertFile, $KeyFile, $HostName
    } else {
        (Join-Path $PSScriptRoot 'strict_verify.py'), $CAFile, $CertFile, $KeyFile
    }
    $output = & python3 @arguments 2>&1
    [pscustomobject] @{ ExitCode = $LASTEXITCODE; Output = ($output -join "`n") }
}

Export-ModuleMember -Function Invoke-OpenSsl, Invoke-OpenSslChecked, Test-Strict, Test-Python
