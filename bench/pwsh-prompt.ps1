<#
.SYNOPSIS
The stand-in of an administrator's prompt for bench/pwsh-prompt.sh: a pwsh that has started and sits idle, then runs
one script when told, as a command typed at the prompt runs (the module's import, first use and JIT included; only
PowerShell's own start, paid when the terminal opened, is not).
.DESCRIPTION
Waits a second once started (PowerShell's start-up work done, as at a prompt), writes DIR/ready, reads the path of a
script from the FIFO DIR/go, runs it, and writes 'ok' (or 'failed: ...') to the FIFO DIR/done. Then it exits.
#>
param([Parameter(Mandatory)] [string] $Dir)
Start-Sleep -Seconds 1
[IO.File]::WriteAllText((Join-Path $Dir 'ready'), "ready`n")
$script = [IO.File]::ReadAllText((Join-Path $Dir 'go')).Trim()
$result = 'ok'
try {
    & $script
    if (-not $?) { $result = 'failed: the script reported an error' }
    elseif ($LASTEXITCODE) { $result = "failed: exit $LASTEXITCODE" }
} catch {
    $result = "failed: $_"
}
[IO.File]::WriteAllText((Join-Path $Dir 'done'), "$result`n")
