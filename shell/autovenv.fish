# autovenv hook for fish: activates the right Python environment on every prompt after a cd.
# Printed by `autovenv hook fish`; load it with  autovenv hook fish | source  in config.fish.
#
# Same design as the bash hook (see shell/autovenv.bash): on a prompt where nothing changed only string
# comparisons and `test -nt` (builtins, no process); cached answers applied with builtins; Python only for
# unknown or changed directories. PATH is handled as fish's list, exported joined by ':' as usual.
# The prompt prefix comes from a wrapper around fish_prompt that reads $AUTOVENV_PROMPT each time, so a
# child fish, or a prompt redefined later, still shows it; $status is handed through to the user's prompt.

# Tells `autovenv doctor` which shell (and process) runs the hook.
set -gx AUTOVENV_HOOK fish:$fish_pid
set -g __autovenv_export @AUTOVENV_EXPORT@
set -g __autovenv_cache @AUTOVENV_CACHE@
set -g __autovenv_markers @AUTOVENV_MARKERS@
set -g __autovenv_deps @AUTOVENV_DEPS@
set -g __autovenv_format @AUTOVENV_FORMAT@
set -g __autovenv_c \x01
set -g __autovenv_pwd ''
set -g __autovenv_w
set -g __autovenv_stamp ''
set -g __autovenv_quick ''
set -g __autovenv_own_deactivate ''
set -g __autovenv_broken ''

set -g __autovenv_stampdir @AUTOVENV_STAMPS@
set -g __autovenv_stamps $__autovenv_stampdir/fish-$fish_pid
set -g __autovenv_next ''
set -g __autovenv_cand ''
set -g __autovenv_walked

# (Command substitutions split their output at newlines: any that carries a path ends in
# `| string collect`, so a directory name holding a newline stays one word.)

# Everything besides the directory whose change could alter the answer or the transition. Plain
# expansions only: each command substitution costs fish tens of microseconds. (Set-but-empty and unset
# read the same here; resolution treats them alike too.)
function __autovenv_hook --on-event fish_prompt
    set -l __autovenv_status $status
    set -g __autovenv_sigv "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f@AUTOVENV_QUICKSIG@
    if test "$__autovenv_sigv" = "$__autovenv_quick"
        if test "$PWD" = "$__autovenv_pwd"
            # A prompt: only the stamps of what decided the answer can have changed.
            if __autovenv_unchanged
                set -q AUTOVENV_KEY; and __autovenv_decorate
                return $__autovenv_status
            end
        else
            # A cd within the same candidate directory, nothing changed on disk: same answer.
            __autovenv_touch
            if __autovenv_unchanged; and __autovenv_walk; and test "$__autovenv_cand" = "$__autovenv_c"
                set -g __autovenv_stamp $__autovenv_next
                set -g __autovenv_w $__autovenv_walked $__autovenv_e_watch
                set -g __autovenv_pwd $PWD
                set -q AUTOVENV_KEY; and __autovenv_decorate
                return $__autovenv_status
            end
        end
    end
    __autovenv_check
    __autovenv_decorate
    return $__autovenv_status
end

# Refresh the stamp file not in use (two alternate, so the one in use stays the reference).
function __autovenv_touch
    if string match -q -- '*-a' $__autovenv_stamp
        set -g __autovenv_next $__autovenv_stamps-b
    else
        set -g __autovenv_next $__autovenv_stamps-a
    end
    if test -d $__autovenv_stampdir; and test -w $__autovenv_stampdir
        builtin echo -n >$__autovenv_next
    else
        set -g __autovenv_next ''
    end
end

function __autovenv_unchanged
    test -d "$PWD"; or return 1
    test -n "$__autovenv_stamp"; or return 0
    for __autovenv_p in $__autovenv_w
        if test "$__autovenv_p" -nt "$__autovenv_stamp"
            return 1
        end
    end
    return 0
end

# Directories are written with a trailing slash here ("/a/b/", the root "/"): no path then ends in a
# newline, so `string collect` (which trims trailing newlines) returns exactly one word.
function __autovenv_walk
    set -l d (string replace -r '/*\z' / -- $PWD | string collect)
    set -g __autovenv_cand ''
    set -g __autovenv_walked
    while test -n "$d"
        for m in $__autovenv_markers
            if test -e "$d$m"; or test -L "$d$m"
                set -g __autovenv_cand $d
                return 0
            end
        end
        set -a __autovenv_walked $d
        set d (string replace -r '[^/]*/\z' '' -- $d | string collect)
    end
    return 0
end

function __autovenv_sig
    set -l __autovenv_s ''
    set -l __autovenv_saved (string split ' ' -- "$AUTOVENV_SAVED")
    for __autovenv_n in $__autovenv_deps
        set -l __autovenv_o $__autovenv_n
        if contains -- $__autovenv_n $__autovenv_saved; and not __autovenv_theirs $__autovenv_n
            set __autovenv_o AUTOVENV_OLD_$__autovenv_n
        end
        if set -q $__autovenv_o
            set __autovenv_s "$__autovenv_s$__autovenv_n=$$__autovenv_o"\x1f
        else
            set __autovenv_s "$__autovenv_s$__autovenv_n!"\x1f
        end
    end
    set -g __autovenv_usersig "$__autovenv_s"
end

function __autovenv_check
    __autovenv_touch
    set -g __autovenv_stamp $__autovenv_next
    __autovenv_walk
    __autovenv_sig
    set -g __autovenv_fresh_answer ''
    if test -z "$__autovenv_cand"
        __autovenv_clear_answer
    else if not __autovenv_load $__autovenv_cand
        __autovenv_cold; or return 0
    end
    # Notes show when entering, and with every fresh answer (something it watched has changed).
    if test "$__autovenv_cand" != "$__autovenv_c"; or test -n "$__autovenv_fresh_answer"
        for __autovenv_note in $__autovenv_e_notes
            builtin printf 'autovenv: %s\n' $__autovenv_note >&2
        end
    end
    set -g __autovenv_c $__autovenv_cand
    set -g __autovenv_pwd $PWD
    set -g __autovenv_w $__autovenv_walked $__autovenv_e_watch
    __autovenv_transition
    set -g __autovenv_quick "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f@AUTOVENV_QUICKSIG@
end

function __autovenv_clear_answer
    set -g __autovenv_e_v $__autovenv_format
    for __autovenv_n in key root venv vprompt prompt pyver path msg quiet
        set -g __autovenv_e_$__autovenv_n ''
    end
    set -g __autovenv_e_sig "$__autovenv_usersig"
    set -g __autovenv_e_notes
    set -g __autovenv_e_watch
end

function __autovenv_load --argument-names cand
    # "/a/b/" becomes ".../fish/da/db/d/e", as dirs.mirror_path does for "/a/b".
    set -l f $__autovenv_cache/fish(string replace -a / /d -- $cand | string collect)/e
    test -f "$f"; and test -O "$f"; or return 1
    set -g __autovenv_e_v ''
    source $f 2>/dev/null; or return 1
    test "$__autovenv_e_v" = "$__autovenv_format"; and test "$__autovenv_e_sig" = "$__autovenv_usersig"; or return 1
    for __autovenv_p in $__autovenv_e_watch
        test -e "$__autovenv_p"; and not test "$__autovenv_p" -nt "$f"; or return 1
    end
    return 0
end

function __autovenv_cold
    set -l out ($__autovenv_export export fish --hook)
    set -l rc $status
    if test $rc -ne 0
        # 1 and 2: export already said what went wrong, in one line; anything else: it could not start.
        if test -z "$__autovenv_broken"; and not contains -- $rc 1 2
            builtin printf 'autovenv: the hook could not run %s; environments are left as they are\n' $__autovenv_export[1] >&2
            set -g __autovenv_broken 1
        end
        # Retry when something here changes, not at every prompt.
        set -g __autovenv_quick "$__autovenv_sigv"
        set -g __autovenv_pwd $PWD
        set -g __autovenv_w $__autovenv_walked $__autovenv_cand
        return 1
    end
    set -g __autovenv_broken ''
    set -g __autovenv_e_v ''
    set -g __autovenv_fresh_answer 1
    string join \n -- $out | source
    test "$__autovenv_e_v" = "$__autovenv_format"; or __autovenv_clear_answer
    return 0
end

function __autovenv_transition
    set -l key "$__autovenv_e_key"
    set -l msg ''
    if set -q VIRTUAL_ENV; and test "$VIRTUAL_ENV" != "$AUTOVENV_VENV"
        # A venv activated by hand wins; touch nothing until it is deactivated.
        return 0
    end
    if set -q AUTOVENV_KEY; and __autovenv_disturbed
        # Something we set was changed behind our back: a hand-activated venv's deactivate unset
        # VIRTUAL_ENV (and restored a PATH snapshot holding our entry), or the user ran `pyenv shell`.
        # Tidy up silently, keeping their values, then decide afresh.
        __autovenv_unapply
    end
    if set -q AUTOVENV_PAUSED
        if test -z "$key"; or test "$__autovenv_e_root" != "$AUTOVENV_PAUSED"
            set -e AUTOVENV_PAUSED
        else
            set key ''
        end
    end
    test "$AUTOVENV_KEY" = "$key"; and return 0
    if set -q AUTOVENV_KEY
        __autovenv_unapply
        set msg deactivated
    end
    if test -n "$key"
        __autovenv_apply
        set msg "$__autovenv_e_msg"
    end
    if test -n "$msg"; and test -z "$__autovenv_e_quiet"
        builtin printf 'autovenv: %s\n' $msg >&2
    end
    return 0
end

# True when NAME no longer holds what our activation set it to (AUTOVENV_SET_<NAME>; absent when we
# unset it): the user changed it since, so it is theirs now.
function __autovenv_theirs --argument-names name
    set -l ours AUTOVENV_SET_$name
    if set -q $ours
        not set -q $name; or test "$$name" != "$$ours"
    else
        set -q $name
    end
end

function __autovenv_disturbed
    for n in (string split ' ' -- "$AUTOVENV_SAVED")
        test -n "$n"; and __autovenv_theirs $n; and return 0
    end
    return 1
end

function __autovenv_unapply
    if set -q AUTOVENV_PATH_ADD; and test -n "$AUTOVENV_PATH_ADD"
        for __autovenv_e in (string split : -- $AUTOVENV_PATH_ADD)
            set -l i (contains -i -- $__autovenv_e $PATH)
            and set -e PATH[$i[1]]
        end
    end
    for __autovenv_n in (string split ' ' -- "$AUTOVENV_SAVED")
        test -n "$__autovenv_n"; or continue
        set -l old AUTOVENV_OLD_$__autovenv_n
        if __autovenv_theirs $__autovenv_n
            set -e $old
            set -e AUTOVENV_SET_$__autovenv_n
        else if set -q $old
            set -gx $__autovenv_n $$old
            set -e $old
            set -e AUTOVENV_SET_$__autovenv_n
        else
            set -e $__autovenv_n
            set -e AUTOVENV_SET_$__autovenv_n
        end
    end
    set -e AUTOVENV_KEY AUTOVENV_ROOT AUTOVENV_VENV AUTOVENV_PATH_ADD AUTOVENV_SAVED AUTOVENV_PROMPT
    if test -n "$__autovenv_own_deactivate"
        functions -e deactivate
        set -g __autovenv_own_deactivate ''
    end
end

function __autovenv_save --argument-names name
    if set -q $name
        set -gx AUTOVENV_OLD_$name $$name
    end
end

function __autovenv_apply
    if test -n "$__autovenv_e_venv"
        __autovenv_save VIRTUAL_ENV
        __autovenv_save VIRTUAL_ENV_PROMPT
        __autovenv_save PYTHONHOME
        set -gx VIRTUAL_ENV $__autovenv_e_venv
        set -gx VIRTUAL_ENV_PROMPT $__autovenv_e_vprompt
        set -gx AUTOVENV_SET_VIRTUAL_ENV $__autovenv_e_venv
        set -gx AUTOVENV_SET_VIRTUAL_ENV_PROMPT $__autovenv_e_vprompt
        set -e PYTHONHOME
        set -gx AUTOVENV_SAVED 'VIRTUAL_ENV VIRTUAL_ENV_PROMPT PYTHONHOME'
        set -gx AUTOVENV_VENV $__autovenv_e_venv
    else if test -n "$__autovenv_e_pyver"
        __autovenv_save PYENV_VERSION
        set -gx PYENV_VERSION $__autovenv_e_pyver
        set -gx AUTOVENV_SET_PYENV_VERSION $__autovenv_e_pyver
        set -gx AUTOVENV_SAVED PYENV_VERSION
    else
        set -gx AUTOVENV_SAVED ''
    end
    if test -n "$__autovenv_e_path"
        set -gx PATH (string split : -- $__autovenv_e_path) $PATH
        set -gx AUTOVENV_PATH_ADD $__autovenv_e_path
    end
    set -gx AUTOVENV_KEY $__autovenv_e_key
    set -gx AUTOVENV_ROOT $__autovenv_e_root
    if test -n "$__autovenv_e_prompt"
        set -gx AUTOVENV_PROMPT $__autovenv_e_prompt
    end
end

function __autovenv_status_is --argument-names code
    return $code
end

function __autovenv_decorate
    set -q AUTOVENV_KEY; or return 0
    if set -q VIRTUAL_ENV; and test "$VIRTUAL_ENV" != "$AUTOVENV_VENV"
        return 0
    end
    if test -z "$__autovenv_own_deactivate"
        function deactivate --description 'autovenv: deactivate and pause for this project'
            __autovenv_deactivate $argv
        end
        set -g __autovenv_own_deactivate 1
    end
    # Wrap fish_prompt once; the wrapper prints the prefix only while one is wanted.
    if set -q AUTOVENV_PROMPT; and not functions -q __autovenv_orig_fish_prompt; and functions -q fish_prompt
        functions -c fish_prompt __autovenv_orig_fish_prompt
        function fish_prompt
            set -l __autovenv_status $status
            if set -q AUTOVENV_PROMPT; and test -z "$VIRTUAL_ENV_DISABLE_PROMPT"
                builtin printf '%s' "$AUTOVENV_PROMPT"
            end
            __autovenv_status_is $__autovenv_status
            __autovenv_orig_fish_prompt
        end
    end
    return 0
end

function __autovenv_deactivate
    set -q AUTOVENV_KEY; or return 0
    if test "$argv[1]" = nondestructive
        __autovenv_unapply
        return 0
    end
    set -l root $AUTOVENV_ROOT
    __autovenv_unapply
    set -gx AUTOVENV_PAUSED $root
    builtin printf 'autovenv: deactivated; paused for this project until you leave it\n' >&2
    return 0
end
