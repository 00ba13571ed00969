# autovenv hook for PowerShell: activates the right Python environment after every directory change.
# Works in Windows PowerShell 5.1 and PowerShell 7.x on Windows, macOS and Linux.
# Printed by `autovenv hook pwsh`; load it in $PROFILE, after any starship / oh-my-posh init line, with
#     Invoke-Expression (& autovenv hook pwsh | Out-String)
#
# Same algorithm and state as shell/autovenv.bash (read its comments): on a prompt where nothing changed it
# compares the location, a few environment values and a few timestamps (no process, no cmdlet, no function
# call); after a directory change it walks up testing for project markers, loads the cached answer for the
# nearest candidate directory and applies it; only an unknown or changed directory starts
# `autovenv export pwsh --hook` (one Python process, which costs tens of milliseconds on Windows). State
# lives in the same exported AUTOVENV_* variables, so a pwsh started from bash (or the other way round)
# agrees with its parent.
#
# PowerShell-specific rules, each for a reason:
# - Speed: in PowerShell 7 a function call costs ~20 us, a cmdlet ~20 us, reading $env:X ~5 us, while a
#   .NET call such as [Environment]::GetEnvironmentVariable or [IO.Directory]::Exists costs under 1 us.
#   So the prompt's fast path is written out inside the prompt wrapper, environment variables are read and
#   written through [System.Environment], and cmdlets appear only where something changes.
# - Activation only assigns and removes environment variables. It never dot-sources a venv's Activate.ps1
#   or imports a module, so it needs no script execution beyond $PROFILE.
# - An answer (cache entry, or the output of `export pwsh --hook`) is a hashtable literal of single-quoted
#   ASCII strings and [char]0xNNNN casts. It is matched against a regular expression that admits nothing
#   else before PowerShell evaluates it, so a tampered cache file cannot run code.
# - Inherited state is data: AUTOVENV_SAVED may only name the variables an activation sets (any other
#   name in it is ignored), nothing from the environment is ever evaluated, and text from a file, a name
#   or the environment reaches the console only through __autovenv_printable (no control sequences).
# - Cmdlets are called by their module-qualified names, so an alias or function named Remove-Item or
#   Write-Host in the user's profile cannot intercept them.
# - Strict-mode clean (Set-StrictMode -Version Latest in a profile is common): the prompt reads no unset
#   variable, and the slow path turns strict mode off in its own scope.
# - The prompt the user's own prompt function sees keeps its $? and $LASTEXITCODE.
# - Directory changes are noticed by wrapping `prompt` (every version). On 7.1+ LocationChangedAction is a
#   fallback for when a prompt theme loaded later replaced our wrapper.
# - Loading this twice (a re-run $PROFILE) wraps nothing twice.
# - In ConstrainedLanguage mode .NET methods are off limits: the hook then runs `autovenv export pwsh` on
#   each directory change and applies its output ($env: assignments only), with no cache and no deactivate.

$global:__autovenv_export = @AUTOVENV_EXPORT@
$global:__autovenv_cache = @AUTOVENV_CACHE@
$global:__autovenv_stamps = @AUTOVENV_STAMPS@
$global:__autovenv_markers = @AUTOVENV_MARKERS@
$global:__autovenv_deps = @AUTOVENV_DEPS@
$global:__autovenv_format = @AUTOVENV_FORMAT@
$global:__autovenv_sep = @AUTOVENV_PATHSEP@
# The variables an activation sets or unsets besides PATH: all an inherited AUTOVENV_SAVED may name.
$global:__autovenv_activation = @AUTOVENV_ACTIVATION_VARS@
# What a prompt compares besides the location and the watched paths: the resolution's environment and
# the variables that decide the transition (shells/posix.py QUICK_STATE).
$global:__autovenv_qn = @AUTOVENV_QUICKNAMES@
$global:__autovenv_us = [string][char]0x1F
$global:__autovenv_c = [string][char]0x01
$global:__autovenv_ready = $false
$global:__autovenv_where = ''
$global:__autovenv_loc = ''
$global:__autovenv_qv = @()
$global:__autovenv_w = @()
$global:__autovenv_t = $null
$global:__autovenv_e = $null
$global:__autovenv_fresh_answer = $false
$global:__autovenv_broken = $false
$global:__autovenv_failed = $false
$global:__autovenv_busy = $false
$global:__autovenv_in_prompt = $false
$global:__autovenv_own_deactivate = $false
$global:__autovenv_praw = ''
$global:__autovenv_pshow = ''
$global:__autovenv_clm = $ExecutionContext.SessionState.LanguageMode -ne 'FullLanguage'
$global:__autovenv_clm_last = $null
$global:__autovenv_cache_ok = $false
$env:AUTOVENV_HOOK = 'pwsh:' + $PID

if (-not $global:__autovenv_clm) {
    # What removes an environment variable when passed to [Environment]::SetEnvironmentVariable:
    # PowerShell turns a plain $null passed for a string into '', which sets the variable to nothing.
    $global:__autovenv_none = [System.Management.Automation.Language.NullString]::Value
    $global:__autovenv_windows = [System.IO.Path]::DirectorySeparatorChar -eq [char]0x5C
    $global:__autovenv_t = [System.DateTime]::MinValue
    # The only text an answer may be: see render_answer in src/autovenv/shells/pwsh.py.
    $global:__autovenv_answer_re = & {
        $l = "'(?:[ -&(-~]|'')*'"
        $q = "(?:$l|\($l(?: \+ (?:\[char\]0x[0-9A-F]{4}|$l))+\))"
        [regex]::new("\A@\{\n(?:[a-z]+ = (?:$q|@\((?:$q(?:, $q)*)?\))\n)+\}\n?\z")
    }
    # What Python's str.isprintable refuses (autovenv's messages escape the same): controls, format
    # characters (bidi overrides), separators other than the space, private use, unassigned, lone halves.
    $global:__autovenv_unprintable = [regex]::new(
        '[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|[\p{Zs}-[ ]]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]')
    # Cached answers are read only from a cache directory that is this user's and no one else can write
    # to (Python made it so; checked once here, because reading a file's owner costs a cmdlet).
    try {
        $__autovenv_dir = Microsoft.PowerShell.Management\Get-Item -LiteralPath $global:__autovenv_cache -Force -ErrorAction Stop
        $global:__autovenv_cache_ok = $__autovenv_dir -is [System.IO.DirectoryInfo] -and -not $__autovenv_dir.Attributes.HasFlag([System.IO.FileAttributes]::ReparsePoint)
        # PowerShell 7.1+ on Linux and macOS shows owner and mode ('drwx------'): group and others must
        # not write. (Windows: the cache is under the user's own LOCALAPPDATA.)
        $__autovenv_user = $__autovenv_dir.PSObject.Properties['User']
        $__autovenv_mode = $__autovenv_dir.PSObject.Properties['UnixMode']
        if ($global:__autovenv_cache_ok -and $__autovenv_user -and $__autovenv_mode) {
            $global:__autovenv_cache_ok = $__autovenv_user.Value -ceq [System.Environment]::UserName -and $__autovenv_mode.Value -cmatch '^d.{4}[^w].{2}[^w]'
        }
    } catch {
        $global:__autovenv_cache_ok = $false
    }
    Microsoft.PowerShell.Utility\Remove-Variable -Name __autovenv_dir, __autovenv_user, __autovenv_mode -ErrorAction Ignore
}

# Text from a file, a name or the environment as one printable line (control characters as \xNN, \uNNNN).
function global:__autovenv_printable([string]$text) {
    if (-not $global:__autovenv_unprintable.IsMatch($text)) { return $text }
    $global:__autovenv_unprintable.Replace($text, [System.Text.RegularExpressions.MatchEvaluator] {
        param($m)
        $code = [int][char]$m.Value
        if ($code -lt 0x100) { '\x{0:x2}' -f $code } else { '\u{0:x4}' -f $code }
    })
}

# One line to the user. A prompt that wraps ours and writes before calling it (a venv's own Activate.ps1
# writes its "(name) ") leaves the cursor mid-row: start the line over rather than after that text.
function global:__autovenv_say([string]$text) {
    $start = ''
    if (-not $global:__autovenv_clm) {
        $text = __autovenv_printable $text
        try { if ($Host.UI.RawUI.CursorPosition.X -gt 0) { $start = [string][char]13 } } catch { }
    }
    Microsoft.PowerShell.Utility\Write-Host ($start + 'autovenv: ' + $text)
}

# Never let a failure break the prompt: say it once, then stay quiet.
function global:__autovenv_safe_hook {
    if ($global:__autovenv_busy) { return }
    $global:__autovenv_busy = $true
    try {
        Microsoft.PowerShell.Core\Set-StrictMode -Off
        $ErrorActionPreference = 'Continue'
        __autovenv_hook
    } catch {
        if (-not $global:__autovenv_failed) {
            $global:__autovenv_failed = $true
            __autovenv_say ('the hook failed (' + $_ + '); environments are left as they are')
        }
    } finally {
        $global:__autovenv_busy = $false
    }
}

# Something changed since the last check (or a cd): find out what, and act on it.
function global:__autovenv_hook {
    $l = $ExecutionContext.SessionState.Path.CurrentLocation
    $global:__autovenv_where = $l.Path
    if ($global:__autovenv_clm) {
        if ($l.Provider.Name -eq 'FileSystem') { __autovenv_clm_check $l.ProviderPath }
        return
    }
    if ($l.Provider.Name -ne 'FileSystem') {
        # Env:, Function:, a registry drive: nothing to decide; look again when the location changes.
        $global:__autovenv_loc = ''
        __autovenv_snapshot
        $global:__autovenv_ready = $true
        return
    }
    $loc = $l.ProviderPath
    $stamp = $false
    if ($global:__autovenv_ready -and $global:__autovenv_loc -and $loc -cne $global:__autovenv_loc -and (__autovenv_same)) {
        # A cd while nothing changed on disk or in the environment: when the nearest candidate directory
        # is the same, so is the answer; only the directories between here and there are new to watch.
        $t = __autovenv_touch
        $stamp = $true
        $walk = __autovenv_walk $loc
        if ($walk.cand -ceq $global:__autovenv_c) {
            $global:__autovenv_t = $t
            $global:__autovenv_loc = $loc
            $global:__autovenv_w = @($walk.walked) + @($global:__autovenv_e['watch'])
            __autovenv_decorate
            return
        }
        __autovenv_check $loc $t $walk
        return
    }
    __autovenv_check $loc $null $null
}

# True while the environment holds what it held at the last check and no watched path changed since.
function global:__autovenv_same {
    $i = 0
    foreach ($n in $global:__autovenv_qn) {
        if ([System.Environment]::GetEnvironmentVariable($n) -cne $global:__autovenv_qv[$i]) { return $false }
        $i++
    }
    if (-not [System.IO.Directory]::Exists($global:__autovenv_loc)) { return $false }
    foreach ($p in $global:__autovenv_w) {
        if ([System.IO.Directory]::GetLastWriteTimeUtc($p) -gt $global:__autovenv_t) { return $false }
    }
    $true
}

function global:__autovenv_snapshot {
    $v = [object[]]::new($global:__autovenv_qn.Count)
    for ($i = 0; $i -lt $v.Count; $i++) { $v[$i] = [System.Environment]::GetEnvironmentVariable($global:__autovenv_qn[$i]) }
    $global:__autovenv_qv = $v
}

# A new stamp time: the modification time the file system gives our stamp file now, so that a change made
# after this moment is newer, whatever the granularity of file times. A stamp that cannot be written
# costs precision, not correctness: the clock, less a slack for coarse file times.
function global:__autovenv_touch {
    try {
        $f = [System.IO.Path]::Combine($global:__autovenv_stamps, 'pwsh-' + $PID)
        [System.IO.File]::WriteAllText($f, '')
        return [System.IO.File]::GetLastWriteTimeUtc($f)
    } catch {
        return [System.DateTime]::UtcNow.AddMilliseconds(-100)
    }
}

# Walk up to the nearest directory holding a marker: .cand ('' when none) and .walked, the directories
# passed on the way, which a new marker could change.
function global:__autovenv_walk([string]$d) {
    $walked = [System.Collections.Generic.List[string]]::new()
    while ($d) {
        foreach ($m in $global:__autovenv_markers) {
            $p = [System.IO.Path]::Combine($d, $m)
            if ([System.IO.File]::Exists($p) -or [System.IO.Directory]::Exists($p)) {
                return @{ cand = $d; walked = $walked }
            }
        }
        $walked.Add($d)
        $d = [System.IO.Path]::GetDirectoryName($d)
    }
    @{ cand = ''; walked = $walked }
}

# The names an inherited AUTOVENV_SAVED holds that an activation may set (anything else is ignored).
function global:__autovenv_saved {
    $out = [System.Collections.Generic.List[string]]::new()
    $v = [System.Environment]::GetEnvironmentVariable('AUTOVENV_SAVED')
    if ($v) {
        foreach ($n in $v.Split(' ')) {
            if ($n -and $global:__autovenv_activation -ccontains $n -and -not $out.Contains($n)) { $out.Add($n) }
        }
    }
    , $out
}

# The resolution signature of the user's environment (our own PYENV_VERSION etc. do not count).
function global:__autovenv_usersig {
    $saved = @()
    if ($null -ne [System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY')) { $saved = __autovenv_saved }
    $s = [System.Text.StringBuilder]::new()
    foreach ($n in $global:__autovenv_deps) {
        $o = $n
        if ($saved -ccontains $n -and -not (__autovenv_theirs $n)) { $o = 'AUTOVENV_OLD_' + $n }
        $v = [System.Environment]::GetEnvironmentVariable($o)
        if ($null -eq $v) { [void]$s.Append($n + '!') } else { [void]$s.Append($n + '=' + $v) }
        [void]$s.Append($global:__autovenv_us)
    }
    $s.ToString()
}

function global:__autovenv_check([string]$loc, $t, $walk) {
    if ($null -eq $t) { $t = __autovenv_touch }
    if ($null -eq $walk) { $walk = __autovenv_walk $loc }
    $cand = $walk.cand
    $usersig = __autovenv_usersig
    $global:__autovenv_fresh_answer = $false
    if (-not $cand) {
        __autovenv_clear_answer $usersig
    } elseif (-not (__autovenv_load $cand $usersig)) {
        if (-not (__autovenv_cold $loc)) {
            # Try again when something here changes, not at every prompt.
            $global:__autovenv_t = $t
            $global:__autovenv_loc = $loc
            $global:__autovenv_w = @($walk.walked) + @($cand)
            __autovenv_snapshot
            $global:__autovenv_ready = $true
            return
        }
    }
    # Notes show when entering, and with every fresh answer (something it watched has changed).
    if ($cand -cne $global:__autovenv_c -or $global:__autovenv_fresh_answer) {
        foreach ($n in $global:__autovenv_e['notes']) { __autovenv_say $n }
    }
    $global:__autovenv_c = $cand
    $global:__autovenv_t = $t
    $global:__autovenv_loc = $loc
    $global:__autovenv_w = @($walk.walked) + @($global:__autovenv_e['watch'])
    __autovenv_transition
    __autovenv_decorate
    __autovenv_snapshot
    $global:__autovenv_ready = $true
}

function global:__autovenv_clear_answer([string]$usersig) {
    $global:__autovenv_e = @{
        v = $global:__autovenv_format; key = ''; root = ''; venv = ''; vprompt = ''; prompt = ''
        pyver = ''; path = ''; msg = ''; quiet = ''; sig = $usersig; notes = @(); watch = @()
    }
}

# Validate an answer's text and evaluate it: a hashtable of strings, or $null.
function global:__autovenv_parse([string]$text) {
    if (-not $global:__autovenv_answer_re.IsMatch($text)) { return $null }
    $e = & ([scriptblock]::Create($text))
    if ($e -isnot [hashtable]) { return $null }
    foreach ($n in 'v', 'key', 'root', 'venv', 'vprompt', 'prompt', 'pyver', 'path', 'msg', 'quiet', 'sig', 'notes', 'watch') {
        if (-not $e.ContainsKey($n)) { return $null }
    }
    if ($e['v'] -cne $global:__autovenv_format) { return $null }
    $e['notes'] = @($e['notes'])
    $e['watch'] = @($e['watch'])
    $e
}

# The cache entry of a candidate directory, as cache.entry_path places it: <cache>/pwsh/<the directory>/%,
# a component led by % with one more; C:\x as /C/x and \\server\share as /%unc/server/share.
function global:__autovenv_entry([string]$cand) {
    $k = $cand
    $unc = $false
    if ($global:__autovenv_windows) {
        $k = $k.Replace([string][char]0x5C, '/')
        if ($k.Length -ge 2 -and $k[1] -eq ':') { $k = '/' + $k[0] + $k.Substring(2) }
        elseif ($k.StartsWith('//')) { $k = $k.Substring(1); $unc = $true }
    }
    $k = $k.TrimEnd('/').Replace('/%', '/%%')
    if ($unc) { $k = '/%unc' + $k }
    [System.IO.Path]::Combine($global:__autovenv_cache, 'pwsh') + $k + '/%'
}

# Read the cached answer for a candidate directory; fails unless it is ours, current and unchanged.
function global:__autovenv_load([string]$cand, [string]$usersig) {
    if (-not $global:__autovenv_cache_ok) { return $false }
    $f = __autovenv_entry $cand
    try {
        if (-not [System.IO.File]::Exists($f)) { return $false }
        $ft = [System.IO.File]::GetLastWriteTimeUtc($f)
        $e = __autovenv_parse ([System.IO.File]::ReadAllText($f))
    } catch {
        return $false
    }
    if ($null -eq $e -or $e['sig'] -cne $usersig) { return $false }
    foreach ($p in $e['watch']) {
        if (-not ([System.IO.File]::Exists($p) -or [System.IO.Directory]::Exists($p))) { return $false }
        if ([System.IO.Directory]::GetLastWriteTimeUtc($p) -gt $ft) { return $false }
    }
    $global:__autovenv_e = $e
    $true
}

# Run `autovenv export pwsh [--hook]` for $loc, with $env:PWD telling it the logical path (PowerShell
# keeps none; symlinked dirs stay as typed). The process is started with .NET, not as a native command,
# so the user's $LASTEXITCODE and $PSNativeCommand* preferences have no part in it, PWD is set for the
# child alone, and the working directory is exactly the one given.
function global:__autovenv_run([string]$loc, [string[]]$more) {
    if ($global:__autovenv_clm) { return __autovenv_run_clm $loc $more }
    $a = @($global:__autovenv_export) + @('export', 'pwsh') + @($more)
    $psi = [System.Diagnostics.ProcessStartInfo]::new()
    $psi.FileName = $a[0]
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
    if ($null -ne $psi.PSObject.Properties['ArgumentList']) {
        foreach ($arg in $a[1..($a.Count - 1)]) { $psi.ArgumentList.Add($arg) }
    } else {
        # Windows PowerShell 5.1 (.NET Framework): one command line, quoted the way programs split it.
        $words = [System.Collections.Generic.List[string]]::new()
        foreach ($arg in $a[1..($a.Count - 1)]) { $words.Add((__autovenv_argv_quote $arg)) }
        $psi.Arguments = [string]::Join(' ', $words)
    }
    $psi.Environment['PWD'] = $loc
    # A directory deleted under us cannot be a working directory; the nearest one still there is where
    # resolution from the deleted one arrives too.
    $cwd = $loc
    while ($cwd -and -not [System.IO.Directory]::Exists($cwd)) { $cwd = [System.IO.Path]::GetDirectoryName($cwd) }
    if ($cwd) { $psi.WorkingDirectory = $cwd }
    try {
        $p = [System.Diagnostics.Process]::Start($psi)
        $text = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        $rc = $p.ExitCode
        $p.Dispose()
    } catch {
        return @{ rc = 127; text = '' }
    }
    @{ rc = $rc; text = $text.Replace("`r`n", "`n") }
}

# One argument of a Windows command line, as CommandLineToArgvW reads it back.
function global:__autovenv_argv_quote([string]$arg) {
    if ($arg -and $arg.IndexOfAny([char[]]" `t`n`v`"") -lt 0) { return $arg }
    $out = [System.Text.StringBuilder]::new('"')
    $slashes = 0
    foreach ($c in $arg.ToCharArray()) {
        if ($c -eq [char]0x5C) { $slashes++; continue }
        if ($c -eq [char]0x22) { [void]$out.Append([string][char]0x5C * (2 * $slashes + 1)) } else { [void]$out.Append([string][char]0x5C * $slashes) }
        $slashes = 0
        [void]$out.Append($c)
    }
    [void]$out.Append([string][char]0x5C * (2 * $slashes)).Append('"')
    $out.ToString()
}

# ConstrainedLanguage mode allows no .NET process: run it as a native command, keeping $LASTEXITCODE.
function global:__autovenv_run_clm([string]$loc, [string[]]$more) {
    $ErrorActionPreference = 'Continue'
    $PSNativeCommandUseErrorActionPreference = $false
    $a = @($global:__autovenv_export)
    $exe = $a[0]
    $rest = @()
    if ($a.Count -gt 1) { $rest = $a[1..($a.Count - 1)] }
    $had = Microsoft.PowerShell.Utility\Get-Variable -Name LASTEXITCODE -Scope Global -ErrorAction Ignore
    $oldpwd = $env:PWD
    $env:PWD = $loc
    try {
        $out = & $exe @rest export pwsh @more
        $rc = $global:LASTEXITCODE
    } catch {
        $out = $null
        $rc = 127
    } finally {
        if ($null -eq $oldpwd) { Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/PWD -ErrorAction Ignore } else { $env:PWD = $oldpwd }
        if ($had) {
            $global:LASTEXITCODE = $had.Value
        } else {
            Microsoft.PowerShell.Utility\Remove-Variable -Name LASTEXITCODE -Scope Global -ErrorAction Ignore
        }
    }
    @{ rc = $rc; text = (@($out) -join "`n") + "`n" }
}

# Ask Python (once per new or changed directory); it also refreshes the cache entry.
function global:__autovenv_cold([string]$loc) {
    $r = __autovenv_run $loc @('--hook')
    if ($r['rc'] -ne 0) {
        # 1 and 2: export already said what went wrong, in one line; anything else: it could not start.
        if (-not $global:__autovenv_broken -and $r['rc'] -ne 1 -and $r['rc'] -ne 2) {
            __autovenv_say ('the hook could not run ' + @($global:__autovenv_export)[0] + '; environments are left as they are')
            $global:__autovenv_broken = $true
        }
        return $false
    }
    $global:__autovenv_broken = $false
    $global:__autovenv_fresh_answer = $true
    $e = __autovenv_parse $r['text']
    if ($null -eq $e) { __autovenv_clear_answer (__autovenv_usersig) } else { $global:__autovenv_e = $e }
    $true
}

# ConstrainedLanguage mode: no cache, no .NET; apply `export pwsh` output when the directory changes.
function global:__autovenv_clm_check([string]$loc) {
    if ($loc -ceq $global:__autovenv_clm_last) { return }
    $global:__autovenv_clm_last = $loc
    $r = __autovenv_run $loc @()
    if ($r['rc'] -eq 0 -and $r['text'].Trim()) {
        Microsoft.PowerShell.Utility\Invoke-Expression $r['text']
    }
}

# Bring the environment to the answer in $__autovenv_e, by DESIGN section 4's rules (mirrors plan.py).
function global:__autovenv_transition {
    $e = $global:__autovenv_e
    $key = $e['key']
    $msg = ''
    $venv = [System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV')
    $active = $null -ne [System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY')
    if ($null -ne $venv -and $venv -cne [System.Environment]::GetEnvironmentVariable('AUTOVENV_VENV')) {
        # A venv activated by hand wins; touch nothing until it is deactivated.
        return
    }
    if ($active -and (__autovenv_taken_over)) {
        # The venv's own Activate.ps1 ran over our activation of the same venv (out of habit): it is a
        # venv activated by hand now. Hand it over and touch nothing more.
        __autovenv_handover
        return
    }
    if ($active -and (__autovenv_disturbed)) {
        # Something we set was changed behind our back (a hand-activated venv's deactivate, or
        # `pyenv shell`): tidy up silently, keeping their values, then decide afresh.
        __autovenv_unapply
        $active = $false
    }
    $paused = [System.Environment]::GetEnvironmentVariable('AUTOVENV_PAUSED')
    if ($null -ne $paused) {
        if (-not $key -or $e['root'] -cne $paused) {
            [System.Environment]::SetEnvironmentVariable('AUTOVENV_PAUSED', $global:__autovenv_none)
        } else {
            $key = ''
        }
    }
    if ([string][System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY') -ceq $key) { return }
    if ($active) {
        __autovenv_unapply
        $msg = 'deactivated'
    }
    if ($key) {
        __autovenv_apply
        $msg = $e['msg']
    }
    if ($msg -and -not $e['quiet']) { __autovenv_say $msg }
}

# True when NAME no longer holds what our activation set it to (AUTOVENV_SET_<NAME>; absent when we
# unset it): the user changed it since, so it is theirs now.
function global:__autovenv_theirs([string]$name) {
    $cur = [System.Environment]::GetEnvironmentVariable($name)
    $ours = [System.Environment]::GetEnvironmentVariable('AUTOVENV_SET_' + $name)
    if ($null -eq $ours) { return $null -ne $cur }
    $null -eq $cur -or $cur -cne $ours
}

function global:__autovenv_disturbed {
    foreach ($n in (__autovenv_saved)) {
        if (__autovenv_theirs $n) { return $true }
    }
    $false
}

# True when a venv's Activate.ps1 ran after we activated: it saved PATH, with our entries in it, in
# $env:_OLD_VIRTUAL_PATH (a leftover from before our activation holds no entry of ours).
function global:__autovenv_taken_over {
    $add = [System.Environment]::GetEnvironmentVariable('AUTOVENV_PATH_ADD')
    $saved = [System.Environment]::GetEnvironmentVariable('_OLD_VIRTUAL_PATH')
    $venv = [System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV')
    if (-not $add -or $null -eq $saved -or $null -eq $venv -or $venv -cne [System.Environment]::GetEnvironmentVariable('AUTOVENV_VENV')) { return $false }
    $saved.Split($global:__autovenv_sep) -ccontains $add.Split($global:__autovenv_sep)[0]
}

# Remove our PATH entries (AUTOVENV_PATH_ADD) from a PATH-like variable, wherever they now are.
function global:__autovenv_drop_entries([string]$name) {
    $value = [System.Environment]::GetEnvironmentVariable($name)
    $add = [System.Environment]::GetEnvironmentVariable('AUTOVENV_PATH_ADD')
    if ($null -eq $value -or -not $add) { return }
    $sep = $global:__autovenv_sep
    $parts = [System.Collections.Generic.List[string]]::new([string[]]$value.Split($sep))
    foreach ($entry in $add.Split($sep)) { [void]$parts.Remove($entry) }
    [System.Environment]::SetEnvironmentVariable($name, [string]::Join($sep, $parts))
}

function global:__autovenv_forget_state {
    foreach ($n in 'AUTOVENV_KEY', 'AUTOVENV_ROOT', 'AUTOVENV_VENV', 'AUTOVENV_PATH_ADD', 'AUTOVENV_SAVED', 'AUTOVENV_PROMPT') {
        [System.Environment]::SetEnvironmentVariable($n, $global:__autovenv_none)
    }
}

# Drop our part of an activation the venv's own Activate.ps1 took over, so that its `deactivate`
# restores exactly what the user had before we activated: our PATH entries leave PATH and its saved
# copy, a PYTHONHOME we had set aside goes to the activate's own slot, the values we set are the user's.
function global:__autovenv_handover {
    __autovenv_drop_entries 'PATH'
    __autovenv_drop_entries '_OLD_VIRTUAL_PATH'
    $home_old = [System.Environment]::GetEnvironmentVariable('AUTOVENV_OLD_PYTHONHOME')
    if ($null -ne $home_old -and -not [System.Environment]::GetEnvironmentVariable('_OLD_VIRTUAL_PYTHONHOME')) {
        [System.Environment]::SetEnvironmentVariable('_OLD_VIRTUAL_PYTHONHOME', $home_old)
    }
    foreach ($n in (__autovenv_saved)) {
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_OLD_' + $n, $global:__autovenv_none)
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_SET_' + $n, $global:__autovenv_none)
    }
    __autovenv_forget_state
    # Their deactivate replaced ours: it stays.
    $global:__autovenv_own_deactivate = $false
}

function global:__autovenv_unapply {
    __autovenv_drop_entries 'PATH'
    foreach ($n in (__autovenv_saved)) {
        $o = 'AUTOVENV_OLD_' + $n
        $old = [System.Environment]::GetEnvironmentVariable($o)
        if (__autovenv_theirs $n) {
            # Theirs now: it keeps its value, and what we had saved is dropped.
        } elseif ($null -ne $old) {
            [System.Environment]::SetEnvironmentVariable($n, $old)
        } else {
            [System.Environment]::SetEnvironmentVariable($n, $global:__autovenv_none)
        }
        [System.Environment]::SetEnvironmentVariable($o, $global:__autovenv_none)
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_SET_' + $n, $global:__autovenv_none)
    }
    __autovenv_forget_state
    if ($global:__autovenv_own_deactivate) {
        Microsoft.PowerShell.Management\Remove-Item -LiteralPath Function:/deactivate -ErrorAction Ignore
        $global:__autovenv_own_deactivate = $false
    }
}

function global:__autovenv_save([string]$name) {
    $v = [System.Environment]::GetEnvironmentVariable($name)
    if ($null -ne $v) { [System.Environment]::SetEnvironmentVariable('AUTOVENV_OLD_' + $name, $v) }
}

function global:__autovenv_apply {
    $e = $global:__autovenv_e
    if ($e['venv']) {
        __autovenv_save VIRTUAL_ENV
        __autovenv_save VIRTUAL_ENV_PROMPT
        __autovenv_save PYTHONHOME
        [System.Environment]::SetEnvironmentVariable('VIRTUAL_ENV', $e['venv'])
        [System.Environment]::SetEnvironmentVariable('VIRTUAL_ENV_PROMPT', $e['vprompt'])
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_SET_VIRTUAL_ENV', $e['venv'])
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_SET_VIRTUAL_ENV_PROMPT', $e['vprompt'])
        [System.Environment]::SetEnvironmentVariable('PYTHONHOME', $global:__autovenv_none)
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_SAVED', 'VIRTUAL_ENV VIRTUAL_ENV_PROMPT PYTHONHOME')
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_VENV', $e['venv'])
    } elseif ($e['pyver']) {
        __autovenv_save PYENV_VERSION
        [System.Environment]::SetEnvironmentVariable('PYENV_VERSION', $e['pyver'])
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_SET_PYENV_VERSION', $e['pyver'])
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_SAVED', 'PYENV_VERSION')
    } else {
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_SAVED', '')
    }
    if ($e['path']) {
        $path = [System.Environment]::GetEnvironmentVariable('PATH')
        if ($path) { $path = $e['path'] + $global:__autovenv_sep + $path } else { $path = $e['path'] }
        [System.Environment]::SetEnvironmentVariable('PATH', $path)
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_PATH_ADD', $e['path'])
    }
    [System.Environment]::SetEnvironmentVariable('AUTOVENV_KEY', $e['key'])
    [System.Environment]::SetEnvironmentVariable('AUTOVENV_ROOT', $e['root'])
    if ($e['prompt']) { [System.Environment]::SetEnvironmentVariable('AUTOVENV_PROMPT', $e['prompt']) }
}

# Session-local parts of an activation that a child pwsh must redo: the deactivate function.
function global:__autovenv_decorate {
    if ($global:__autovenv_own_deactivate -or $null -eq [System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY')) { return }
    $venv = [System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV')
    if ($null -ne $venv -and $venv -cne [System.Environment]::GetEnvironmentVariable('AUTOVENV_VENV')) { return }
    function global:deactivate {
        param([switch]$NonDestructive)
        __autovenv_deactivate -NonDestructive:$NonDestructive
    }
    $global:__autovenv_own_deactivate = $true
}

# `deactivate`: undo and pause autovenv for this project until the user leaves it. A venv's own
# Activate.ps1 calls `deactivate -NonDestructive` before taking over: then we only step aside.
function global:__autovenv_deactivate([switch]$NonDestructive) {
    if ($null -eq [System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY')) { return }
    Microsoft.PowerShell.Core\Set-StrictMode -Off
    if ($NonDestructive) {
        __autovenv_unapply
        return
    }
    $root = [System.Environment]::GetEnvironmentVariable('AUTOVENV_ROOT')
    __autovenv_unapply
    [System.Environment]::SetEnvironmentVariable('AUTOVENV_PAUSED', $root)
    __autovenv_say 'deactivated; paused for this project until you leave it'
}

# The prompt wrapper: the check (its common case written out: see the header), the prefix the way
# Activate.ps1 shows it, then the user's prompt with the user's $? (a failing Write-Error makes it $false
# again). The marker comment below is how a second load recognises the wrapper. __autovenv_prompt_wrapper
$global:__autovenv_prompt = {
    # __autovenv_prompt_wrapper
    $__autovenv_ok = $?
    if ($global:__autovenv_in_prompt) {
        # Another prompt wrapped ours and we wrapped it back: never recurse.
        return 'PS ' + $ExecutionContext.SessionState.Path.CurrentLocation + '> '
    }
    $global:__autovenv_in_prompt = $true
    try {
        if ($global:__autovenv_clm) {
            $null = __autovenv_safe_hook
            if ($null -ne $env:AUTOVENV_KEY -and $env:AUTOVENV_PROMPT -and -not $env:VIRTUAL_ENV_DISABLE_PROMPT) {
                Microsoft.PowerShell.Utility\Write-Host -NoNewline $env:AUTOVENV_PROMPT
            }
        } else {
            $__autovenv_same = $global:__autovenv_ready -and $PWD.Path -ceq $global:__autovenv_where
            if ($__autovenv_same) {
                $__autovenv_i = 0
                foreach ($__autovenv_n in $global:__autovenv_qn) {
                    if ([System.Environment]::GetEnvironmentVariable($__autovenv_n) -cne $global:__autovenv_qv[$__autovenv_i]) {
                        $__autovenv_same = $false
                        break
                    }
                    $__autovenv_i++
                }
            }
            if ($__autovenv_same -and $global:__autovenv_loc) {
                if ([System.IO.Directory]::Exists($global:__autovenv_loc)) {
                    foreach ($__autovenv_n in $global:__autovenv_w) {
                        if ([System.IO.Directory]::GetLastWriteTimeUtc($__autovenv_n) -gt $global:__autovenv_t) {
                            $__autovenv_same = $false
                            break
                        }
                    }
                } else {
                    $__autovenv_same = $false
                }
            }
            if (-not $__autovenv_same) {
                $null = __autovenv_safe_hook
            } elseif (-not $global:__autovenv_own_deactivate -and $null -ne [System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY')) {
                # A child pwsh, or our deactivate was removed: define it again.
                $null = __autovenv_decorate
            }
            if ($null -ne [System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY') -and -not [System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV_DISABLE_PROMPT')) {
                $__autovenv_n = [System.Environment]::GetEnvironmentVariable('AUTOVENV_PROMPT')
                if ($__autovenv_n) {
                    if ($__autovenv_n -cne $global:__autovenv_praw) {
                        $global:__autovenv_pshow = __autovenv_printable $__autovenv_n
                        $global:__autovenv_praw = $__autovenv_n
                    }
                    try { $Host.UI.Write($global:__autovenv_pshow) } catch { }
                }
            }
        }
        $__autovenv_orig = $global:__autovenv_orig_prompt
        if ($null -eq $__autovenv_orig) {
            $__autovenv_orig = { 'PS ' + $ExecutionContext.SessionState.Path.CurrentLocation + '> ' }
        }
        if (-not $__autovenv_ok) { Microsoft.PowerShell.Utility\Write-Error -Message '' -ErrorAction Ignore }
        & $__autovenv_orig
    } finally {
        $global:__autovenv_in_prompt = $false
    }
}

if (-not ([string]${function:prompt}).Contains('__autovenv_prompt_wrapper')) {
    $global:__autovenv_orig_prompt = ${function:prompt}
    ${function:global:prompt} = $global:__autovenv_prompt
}

if (-not $global:__autovenv_clm -and $null -ne $ExecutionContext.InvokeCommand.PSObject.Properties['LocationChangedAction']) {
    if (-not (Microsoft.PowerShell.Utility\Get-Variable -Name __autovenv_on_location -Scope Global -ErrorAction Ignore)) {
        $global:__autovenv_on_location = [System.EventHandler[System.Management.Automation.LocationChangedEventArgs]] {
            param($source, $change)
            if (-not ([string]${function:prompt}).Contains('__autovenv_prompt_wrapper')) { $null = __autovenv_safe_hook }
        }
        $ExecutionContext.InvokeCommand.LocationChangedAction = [System.Delegate]::Combine(
            $ExecutionContext.InvokeCommand.LocationChangedAction, $global:__autovenv_on_location)
    }
}
