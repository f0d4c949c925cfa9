# The manifest's ScriptsToProcess, run in the importer's scope before the root module is loaded: one line, so that
# PowerShell 7 parses almost nothing. The checks themselves are Windows PowerShell 5.1's and live in DockerTls.Desktop.ps1.
if ($PSEdition -eq 'Desktop') { & "$PSScriptRoot/DockerTls.Desktop.ps1" }
