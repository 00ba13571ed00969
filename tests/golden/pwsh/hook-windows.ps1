# autovenv hook for PowerShell: activates the right Python environment after every directory change.
# Works in Windows PowerShell 5.1 and PowerShell 7.x on Windows, macOS and Linux.
# Printed by `autovenv hook pwsh`; load it in $PROFILE, after any starship / oh-my-posh init line, with
#     Invoke-Expression (& autovenv hook pwsh | Out-String)
#
# Same algorithm and state as shell/autovenv.bash (read its comments): on a prompt where nothing changed it
# compares one string and reads a few timestamps (no process, no cmdlet); after a directory change it walks
# up testing for project markers, loads the cached answer for the nearest candidate directory and applies
# it; only an unknown or changed directory starts `autovenv export pwsh --hook` (one Python process, which
# costs tens of milliseconds on Windows). State lives in the same exported AUTOVENV_* variables, so a
# pwsh started from bash (or the other way round) agrees with its parent.
#
# PowerShell-specific rules, each for a reason:
# - Activation only assigns $env: variables and removes them (Remove-Item -LiteralPath Env:/NAME). It never
#   dot-sources a venv's Activate.ps1 or imports a module, so it needs no script execution beyond $PROFILE.
# - An answer (cache entry, or the output of `export pwsh --hook`) is a hashtable literal of single-quoted
#   ASCII strings and [char]0xNNNN casts. It is matched against a regular expression that admits nothing
#   else before PowerShell evaluates it, so a tampered cache file cannot run code.
# - Cmdlets are called by their module-qualified names, so an alias or function named Remove-Item or
#   Write-Host in the user's profile cannot intercept them.
# - Strict-mode clean (Set-StrictMode -Version Latest in a profile is common): no unset variable is read.
# - The prompt the user's own prompt function sees keeps its $? and $LASTEXITCODE.
# - Directory changes are noticed by wrapping `prompt` (every version) and, on 7.1+, at the Set-Location
#   itself through LocationChangedAction (which also covers a prompt theme loaded later that replaced our
#   wrapper); both run the same check, and the quick signature makes the second run a string comparison.
# - Loading this twice (a re-run $PROFILE) wraps nothing twice.
# - In ConstrainedLanguage mode .NET methods are off limits: the hook then runs `autovenv export pwsh` on
#   each directory change and applies its output ($env: assignments only), with no cache and no deactivate.

$global:__autovenv_export = @('C:\Python312\python.exe', '-I', '-S', '-c', 'import sys')
$global:__autovenv_cache = 'C:\Users\x\AppData\Local\autovenv\Cache'
$global:__autovenv_markers = @('.autovenv.toml', 'pyproject.toml', '.venv', 'venv', 'env', '.python-version')
$global:__autovenv_deps = @('HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'AUTOVENV_CONFIG_DIR', 'AUTOVENV_DATA_DIR', 'UV_PROJECT_ENVIRONMENT', 'POETRY_VIRTUALENVS_PATH', 'POETRY_VIRTUALENVS_IN_PROJECT', 'POETRY_VIRTUALENVS_CREATE', 'POETRY_CACHE_DIR', 'POETRY_CONFIG_DIR', 'XDG_CACHE_HOME', 'PDM_PYTHON', 'PDM_IGNORE_SAVED_PYTHON', 'PDM_CONFIG_FILE', 'WORKON_HOME', 'PIPENV_VENV_IN_PROJECT', 'PIPENV_NO_VENV_IN_PROJECT', 'PIPENV_CUSTOM_VENV_NAME', 'PIPENV_PIPFILE', 'PIPENV_PYTHON', 'HATCH_DATA_DIR', 'HATCH_CONFIG', 'HATCH_ENV_TYPE_VIRTUAL_PATH', 'PYENV_VERSION', 'PYENV_ROOT', 'PYENV_DIR', 'PYTHON_BUILD_DEFINITIONS', 'PYTHON_BUILD_ROOT')
$global:__autovenv_format = '1'
$global:__autovenv_sep = ';'
$global:__autovenv_us = [string][char]0x1F
$global:__autovenv_c = [string][char]0x01
$global:__autovenv_loc = ''
$global:__autovenv_w = @()
$global:__autovenv_stamp = ''
$global:__autovenv_stamp_time = $null
$global:__autovenv_quick = ''
$global:__autovenv_broken = $false
$global:__autovenv_failed = $false
$global:__autovenv_busy = $false
$global:__autovenv_in_prompt = $false
$global:__autovenv_own_deactivate = $false
$global:__autovenv_e = $null
# Set until this session's first prompt, which makes an inherited activation true again (__autovenv_first_prompt).
$global:__autovenv_first = $true
# The `quiet` of the project this session activated: leaving it for no project is quiet too.
$global:__autovenv_active_quiet = ''
$global:__autovenv_clm = $ExecutionContext.SessionState.LanguageMode -ne 'FullLanguage'
$global:__autovenv_clm_last = $null
$env:AUTOVENV_HOOK = 'pwsh:' + $PID

if (-not $global:__autovenv_clm) {
    $global:__autovenv_windows = [System.IO.Path]::DirectorySeparatorChar -eq [char]0x5C
    # The only text an answer may be: see render_answer in src/autovenv/shells/pwsh.py.
    $global:__autovenv_answer_re = & {
        $l = "'(?:[ -&(-~]|'')*'"
        $q = "(?:$l|\($l(?: \+ (?:\[char\]0x[0-9A-F]{4}|$l))+\))"
        [regex]::new("\A@\{\n(?:[a-z]+ = (?:$q|@\((?:$q(?:, $q)*)?\))\n)+\}\n?\z")
    }
}

# Everything whose change could alter the answer or the transition, in one string (no loop).
function global:__autovenv_quicksig {
    @($global:__autovenv_loc, ${env:VIRTUAL_ENV}, ($null -eq ${env:VIRTUAL_ENV}), ${env:AUTOVENV_KEY}, ($null -eq ${env:AUTOVENV_KEY}), ${env:AUTOVENV_PAUSED}, ($null -eq ${env:AUTOVENV_PAUSED}), ($null -eq ${env:_OLD_VIRTUAL_PATH}), ${env:HOME}, ($null -eq ${env:HOME}), ${env:XDG_CONFIG_HOME}, ($null -eq ${env:XDG_CONFIG_HOME}), ${env:XDG_DATA_HOME}, ($null -eq ${env:XDG_DATA_HOME}), ${env:AUTOVENV_CONFIG_DIR}, ($null -eq ${env:AUTOVENV_CONFIG_DIR}), ${env:AUTOVENV_DATA_DIR}, ($null -eq ${env:AUTOVENV_DATA_DIR}), ${env:UV_PROJECT_ENVIRONMENT}, ($null -eq ${env:UV_PROJECT_ENVIRONMENT}), ${env:POETRY_VIRTUALENVS_PATH}, ($null -eq ${env:POETRY_VIRTUALENVS_PATH}), ${env:POETRY_VIRTUALENVS_IN_PROJECT}, ($null -eq ${env:POETRY_VIRTUALENVS_IN_PROJECT}), ${env:POETRY_VIRTUALENVS_CREATE}, ($null -eq ${env:POETRY_VIRTUALENVS_CREATE}), ${env:POETRY_CACHE_DIR}, ($null -eq ${env:POETRY_CACHE_DIR}), ${env:POETRY_CONFIG_DIR}, ($null -eq ${env:POETRY_CONFIG_DIR}), ${env:XDG_CACHE_HOME}, ($null -eq ${env:XDG_CACHE_HOME}), ${env:PDM_PYTHON}, ($null -eq ${env:PDM_PYTHON}), ${env:PDM_IGNORE_SAVED_PYTHON}, ($null -eq ${env:PDM_IGNORE_SAVED_PYTHON}), ${env:PDM_CONFIG_FILE}, ($null -eq ${env:PDM_CONFIG_FILE}), ${env:WORKON_HOME}, ($null -eq ${env:WORKON_HOME}), ${env:PIPENV_VENV_IN_PROJECT}, ($null -eq ${env:PIPENV_VENV_IN_PROJECT}), ${env:PIPENV_NO_VENV_IN_PROJECT}, ($null -eq ${env:PIPENV_NO_VENV_IN_PROJECT}), ${env:PIPENV_CUSTOM_VENV_NAME}, ($null -eq ${env:PIPENV_CUSTOM_VENV_NAME}), ${env:PIPENV_PIPFILE}, ($null -eq ${env:PIPENV_PIPFILE}), ${env:PIPENV_PYTHON}, ($null -eq ${env:PIPENV_PYTHON}), ${env:HATCH_DATA_DIR}, ($null -eq ${env:HATCH_DATA_DIR}), ${env:HATCH_CONFIG}, ($null -eq ${env:HATCH_CONFIG}), ${env:HATCH_ENV_TYPE_VIRTUAL_PATH}, ($null -eq ${env:HATCH_ENV_TYPE_VIRTUAL_PATH}), ${env:PYENV_VERSION}, ($null -eq ${env:PYENV_VERSION}), ${env:PYENV_ROOT}, ($null -eq ${env:PYENV_ROOT}), ${env:PYENV_DIR}, ($null -eq ${env:PYENV_DIR}), ${env:PYTHON_BUILD_DEFINITIONS}, ($null -eq ${env:PYTHON_BUILD_DEFINITIONS}), ${env:PYTHON_BUILD_ROOT}, ($null -eq ${env:PYTHON_BUILD_ROOT})) -join $global:__autovenv_us
}

function global:__autovenv_hook {
    $loc = $ExecutionContext.SessionState.Path.CurrentLocation
    if ($loc.Provider.Name -ne 'FileSystem') { return }
    $global:__autovenv_loc = $loc.ProviderPath
    if ($global:__autovenv_clm) {
        __autovenv_clm_check
        return
    }
    if ((__autovenv_quicksig) -ceq $global:__autovenv_quick -and (__autovenv_fresh)) {
        __autovenv_decorate
        return
    }
    __autovenv_check
    __autovenv_decorate
}

# Never let a failure break the prompt: say it once, then stay quiet.
function global:__autovenv_safe_hook {
    if ($global:__autovenv_busy) { return }
    $global:__autovenv_busy = $true
    try {
        __autovenv_hook
    } catch {
        if (-not $global:__autovenv_failed) {
            $global:__autovenv_failed = $true
            Microsoft.PowerShell.Utility\Write-Host ('autovenv: the hook failed (' + $_ + '); environments are left as they are')
        }
    } finally {
        $global:__autovenv_busy = $false
    }
}

# True while no watched path was modified since our stamp (one timestamp read per path).
function global:__autovenv_fresh {
    if (-not $global:__autovenv_stamp) { return $true }
    if (-not [System.IO.Directory]::Exists($global:__autovenv_loc)) { return $false }
    $t = $global:__autovenv_stamp_time
    foreach ($p in $global:__autovenv_w) {
        if ([System.IO.Directory]::GetLastWriteTimeUtc($p) -gt $t) { return $false }
    }
    $true
}

# The resolution signature of the user's environment (our own PYENV_VERSION etc. do not count).
function global:__autovenv_usersig {
    $saved = ''
    if ($null -ne ${env:AUTOVENV_KEY}) { $saved = ' ' + ${env:AUTOVENV_SAVED} + ' ' }
    $s = [System.Text.StringBuilder]::new()
    foreach ($n in $global:__autovenv_deps) {
        $o = $n
        if ($saved.Contains(' ' + $n + ' ') -and -not (__autovenv_theirs $n)) { $o = 'AUTOVENV_OLD_' + $n }
        $v = [System.Environment]::GetEnvironmentVariable($o)
        if ($null -eq $v) { [void]$s.Append($n + '!') } else { [void]$s.Append($n + '=' + $v) }
        [void]$s.Append($global:__autovenv_us)
    }
    $s.ToString()
}

function global:__autovenv_check {
    $ErrorActionPreference = 'Continue'
    $stamp = [System.IO.Path]::Combine($global:__autovenv_cache, 'stamps', 'pwsh-' + $PID)
    try {
        [System.IO.File]::WriteAllText($stamp, '')
        [System.IO.File]::SetLastWriteTimeUtc($stamp, [System.DateTime]::UtcNow)
        $global:__autovenv_stamp_time = [System.IO.File]::GetLastWriteTimeUtc($stamp)
        $global:__autovenv_stamp = $stamp
    } catch {
        $global:__autovenv_stamp = ''
    }
    $d = $global:__autovenv_loc
    $cand = ''
    $walk = [System.Collections.Generic.List[string]]::new()
    while ($d) {
        foreach ($m in $global:__autovenv_markers) {
            $p = [System.IO.Path]::Combine($d, $m)
            if ([System.IO.File]::Exists($p) -or [System.IO.Directory]::Exists($p)) {
                $cand = $d
                break
            }
        }
        if ($cand) { break }
        $walk.Add($d)
        $d = [System.IO.Path]::GetDirectoryName($d)
    }
    $usersig = __autovenv_usersig
    if (-not $cand) {
        __autovenv_clear_answer $usersig
    } elseif (-not (__autovenv_load $cand $usersig)) {
        if (-not (__autovenv_cold)) { return }
    }
    # Notes show when entering, after the line saying what changed.
    $entering = $cand -cne $global:__autovenv_c
    $global:__autovenv_c = $cand
    $global:__autovenv_w = @($walk) + @($global:__autovenv_e['watch'])
    __autovenv_transition
    if ($entering) {
        foreach ($n in $global:__autovenv_e['notes']) {
            Microsoft.PowerShell.Utility\Write-Host ('autovenv: ' + $n)
        }
    }
    if ($global:__autovenv_first) { __autovenv_first_prompt }
    $global:__autovenv_quick = __autovenv_quicksig
}

# The first prompt of a new session (a child pwsh, a new terminal tab): the profile ran after the
# inherited activation was made and may have put its own directories in front of ours. Ours go back in
# front, once each.
function global:__autovenv_first_prompt {
    $global:__autovenv_first = $false
    if ($null -eq ${env:AUTOVENV_KEY} -or -not ${env:AUTOVENV_PATH_ADD}) { return }
    if ($null -ne ${env:VIRTUAL_ENV} -and ${env:VIRTUAL_ENV} -cne ${env:AUTOVENV_VENV}) { return }
    $sep = [System.IO.Path]::PathSeparator
    $add = ${env:AUTOVENV_PATH_ADD}.Split($sep)
    $keep = [System.Collections.Generic.List[string]]::new()
    foreach ($p in ([string]${env:PATH}).Split($sep)) {
        $ours = $false
        foreach ($a in $add) {
            if ($global:__autovenv_windows) { $ours = $ours -or $p -ieq $a } else { $ours = $ours -or $p -ceq $a }
        }
        if (-not $ours) { $keep.Add($p) }
    }
    $new = (@($add) + @($keep)) -join $sep
    if ($keep.Count -eq 1 -and $keep[0] -eq '') { $new = ${env:AUTOVENV_PATH_ADD} }
    if ($new -cne ${env:PATH}) { $env:PATH = $new }
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
    $f = __autovenv_entry $cand
    if (-not [System.IO.File]::Exists($f)) { return $false }
    $e = __autovenv_parse ([System.IO.File]::ReadAllText($f))
    if ($null -eq $e -or $e['sig'] -cne $usersig) { return $false }
    $ft = [System.IO.File]::GetLastWriteTimeUtc($f)
    foreach ($p in $e['watch']) {
        if (-not ([System.IO.File]::Exists($p) -or [System.IO.Directory]::Exists($p))) { return $false }
        if ([System.IO.Directory]::GetLastWriteTimeUtc($p) -gt $ft) { return $false }
    }
    $global:__autovenv_e = $e
    $true
}

# Run `autovenv export pwsh [--hook]` in the current directory; keeps the user's $LASTEXITCODE.
# $env:PWD tells it the logical path (PowerShell does not keep one; symlinked dirs stay as typed).
function global:__autovenv_run([string[]]$more) {
    $ErrorActionPreference = 'Continue'
    $a = @($global:__autovenv_export)
    $exe = $a[0]
    $rest = @()
    if ($a.Count -gt 1) { $rest = $a[1..($a.Count - 1)] }
    $had = Microsoft.PowerShell.Utility\Get-Variable -Name LASTEXITCODE -Scope Global -ErrorAction Ignore
    $oldpwd = ${env:PWD}
    $env:PWD = $global:__autovenv_loc
    try {
        $out = & $exe @rest export pwsh @more
        $rc = $global:LASTEXITCODE
    } catch {
        $out = $null
        $rc = 127
    } finally {
        if ($null -eq $oldpwd) {
            Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:/PWD -ErrorAction Ignore
        } else {
            $env:PWD = $oldpwd
        }
        if ($had) {
            $global:LASTEXITCODE = $had.Value
        } else {
            Microsoft.PowerShell.Utility\Remove-Variable -Name LASTEXITCODE -Scope Global -ErrorAction Ignore
        }
    }
    @{ rc = $rc; text = (@($out) -join "`n") + "`n" }
}

# Ask Python (once per new or changed directory); it also refreshes the cache entry.
function global:__autovenv_cold {
    $r = __autovenv_run @('--hook')
    if ($r['rc'] -ne 0) {
        # 1 and 2: export already said what went wrong, in one line; anything else: it could not start.
        if (-not $global:__autovenv_broken -and $r['rc'] -ne 1 -and $r['rc'] -ne 2) {
            Microsoft.PowerShell.Utility\Write-Host ('autovenv: the hook could not run ' + @($global:__autovenv_export)[0] + '; environments are left as they are')
            $global:__autovenv_broken = $true
        }
        $global:__autovenv_quick = __autovenv_quicksig
        return $false
    }
    $global:__autovenv_broken = $false
    $e = __autovenv_parse $r['text']
    if ($null -eq $e) { __autovenv_clear_answer (__autovenv_usersig) } else { $global:__autovenv_e = $e }
    $true
}

# ConstrainedLanguage mode: no cache, no .NET; apply `export pwsh` output when the directory changes.
function global:__autovenv_clm_check {
    if ($global:__autovenv_loc -ceq $global:__autovenv_clm_last) { return }
    $global:__autovenv_clm_last = $global:__autovenv_loc
    $r = __autovenv_run @()
    if ($r['rc'] -eq 0 -and $r['text'].Trim()) {
        Microsoft.PowerShell.Utility\Invoke-Expression $r['text']
    }
}

function global:__autovenv_unset([string]$name) {
    if ($null -ne [System.Environment]::GetEnvironmentVariable($name)) {
        Microsoft.PowerShell.Management\Remove-Item -LiteralPath ('Env:/' + $name) -ErrorAction Ignore
    }
}

# Bring the environment to the answer in $__autovenv_e, by DESIGN section 4's rules (mirrors plan.py).
function global:__autovenv_transition {
    $e = $global:__autovenv_e
    $key = $e['key']
    $msg = ''
    if ($null -ne ${env:VIRTUAL_ENV} -and ${env:VIRTUAL_ENV} -cne ${env:AUTOVENV_VENV}) {
        # A venv activated by hand wins; touch nothing until it is deactivated.
        return
    }
    if ($null -ne ${env:AUTOVENV_KEY} -and (__autovenv_taken_over)) {
        # The venv's own Activate.ps1 ran over our activation of the same venv (out of habit): it is a
        # venv activated by hand now. Hand it over and touch nothing more.
        __autovenv_handover
        return
    }
    if ($null -ne ${env:AUTOVENV_KEY} -and (__autovenv_disturbed)) {
        # Something we set was changed behind our back (a hand-activated venv's deactivate, `pyenv
        # shell`, a PYTHONHOME of the user's): tidy up, keeping their values, then decide afresh; what
        # is active afterwards is said as usual ("deactivated" when nothing is).
        __autovenv_unapply
        $msg = 'deactivated'
    }
    if ($null -ne ${env:AUTOVENV_PAUSED}) {
        if (-not $key -or $e['root'] -cne ${env:AUTOVENV_PAUSED}) {
            __autovenv_unset AUTOVENV_PAUSED
        } else {
            $key = ''
        }
    }
    if ([string]${env:AUTOVENV_KEY} -cne $key) {
        if ($null -ne ${env:AUTOVENV_KEY}) {
            __autovenv_unapply
            $msg = 'deactivated'
        }
        if ($key) {
            __autovenv_apply
            $msg = $e['msg']
        }
    }
    # Said unless the answer asks for quiet; leaving a quiet project for none is quiet too.
    if ($msg -and -not $e['quiet'] -and ($key -or -not $global:__autovenv_active_quiet)) {
        Microsoft.PowerShell.Utility\Write-Host ('autovenv: ' + $msg)
    }
    $global:__autovenv_active_quiet = ''
    if ($null -ne ${env:AUTOVENV_KEY}) { $global:__autovenv_active_quiet = [string]$e['quiet'] }
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
    foreach ($n in ([string]${env:AUTOVENV_SAVED}).Split(' ')) {
        if ($n -and (__autovenv_theirs $n)) { return $true }
    }
    $false
}

# True when a venv's Activate.ps1 ran after we activated: it saved PATH, with our entries in it, in
# $env:_OLD_VIRTUAL_PATH (a leftover from before our activation holds no entry of ours).
function global:__autovenv_taken_over {
    $add = [string]${env:AUTOVENV_PATH_ADD}
    $saved = ${env:_OLD_VIRTUAL_PATH}
    if (-not $add -or $null -eq $saved) { return $false }
    $saved.Split($global:__autovenv_sep) -ccontains $add.Split($global:__autovenv_sep)[0]
}

# Drop our part of an activation the venv's own Activate.ps1 took over, so that its `deactivate`
# restores exactly what the user had before we activated: our PATH entries leave PATH and its saved
# copy, a PYTHONHOME we had set aside goes to the activate's own slot, the values we set are the user's.
function global:__autovenv_handover {
    $sep = $global:__autovenv_sep
    $add = [string]${env:AUTOVENV_PATH_ADD}
    foreach ($name in 'PATH', '_OLD_VIRTUAL_PATH') {
        $value = [System.Environment]::GetEnvironmentVariable($name)
        if ($null -eq $value) { continue }
        $parts = [System.Collections.Generic.List[string]]::new([string[]]$value.Split($sep))
        foreach ($entry in $add.Split($sep)) { [void]$parts.Remove($entry) }
        Microsoft.PowerShell.Management\Set-Item -LiteralPath ('Env:/' + $name) -Value ($parts -join $sep)
    }
    $home_old = ${env:AUTOVENV_OLD_PYTHONHOME}
    if ($null -ne $home_old -and -not ${env:_OLD_VIRTUAL_PYTHONHOME}) {
        $env:_OLD_VIRTUAL_PYTHONHOME = $home_old
    }
    foreach ($n in ([string]${env:AUTOVENV_SAVED}).Split(' ')) {
        if (-not $n) { continue }
        __autovenv_unset ('AUTOVENV_OLD_' + $n)
        __autovenv_unset ('AUTOVENV_SET_' + $n)
    }
    foreach ($n in 'AUTOVENV_KEY', 'AUTOVENV_ROOT', 'AUTOVENV_VENV', 'AUTOVENV_PATH_ADD', 'AUTOVENV_SAVED', 'AUTOVENV_PROMPT') {
        __autovenv_unset $n
    }
    # Their deactivate replaced ours: it stays.
    $global:__autovenv_own_deactivate = $false
}

function global:__autovenv_unapply {
    $sep = $global:__autovenv_sep
    $add = [string]${env:AUTOVENV_PATH_ADD}
    if ($add -and $null -ne ${env:PATH}) {
        $parts = [System.Collections.Generic.List[string]]::new([string[]]${env:PATH}.Split($sep))
        foreach ($entry in $add.Split($sep)) { [void]$parts.Remove($entry) }
        $env:PATH = $parts -join $sep
    }
    foreach ($n in ([string]${env:AUTOVENV_SAVED}).Split(' ')) {
        if (-not $n) { continue }
        $o = 'AUTOVENV_OLD_' + $n
        $old = [System.Environment]::GetEnvironmentVariable($o)
        if (__autovenv_theirs $n) {
            __autovenv_unset $o
        } elseif ($null -ne $old) {
            Microsoft.PowerShell.Management\Set-Item -LiteralPath ('Env:/' + $n) -Value $old
            __autovenv_unset $o
        } else {
            __autovenv_unset $n
        }
        __autovenv_unset ('AUTOVENV_SET_' + $n)
    }
    foreach ($n in 'AUTOVENV_KEY', 'AUTOVENV_ROOT', 'AUTOVENV_VENV', 'AUTOVENV_PATH_ADD', 'AUTOVENV_SAVED', 'AUTOVENV_PROMPT') {
        __autovenv_unset $n
    }
    if ($global:__autovenv_own_deactivate) {
        Microsoft.PowerShell.Management\Remove-Item -LiteralPath Function:/deactivate -ErrorAction Ignore
        $global:__autovenv_own_deactivate = $false
    }
}

function global:__autovenv_save([string]$name) {
    $v = [System.Environment]::GetEnvironmentVariable($name)
    if ($null -ne $v) { Microsoft.PowerShell.Management\Set-Item -LiteralPath ('Env:/AUTOVENV_OLD_' + $name) -Value $v }
}

function global:__autovenv_apply {
    $e = $global:__autovenv_e
    if ($e['venv']) {
        __autovenv_save VIRTUAL_ENV
        __autovenv_save VIRTUAL_ENV_PROMPT
        __autovenv_save PYTHONHOME
        $env:VIRTUAL_ENV = $e['venv']
        $env:VIRTUAL_ENV_PROMPT = $e['vprompt']
        $env:AUTOVENV_SET_VIRTUAL_ENV = $e['venv']
        $env:AUTOVENV_SET_VIRTUAL_ENV_PROMPT = $e['vprompt']
        __autovenv_unset PYTHONHOME
        $env:AUTOVENV_SAVED = 'VIRTUAL_ENV VIRTUAL_ENV_PROMPT PYTHONHOME'
        $env:AUTOVENV_VENV = $e['venv']
    } elseif ($e['pyver']) {
        __autovenv_save PYENV_VERSION
        $env:PYENV_VERSION = $e['pyver']
        $env:AUTOVENV_SET_PYENV_VERSION = $e['pyver']
        $env:AUTOVENV_SAVED = 'PYENV_VERSION'
    } else {
        __autovenv_unset AUTOVENV_SAVED
    }
    if ($e['path']) {
        if (${env:PATH}) { $env:PATH = $e['path'] + $global:__autovenv_sep + ${env:PATH} } else { $env:PATH = $e['path'] }
        $env:AUTOVENV_PATH_ADD = $e['path']
    }
    $env:AUTOVENV_KEY = $e['key']
    $env:AUTOVENV_ROOT = $e['root']
    if ($e['prompt']) { $env:AUTOVENV_PROMPT = $e['prompt'] }
}

# Session-local parts of an activation that a child pwsh must redo: the deactivate function.
function global:__autovenv_decorate {
    if ($null -eq ${env:AUTOVENV_KEY} -or $global:__autovenv_own_deactivate) { return }
    function global:deactivate {
        param([switch]$NonDestructive)
        __autovenv_deactivate -NonDestructive:$NonDestructive
    }
    $global:__autovenv_own_deactivate = $true
}

# `deactivate`: undo and pause autovenv for this project until the user leaves it. A venv's own
# Activate.ps1 calls `deactivate -NonDestructive` before taking over: then we only step aside.
function global:__autovenv_deactivate([switch]$NonDestructive) {
    if ($null -eq ${env:AUTOVENV_KEY}) { return }
    if ($NonDestructive) {
        __autovenv_unapply
        return
    }
    $root = ${env:AUTOVENV_ROOT}
    __autovenv_unapply
    $env:AUTOVENV_PAUSED = $root
    if ($null -eq $global:__autovenv_e -or -not $global:__autovenv_e['quiet']) {
        Microsoft.PowerShell.Utility\Write-Host 'autovenv: deactivated; paused for this project until you leave it'
    }
}

# The prompt wrapper: run the check, show the prefix the way Activate.ps1 does, then the user's prompt
# with the user's $? (a failing Write-Error makes it $false again). The marker comment below is how a
# second load recognises the wrapper. __autovenv_prompt_wrapper
$global:__autovenv_prompt = {
    # __autovenv_prompt_wrapper
    $__autovenv_ok = $?
    if ($global:__autovenv_in_prompt) {
        # Another prompt wrapped ours and we wrapped it back: never recurse.
        return 'PS ' + $ExecutionContext.SessionState.Path.CurrentLocation + '> '
    }
    $global:__autovenv_in_prompt = $true
    try {
        $null = __autovenv_safe_hook
        if ($null -ne ${env:AUTOVENV_KEY} -and ${env:AUTOVENV_PROMPT} -and -not ${env:VIRTUAL_ENV_DISABLE_PROMPT}) {
            Microsoft.PowerShell.Utility\Write-Host -NoNewline ${env:AUTOVENV_PROMPT}
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
            # At the Set-Location itself (7.1+), so `Set-Location x; python` runs in x's environment; the
            # prompt's check then finds nothing left to do. Not before the first prompt (the profile's
            # own Set-Location), which sees to it.
            if (-not $global:__autovenv_first) { $null = __autovenv_safe_hook }
        }
        $ExecutionContext.InvokeCommand.LocationChangedAction = [System.Delegate]::Combine(
            $ExecutionContext.InvokeCommand.LocationChangedAction, $global:__autovenv_on_location)
    }
}
