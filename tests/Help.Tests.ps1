#requires -Version 7.0
# The help that Get-Help shows for the built module, checked against what the module really exports:
# a page that drifts from its cmdlet (a parameter renamed, added or removed, a set or a pipeline binding
# changed) fails here. Everything runs in this session against output/DockerTls, except the HelpBuilder
# checks at the end, which run the builder on broken pages.

BeforeDiscovery {
    Import-Module "$PSScriptRoot/../output/DockerTls/DockerTls.psd1" -Force
    $skip = [System.Management.Automation.PSCmdlet]::CommonParameters + 'WhatIf', 'Confirm'
    $cmdlets = foreach ($command in Get-Command -Module DockerTls -CommandType Cmdlet | Sort-Object Name) {
        @{
            Name       = $command.Name
            Parameters = @($command.Parameters.Keys | Where-Object { $_ -notin $skip } | Sort-Object)
        }
    }
}

BeforeAll {
    Import-Module "$PSScriptRoot/../output/DockerTls/DockerTls.psd1" -Force
    $script:helpSource = (Resolve-Path "$PSScriptRoot/../en-US").Path
    $script:commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters +
        [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

    # The prose of a '## Heading' section of a markdown page, without markup, on one line.
    function Get-PageSection([string] $Text, [string] $Heading) {
        if ($Text -match "(?ms)^## $([regex]::Escape($Heading))[ \t]*\r?\n(.*?)(?=^## |\z)") {
            return ConvertTo-PlainText $Matches[1]
        }
    }

    function ConvertTo-PlainText([string] $Text) {
        return ($Text -replace '[`*]', '' -replace '\s+', ' ').Trim()
    }

    function Get-HelpText($Description) {
        return (($Description | ForEach-Object { $_.Text }) -join ' ').Trim()
    }
}

Describe 'Get-Help <Name>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command -Module DockerTls -Name $Name
        $help = Get-Help -Name $Name -Full
        $pagePath = Join-Path $helpSource "$Name.md"
        $page = if (Test-Path $pagePath) { Get-Content -Raw $pagePath } else { '' }
        $helpParameters = @($help.parameters.parameter)
    }

    Context 'The page' {
        It 'exists as en-US/<Name>.md' {
            $pagePath | Should -Exist
        }

        It 'documents only parameters that the cmdlet has' {
            $documented = [regex]::Matches($page, '(?m)^### -(\w+)[ \t]*$') | ForEach-Object { $_.Groups[1].Value }
            $unknown = $documented | Where-Object { -not $command.Parameters.ContainsKey($_) }
            $unknown | Should -BeNullOrEmpty -Because "en-US/$Name.md documents them but $Name has no such parameter"
        }
    }

    Context 'At 80 columns' {
        It 'shows the page''s tables as text, not as Markdown pipes: one item per row' {
            $text = Get-Help -Name $Name -Full | Out-String -Width 80
            $text -split "`r?`n" | Where-Object { $_ -match '^\s*\|.*\|\s*$|\|\s*-{3,}\s*\|' } | Should -BeNullOrEmpty -Because "Get-Help $Name shows raw table rows"
            if ($Name -eq 'Test-DockerTlsConnection') {
                # Each row of the page's failure table is an item: its first cell, then each other cell after its header.
                $wide = (Get-Help -Name $Name -Full | Out-String -Width 500) -replace '\s+', ' '
                $wide | Should -Match '- TlsNotUsed\. what the docker CLI says: Client sent an HTTP request to an HTTPS server; cause: DOCKER_HOST without'
                $wide | Should -Match '- None\. cause: the connection works -'
            }
        }
    }

    Context 'The synopsis and examples' {
        It 'shows the synopsis of the page, not the generated syntax stub' {
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Synopsis | Should -Not -Match "^\s*$([regex]::Escape($Name))(\s|$)"
            ConvertTo-PlainText $help.Synopsis | Should -Be (Get-PageSection $page 'SYNOPSIS')
        }

        It 'shows a description' {
            Get-HelpText $help.description | Should -Not -BeNullOrEmpty
        }

        It 'shows at least two examples, each with code' {
            $examples = @($help.examples.example)
            $examples.Count | Should -BeGreaterOrEqual 2
            foreach ($example in $examples) { $example.code | Should -Not -BeNullOrEmpty }
        }

        It 'shows one syntax line per parameter set' {
            @($help.syntax.syntaxItem).Count | Should -Be $command.ParameterSets.Count
        }
    }

    Context 'Parameter -<_>' -ForEach $Parameters {
        BeforeAll {
            $parameterName = $_
            $documented = $helpParameters | Where-Object name -EQ $parameterName
            $metadata = $command.Parameters[$parameterName]
            $sets = @($metadata.ParameterSets.Values)
        }

        It 'has a description' {
            $documented | Should -Not -BeNullOrEmpty -Because "en-US/$Name.md must document -$parameterName"
            Get-HelpText $documented.description | Should -Not -BeNullOrEmpty
        }

        It 'is shown as required exactly when the cmdlet makes it mandatory' {
            if (-not $documented) { Set-ItResult -Skipped -Because "-$parameterName is not documented"; return }
            $mandatory = @($sets | Where-Object { -not $_.IsMandatory }).Count -eq 0
            $documented.required | Should -Be $mandatory.ToString().ToLowerInvariant() -Because 'IsRequired in the yaml block must match Mandatory'
        }

        It 'is shown at the position the cmdlet gives it' {
            if (-not $documented) { Set-ItResult -Skipped -Because "-$parameterName is not documented"; return }
            $positions = @($sets.Position | Sort-Object -Unique)
            $expected = if ($positions.Count -eq 1 -and $positions[0] -ge 0) { "$($positions[0])" } else { 'named' }
            $documented.position | Should -Be $expected -Because 'Position in the yaml block must match the cmdlet'
        }

        It 'is shown with the pipeline input the cmdlet accepts' {
            if (-not $documented) { Set-ItResult -Skipped -Because "-$parameterName is not documented"; return }
            $byValue = [bool]($sets | Where-Object ValueFromPipeline)
            $byName = [bool]($sets | Where-Object ValueFromPipelineByPropertyName)
            $because = "the page says '$($documented.pipelineInput)'"
            $documented.pipelineInput -match 'ByValue' | Should -Be $byValue -Because $because
            $documented.pipelineInput -match 'ByPropertyName' | Should -Be $byName -Because $because
        }
    }

    Context 'Help in another UI culture' {
        It 'is found when the UI culture is <_>' -ForEach @('', 'en-US', 'de-DE') {
            $saved = [cultureinfo]::CurrentUICulture
            try {
                [cultureinfo]::CurrentUICulture = [cultureinfo]::GetCultureInfo($_)
                ConvertTo-PlainText (Get-Help -Name $Name).Synopsis | Should -Be (Get-PageSection $page 'SYNOPSIS')
            } finally {
                [cultureinfo]::CurrentUICulture = $saved
            }
        }
    }
}

Describe 'about_DockerTls at 80 columns' {
    It 'has no raw Markdown table rows' {
        $text = Get-Help about_DockerTls | Out-String -Width 80
        $text.Length | Should -BeGreaterThan 1000
        $text -split "`r?`n" | Where-Object { $_ -match '^\s*\|.*\|\s*$|\|\s*-{3,}\s*\|' } | Should -BeNullOrEmpty
    }
}

Describe 'The help source' {
    BeforeAll {
        $exported = @(Get-Command -Module DockerTls -CommandType Cmdlet).Name
        $modulePage = Get-Content -Raw (Join-Path $helpSource 'DockerTls.md')
        $listed = @{}
        foreach ($m in [regex]::Matches($modulePage, '(?ms)^### \[(?<name>[^\]]+)\]\([^)]*\)[ \t]*\r?\n(?<text>.*?)(?=^#|\z)')) {
            $listed[$m.Groups['name'].Value] = ConvertTo-PlainText $m.Groups['text'].Value
        }
    }

    Context 'Cmdlet pages' {
        It 'has a page only for a cmdlet the module exports' {
            $pages = Get-ChildItem $helpSource -Filter '*.md' |
                Where-Object { (Get-Content -Raw $_.FullName) -match '(?m)^document type: cmdlet\s*$' } |
                ForEach-Object BaseName
            $pages | Where-Object { $_ -notin $exported } | Should -BeNullOrEmpty -Because 'a page without its cmdlet is drift'
        }
    }

    Context 'The module page' {
        It 'lists every exported cmdlet with the synopsis of its page' {
            foreach ($name in $exported) {
                $listed.Keys | Should -Contain $name -Because "en-US/DockerTls.md lists every cmdlet"
                $page = Get-Content -Raw (Join-Path $helpSource "$name.md")
                $listed[$name] | Should -Be (Get-PageSection $page 'SYNOPSIS') -Because "the module page repeats $name's synopsis"
            }
        }
    }

    Context 'about_DockerTls' {
        It 'is shown by Get-Help about_DockerTls' {
            $text = Get-Help -Name about_DockerTls | Out-String
            $text | Should -Match 'TOPIC\s+about_DockerTls'
            $text | Should -Match 'SHORT DESCRIPTION'
            foreach ($section in 'THE WORKFLOW', 'FILE LAYOUT', 'SECURITY MODEL', 'COMMON ERRORS AND THEIR FIXES') {
                $text | Should -Match $section
            }
        }

        It 'walks through the cmdlets of the workflow' {
            $text = Get-Help -Name about_DockerTls | Out-String
            foreach ($name in $exported) { $text | Should -Match ([regex]::Escape($name)) }
        }
    }
}

Describe 'DockerTls.HelpBuilder' {
    BeforeAll {
        $root = (Resolve-Path "$PSScriptRoot/..").Path
        $project = Join-Path $root 'src/DockerTls.HelpBuilder/DockerTls.HelpBuilder.csproj'
        # build.ps1 has just built it; fall back to `dotnet run` when it has not.
        $builder = Get-ChildItem (Join-Path $root 'src/DockerTls.HelpBuilder/bin') -Recurse -Filter 'DockerTls.HelpBuilder.dll' -ErrorAction SilentlyContinue |
            Sort-Object LastWriteTime -Descending | Select-Object -First 1

        function Invoke-HelpBuilder([string] $Source, [string] $Output) {
            $stderr = Join-Path $TestDrive 'stderr.txt'
            if ($builder) {
                & dotnet $builder.FullName $Source $Output 2>$stderr | Out-Null
            } else {
                & dotnet run --project $project -v quiet -- $Source $Output 2>$stderr | Out-Null
            }
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Error = (Get-Content -Raw $stderr -ErrorAction SilentlyContinue) }
        }

        # A copy of the real pages with one page changed by $Edit.
        function New-BrokenSource([string] $Page, [scriptblock] $Edit) {
            $source = Join-Path $TestDrive ([guid]::NewGuid())
            New-Item -ItemType Directory $source | Out-Null
            Copy-Item (Join-Path $helpSource '*.md') $source
            $path = Join-Path $source $Page
            [IO.File]::WriteAllText($path, (& $Edit (Get-Content -Raw $path)))
            $source
        }
    }

    Context 'Well-formed pages' {
        It 'turns en-US into the MAML file and the about topic' {
            $out = Join-Path $TestDrive 'good'
            $result = Invoke-HelpBuilder $helpSource $out
            $result.ExitCode | Should -Be 0
            [xml] $maml = Get-Content -Raw (Join-Path $out 'DockerTls.dll-Help.xml')
            $names = $maml.helpItems.command.details.name
            $names | Should -Contain 'New-DockerCA'
            Join-Path $out 'about_DockerTls.help.txt' | Should -Exist
        }
    }

    Context 'A malformed page' {
        It 'fails naming the page when a required heading is missing' {
            $source = New-BrokenSource 'New-DockerCA.md' { param($t) $t -replace '(?m)^## SYNOPSIS', '## SUMMARY' }
            $out = Join-Path $TestDrive 'no-synopsis'
            $result = Invoke-HelpBuilder $source $out
            $result.ExitCode | Should -Be 1
            $result.Error | Should -Match 'New-DockerCA\.md:\d+: .*SUMMARY'
            Join-Path $out 'DockerTls.dll-Help.xml' | Should -Not -Exist
        }

        It 'fails naming the parameter when its yaml block is missing' {
            $source = New-BrokenSource 'New-DockerCA.md' { param($t) $t -replace '(?s)(### -KeySize.*?)```yaml.*?```', '$1' }
            $out = Join-Path $TestDrive 'no-yaml'
            $result = Invoke-HelpBuilder $source $out
            $result.ExitCode | Should -Be 1
            $result.Error | Should -Match 'New-DockerCA\.md:\d+: parameter -KeySize has no ```yaml block'
            Join-Path $out 'DockerTls.dll-Help.xml' | Should -Not -Exist
        }

        It 'fails when a syntax line names a parameter the page does not document' {
            $source = New-BrokenSource 'Get-DockerCertificate.md' { param($t) $t -replace '\[-CAPath <string>\]', '[-CAPath <string>] [-Recurse]' }
            $result = Invoke-HelpBuilder $source (Join-Path $TestDrive 'syntax-drift')
            $result.ExitCode | Should -Be 1
            $result.Error | Should -Match 'Get-DockerCertificate\.md:\d+: .*-Recurse'
        }

        It 'fails when the about topic has no short description' {
            $source = New-BrokenSource 'about_DockerTls.md' { param($t) $t -replace '(?m)^## Short description', '## Summary' }
            $result = Invoke-HelpBuilder $source (Join-Path $TestDrive 'about')
            $result.ExitCode | Should -Be 1
            $result.Error | Should -Match "about_DockerTls\.md:\d+: missing required heading '## Short description'"
        }
    }
}
