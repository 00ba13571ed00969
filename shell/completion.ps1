# autovenv tab completion for PowerShell: printed by `autovenv completion pwsh`, for $PROFILE:
#   autovenv completion pwsh | Out-String | Invoke-Expression
#
# PowerShell calls this block for `autovenv <Tab>`. It runs autovenv with the command line in COMP_WORDS
# and the instruction in %(complete_var)s (click's completion protocol), then turns each answer (three
# lines: type, value, help) into a completion result. The environment variables it sets are put back.
Microsoft.PowerShell.Core\Register-ArgumentCompleter -Native -CommandName '%(prog_name)s', '%(prog_name)s.exe' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $names = '%(complete_var)s', 'COMP_WORDS', 'COMP_CWORD'
    $saved = @{}
    foreach ($name in $names) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    $word = $commandAst.CommandElements.Count
    if ($wordToComplete) { $word = $word - 1 }
    try {
        [Environment]::SetEnvironmentVariable('%(complete_var)s', 'pwsh_complete')
        [Environment]::SetEnvironmentVariable('COMP_WORDS', $commandAst.ToString())
        [Environment]::SetEnvironmentVariable('COMP_CWORD', [string]$word)
        $answer = @(& $commandAst.CommandElements[0].Value 2>$null)
    } finally {
        foreach ($name in $names) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
    for ($i = 0; $i + 2 -lt $answer.Count; $i += 3) {
        $kind, $value, $help = $answer[$i], $answer[$i + 1], $answer[$i + 2]
        if (-not $help -or $help -eq '_') { $help = $value }
        if ($kind -eq 'plain') {
            [System.Management.Automation.CompletionResult]::new($value, $value, 'ParameterValue', $help)
        } elseif ($kind -eq 'dir' -or $kind -eq 'file') {
            $found = Microsoft.PowerShell.Management\Get-ChildItem -Path "$wordToComplete*" -ErrorAction Ignore
            foreach ($item in $found) {
                if ($kind -eq 'dir' -and -not $item.PSIsContainer) { continue }
                $type = if ($item.PSIsContainer) { 'ProviderContainer' } else { 'ProviderItem' }
                [System.Management.Automation.CompletionResult]::new($item.FullName, $item.Name, $type, $item.FullName)
            }
        }
    }
}
