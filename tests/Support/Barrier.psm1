# Several pwsh processes that run the same command at the same moment, round after round: each worker imports the
# module once, warms up, and then waits for a "go" file; the test writes the command into it and every worker runs it
# at once, writing its result (OK, or the first part of the error's FullyQualifiedErrorId). Every wait is bounded.

$script:workerScript = @'
param([string] $Module, [string] $Folder, [int] $Id, [string] $WarmUp)
$ErrorActionPreference = 'Stop'
Import-Module $Module
& ([scriptblock]::Create($WarmUp)) $Id | Out-Null
[IO.File]::WriteAllText((Join-Path $Folder "ready-$Id"), '')
for ($n = 1; ; $n++) {
    $go = Join-Path $Folder "go-$n"
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    while (-not [IO.File]::Exists($go)) {
        if ([DateTime]::UtcNow -gt $deadline) { exit 2 }
        [Threading.Thread]::Sleep(1)
    }
    $text = [IO.File]::ReadAllText($go)
    if ($text -eq 'exit') { exit 0 }
    $result = try { & ([scriptblock]::Create($text)) $Id | Out-Null; 'OK' } catch { "$($_.FullyQualifiedErrorId)".Split(',')[0] + "`n" + $_.Exception.Message }
    $file = Join-Path $Folder "result-$n-$Id"
    [IO.File]::WriteAllText("$file.part", $result)
    [IO.File]::Move("$file.part", $file)
}
'@

# This pwsh may be `dotnet pwsh.dll` (the local tool): children start the same way.
function Get-PwshCommand {
    $hostPath = [Environment]::ProcessPath
    $command = @($hostPath)
    if ([IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') { $command += [Reflection.Assembly]::GetEntryAssembly().Location }
    , $command
}

function Start-Barrier {
    param([string] $Module, [string] $Folder, [int] $Count, [string] $WarmUp = 'param($Id)')
    New-Item -ItemType Directory -Force -Path $Folder | Out-Null
    $script_ = Join-Path $Folder 'worker.ps1'
    [IO.File]::WriteAllText($script_, $workerScript)
    $pwsh = Get-PwshCommand
    $processes = foreach ($id in 1..$Count) {
        $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script_, $Module, $Folder, $id, "`"$WarmUp`"")
        Start-Process -FilePath $pwsh[0] -PassThru -ArgumentList $arguments `
            -RedirectStandardError (Join-Path $Folder "stderr-$id") -RedirectStandardOutput (Join-Path $Folder "stdout-$id")
    }
    $barrier = [pscustomobject] @{ Folder = $Folder; Count = $Count; Processes = @($processes); Round = 0 }
    $deadline = [DateTime]::UtcNow.AddSeconds(90)
    while (@(Get-ChildItem -Path $Folder -Filter 'ready-*').Count -lt $Count) {
        if ([DateTime]::UtcNow -gt $deadline -or @($barrier.Processes | Where-Object HasExited).Count) {
            Stop-Barrier $barrier
            throw "workers did not start: $(Get-Content (Join-Path $Folder 'stderr-*') -Raw)"
        }
        Start-Sleep -Milliseconds 50
    }
    $barrier
}

# Releases every worker into the command (a script block text taking param($Id)) and returns their results by id.
function Invoke-Together {
    param($Barrier, [string] $Command)
    $n = ++$Barrier.Round
    $go = Join-Path $Barrier.Folder "go-$n"
    [IO.File]::WriteAllText("$go.part", $Command)
    [IO.File]::Move("$go.part", $go)
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    while (@(Get-ChildItem -Path $Barrier.Folder -Filter "result-$n-*" | Where-Object Extension -ne '.part').Count -lt $Barrier.Count) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "round $n did not finish in 120 s" }
        Start-Sleep -Milliseconds 20
    }
    $results = @{}
    foreach ($id in 1..$Barrier.Count) {
        $text = [IO.File]::ReadAllText((Join-Path $Barrier.Folder "result-$n-$id")).Split("`n", 2)
        $results[$id] = $text[0]
        if ($text.Count -gt 1 -and $text[0] -notin "KeyFileExists", "TargetChanged") { Write-Host "worker $id`: $($text[1])" }
    }
    $results
}

function Stop-Barrier {
    param($Barrier)
    $go = Join-Path $Barrier.Folder "go-$($Barrier.Round + 1)"
    [IO.File]::WriteAllText($go, 'exit')
    foreach ($process in $Barrier.Processes) {
        if (-not $process.WaitForExit(10000)) { $process.Kill() }
    }
}

Export-ModuleMember -Function Get-PwshCommand, Start-Barrier, Invoke-Together, Stop-Barrier
