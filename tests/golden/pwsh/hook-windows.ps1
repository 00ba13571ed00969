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
#   written through [System.Environment], and cmdlets appear only where something changes. A prompt where
#   nothing changed reads no variable beyond those it compares (the prefix is the one the last check
#   worked out), and writes nothing itself around a user's prompt that cannot write either: the prefix
#   goes out in the prompt's text (a write of our own to the host cost as much as the whole check).
# - Activation only assigns and removes environment variables. It never dot-sources a venv's Activate.ps1
#   or imports a module, so it needs no script execution beyond $PROFILE.
# - An answer (cache entry, or the output of `export pwsh --hook`) is data: one line, `a=` and base64 of
#   its fields (__autovenv_parse). It is decoded, never evaluated, so a tampered cache file cannot run code.
# - Inherited state is data: AUTOVENV_SAVED may only name the variables an activation sets (any other
#   name in it is ignored), nothing from the environment is ever evaluated, an AUTOVENV_PROMPT holding
#   control characters is not shown, and text from a file or a name reaches the console only through
#   __autovenv_printable (no control sequences).
# - Cmdlets are called by their module-qualified names, so an alias or function named Remove-Item or
#   Write-Host in the user's profile cannot intercept them.
# - Strict-mode clean (Set-StrictMode -Version Latest in a profile is common): the prompt reads no unset
#   variable, and the slow path turns strict mode off in its own scope.
# - The prompt the user's own prompt function sees keeps its $? and $LASTEXITCODE.
# - Directory changes: on 7.1+ LocationChangedAction runs the check at the Set-Location, Push-Location
#   or Pop-Location itself, so `cd x; cmd` runs cmd in x's environment (a handler the user had stays,
#   chained). The wrapped `prompt` (every version) checks for changes made in place, and for directory
#   changes in 5.1. A prompt theme loaded later that replaces our wrapper leaves the check to the
#   location changes.
# - The first prompt of a new pwsh (a child, `pwsh -Login`, a tmux window) puts our inherited PATH entries
#   back in front: pwsh put $PSHOME there, the profile perhaps more (__autovenv_first_prompt). Later
#   prompts do not pay for it: the first one always takes the slow path.
# - Loading this twice (a re-run $PROFILE) wraps nothing twice.
# - In ConstrainedLanguage mode .NET methods are off limits: the hook then runs `autovenv export pwsh` on
#   each directory change and applies its output ($env: assignments only), with no cache and no deactivate.

$global:__autovenv_export = @('C:\Python312\python.exe', '-I', '-S', '-c', 'import sys')
$global:__autovenv_cache = 'C:\Users\x\AppData\Local\autovenv\Cache'
$global:__autovenv_stamps = 'C:\Users\x\AppData\Local\autovenv\Cache\stamps'
$global:__autovenv_markers = @('.autovenv.toml', 'pyproject.toml', '.venv', 'venv', 'env', '.python-version')
$global:__autovenv_deps = @('HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'AUTOVENV_CONFIG_DIR', 'AUTOVENV_DATA_DIR', 'UV_PROJECT_ENVIRONMENT', 'POETRY_VIRTUALENVS_PATH', 'POETRY_VIRTUALENVS_IN_PROJECT', 'POETRY_VIRTUALENVS_CREATE', 'POETRY_CACHE_DIR', 'POETRY_CONFIG_DIR', 'XDG_CACHE_HOME', 'PDM_PYTHON', 'PDM_IGNORE_SAVED_PYTHON', 'PDM_CONFIG_FILE', 'WORKON_HOME', 'PIPENV_VENV_IN_PROJECT', 'PIPENV_NO_VENV_IN_PROJECT', 'PIPENV_CUSTOM_VENV_NAME', 'PIPENV_PIPFILE', 'PIPENV_PYTHON', 'HATCH_DATA_DIR', 'HATCH_CONFIG', 'HATCH_ENV_TYPE_VIRTUAL_PATH', 'PYENV_VERSION', 'PYENV_ROOT', 'PYENV_DIR', 'PYTHON_BUILD_DEFINITIONS', 'PYTHON_BUILD_ROOT')
$global:__autovenv_format = '2'
$global:__autovenv_sep = ';'
# The user's own `quiet`: whether leaving a project (no project here, so no answer says) is said.
$global:__autovenv_quiet = ''
# The variables an activation sets or unsets besides PATH: all an inherited AUTOVENV_SAVED may name.
$global:__autovenv_activation = @('VIRTUAL_ENV', 'VIRTUAL_ENV_PROMPT', 'PYTHONHOME', 'PYENV_VERSION')
# What a prompt compares besides the location and the watched paths: the resolution's environment and
# the variables that decide the transition (shells/posix_hook.py QUICK_STATE).
$global:__autovenv_qn = @('VIRTUAL_ENV', 'AUTOVENV_KEY', 'AUTOVENV_PAUSED', 'VIRTUAL_ENV_DISABLE_PROMPT', '_OLD_VIRTUAL_PATH', 'AUTOVENV_PROMPT', 'HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'AUTOVENV_CONFIG_DIR', 'AUTOVENV_DATA_DIR', 'UV_PROJECT_ENVIRONMENT', 'POETRY_VIRTUALENVS_PATH', 'POETRY_VIRTUALENVS_IN_PROJECT', 'POETRY_VIRTUALENVS_CREATE', 'POETRY_CACHE_DIR', 'POETRY_CONFIG_DIR', 'XDG_CACHE_HOME', 'PDM_PYTHON', 'PDM_IGNORE_SAVED_PYTHON', 'PDM_CONFIG_FILE', 'WORKON_HOME', 'PIPENV_VENV_IN_PROJECT', 'PIPENV_NO_VENV_IN_PROJECT', 'PIPENV_CUSTOM_VENV_NAME', 'PIPENV_PIPFILE', 'PIPENV_PYTHON', 'HATCH_DATA_DIR', 'HATCH_CONFIG', 'HATCH_ENV_TYPE_VIRTUAL_PATH', 'PYENV_VERSION', 'PYENV_ROOT', 'PYENV_DIR', 'PYTHON_BUILD_DEFINITIONS', 'PYTHON_BUILD_ROOT')
$global:__autovenv_us = [string][char]0x1F
$global:__autovenv_c = [string][char]0x01
$global:__autovenv_ready = $false
$global:__autovenv_where = ''
$global:__autovenv_loc = ''
$global:__autovenv_qv = @()
$global:__autovenv_w = @()
$global:__autovenv_t = $null
# What the walk remembers: directory -> the stamp time at which it was found to hold no marker (made at
# the first walk: ConstrainedLanguage mode, which has no walk, may not create it).
$global:__autovenv_seen = $null
# And the directories among them that are symbolic links -> where each leads, which is what is timed.
$global:__autovenv_links = $null
$global:__autovenv_gen = @()
$global:__autovenv_e = $null
$global:__autovenv_broken = $false
$global:__autovenv_failed = $false
$global:__autovenv_busy = $false
$global:__autovenv_in_prompt = $false
$global:__autovenv_own_deactivate = $false
$global:__autovenv_praw = ''
# The notes shown last, joined (__autovenv_check).
$global:__autovenv_said = ''
$global:__autovenv_pshow = ''
# What the last check made of the prompt (__autovenv_snapshot): its prefix, and whether one of our
# activations is in force.
$global:__autovenv_pre = ''
$global:__autovenv_keyed = $false
# How the host calls `prompt` (a prompt theme that wraps ours calls it from inside: Internal). Named when
# first needed, with __autovenv_orig_plain: each type a start names costs it milliseconds.
$global:__autovenv_from_host = $null
$global:__autovenv_clm = $ExecutionContext.SessionState.LanguageMode -ne 'FullLanguage'
$global:__autovenv_clm_last = $null
$global:__autovenv_cache_ok = $false
# Set until this pwsh's first prompt (__autovenv_first_prompt); the mark in AUTOVENV_HOOK tells `doctor`
# a hook that was loaded but never ran.
$global:__autovenv_first = $true
# The `quiet` of the answer that activated what is active: leaving a quiet project for none is quiet too.
$global:__autovenv_active_quiet = ''
$env:AUTOVENV_HOOK = 'pwsh:' + $PID + ':loaded'

if (-not $global:__autovenv_clm) {
    # Answers read from the cache, by candidate directory (ordinal: paths differing in case are others).
    $global:__autovenv_memo = [System.Collections.Generic.Dictionary[string, object]]::new([System.StringComparer]::Ordinal)
    # The dependencies an activation may set itself (PYENV_VERSION): while one of ours, the user's value
    # is the one we saved.
    # (Worked out by Python: a loop in a script block costs milliseconds of compiling at every start.)
    $global:__autovenv_deps_ours = @('PYENV_VERSION')
    # What removes an environment variable when passed to [Environment]::SetEnvironmentVariable:
    # PowerShell turns a plain $null passed for a string into '', which sets the variable to nothing.
    $global:__autovenv_none = [System.Management.Automation.Language.NullString]::Value
    $global:__autovenv_windows = [System.IO.Path]::DirectorySeparatorChar -eq [char]0x5C
    $global:__autovenv_t = [System.DateTime]::MinValue
    # The only text an answer may be: see __autovenv_parse.
    $global:__autovenv_answer_text = [regex]::new('\Aa=[A-Za-z0-9+/]*={0,2}\n?\z')
    # What Python's str.isprintable refuses (autovenv's messages escape the same): controls, format
    # characters (bidi overrides), separators other than the space, private use, unassigned, lone halves.
    $global:__autovenv_unprintable = [regex]::new(
        '[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|[\p{Zs}-[ ]]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]')
    # Cached answers are read only from a cache directory that is this user's and no one else can write
    # to (Python made it so; checked once here). Without one Python renders /dev/null (Windows: \\.\NUL)
    # here, which is no directory: no cache. The file system provider is asked directly, not through
    # Get-Item: the cmdlet imports its module, which costs a start some 30-150 ms; the provider's own
    # lstat (UnixStat, PowerShell 7.1+ on Linux and macOS) gives owner and mode without the formatted
    # User and UnixMode properties, whose script getters cost as much again.
    $global:__autovenv_cache_ok = & {
        try {
            $dir = $ExecutionContext.SessionState.InvokeProvider.Item.Get([string[]]@($global:__autovenv_cache), $true, $true)[0]
            $info = $dir.PSObject.BaseObject
            if ($info -isnot [System.IO.DirectoryInfo] -or $info.Attributes.HasFlag([System.IO.FileAttributes]::ReparsePoint)) { return $false }
            # (Windows: the cache is under the user's own LOCALAPPDATA.)
            if ($global:__autovenv_windows) { return $true }
            # Owned by this user, and group and others may not write (0o022). A PowerShell that does not
            # say (7.0) gets no cache: evidence missing, the answer is no.
            $stat = $dir.PSObject.Properties['UnixStat']
            if ($null -eq $stat -or $null -eq $stat.Value) { return $false }
            $stat = $stat.Value
            $stat.ItemType -eq 'Directory' -and ($stat.Mode -band 0x12) -eq 0 -and $stat.GetUserName() -ceq [System.Environment]::UserName
        } catch {
            $false
        }
    }
    # What a prompt checks besides the answer's own paths: the cache's generation file, which `autovenv
    # allow`, `deny` and `trust forget` touch. (The other shells notice those by their stamp files being
    # deleted; this hook keeps its stamp's time in memory.) The rest of an entry's paths (a config
    # directory's parent, the directories above a project) are checked when an entry is read.
    if ($global:__autovenv_cache_ok) { $global:__autovenv_gen = @([System.IO.Path]::Combine($global:__autovenv_cache, 'generation')) }
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
# writes its "(name) ") leaves the cursor mid-row: then the line starts the row over.
function global:__autovenv_say([string]$text) {
    if ($global:__autovenv_clm) {
        Microsoft.PowerShell.Utility\Write-Host ('autovenv: ' + $text)
        return
    }
    $line = 'autovenv: ' + (__autovenv_printable $text)
    try {
        if (-not [object]::ReferenceEquals(${function:prompt}, $global:__autovenv_prompt) -and $Host.UI.RawUI.CursorPosition.X -gt 0) {
            $line = [string][char]13 + $line
        }
        $Host.UI.WriteLine($line)
    } catch {
        Microsoft.PowerShell.Utility\Write-Host $line
    }
}

# Something changed since the last check, or the location did. Never lets a failure break the prompt:
# says it once, then stays quiet. Its common case, a cd within the project with nothing else changed, is
# written out here (each function call costs more than that whole case).
function global:__autovenv_safe_hook {
    if ($global:__autovenv_busy) { return }
    $global:__autovenv_busy = $true
    try {
        $ErrorActionPreference = 'Continue'
        $l = $ExecutionContext.SessionState.Path.CurrentLocation
        $global:__autovenv_where = $l.Path
        if ($l.Provider.Name -ne 'FileSystem') {
            # Env:, Function:, a registry drive: nothing to decide; look again when the location changes.
            $global:__autovenv_loc = ''
            __autovenv_snapshot
            $global:__autovenv_ready = $true
            return
        }
        $loc = $l.ProviderPath
        if ($global:__autovenv_clm) {
            __autovenv_clm_check $loc
            return
        }
        $same = $global:__autovenv_ready -and $global:__autovenv_loc -and $loc -cne $global:__autovenv_loc
        if ($same) {
            # A cd while nothing changed on disk or in the environment: when the nearest candidate
            # directory is the same, so is the answer; only the directories between are new to watch.
            $i = 0
            foreach ($n in $global:__autovenv_qn) {
                if ([System.Environment]::GetEnvironmentVariable($n) -cne $global:__autovenv_qv[$i]) { $same = $false; break }
                $i++
            }
            if ($same -and [System.IO.Directory]::Exists($global:__autovenv_loc)) {
                foreach ($p in $global:__autovenv_w) {
                    if ([System.IO.Directory]::GetLastWriteTimeUtc($p) -ge $global:__autovenv_t) { $same = $false; break }
                }
            } else {
                $same = $false
            }
        }
        # A new stamp time: what the file system gives our stamp file now, so that whatever changes after
        # this moment is newer, at any granularity of file times. Without a stamp file, the clock less a
        # slack for coarse file times: that costs precision, not correctness.
        try {
            $f = [System.IO.Path]::Combine($global:__autovenv_stamps, 'pwsh-' + $PID)
            [System.IO.File]::WriteAllText($f, '')
            $t = [System.IO.File]::GetLastWriteTimeUtc($f)
        } catch {
            $t = [System.DateTime]::UtcNow.AddMilliseconds(-100)
        }
        # Walk up to the nearest directory holding a marker ($cand, '' when none), listing the directories
        # passed on the way, which a new marker could change. A directory found to hold no marker at stamp
        # time K still holds none while it is older than K (adding or removing an entry sets its mtime):
        # one stat instead of twelve. A path is that directory only while the directories above it are
        # unchanged too (a link among them pointed elsewhere modifies the directory holding it): each one up
        # to the candidate's parent must be older than the earliest K below it, else the walk is made again
        # without what it remembers (see shell/autovenv.bash). A long-lived shell forgets all past 4096.
        # A directory that is a symbolic link is timed, and watched, where it leads ($links): .NET reads a
        # link's own time, which a marker made inside does not change (test -nt follows it in the others).
        $seen = $global:__autovenv_seen
        $links = $global:__autovenv_links
        if ($null -eq $seen) {
            $seen = [System.Collections.Generic.Dictionary[string, System.DateTime]]::new()
            $global:__autovenv_seen = $seen
            $links = [System.Collections.Generic.Dictionary[string, string]]::new()
            $global:__autovenv_links = $links
        }
        if ($seen.Count -gt 4096) { $seen.Clear(); $links.Clear() }
        $forget = $false
        do {
            $walked = [System.Collections.Generic.List[string]]::new()
            $cand = ''
            $d = $loc
            $min = [System.DateTime]::MaxValue
            $moved = $false
            while ($d) {
                $k = [System.DateTime]::MinValue
                $s = $d
                if ($links.Count -and -not $links.TryGetValue($d, [ref]$s)) { $s = $d }
                $mt = [System.IO.Directory]::GetLastWriteTimeUtc($s)
                $known = -not $forget -and $seen.TryGetValue($d, [ref]$k) -and $mt -lt $k
                if ($mt -ge $min) { $moved = $true; break }
                if (-not $known) {
                    if ($null -ne [System.IO.FileInfo]::new($d).LinkTarget) {
                        $s = [System.IO.DirectoryInfo]::new($d).ResolveLinkTarget($true).FullName
                        $links[$d] = $s
                    } elseif ($links.Count) {
                        [void]$links.Remove($d)
                    }
                    foreach ($m in $global:__autovenv_markers) {
                        $p = [System.IO.Path]::Combine($d, $m)
                        # (A symbolic link counts, dangling or not, as in the other shells.)
                        if ([System.IO.File]::Exists($p) -or [System.IO.Directory]::Exists($p) -or $null -ne [System.IO.FileInfo]::new($p).LinkTarget) { $cand = $d; break }
                    }
                    if ($cand) {
                        $up = [System.IO.Path]::GetDirectoryName($d)
                        if ($up -and $null -ne [System.IO.FileInfo]::new($up).LinkTarget) {
                            $up = [System.IO.DirectoryInfo]::new($up).ResolveLinkTarget($true).FullName
                        }
                        if ($up -and [System.IO.Directory]::GetLastWriteTimeUtc($up) -ge $min) { $moved = $true }
                        break
                    }
                    $seen[$d] = $t
                } elseif ($k -lt $min) {
                    $min = $k
                }
                $walked.Add($s)
                $d = [System.IO.Path]::GetDirectoryName($d)
            }
            $forget = $true
        } while ($moved)
        if ($same -and $cand -ceq $global:__autovenv_c) {
            $global:__autovenv_t = $t
            $global:__autovenv_loc = $loc
            $global:__autovenv_w = @($walked) + $global:__autovenv_e['pwatch'] + $global:__autovenv_gen
            return
        }
        # The rest is long: a user's strict mode stays out of it (reading an unset variable tells whether
        # it is on, for less than the cmdlet that turns it off costs).
        try { $null = $__autovenv_unset_probe } catch { Microsoft.PowerShell.Core\Set-StrictMode -Off }
        __autovenv_check $loc $t $walked $cand
    } catch {
        if (-not $global:__autovenv_failed) {
            $global:__autovenv_failed = $true
            __autovenv_say ('the hook failed (' + $_ + '); environments are left as they are')
        }
    } finally {
        # The first check at a prompt, or at a location change when a theme replaced our prompt wrapper.
        # (ConstrainedLanguage mode only marks the hook as running: its activation is export's, afresh.)
        if ($global:__autovenv_first) {
            if ($global:__autovenv_clm) {
                $global:__autovenv_first = $false
                $env:AUTOVENV_HOOK = 'pwsh:' + $PID
            } elseif ($global:__autovenv_in_prompt -or -not [object]::ReferenceEquals(${function:prompt}, $global:__autovenv_prompt)) {
                try { __autovenv_first_prompt } catch { }
            }
        }
        $global:__autovenv_busy = $false
    }
}

# The first check of a new pwsh (a child, `pwsh -Login`, a tmux window): it inherited our activation,
# but pwsh put its own folder ($PSHOME) in front of PATH, and the profile may have put more (a Homebrew
# directory, a tool's shims). Our entries (AUTOVENV_PATH_ADD) go back in front, once each; the rest keeps
# its order, less the second $PSHOME pwsh added. A venv activated by hand keeps its place. Also marks
# the hook as running for `doctor`: at prompts, or only at location changes when a theme replaced our
# prompt wrapper.
function global:__autovenv_first_prompt {
    $global:__autovenv_first = $false
    $how = ''
    if (-not [object]::ReferenceEquals(${function:prompt}, $global:__autovenv_prompt) -and -not $global:__autovenv_in_prompt) {
        $how = ':location'
    }
    [System.Environment]::SetEnvironmentVariable('AUTOVENV_HOOK', 'pwsh:' + $PID + $how)
    $add = [System.Environment]::GetEnvironmentVariable('AUTOVENV_PATH_ADD')
    if ($null -eq [System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY') -or -not $add) { return }
    $venv = [System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV')
    if ($null -ne $venv -and $venv -cne [System.Environment]::GetEnvironmentVariable('AUTOVENV_VENV')) { return }
    $sep = $global:__autovenv_sep
    $path = [System.Environment]::GetEnvironmentVariable('PATH')
    $rest = [System.Collections.Generic.List[string]]::new()
    if ($path) { $rest.AddRange([string[]]$path.Split($sep)) }
    foreach ($entry in $add.Split($sep)) { while ($rest.Remove($entry)) { } }
    # pwsh put its folder in front only because ours stood there: where the parent had it, it stays.
    $i = $rest.IndexOf([string]$PSHOME)
    if ($i -ge 0 -and $rest.LastIndexOf([string]$PSHOME) -ne $i) { $rest.RemoveAt($i) }
    $new = $add
    if ($rest.Count) { $new = $add + $sep + [string]::Join($sep, $rest) }
    if ($new -cne $path) { [System.Environment]::SetEnvironmentVariable('PATH', $new) }
}

# The values a prompt compares, and what they make of the prompt: the prefix, and whether one of our
# activations is in force. A prompt that finds the values unchanged uses these as they are.
function global:__autovenv_snapshot {
    $qn = $global:__autovenv_qn
    $v = [object[]]::new($qn.Count)
    for ($i = 0; $i -lt $v.Count; $i++) { $v[$i] = [System.Environment]::GetEnvironmentVariable($qn[$i]) }
    $global:__autovenv_qv = $v
    $key = $v[[System.Array]::IndexOf($qn, 'AUTOVENV_KEY')]
    $global:__autovenv_keyed = $null -ne $key
    $global:__autovenv_pre = __autovenv_prefix $key $v[[System.Array]::IndexOf($qn, 'VIRTUAL_ENV_DISABLE_PROMPT')] $v[[System.Array]::IndexOf($qn, 'AUTOVENV_PROMPT')]
}

# The prompt's prefix, the way Activate.ps1 shows it, from AUTOVENV_KEY, VIRTUAL_ENV_DISABLE_PROMPT and
# AUTOVENV_PROMPT: none unless one of our activations is in force and the user did not turn it off. One
# inherited or changed behind our back that holds control characters (an escape sequence) is not shown
# at all, as in the other shells.
function global:__autovenv_prefix($key, $disable, $text) {
    if ($null -eq $key -or $disable -or -not $text) { return '' }
    if ($text -cne $global:__autovenv_praw) {
        $global:__autovenv_pshow = $text
        if ($global:__autovenv_unprintable.IsMatch($text)) { $global:__autovenv_pshow = '' }
        $global:__autovenv_praw = $text
    }
    $global:__autovenv_pshow
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

# True when NAME no longer holds what our activation set it to (AUTOVENV_SET_<NAME>; absent when we
# unset it): the user changed it since, so it is theirs now.
function global:__autovenv_theirs([string]$name) {
    $cur = [System.Environment]::GetEnvironmentVariable($name)
    $ours = [System.Environment]::GetEnvironmentVariable('AUTOVENV_SET_' + $name)
    if ($null -eq $ours) { return $null -ne $cur }
    $null -eq $cur -or $cur -cne $ours
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

# The full check: the nearest candidate directory's answer (in memory, the cache, or from Python), its
# notes, and the transition to it; the stamp time $t, the walk and $cand come from __autovenv_safe_hook.
function global:__autovenv_check([string]$loc, $t, $walked, [string]$cand) {
    # The resolution signature: the environment as it is, unless a dependency holds a value of ours.
    $plain = $true
    $ours = [System.Environment]::GetEnvironmentVariable('AUTOVENV_SAVED')
    if ($ours -and $null -ne [System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY')) {
        foreach ($n in $global:__autovenv_deps_ours) { if ($ours.Contains($n)) { $plain = $false } }
    }
    if ($plain) {
        $s = [System.Text.StringBuilder]::new()
        foreach ($n in $global:__autovenv_deps) {
            $v = [System.Environment]::GetEnvironmentVariable($n)
            if ($null -eq $v) { [void]$s.Append($n + '!') } else { [void]$s.Append($n + '=' + $v) }
            [void]$s.Append($global:__autovenv_us)
        }
        $usersig = $s.ToString()
    } else {
        $usersig = __autovenv_usersig
    }
    $fresh = $false
    $e = $null
    if (-not $cand) {
        $e = __autovenv_empty_answer $usersig
    } else {
        $e = __autovenv_load $cand $usersig
        if ($null -eq $e) {
            $e = __autovenv_cold $loc $usersig
            if ($null -eq $e) {
                # Try again when something here changes, not at every prompt.
                $global:__autovenv_t = $t
                $global:__autovenv_loc = $loc
                $global:__autovenv_w = @($walked) + @($cand)
                __autovenv_snapshot
                $global:__autovenv_ready = $true
                return
            }
            $fresh = $true
        }
    }
    $global:__autovenv_e = $e
    # Notes show when entering, and with a fresh answer (something it watched has changed) unless they are
    # the ones shown last: a change seen by two checks (a Set-Location and the prompt after it, within one
    # tick of the clock) says its line once. After the line that says what changed.
    $said = $e['notes'] -join $global:__autovenv_us
    $notes = $cand -cne $global:__autovenv_c -or ($fresh -and $said -cne $global:__autovenv_said)
    $global:__autovenv_said = $said
    $global:__autovenv_c = $cand
    $global:__autovenv_t = $t
    $global:__autovenv_loc = $loc
    $global:__autovenv_w = @($walked) + $e['pwatch'] + $global:__autovenv_gen
    __autovenv_transition $e
    if ($notes) {
        foreach ($n in $e['notes']) { __autovenv_say $n }
    }
    # Session-local parts of an activation that a child pwsh must redo: our deactivate, while ours.
    __autovenv_decorate
    __autovenv_snapshot
    $global:__autovenv_ready = $true
}

function global:__autovenv_empty_answer([string]$usersig) {
    @{
        v = $global:__autovenv_format; key = ''; root = ''; venv = ''; prompt = ''; msg = ''
        quiet = $global:__autovenv_quiet; sig = $usersig; ops = @(); notes = @(); watch = @(); pwatch = @()
    }
}

# Decode an answer (render_answer in src/autovenv/shells/pwsh.py): `a=` and base64 of the UTF-16 code
# units of its fields joined by NUL: the scalars, then three lists, each its count and its items: the
# operations' words (verb, name, value for each), the notes, the watched paths (all checked when a cache
# entry is read); last, how many of those paths a prompt checks (pwatch: the first ones). A hashtable of
# strings and string arrays, or $null for anything else. Nothing in it is ever evaluated.
function global:__autovenv_parse([string]$text) {
    if (-not $global:__autovenv_answer_text.IsMatch($text)) { return $null }
    try {
        $bytes = [System.Convert]::FromBase64String($text.Substring(2).TrimEnd([char]10))
        if ($bytes.Length % 2) { return $null }
        $chars = [char[]]::new($bytes.Length / 2)
        [System.Buffer]::BlockCopy($bytes, 0, $chars, 0, $bytes.Length)
        $f = [string]::new($chars).Split([char]0)
        $e = @{
            v = $f[0]; key = $f[1]; root = $f[2]; venv = $f[3]; prompt = $f[4]; msg = $f[5]; quiet = $f[6]; sig = $f[7]
        }
        $at = 8
        foreach ($name in 'ops', 'notes', 'watch') {
            $items = [string[]]::new([int]::Parse($f[$at], [System.Globalization.CultureInfo]::InvariantCulture))
            [System.Array]::Copy($f, $at + 1, $items, 0, $items.Length)
            $e[$name] = $items
            $at += 1 + $items.Length
        }
        if ($f.Length -ne $at + 1 -or $f[0] -cne $global:__autovenv_format -or $e['ops'].Length % 3) { return $null }
        $pwatch = [string[]]::new([int]::Parse($f[$at], [System.Globalization.CultureInfo]::InvariantCulture))
        [System.Array]::Copy($e['watch'], 0, $pwatch, 0, $pwatch.Length)
        $e['pwatch'] = $pwatch
    } catch {
        return $null
    }
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

# The cached answer for a candidate directory, or $null unless it is ours, current and unchanged. Entries
# read once stay in memory while their file keeps its time (switching between projects reads nothing).
# Unchanged: every watched path is strictly older than the entry, whose time is the file clock's tick
# when Python began (cache.entry_stamp): a path modified in that tick (LastWriteTime ticks are 100 ns,
# ties included), even while Python read it, asks again, once.
function global:__autovenv_load([string]$cand, [string]$usersig) {
    if (-not $global:__autovenv_cache_ok) { return $null }
    $m = $null
    try {
        if ($global:__autovenv_memo.TryGetValue($cand, [ref]$m) -and [System.IO.File]::GetLastWriteTimeUtc($m.f) -eq $m.t) {
            $e = $m.e
            $ft = $m.t
        } else {
            $f = __autovenv_entry $cand
            if (-not [System.IO.File]::Exists($f)) { return $null }
            $ft = [System.IO.File]::GetLastWriteTimeUtc($f)
            $e = __autovenv_parse ([System.IO.File]::ReadAllText($f))
            if ($null -eq $e) { return $null }
            if ($global:__autovenv_memo.Count -ge 256) { $global:__autovenv_memo.Clear() }
            $global:__autovenv_memo[$cand] = @{ f = $f; t = $ft; e = $e }
        }
    } catch {
        return $null
    }
    if ($e['sig'] -cne $usersig) { return $null }
    foreach ($p in $e['watch']) {
        if (-not ([System.IO.File]::Exists($p) -or [System.IO.Directory]::Exists($p))) { return $null }
        if ([System.IO.Directory]::GetLastWriteTimeUtc($p) -ge $ft) { return $null }
    }
    $e
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

# Ask Python (once per new or changed directory); it also refreshes the cache entry. The answer, or $null
# when Python could not give one.
function global:__autovenv_cold([string]$loc, [string]$usersig) {
    $r = __autovenv_run $loc @('--hook')
    if ($r['rc'] -ne 0) {
        # 1 and 2: export already said what went wrong, in one line; anything else: it could not start.
        if (-not $global:__autovenv_broken -and $r['rc'] -ne 1 -and $r['rc'] -ne 2) {
            __autovenv_say ('the hook could not run ' + @($global:__autovenv_export)[0] + '; environments are left as they are')
            $global:__autovenv_broken = $true
        }
        return $null
    }
    $global:__autovenv_broken = $false
    $e = __autovenv_parse $r['text']
    if ($null -eq $e) { $e = __autovenv_empty_answer $usersig }
    $e
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

# Bring the environment to the answer $e, by DESIGN section 4's rules (mirrors plan.py).
function global:__autovenv_transition($e) {
    $key = $e['key']
    $venv = [System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV')
    $active = $null -ne [System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY')
    if ($null -ne $venv -and $venv -cne [System.Environment]::GetEnvironmentVariable('AUTOVENV_VENV')) {
        # A venv activated by hand wins; touch nothing until it is deactivated.
        return
    }
    if ($active -and $null -ne [System.Environment]::GetEnvironmentVariable('_OLD_VIRTUAL_PATH') -and (__autovenv_taken_over)) {
        # The venv's own Activate.ps1 ran over our activation of the same venv (out of habit): it is a
        # venv activated by hand now. Hand it over and touch nothing more.
        __autovenv_handover
        return
    }
    $tidied = $false
    if ($active) {
        foreach ($n in (__autovenv_saved)) {
            if (__autovenv_theirs $n) {
                # Something we set was changed behind our back (a hand-activated venv's deactivate, or
                # `pyenv shell`): tidy up, keeping their values, then decide afresh; what is active
                # afterwards is said as usual ("deactivated" when nothing is).
                __autovenv_unapply
                $active = $false
                $tidied = $true
                break
            }
        }
    }
    $paused = [System.Environment]::GetEnvironmentVariable('AUTOVENV_PAUSED')
    if ($null -ne $paused) {
        if (-not $key -or $e['root'] -cne $paused) {
            [System.Environment]::SetEnvironmentVariable('AUTOVENV_PAUSED', $global:__autovenv_none)
        } else {
            $key = ''
        }
    }
    $msg = ''
    if ($tidied) { $msg = 'deactivated' }
    if ([string][System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY') -cne $key) {
        if ($active) {
            __autovenv_unapply
            $msg = 'deactivated'
        }
        if ($key) {
            __autovenv_apply $e
            $msg = $e['msg']
        }
    }
    # Said unless the answer asks for quiet; leaving a quiet project for none is quiet too.
    if ($msg -and -not $e['quiet'] -and ($key -or -not $global:__autovenv_active_quiet)) { __autovenv_say $msg }
    $global:__autovenv_active_quiet = ''
    if ($null -ne [System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY')) { $global:__autovenv_active_quiet = $e['quiet'] }
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

# Undo what the AUTOVENV_* state says we did: our PATH entries leave, saved variables come back unless the
# user changed them since (then they are theirs and keep their value).
function global:__autovenv_unapply {
    __autovenv_drop_entries 'PATH'
    foreach ($n in (__autovenv_saved)) {
        $o = 'AUTOVENV_OLD_' + $n
        $old = [System.Environment]::GetEnvironmentVariable($o)
        if (-not (__autovenv_theirs $n)) {
            if ($null -eq $old) { $old = $global:__autovenv_none }
            [System.Environment]::SetEnvironmentVariable($n, $old)
        }
        [System.Environment]::SetEnvironmentVariable($o, $global:__autovenv_none)
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_SET_' + $n, $global:__autovenv_none)
    }
    __autovenv_forget_state
}

# Apply the answer's operations (plan.Target.operations decides them; plan.apply_operations is this loop
# in Python): for `set` and `unset`, save the old value (absent stays absent), set or unset, record what
# was set; only a name an activation may save (plan.ACTIVATION_VARS, matched exactly), once; the entries
# of `prepend PATH` go first on PATH as one block. Anything else is skipped.
function global:__autovenv_apply($e) {
    $saved = [System.Collections.Generic.List[string]]::new()
    $add = [System.Collections.Generic.List[string]]::new()
    $ops = $e['ops']
    for ($i = 0; $i + 2 -lt $ops.Length; $i += 3) {
        $verb = $ops[$i]
        $n = $ops[$i + 1]
        if ($verb -ceq 'prepend') {
            if ($n -ceq 'PATH') { $add.Add($ops[$i + 2]) }
            continue
        }
        if (($verb -cne 'set' -and $verb -cne 'unset') -or $global:__autovenv_activation -cnotcontains $n -or $saved.Contains($n)) { continue }
        $v = [System.Environment]::GetEnvironmentVariable($n)
        if ($null -ne $v) { [System.Environment]::SetEnvironmentVariable('AUTOVENV_OLD_' + $n, $v) }
        if ($verb -ceq 'set') {
            [System.Environment]::SetEnvironmentVariable($n, $ops[$i + 2])
            [System.Environment]::SetEnvironmentVariable('AUTOVENV_SET_' + $n, $ops[$i + 2])
        } else {
            [System.Environment]::SetEnvironmentVariable($n, $global:__autovenv_none)
        }
        $saved.Add($n)
    }
    [System.Environment]::SetEnvironmentVariable('AUTOVENV_SAVED', [string]::Join(' ', $saved))
    if ($add.Count) {
        $entries = [string]::Join($global:__autovenv_sep, $add)
        $path = [System.Environment]::GetEnvironmentVariable('PATH')
        if ($path) { $path = $entries + $global:__autovenv_sep + $path } else { $path = $entries }
        [System.Environment]::SetEnvironmentVariable('PATH', $path)
        [System.Environment]::SetEnvironmentVariable('AUTOVENV_PATH_ADD', $entries)
    }
    if ($e['venv']) { [System.Environment]::SetEnvironmentVariable('AUTOVENV_VENV', $e['venv']) }
    [System.Environment]::SetEnvironmentVariable('AUTOVENV_KEY', $e['key'])
    [System.Environment]::SetEnvironmentVariable('AUTOVENV_ROOT', $e['root'])
    if ($e['prompt']) { [System.Environment]::SetEnvironmentVariable('AUTOVENV_PROMPT', $e['prompt']) }
}

# Our `deactivate` exists while an activation of ours does (a child pwsh defines it again), and goes with
# it; a venv's own Activate.ps1 brings its own.
function global:__autovenv_decorate {
    $key = [System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY')
    if ($null -eq $key) {
        if ($global:__autovenv_own_deactivate) {
            # The provider's own call: the Remove-Item cmdlet costs four times as much.
            try { $ExecutionContext.SessionState.InvokeProvider.Item.Remove('Function:\deactivate', $false) } catch { }
            $global:__autovenv_own_deactivate = $false
        }
        return
    }
    if ($global:__autovenv_own_deactivate) { return }
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
    $root = [System.Environment]::GetEnvironmentVariable('AUTOVENV_ROOT')
    __autovenv_unapply
    __autovenv_decorate
    if ($NonDestructive) { return }
    [System.Environment]::SetEnvironmentVariable('AUTOVENV_PAUSED', $root)
    # Quiet when the answer in force asks for it (the user's `quiet`, or the project's).
    $e = $global:__autovenv_e
    if ($null -eq $e -or -not $e['quiet']) { __autovenv_say 'deactivated; paused for this project until you leave it' }
}

# The prompt wrapper: the check (its common case written out: see the header), the prefix the way
# Activate.ps1 shows it, then the user's prompt with the user's $? (a failing Write-Error makes it $false
# again). The prefix is written before the user's prompt runs, so that whatever it writes comes after;
# called by the host around a prompt that cannot write (__autovenv_plain) and returns a string, it goes
# out in front of that string instead, which shows the same. The marker comment below is how a second
# load recognises the wrapper. __autovenv_prompt_wrapper
$global:__autovenv_prompt = {
    # __autovenv_prompt_wrapper
    $__autovenv_ok = $?
    if ($global:__autovenv_in_prompt) {
        # Another prompt wrapped ours and we wrapped it back: never recurse.
        return 'PS ' + $ExecutionContext.SessionState.Path.CurrentLocation + '> '
    }
    $global:__autovenv_in_prompt = $true
    $__autovenv_pre = ''
    try {
        if ($global:__autovenv_clm) {
            $null = __autovenv_safe_hook
            if ($null -ne $env:AUTOVENV_KEY -and $env:AUTOVENV_PROMPT -and -not $env:VIRTUAL_ENV_DISABLE_PROMPT) {
                Microsoft.PowerShell.Utility\Write-Host -NoNewline $env:AUTOVENV_PROMPT
            }
        } else {
            $__autovenv_same = $global:__autovenv_ready -and $PWD.Path -ceq $global:__autovenv_where
            if ($__autovenv_same) {
                # (Global variables read once: each $global: read in a loop is a scope lookup.)
                $__autovenv_i = 0
                $__autovenv_v = $global:__autovenv_qv
                foreach ($__autovenv_n in $global:__autovenv_qn) {
                    if ([System.Environment]::GetEnvironmentVariable($__autovenv_n) -cne $__autovenv_v[$__autovenv_i]) {
                        $__autovenv_same = $false
                        break
                    }
                    $__autovenv_i++
                }
            }
            if ($__autovenv_same -and $global:__autovenv_loc) {
                if ([System.IO.Directory]::Exists($global:__autovenv_loc)) {
                    $__autovenv_v = $global:__autovenv_t
                    foreach ($__autovenv_n in $global:__autovenv_w) {
                        if ([System.IO.Directory]::GetLastWriteTimeUtc($__autovenv_n) -ge $__autovenv_v) {
                            $__autovenv_same = $false
                            break
                        }
                    }
                } else {
                    $__autovenv_same = $false
                }
            }
            if ($__autovenv_same) {
                # What the prefix depends on is among the values just compared: the one worked out from
                # them at the last check stands (__autovenv_snapshot).
                $__autovenv_pre = $global:__autovenv_pre
                if ($global:__autovenv_keyed -and -not $global:__autovenv_own_deactivate) {
                    # A child pwsh, or our deactivate was removed: define it again.
                    $null = __autovenv_decorate
                }
            } else {
                $null = __autovenv_safe_hook
                $__autovenv_pre = __autovenv_prefix ([System.Environment]::GetEnvironmentVariable('AUTOVENV_KEY')) ([System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV_DISABLE_PROMPT')) ([System.Environment]::GetEnvironmentVariable('AUTOVENV_PROMPT'))
            }
        }
        $__autovenv_orig = $global:__autovenv_orig_prompt
        if ($null -eq $__autovenv_orig) {
            $__autovenv_orig = { 'PS ' + $ExecutionContext.SessionState.Path.CurrentLocation + '> ' }
        }
        # All of ours happens before the user's prompt is called: any call of ours would make $? true again.
        $__autovenv_late = $false
        if ($__autovenv_pre) {
            if ($null -eq $global:__autovenv_orig_plain) {
                $global:__autovenv_from_host = [System.Management.Automation.CommandOrigin]::Runspace
                $global:__autovenv_orig_plain = __autovenv_plain $global:__autovenv_orig_prompt
            }
            if ($global:__autovenv_orig_plain -and $MyInvocation.CommandOrigin -eq $global:__autovenv_from_host) {
                # Called by the host, around a prompt that writes nothing itself: the prefix goes out as
                # part of the prompt's text, which the host writes anyway (README: Performance).
                $__autovenv_late = $true
            } else {
                $__autovenv_v = $__autovenv_pre
                $__autovenv_pre = ''
                try { $Host.UI.Write($__autovenv_v) } catch { }
            }
        }
        if ($__autovenv_late) {
            if (-not $__autovenv_ok) { Microsoft.PowerShell.Utility\Write-Error -Message '' -ErrorAction Ignore }
            $__autovenv_n = & $__autovenv_orig
            if ($__autovenv_n -is [string]) { return $__autovenv_pre + $__autovenv_n }
            $__autovenv_v = $__autovenv_pre
            $__autovenv_pre = ''
            try { $Host.UI.Write($__autovenv_v) } catch { }
            if ($null -ne $__autovenv_n) { $__autovenv_n }
            return
        }
        if (-not $__autovenv_ok) { Microsoft.PowerShell.Utility\Write-Error -Message '' -ErrorAction Ignore }
        & $__autovenv_orig
    } catch {
        # The user's prompt failed before the prefix was written: written now, as it was before.
        if ($__autovenv_pre) { try { $Host.UI.Write($__autovenv_pre) } catch { } }
        throw
    } finally {
        $global:__autovenv_in_prompt = $false
    }
}

# Whether the user's prompt can write to the console, change how the host writes (a command, a method
# call, a property set or stepped) or emit one collection whole (the unary comma, `,@(...)`, which taking
# its output apart and putting it back would unroll). When it can do none of these, the prefix may go out
# as part of its text: nothing on screen or in a transcript comes in another order. Decided from its
# syntax tree, once for the prompt the wrapper calls (at each load of the hook, the first prompt that
# has a prefix to show): 15-40 ms cold, most of it PowerShell resolving the types and reflection it names for
# the first time, which is why a start that shows no prefix does not decide it.
function global:__autovenv_plain($prompt) {
    if ($null -eq $prompt) { return $true }
    try {
        # Every node of the tree, through a predicate that is a .NET method (true for any object): a script
        # block as predicate costs a millisecond per node.
        $every = [System.Delegate]::CreateDelegate([System.Func[System.Management.Automation.Language.Ast, bool]],
            [System.Management.Automation.LanguagePrimitives].GetMethod('IsTrue', [type[]]@([object])))
        foreach ($a in $prompt.Ast.FindAll($every, $true)) {
            if ($a -is [System.Management.Automation.Language.CommandAst] -or
                $a -is [System.Management.Automation.Language.InvokeMemberExpressionAst] -or
                ($a -is [System.Management.Automation.Language.AssignmentStatementAst] -and $a.Left -isnot [System.Management.Automation.Language.VariableExpressionAst]) -or
                ($a -is [System.Management.Automation.Language.ArrayLiteralAst] -and $a.Elements.Count -eq 1) -or
                ($a -is [System.Management.Automation.Language.UnaryExpressionAst] -and $a.Child -isnot [System.Management.Automation.Language.VariableExpressionAst] -and
                    $a.TokenKind -in 'PlusPlus', 'MinusMinus', 'PostfixPlusPlus', 'PostfixMinusMinus')) {
                return $false
            }
        }
    } catch {
        # (Evidence missing: written as always.)
        return $false
    }
    $true
}
# Loaded again, the new wrapper takes the place of the old one and wraps the same prompt: the hook and the
# LocationChangedAction fallback tell ours by identity.
if (-not ([string]${function:prompt}).Contains('__autovenv_prompt_wrapper')) {
    $global:__autovenv_orig_prompt = ${function:prompt}
}
# Undecided until a prompt first has a prefix to show (__autovenv_plain).
$global:__autovenv_orig_plain = $null
${function:global:prompt} = $global:__autovenv_prompt

if (-not $global:__autovenv_clm -and $null -ne $ExecutionContext.InvokeCommand.PSObject.Properties['LocationChangedAction']) {
    # (Asked of the session state: the Get-Variable cmdlet would import its module at every start.)
    if ($null -eq $ExecutionContext.SessionState.PSVariable.Get('global:__autovenv_on_location')) {
        # Not inside our prompt (a prompt that changes location for a moment changes nothing), nor before
        # the first prompt, which sees to the profile's own Set-Location (unless a theme replaced our
        # prompt wrapper: then this is all there is).
        $global:__autovenv_on_location = [System.EventHandler[System.Management.Automation.LocationChangedEventArgs]] {
            param($source, $change)
            if (-not $global:__autovenv_in_prompt -and -not ($global:__autovenv_first -and [object]::ReferenceEquals(${function:prompt}, $global:__autovenv_prompt))) {
                $null = __autovenv_safe_hook
            }
        }
        $ExecutionContext.InvokeCommand.LocationChangedAction = [System.Delegate]::Combine(
            $ExecutionContext.InvokeCommand.LocationChangedAction, $global:__autovenv_on_location)
    }
}
