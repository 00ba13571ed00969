# autovenv hook for fish: activates the right Python environment on every prompt after a cd.
# Printed by `autovenv hook fish`; load it with  autovenv hook fish | source  in config.fish.
#
# Same design as the bash hook (see shell/autovenv.bash): on a prompt where nothing changed only string
# comparisons and `test -nt` (builtins, no process); cached answers applied with builtins; Python only for
# unknown or changed directories. PATH is handled as fish's list, exported joined by ':' as usual.
# The prompt prefix comes from a wrapper around fish_prompt that prints what $AUTOVENV_PROMPT asks for
# (a child fish works it out from the inherited value), so a prompt redefined later still shows it;
# $status is handed through to the user's prompt.
#
# What keeps it cheap in fish, where each command costs microseconds (tens of thousands of instructions,
# whatever it does) and each command substitution, even of a builtin, tens of them (the prompt,
# cd-within-a-project, switch and enter/leave paths run none, but for a cd 24 or more levels below a
# project's root, where one saves more than it costs: see the recall in __autovenv_check):
# - a prompt where nothing changed runs one command, a `test` of our variables and every watched path;
#   its arguments (`-a STAMP -nt PATH` each) are built when the directory or the answer changes, not at
#   each prompt, and those of the directories walked are read through a variable's name, not copied;
#   the prompt wrapper calls nothing after a command that succeeded;
# - fish's `test` converts every path it is given to bytes, a character at a time, and the kernel
#   resolves each component again: the prompt names the lower half of a walk relative to where the shell
#   stands (`.`, `..`, ...) once a test by full names has shown that they are the directories $PWD
#   names, and the markers of $PWD itself are looked for by their own names where the shell stands in it
#   (`test . -ef $PWD`, device and inode);
# - the walk up tests all markers of a directory with one `path is`, and takes the ancestors of a
#   directory from one `path normalize`, remembered for a few directories (a string function of $PWD);
# - answers this shell has read stay in memory, in a few slots, and are used again while the cache entry
#   was neither removed nor rewritten and nothing they watch changed since the slot's own stamp file,
#   which is touched before the entry is read (so no change slips in between);
# - a cd within a project compares our own variables and a flag: the user's signature (34 variables)
#   is worked out again only after fish tells of a dependency set or erased; a stamp file is written
#   only for a walk or an answer taken now; a directory walked from before is recalled by its walk's
#   one `test` before any of its markers is looked for; the check is the cd's event handler itself;
# - a cache entry's first four lines hold the whole answer and are read with `read --tokenize`, not
#   sourced; two of them list the positions that build the entry's `test` arguments from one list, with
#   no loop over the watched paths (see shells/fish.py);
# - an entry's path is the directory's own with `%` appended (cache.entry_path), no substitution;
# - activation and deactivation read the known shapes of our own state directly; a state the user
#   changed takes the general path;
# - the common paths run inside __autovenv_check itself, and the hot functions come first: fish counts
#   the lines of a function's source from the top at each call (for its stack of line numbers), so each
#   call costs in proportion to how far down the hook the function is defined. For the same reason
#   shells/fish.py prints this file without comment lines and indentation.

# Shell-local parts of an activation (`deactivate`, the prompt prefix) that child shells must redo.
# __autovenv_deco is set once nothing is left to do until the next check, so a prompt skips the call.
function __autovenv_decorate
    set -g __autovenv_deco 1
    set -q AUTOVENV_KEY; or return 0
    if set -q VIRTUAL_ENV; and test "$VIRTUAL_ENV" != "$AUTOVENV_VENV"
        return 0
    end
    set -g __autovenv_deco ''
    if test -z "$__autovenv_own_deactivate"
        function deactivate --description 'autovenv: deactivate and pause for this project'
            __autovenv_deactivate $argv
        end
        set -g __autovenv_own_deactivate 1
    end
    # Wrap fish_prompt once; the wrapper prints the prefix only while one is wanted (an unset
    # AUTOVENV_PROMPT prints nothing).
    if test -z "$__autovenv_wrapped"; and set -q AUTOVENV_PROMPT; and functions -q fish_prompt
        functions -c fish_prompt __autovenv_orig_fish_prompt
        # `switch` keeps $status; after a command that succeeded, the prefix needs no call.
        function fish_prompt
            switch $status
                case 0
                    builtin printf '%s' "$__autovenv_pfx"
                case '*'
                    __autovenv_prefix $status
            end
            __autovenv_orig_fish_prompt
        end
        set -g __autovenv_wrapped 1
    end
    # Done, unless the prompt is still to be wrapped (no prompt function yet); without a prefix to show
    # there is nothing to wrap until an activation brings one, and that decorates again.
    test -n "$__autovenv_wrapped"; or not set -q AUTOVENV_PROMPT; and set -g __autovenv_deco 1
    return 0
end

# Print the prompt prefix (__autovenv_pfx, kept by __autovenv_pfx_changed), and return STATUS, so the
# user's prompt still sees the command's.
function __autovenv_prefix
    builtin printf '%s' "$__autovenv_pfx"
    return $argv[1]
end

# Print "autovenv: " and each argument on a line of its own, to stderr (every message of the hook). fish hands a builtin's output
# redirected to a file descriptor (`>&2`) to a thread of its own, tens of microseconds each time; a
# file it opens is written at once. So /dev/stderr is opened where that works (see the end), else `>&2`.
function __autovenv_say
    if test -n "$__autovenv_err"
        builtin printf 'autovenv: %s\n' $argv >>$__autovenv_err
    else
        builtin printf 'autovenv: %s\n' $argv >&2
    end
end

# __autovenv_quicks: everything besides the directory whose change could alter the answer or the
# transition, as of the last check: our own variables, and whether the user's signature is kept
# (__autovenv_sigok), or, where it is not, the dependencies' values. __autovenv_quick: the directory and
# our own variables, for the one comparison on a prompt; the dependencies are left to
# __autovenv_dep_changed, which empties it.
# Plain expansions only. (Set-but-empty and unset read the same here; resolution treats them alike
# too.) fish restores $status after event handlers, so the user's prompt still sees the command's.
#
# A prompt where nothing changed runs one command (each costs fish tens of thousands of instructions): a
# `test` of the directory and our variables, that nothing is left to decorate, and that none of the
# stamps of what decided the answer changed (__autovenv_t, which also tests that $PWD is a directory
# when it is the candidate directory; below it, a deleted $PWD changes a watched parent). The strings
# come first: `-a` stops at the first false, and the joined string starts with "/". Anything else is
# __autovenv_check's.
function __autovenv_hook --on-event fish_prompt
    test "$PWD"\x1f"$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH" = "$__autovenv_quick" -a -n "$__autovenv_deco" $$__autovenv_twn $__autovenv_t
    or __autovenv_check
end

# What the prompt's one `test` did not settle: decorating, a cd, a change. Also the handler of a change
# of directory (its arguments then "VARIABLE SET PWD"), which never only decorates: a `cd` activates at
# once, so that `cd x && cmd` runs cmd in x's environment (the prompt still checks for changes made in
# place). fish has no subshells: a cd inside `(...)` moves the shell itself, so it counts as any other.
# Not before the first prompt, which sees to a cd in config.fish. The handler is this function itself,
# not one that calls it: a call costs fish tens of microseconds.
#
# A change of directory comes straight here, not through the prompt's `test`: its first comparison
# ($PWD) fails, but fish's `test` reads all its arguments before it compares anything, and those of a
# walk 100 levels deep take a fifth of a millisecond to read. (A cd to the same directory, `cd .`, is
# checked in full too: the directory may have been replaced, and the prompt's test names the
# directories walked relative to the one the shell stood in.)
function __autovenv_check --on-variable PWD
    if test -z "$__autovenv_deco$argv[1]"; and test "$PWD"\x1f"$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH" = "$__autovenv_quick" $$__autovenv_twn $__autovenv_t
        __autovenv_decorate
        return 0
    end
    # A cd, nothing else changed: our variables as the last check left them, and the user's signature
    # still what it was (__autovenv_sigok, emptied when a dependency is set or erased: see
    # __autovenv_dep_changed), or, while it is not known to be, the dependencies' values as they were.
    # (A new variable is the function's, not the block's.)
    if test "$PWD" != "$__autovenv_pwd"; and test "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"\x1f"$__autovenv_sigok" = "$__autovenv_quicks"
        set __autovenv_hook_cd 1
    else if test -n "$argv[1]" -a -n "$__autovenv_first"
        return 0
    else if test -z "$__autovenv_sigok$__autovenv_scoped" -a "$PWD" != "$__autovenv_pwd"; and test "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"\x1f@AUTOVENV_QUICKSIG@ = "$__autovenv_quicks"
        set __autovenv_hook_cd 1
    end

    # Walk up from $PWD to the nearest directory holding a marker: __autovenv_cand, written with a
    # trailing slash ("/a/b/", the root "/"), empty when there is none; a marker counts if it exists
    # or is a symbolic link, dangling or not. The directories passed on the way, which a new marker
    # could change, go to __autovenv_tw, as `test` arguments against a stamp taken before the walk.
    set -g __autovenv_cand ''
    set -g __autovenv_twn
    # $PWD itself first, without the loop (the usual case after a cd), then its ancestors, nearest first
    # (remembered for a few directories: they depend on $PWD alone). The walk from such a directory is
    # remembered too, with the slot's own stamp file taken before it: while none of the directories it
    # passed, nor its candidate directory, was modified since, nothing in them changed, and neither did
    # where a symbolic link among them points (that modifies the link's directory, also among them). So
    # a walk made before costs one `test`, and a prompt tests the same arguments.
    set -l d $PWD
    # (__autovenv_ds, the directories to walk, and __autovenv_r, the walk's slot, are the function's
    # once set: a declaration costs a command.)
    # A directory walked from before, first: while its walk holds, $PWD, the first directory it passed,
    # still holds no marker, and its markers need no look.
    if contains -- $PWD $__autovenv_wk
        for __autovenv_i in $__autovenv_wfree[-1..1]
            if test "$__autovenv_wk[$__autovenv_i]" = "$PWD"
                set __autovenv_r $__autovenv_i
                break
            end
        end
        set -l __autovenv_w __autovenv_wt$__autovenv_r
        set -l __autovenv_x __autovenv_wx$__autovenv_r
        # A deep walk with a relative form (see __autovenv_relative) is recalled by it, where $PWD
        # is the directory the shell stands in and no symbolic link is on its way: then `..`
        # climbs exactly the directories $PWD names, and one realpath costs less than converting
        # and resolving each directory's full name. (`builtin`: a function may be named pwd.)
        if test -n "$__autovenv_wrel[$__autovenv_r]"; and test . -ef "$PWD"; and test "$(builtin pwd -P)" = "$PWD"
            set __autovenv_w __autovenv_wp$__autovenv_r
        end
        if test -n "$__autovenv_wr[$__autovenv_r]" $$__autovenv_w $$__autovenv_x
            set -g __autovenv_cand $__autovenv_wc[$__autovenv_r]
            set -g __autovenv_twn __autovenv_wp$__autovenv_r
        else
            set __autovenv_w __autovenv_wa$__autovenv_r
            set __autovenv_ds $$__autovenv_w
        end
    end
    if test -z "$__autovenv_twn"
        # The root is walked from anew each time, against one of two stamp files that alternate (the
        # other may still be the reference of the walk before), taken before its markers are looked for.
        if test "$d" = /
            set -g __autovenv_ab $__autovenv_ab[2] $__autovenv_ab[1]
            set -l __autovenv_s ''
            test -d $__autovenv_stampdir -a -w $__autovenv_stampdir; and set __autovenv_s $__autovenv_ab[1]
            and builtin echo -n >$__autovenv_s
            set -g __autovenv_tw -a $__autovenv_s -nt /
            set -g __autovenv_twn __autovenv_tw
        end
        # Where the shell stands in the directory $PWD names (the same device and inode), its markers
        # are looked for by their own names: the same entries as $PWD/NAME, without converting and
        # resolving $PWD once per name.
        if test . -ef "$d"
            path is -- ./$__autovenv_probes; or test @AUTOVENV_LINKTEST_HERE@
        else
            path is -- $d/$__autovenv_probes; or test @AUTOVENV_LINKTEST@
        end
        if test $status -ne 0
            if not set -q __autovenv_ds[1]; and test "$d" != /
                __autovenv_ancestors $d 1
                set __autovenv_ds $__autovenv_up
                set -q __autovenv_up[1]; and set __autovenv_r $__autovenv_wfree[-1]
            end
        else if test "$d" = /
            set -g __autovenv_cand /
            set -g __autovenv_tw
            set -g __autovenv_twn
        else
            set -g __autovenv_cand $d/
        end
    end
    if test -z "$__autovenv_cand" -a -n "$__autovenv_ds[1]"
        # The stamp for the walk: its slot's, when stamps can be written.
        set -l __autovenv_s ''
        if test -n "$__autovenv_r"; and test -d $__autovenv_stampdir -a -w $__autovenv_stampdir
            set __autovenv_s $__autovenv_stamps-w$__autovenv_r
            builtin echo -n >$__autovenv_s
        end
        set -l __autovenv_wd $d
        set -g __autovenv_tw -a $__autovenv_s -nt $d
        set -g __autovenv_twn __autovenv_tw
        while set -q __autovenv_ds[1]
            for d in $__autovenv_ds
                if path is -- $d/$__autovenv_probes; or test @AUTOVENV_LINKTEST@
                    test "$d" = /; and set -g __autovenv_cand /; or set -g __autovenv_cand $d/
                    break
                end
                set -a __autovenv_tw -a $__autovenv_s -nt $d
                set -a __autovenv_wd $d
                test "$d" = /; and break
            end
            test -n "$__autovenv_cand" -o "$d" = /; and break
            # Deeper than the list reaches: on from its last.
            __autovenv_ancestors $d ''
            set __autovenv_ds $__autovenv_up
        end
        if test -n "$__autovenv_r"
            # Remembered unless there are no stamps, or a directory passed could not be searched:
            # markers it hides may show once it can be, with no change to its mtime.
            # And for the recall alone (a prompt has them in the answer's watch list): the candidate
            # directory and the one holding it, where pointing it elsewhere shows.
            set -g __autovenv_wx$__autovenv_r
            if test -n "$__autovenv_cand" -a "$__autovenv_cand" != /
                set -g __autovenv_wx$__autovenv_r -a $__autovenv_s -nt $__autovenv_cand -a $__autovenv_s -nt (path dirname -- $__autovenv_cand)
            end
            set -g __autovenv_wt$__autovenv_r $__autovenv_tw
            set -g __autovenv_twn __autovenv_wp$__autovenv_r
            set -g __autovenv_wrel[$__autovenv_r] ''
            if set -q __autovenv_wd[4]; and test . -ef "$PWD"; and not builtin path filter -q -l -- $__autovenv_wd
                __autovenv_relative $__autovenv_r $__autovenv_s $__autovenv_wd
                set -q __autovenv_wd[@AUTOVENV_RELATIVE_RECALL@]; and set -g __autovenv_wrel[$__autovenv_r] 1
            else
                set -g __autovenv_wp$__autovenv_r $__autovenv_tw
            end
            set -g __autovenv_wc[$__autovenv_r] $__autovenv_cand
            set -g __autovenv_wr[$__autovenv_r] 1
            test -n "$__autovenv_s"; and not path filter -vq -dx -- $__autovenv_wd
            or set -g __autovenv_wr[$__autovenv_r] ''
        end
    end

    # A cd that changed neither the nearest candidate directory nor anything its answer watches keeps
    # the answer; only the directories walked to it are new to watch. (Those walked from the old
    # directory were walked again just now.)
    if test -n "$__autovenv_hook_cd" -a "$__autovenv_cand" = "$__autovenv_c"
        and test -d "$PWD" $__autovenv_ta
        set -g __autovenv_pwd $PWD
        set -g __autovenv_quick "$PWD"\x1f"$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"
        # (__autovenv_prompt_test, without the call.)
        if test -z "$__autovenv_stamp"
            set -g __autovenv_twn
            set -g __autovenv_t -a -d $PWD
        else if test -n "$__autovenv_twn"
            set -g __autovenv_t $__autovenv_ta
        else
            set -g __autovenv_t -a -d $PWD $__autovenv_ta
        end
        test -n "$__autovenv_deco"; or __autovenv_decorate
        return 0
    end

    # Whether stamp files can be written (the slot's, in __autovenv_load), so the prompt has anything
    # to test beyond the directory.
    test -d $__autovenv_stampdir -a -w $__autovenv_stampdir; and set -g __autovenv_stamp 1
    or set -g __autovenv_stamp ''
    set -g __autovenv_fresh_answer ''
    # Whether every variable an activation may set, and our state, is as this shell's last apply left
    # it (set-ness from one `set -q`, values as one string; see __autovenv_apply): then none of them is
    # the user's, and nothing needs a look one by one.
    set -l __autovenv_intact ''
    set -q $__autovenv_savable
    test "$status"\x1f@AUTOVENV_SNAPSHOT@ = "$__autovenv_applied"; and set __autovenv_intact 1

    # The answer for the candidate directory (none without one: then the user's own `quiet` decides
    # whether leaving a project says "deactivated").
    if test -z "$__autovenv_cand"
        set -g __autovenv_a $__autovenv_format '' '' '' '' '' @AUTOVENV_QUIET@ ''
        set -g __autovenv_an
        set -g __autovenv_ao
        set -g __autovenv_ta
    else
        # The resolution signature of the user's environment, kept while it holds (__autovenv_sigok):
        # until a dependency is set or erased (__autovenv_dep_changed; fish tells of every `set`, `read`,
        # `for`, universal variable and `NAME=value cmd`), or our handover of an activation. Not kept
        # while a dependency holds a value local to a function or block (`set -lx`, `NAME=value cmd`),
        # which goes away at the block's end untold. Our own apply and unapply leave it as it is (see
        # below): a dependency an activation sets counts with the user's value.
        if test -z "$__autovenv_sigok"
            set -l __autovenv_was $__autovenv_usersig
            # The resolution signature of the user's environment: a dependency our activation set, and
            # that still holds our value, counts with the user's value (kept in AUTOVENV_OLD_<NAME>).
            set -l __autovenv_g @AUTOVENV_SIGVALUES@
            # The unset ones are `NAME!`: at the positions found last time, while the pattern of set and
            # unset dependencies still holds (one `set -q` tells, see __autovenv_sig_pattern). The
            # dependencies an activation may set (__autovenv_sdeps, such as PYENV_VERSION) are not part of the
            # pattern: each is looked at here, and one our activation saved counts with the value it saved.
            set -q $__autovenv_sq
            test $status -eq $__autovenv_nunset; or __autovenv_sig_pattern
            set __autovenv_g["$__autovenv_sidx"] $__autovenv_sbang
            set -l __autovenv_at $__autovenv_sdep_at
            for __autovenv_n in $__autovenv_sdeps
                set -q $__autovenv_n; or set __autovenv_g[$__autovenv_at[1]] "$__autovenv_n!"
                if string match -q -- "* $__autovenv_n *" " $AUTOVENV_SAVED "
                    and begin
                        test -n "$__autovenv_intact"; or not __autovenv_theirs $__autovenv_n
                    end
                    set -l __autovenv_o AUTOVENV_OLD_$__autovenv_n
                    set -q $__autovenv_o; and set __autovenv_g[$__autovenv_at[1]] "$__autovenv_n=$$__autovenv_o"
                    or set __autovenv_g[$__autovenv_at[1]] "$__autovenv_n!"
                end
                set -e __autovenv_at[1]
            end
            set -g __autovenv_usersig @AUTOVENV_SIGJOIN@
            # A new signature starts a new epoch (a slot filled under this one needs no comparison).
            test "$__autovenv_usersig" = "$__autovenv_was"
            or set -g __autovenv_sigepoch (builtin math $__autovenv_sigepoch + 1)
            set -ql __autovenv_never_set $__autovenv_deps
            if test $status -eq $__autovenv_ndeps
                set -g __autovenv_sigok 1
                set -g __autovenv_scoped ''
            else
                set -g __autovenv_scoped 1
            end
        end

        # From memory while it still holds: same signature (filled in this signature's epoch, or
        # compared), its cache entry neither removed nor rewritten (a rewrite renames a new file into its directory), every watched path still there
        # and unchanged since the slot's stamp. Else from the cache entry or Python.
        # (__autovenv_i, the slot, is the function's once set.)
        if contains -- $__autovenv_cand $__autovenv_mc
            # (A short loop costs less than the command substitution `contains -i` needs.)
            for __autovenv_j in $__autovenv_mfree[-1..1]
                test "$__autovenv_mc[$__autovenv_j]" = "$__autovenv_cand"; and set __autovenv_i $__autovenv_j
                and break
            end
            set -l __autovenv_v __autovenv_ms$__autovenv_i __autovenv_mn$__autovenv_i __autovenv_mo$__autovenv_i \
                __autovenv_mw$__autovenv_i __autovenv_mq$__autovenv_i
            if test "$__autovenv_mgen[$__autovenv_i]" = "$__autovenv_sigepoch"; or test "$__autovenv_msig[$__autovenv_i]" = "$__autovenv_usersig"
                and not path filter -vq -- $__autovenv_mdir[$__autovenv_i]% $$__autovenv_v[4]
                and test $__autovenv_stamps-m$__autovenv_i -nt $__autovenv_mdir[$__autovenv_i] $$__autovenv_v[5]
                set -g __autovenv_a $$__autovenv_v[1]
                set -g __autovenv_an $$__autovenv_v[2]
                set -g __autovenv_ao $$__autovenv_v[3]
                set -g __autovenv_ta $$__autovenv_v[5]
            else if not __autovenv_load $__autovenv_i
                # No answer now; what came in with the environment is still put right at a first prompt.
                test -n "$__autovenv_first"; and __autovenv_first_prompt
                __autovenv_decorate
                return 0
            end
        else
            set __autovenv_i $__autovenv_mfree[1]
            set -g __autovenv_mfree $__autovenv_mfree[2..-1] $__autovenv_i
            if not __autovenv_load $__autovenv_i
                test -n "$__autovenv_first"; and __autovenv_first_prompt
                __autovenv_decorate
                return 0
            end
        end
    end

    # Notes show when entering, and with a fresh answer (something it watched has changed) unless they
    # are the ones shown last: a change seen by two checks (a cd and the prompt after it, within one tick
    # of the clock) says its line once. After the line saying what changed (below), so what is active
    # comes first.
    # (The notes joined only when there are any: that takes a command substitution.)
    set -l __autovenv_notes
    if set -q __autovenv_an[1]
        set -l __autovenv_said_now (string join \x1f -- $__autovenv_an)
        if test "$__autovenv_cand" != "$__autovenv_c"
            or begin
                test -n "$__autovenv_fresh_answer"; and test "$__autovenv_said_now" != "$__autovenv_said"
            end
            set __autovenv_notes $__autovenv_an
        end
        set -g __autovenv_said "$__autovenv_said_now"
    else
        set -g __autovenv_said ''
    end
    set -g __autovenv_c $__autovenv_cand
    set -g __autovenv_pwd $PWD
    # (__autovenv_prompt_test, without the call.)
    if test -z "$__autovenv_stamp"
        set -g __autovenv_twn
        set -g __autovenv_t -a -d $PWD
    else if test -n "$__autovenv_twn"
        set -g __autovenv_t $__autovenv_ta
    else
        set -g __autovenv_t -a -d $PWD $__autovenv_ta
    end

    # Bring the environment to the answer, by DESIGN §4's rules (mirrors plan.py). A venv activated by
    # hand wins: touch nothing until it is deactivated. The venv's own activate.fish run over our
    # activation of that same venv (out of habit) makes it one: hand it over.
    if set -q _OLD_VIRTUAL_PATH AUTOVENV_KEY VIRTUAL_ENV; and test "$VIRTUAL_ENV" = "$AUTOVENV_VENV"
        and __autovenv_taken_over
        __autovenv_handover
    else if not set -q VIRTUAL_ENV; or test "$VIRTUAL_ENV" = "$AUTOVENV_VENV"
        set -l __autovenv_key $__autovenv_a[$__autovenv_at_key]
        # A dependency our apply or unapply sets or restores (such as PYENV_VERSION) leaves the user's
        # signature as it was: an activation's value counts with the user's.
        set -l __autovenv_sigok_was $__autovenv_sigok
        if set -q AUTOVENV_KEY; and test -z "$__autovenv_intact"
            if __autovenv_disturbed
                # Something we set was changed behind our back: a hand-activated venv's deactivate
                # unset VIRTUAL_ENV (and restored a PATH snapshot holding our entry), the user ran
                # `pyenv shell` or set PYTHONHOME. Tidy up, keeping their values, then decide afresh:
                # what is active afterwards is said as usual ("deactivated" when nothing is).
                __autovenv_unapply
                test -z "$__autovenv_key"; and test -z "$__autovenv_a[$__autovenv_at_quiet]$__autovenv_active_quiet"
                and __autovenv_say deactivated
            else
                # As applied (in the shell that started this one, say): intact from now on.
                set __autovenv_intact 1
                set -q $__autovenv_savable
                set -g __autovenv_applied "$status"\x1f@AUTOVENV_SNAPSHOT@
            end
        end
        if set -q AUTOVENV_PAUSED
            if test -z "$__autovenv_key"; or test "$__autovenv_a[$__autovenv_at_root]" != "$AUTOVENV_PAUSED"
                set -e AUTOVENV_PAUSED
            else
                set __autovenv_key ''
            end
        end
        if test "$AUTOVENV_KEY" != "$__autovenv_key"
            # (__autovenv_msg is the function's once set.)
            if set -q AUTOVENV_KEY
                # (Our `deactivate` stays when another activation follows.)
                __autovenv_unapply $__autovenv_intact $__autovenv_key
                set __autovenv_msg deactivated
            end
            if test -n "$__autovenv_key"
                __autovenv_apply
                set __autovenv_msg $__autovenv_a[$__autovenv_at_msg]
                # `deactivate`, as __autovenv_decorate would define it (here, not later: a call costs).
                if not set -q VIRTUAL_ENV; or test "$VIRTUAL_ENV" = "$AUTOVENV_VENV"
                    if test -z "$__autovenv_own_deactivate"
                        function deactivate --description 'autovenv: deactivate and pause for this project'
                            __autovenv_deactivate $argv
                        end
                        set -g __autovenv_own_deactivate 1
                    end
                else if test -n "$__autovenv_own_deactivate"
                    functions -e deactivate
                    set -g __autovenv_own_deactivate ''
                end
            end
            # Said unless the answer asks for quiet; leaving a quiet project for none is quiet too. (As
            # __autovenv_say says it, without the call.)
            if test -n "$__autovenv_msg" -a -z "$__autovenv_a[$__autovenv_at_quiet]" -a \( -n "$__autovenv_key" -o -z "$__autovenv_active_quiet" \)
                if test -n "$__autovenv_err"
                    builtin printf 'autovenv: %s\n' $__autovenv_msg >>$__autovenv_err
                else
                    builtin printf 'autovenv: %s\n' $__autovenv_msg >&2
                end
            end
        end
        set -g __autovenv_sigok $__autovenv_sigok_was
        if set -q AUTOVENV_KEY
            set -g __autovenv_active_quiet $__autovenv_a[$__autovenv_at_quiet]
        else
            set -g __autovenv_active_quiet ''
        end
    end
    set -q __autovenv_notes[1]; and __autovenv_say $__autovenv_notes
    test -n "$__autovenv_first"; and __autovenv_first_prompt
    set -g __autovenv_quick "$PWD"\x1f"$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"
    # What a cd compares (see the top): the dependencies' values only while the signature is not kept;
    # and while a dependency held a value local to a block, each prompt checks in full: the value goes
    # away at the block's end, untold.
    if test -n "$__autovenv_sigok"
        set -g __autovenv_quicks "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"\x1f1
    else
        set -g __autovenv_quicks "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"\x1f@AUTOVENV_QUICKSIG@
        test -n "$__autovenv_scoped" -a -n "$__autovenv_cand"; and set -g __autovenv_quick ''
    end
    # Decorate, unless it is plain that there is nothing to do (no activation, or one whose `deactivate`
    # and prompt wrapper are in place).
    if set -q AUTOVENV_KEY; and test "$__autovenv_own_deactivate$__autovenv_wrapped" != 11
        __autovenv_decorate
    else
        set -g __autovenv_deco 1
    end
end

# Apply the answer's operations (__autovenv_ao, three words each: verb, name, value; answer.Answer, as
# __autovenv_valid_ops kept them when the answer was read) with one generic loop: save what a variable
# held (absent stays absent), set or unset it, record what we set; the entries of every `prepend PATH`
# go first on PATH, in order. What activation sets is decided in Python alone.
function __autovenv_apply
    set -l o $__autovenv_ao
    set -l saved
    set -l add
    # The names that held a value before (see __autovenv_unapply).
    set -l olds
    while set -q o[3]
        # ($$o[2] is the value of the variable $o[2] names.)
        switch $o[1]
            case set
                set -q $o[2]; and set -gx AUTOVENV_OLD_$o[2] $$o[2]; and set -a olds $o[2]
                set -gx $o[2] $o[3]
                set -gx AUTOVENV_SET_$o[2] $o[3]
                set -a saved $o[2]
            case unset
                set -q $o[2]; and set -gx AUTOVENV_OLD_$o[2] $$o[2]; and set -a olds $o[2]
                set -e $o[2]
                set -a saved $o[2]
            case prepend
                set -a add $o[3]
        end
        set -e o[1..3]
    end
    set -gx AUTOVENV_SAVED "$saved"
    set -g __autovenv_savedl $saved
    set -g __autovenv_oldl $olds
    if set -q add[1]
        set -gx PATH $add $PATH
        # A path variable joins with ':' when quoted.
        set -l --path joined $add
        set -gx AUTOVENV_PATH_ADD "$joined"
        set -g __autovenv_add "$joined"
        set -g __autovenv_addl $add
    end
    test -n "$__autovenv_a[$__autovenv_at_venv]"; and set -gx AUTOVENV_VENV $__autovenv_a[$__autovenv_at_venv]
    set -gx AUTOVENV_KEY $__autovenv_a[$__autovenv_at_key]
    set -gx AUTOVENV_ROOT $__autovenv_a[$__autovenv_at_root]
    test -n "$__autovenv_a[$__autovenv_at_prompt]"; and set -gx AUTOVENV_PROMPT $__autovenv_a[$__autovenv_at_prompt]
    set -q $__autovenv_savable
    set -g __autovenv_applied "$status"\x1f@AUTOVENV_SNAPSHOT@
end

# Undo our activation generically: our PATH entries leave PATH wherever they are, each saved variable
# gets its old value back (or goes, when it had none). A variable the user changed since is theirs and
# stays, unless INTACT says this shell knows nothing was changed (then no look one by one).
function __autovenv_unapply --argument-names intact keep
    if test -z "$AUTOVENV_PATH_ADD"
    else if test "$AUTOVENV_PATH_ADD" = "$__autovenv_add" -a "$PATH[1]" = "$__autovenv_add"
        # The one entry this shell added, still first. (An entry of PATH, a path variable, holds no ':'.)
        set -e PATH[1]
    else
        # The entries this shell added, as a list already; else split (a path variable splits at ':').
        set -l adds $__autovenv_addl
        test "$AUTOVENV_PATH_ADD" = "$__autovenv_add"; or set -l --path adds $AUTOVENV_PATH_ADD
        for e in $adds
            if test "$PATH[1]" = "$e"
                set -e PATH[1]
            else
                set -l i (contains -i -- $e $PATH)
                and set -e PATH[$i[1]]
            end
        end
    end
    # The names this shell saved, as a list already; else the inherited ones an activation may save.
    set -l names $__autovenv_savedl
    if test "$AUTOVENV_SAVED" = "$names" -a -n "$names" -a -n "$intact" -a -z "$__autovenv_oldl"
        # As this shell's apply left them, and none held a value before it: all go, in one command.
        set -e $names AUTOVENV_SET_$names
    else
        if test "$AUTOVENV_SAVED" != "$names"
            set names
            for n in (string split ' ' -- "$AUTOVENV_SAVED")
                contains -- $n $__autovenv_savable; and set -a names $n
            end
        end
        for n in $names
            if test -z "$intact"; and __autovenv_theirs $n
                set -e AUTOVENV_OLD_$n AUTOVENV_SET_$n
            else if set -q AUTOVENV_OLD_$n
                set -l old AUTOVENV_OLD_$n
                set -gx $n $$old
                set -e $old AUTOVENV_SET_$n
            else
                set -e $n AUTOVENV_SET_$n
            end
        end
    end
    set -e AUTOVENV_KEY AUTOVENV_ROOT AUTOVENV_VENV AUTOVENV_PATH_ADD AUTOVENV_SAVED AUTOVENV_PROMPT
    set -g __autovenv_applied ''
    if test -n "$__autovenv_own_deactivate" -a -z "$keep"
        functions -e deactivate
        set -g __autovenv_own_deactivate ''
    end
end

# (What a wrapper made by an earlier version of this hook calls, should the hook be loaded again.)
function __autovenv_status_is --argument-names code
    return $code
end

# The rest is off the common paths.

# The arguments a prompt's `test` adds: the stamps of the directories walked, read through the name of
# the variable that holds them (__autovenv_twn: a slot's walk, or this walk's own), not copied, since
# a walk 100 levels deep is 400 long strings; then (__autovenv_t) those of what the answer watches, and,
# in the candidate directory itself (nothing walked), that $PWD is still a directory, since no watched
# directory holds it. Without stamps, only that. (__autovenv_check writes it out where it is hot.)
function __autovenv_prompt_test
    if test -z "$__autovenv_stamp"
        set -g __autovenv_twn
        set -g __autovenv_t -a -d $PWD
    else if test -n "$__autovenv_twn"
        set -g __autovenv_t $__autovenv_ta
    else
        set -g __autovenv_t -a -d $PWD $__autovenv_ta
    end
end

# Keep, of the operations of an answer just read (__autovenv_ao, three words each), those
# __autovenv_apply may carry out: `set` and `unset` of a name in __autovenv_savable, the first operation
# on each name only, and `prepend PATH`; any other is skipped. Once per answer read, not at each apply.
function __autovenv_valid_ops
    set -l o $__autovenv_ao
    set -l kept
    set -l names
    while set -q o[3]
        switch $o[1]
            case set unset
                if contains -- $o[2] $__autovenv_savable; and not contains -- $o[2] $names
                    set -a kept $o[1..3]
                    set -a names $o[2]
                end
            case prepend
                test "$o[2]" = PATH; and set -a kept $o[1..3]
        end
        set -e o[1..3]
    end
    set -g __autovenv_ao $kept
end

# The ancestors of DIR, nearest first, into __autovenv_up; ".." resolved lexically, as cd and $PWD do.
# FIRST: DIR is $PWD, whose list is kept for the next time.
function __autovenv_ancestors --argument-names dir first
    set -g __autovenv_up (path normalize -- $dir$__autovenv_ups)
    test -n "$first"; and set -q __autovenv_up[1]; or return 0
    set -l i $__autovenv_wfree[1]
    set -g __autovenv_wfree $__autovenv_wfree[2..-1] $i
    set -g __autovenv_wk[$i] $PWD
    set -g __autovenv_wa$i $__autovenv_up
    set -g __autovenv_wr[$i] ''
    set -g __autovenv_wrel[$i] ''
end

# The prompt's test of slot R's walk (__autovenv_wp<R>: `-a S -nt DIR` for each of the directories
# walked, DIRS, nearest first, against its stamp S), for a walk from a $PWD the shell stands in and
# with no symbolic link among DIRS: the lower half of them (those with fewer levels above them than
# below) named relative to where the shell stands (., .., ../.., ...), the rest from / as in the walk's
# own test. fish converts every path of a `test` to bytes, a character at a time, and the kernel
# resolves each component: 100 levels down, half the characters and components.
#
# `..` climbs the directories the shell stands in, while a walk holds for the directories $PWD names.
# A cd's recall uses these names only for a deep walk, and only where `-ef` and `pwd -P` prove the two
# the same (see the recall in __autovenv_check). The prompt uses them once a test since the cd has
# passed, the walk's own (every directory by its name from /) or that proven recall: then none of
# them changed since the walk, when they had no link among them, so $PWD still leads, through the
# same directories, to the one the shell stands in. The shell stays there until the next cd, which checks
# again; a directory among them moved meanwhile modifies the directory it went to, newer than S. A
# mount moved with the shell inside modifies none, and `..` from its root then climbs wherever it went:
# so the highest directory named relative must also be, by device and inode (`-ef`), the one its name
# from / gives.
function __autovenv_relative --argument-names r s
    set -l dirs $argv[3..-1]
    set -l half (builtin math -s0 (builtin count (string split -n / -- $PWD)) / 2 + 1)
    test $half -le (builtin count $dirs); or set half (builtin count $dirs)
    while not set -q __autovenv_rel[$half]
        set -a __autovenv_rel $__autovenv_rel[-1]/..
    end
    set -l t
    for d in $__autovenv_rel[1..$half] $dirs[(builtin math $half + 1)..-1]
        set -a t -a $s -nt $d
    end
    set -g __autovenv_wp$r $t -a $__autovenv_rel[$half] -ef $dirs[$half]
end

# The answer for $__autovenv_cand, from its cache entry (ours, current and unchanged), else from Python,
# kept in slot I when there are stamps. Fails only when Python could not answer.
function __autovenv_load --argument-names i
    set -g __autovenv_mc[$i] ''
    # "/a/b/" becomes ".../fish/a/b/%", as cache.entry_path places it: a component led by % gets one
    # more, which takes a command substitution (`string collect` keeps a name holding a newline whole).
    set -l dir $__autovenv_cache/fish$__autovenv_cand
    string match -q -- '*/%*' $__autovenv_cand
    and set dir $__autovenv_cache/fish(string replace -a /% /%% -- $__autovenv_cand | string collect)
    set -l f $dir%
    # The slot's stamp is taken before anything is read: whatever changes from now on is newer.
    set -l stamp $__autovenv_stamps-m$i
    test -n "$__autovenv_stamp"; and builtin echo -n >$stamp; or set stamp ''
    set -l l1
    set -l l2
    set -l l3
    set -l l4
    set -l l5
    set -l ok ''
    set -g __autovenv_ta
    if test -f $f -a -O $f
        begin
            read -ta l1
            read -ta l2
            read -ta l3
            read -ta l4
            read -ta l5
        end <$f
        # Its five lines: `set -g __autovenv_e FIELDS... WATCHED...`, `set -g __autovenv_en NOTES...`,
        # the positions in the pieces list below that spell the `test` arguments (shells/fish.py,
        # test_positions): `-a ENTRY -nt PATH` for each watched path, `-a STAMP -nt PATH` for those a
        # prompt checks; and `set -g __autovenv_eo OPERATIONS...`. Ours and current (one comparison: the
        # fields are \x1f-joined), positions that are numbers, every watched path there and older than
        # the entry: its time is the file clock's tick when Python began (cache.entry_stamp), so a
        # path modified in that tick, even while Python read it, asks again (once).
        if test "$l1[3]"\x1f"$l2[3]"\x1f"$l3[3]"\x1f"$l4[3]"\x1f"$l5[3]"\x1f"$l1[4]"\x1f"$l1[@AUTOVENV_SIG_AT@]" = __autovenv_e\x1f__autovenv_en\x1f__autovenv_ev\x1f__autovenv_ep\x1f__autovenv_eo\x1f"$__autovenv_format"\x1f"$__autovenv_usersig"
            and not string match -qrv -- '^[1-9][0-9]{0,4}$' $l3[4..-1] $l4[4..-1]
            and not path filter -vq -- $l1[@AUTOVENV_WATCH_AT@..-1]
            set -l pieces -a $stamp -nt $f $l1[@AUTOVENV_WATCH_AT@..-1]
            if test -z '' $pieces[$l3[4..-1]]
                set -g __autovenv_a $l1[4..@AUTOVENV_LAST_AT@]
                set -g __autovenv_an $l2[4..-1]
                set -g __autovenv_ao $l5[4..-1]
                set -g __autovenv_aw $l1[@AUTOVENV_WATCH_AT@..-1]
                set -g __autovenv_ta $pieces[$l4[4..-1]]
                set ok 1
            end
        end
    end
    if test -z "$ok"
        # Ask Python (once per new or changed directory); it also refreshes the cache entry. Uninstalled
        # (or its Python removed) under an open shell: our line, not fish's "Unknown command".
        set -l out
        set -l rc 127
        if test -x "$__autovenv_export[1]"
            set out ($__autovenv_export export fish --hook)
            set rc $status
        end
        if test $rc -ne 0
            # 1 and 2: export already said what went wrong, in one line; anything else: it could not
            # start.
            if test -z "$__autovenv_broken"; and not contains -- $rc 1 2
                __autovenv_say "the hook could not run $__autovenv_export[1] (is autovenv still installed?); environments are left as they are"
                set -g __autovenv_broken 1
            end
            # Retry when something here changes, not at every prompt. (Nothing the signature reads has
            # changed since the check began.)
            if test -n "$__autovenv_sigok"
                set -g __autovenv_quicks "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"\x1f1
            else
                set -g __autovenv_quicks "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"\x1f@AUTOVENV_QUICKSIG@
            end
            set -g __autovenv_quick "$PWD"\x1f"$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"
            set -g __autovenv_pwd $PWD
            set -g __autovenv_ta
            test -n "$stamp"; and set -g __autovenv_ta -a $stamp -nt $__autovenv_cand
            __autovenv_prompt_test
            return 1
        end
        set -g __autovenv_broken ''
        set -g __autovenv_fresh_answer 1
        set -g __autovenv_e
        set -g __autovenv_en
        set -g __autovenv_ep
        set -g __autovenv_eo
        string join \n -- $out | source
        if test "$__autovenv_e[1]" != "$__autovenv_format"
            set -g __autovenv_a $__autovenv_format '' '' '' '' '' '' ''
            set -g __autovenv_an
            set -g __autovenv_ao
            set -g __autovenv_ta
            return 0
        end
        set -g __autovenv_a $__autovenv_e[1..@AUTOVENV_FIELDS@]
        set -g __autovenv_an $__autovenv_en
        set -g __autovenv_ao $__autovenv_eo
        set -l pieces -a $stamp -nt $f $__autovenv_e[@AUTOVENV_FIELDS_NEXT@..-1]
        set -g __autovenv_ta $pieces[$__autovenv_ep]
        set -g __autovenv_aw $__autovenv_e[@AUTOVENV_FIELDS_NEXT@..-1]
    end
    __autovenv_valid_ops
    # The answer into its slot, with the directory of its cache entry and its watch list.
    if test -z "$stamp"
        set -g __autovenv_ta
        return 0
    end
    set -g __autovenv_mc[$i] $__autovenv_cand
    set -g __autovenv_msig[$i] $__autovenv_a[$__autovenv_at_sig]
    test "$__autovenv_msig[$i]" = "$__autovenv_usersig"; and set -g __autovenv_mgen[$i] $__autovenv_sigepoch
    or set -g __autovenv_mgen[$i] ''
    set -g __autovenv_mdir[$i] $dir
    set -g __autovenv_ms$i $__autovenv_a
    set -g __autovenv_mn$i $__autovenv_an
    set -g __autovenv_mo$i $__autovenv_ao
    set -g __autovenv_mw$i $__autovenv_aw
    set -g __autovenv_mq$i $__autovenv_ta
    return 0
end

# The pattern of set and unset dependencies, for the signature: the unset ones' positions in
# __autovenv_deps (__autovenv_sidx) and entries (`NAME!`, __autovenv_sbang), with a spare position past the
# end so the lists are never empty. `set -q $__autovenv_sq` returns __autovenv_nunset while the pattern
# holds: __autovenv_sq names the unset ones (and a variable never set) once and the set ones (and one
# always set) N times, N exceeding the number of unset ones, so no mix of changes adds up to it.
function __autovenv_sig_pattern
    set -l unset __autovenv_never_set
    set -l isset __autovenv_deps
    set -g __autovenv_sidx
    set -g __autovenv_sbang
    # (A counter, not `seq`: that is an external command in fish.)
    set -l i 0
    for n in $__autovenv_deps
        set i (math $i + 1)
        if contains -- $n $__autovenv_sdeps
        else if set -q $n
            set -a isset $n
        else
            set -a unset $n
            set -a __autovenv_sidx $i
            set -a __autovenv_sbang "$n!"
        end
    end
    set -a __autovenv_sidx (math (count $__autovenv_deps) + 1)
    set -a __autovenv_sbang ''
    set -g __autovenv_nunset (count $unset)
    set -g __autovenv_sq $unset
    for i in $unset
        set -a __autovenv_sq $isset
    end
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

# True when any variable we set was changed behind our back.
function __autovenv_disturbed
    for n in (string split ' ' -- "$AUTOVENV_SAVED")
        contains -- $n $__autovenv_savable; and __autovenv_theirs $n; and return 0
    end
    return 1
end

# True when the activate.fish of our venv ran after we activated: it saved PATH, with our entries in
# it, in _OLD_VIRTUAL_PATH (a leftover from before our activation holds no entry of ours).
function __autovenv_taken_over
    test -n "$AUTOVENV_PATH_ADD"; or return 1
    set -l --path add $AUTOVENV_PATH_ADD
    contains -- $add[1] $_OLD_VIRTUAL_PATH
end

# Drop our part of an activation the venv's own activate.fish took over, so that its `deactivate`
# restores exactly what the user had before we activated: our PATH entries leave PATH and its saved
# copy, a PYTHONHOME we had set aside goes to the activate's own slot for it, the values we set are
# the user's now, and its `deactivate` stays. (The prompt prefix goes with AUTOVENV_PROMPT.)
function __autovenv_handover
    set -l --path add $AUTOVENV_PATH_ADD
    for e in $add
        set -l i (contains -i -- $e $PATH)
        and set -e PATH[$i[1]]
        set -l j (contains -i -- $e $_OLD_VIRTUAL_PATH)
        and set -e _OLD_VIRTUAL_PATH[$j[1]]
    end
    if set -q AUTOVENV_OLD_PYTHONHOME; and test -z "$_OLD_VIRTUAL_PYTHONHOME"
        set -gx _OLD_VIRTUAL_PYTHONHOME $AUTOVENV_OLD_PYTHONHOME
    end
    for n in (string split ' ' -- "$AUTOVENV_SAVED")
        contains -- $n $__autovenv_savable; or continue
        set -e AUTOVENV_OLD_$n
        set -e AUTOVENV_SET_$n
    end
    set -e AUTOVENV_KEY AUTOVENV_ROOT AUTOVENV_VENV AUTOVENV_PATH_ADD AUTOVENV_SAVED AUTOVENV_PROMPT
    set -g __autovenv_own_deactivate ''
    set -g __autovenv_applied ''
    # A dependency we had set is the user's now.
    set -g __autovenv_sigok ''
end

# `deactivate`: undo and pause autovenv for this project until the user leaves it. A venv's own
# activate script calls `deactivate nondestructive` before taking over: then we only step aside.
function __autovenv_deactivate
    set -q AUTOVENV_KEY; or return 0
    # (What unapply restores leaves the user's signature as it was: see __autovenv_check.)
    set -l sigok $__autovenv_sigok
    if test "$argv[1]" = nondestructive
        __autovenv_unapply
        set -g __autovenv_sigok $sigok
        return 0
    end
    set -l root $AUTOVENV_ROOT
    __autovenv_unapply
    set -g __autovenv_sigok $sigok
    set -gx AUTOVENV_PAUSED $root
    test -z "$__autovenv_a[$__autovenv_at_quiet]"; and __autovenv_say 'deactivated; paused for this project until you leave it'
    return 0
end

# The first prompt of a new fish (a child, `exec fish`, a login fish, a tmux window): config.fish ran
# after the inherited activation was made, and fish_add_path (fish_user_paths go back in front at every
# start) or `pyenv init` may have put their directories before ours. Ours go back in front, once each.
function __autovenv_first_prompt
    set -g __autovenv_first ''
    set -gx AUTOVENV_HOOK fish:$fish_pid
    set -q AUTOVENV_KEY; and test -n "$AUTOVENV_PATH_ADD"; or return 0
    if set -q VIRTUAL_ENV; and test "$VIRTUAL_ENV" != "$AUTOVENV_VENV"
        return 0
    end
    set -l --path add $AUTOVENV_PATH_ADD
    set -l rest $PATH
    for e in $add
        while set -l i (contains -i -- $e $rest)
            set -e rest[$i[1]]
        end
    end
    set -l now (string join \x1f -- $PATH)
    set -l want (string join \x1f -- $add $rest)
    test "$now" = "$want"; or set -gx PATH $add $rest
end

# The hook's state (after the functions, which are cheaper to call the nearer the top they are).

# Tells `autovenv doctor` which shell (and process) loaded the hook; the first prompt drops ":loaded".
set -gx AUTOVENV_HOOK fish:$fish_pid:loaded
# Set until this shell's first prompt (__autovenv_first_prompt).
set -g __autovenv_first 1
set -g __autovenv_active_quiet ''
set -g __autovenv_export @AUTOVENV_EXPORT@
set -g __autovenv_cache @AUTOVENV_CACHE@
set -g __autovenv_markers @AUTOVENV_MARKERS@
set -g __autovenv_deps @AUTOVENV_DEPS@
# The only names AUTOVENV_SAVED may hold (plan.ACTIVATION_VARS): the value is inherited from whatever
# started this shell, and `PATH` would restore an AUTOVENV_OLD_PATH someone else chose. Others are skipped.
set -g __autovenv_savable @AUTOVENV_SAVABLE@
# The marker names in the order the walk tries them (see shells/fish.py).
set -g __autovenv_probes @AUTOVENV_PROBES@
# The signature's pattern of set and unset dependencies; never holds before it is first found.
set -g __autovenv_sq __autovenv_never_set
set -g __autovenv_nunset 0
# The prompt prefix, worked out when AUTOVENV_PROMPT or VIRTUAL_ENV_DISABLE_PROMPT is set or erased (in
# this fish, or as a universal variable by another) rather than at each prompt: the prefix while one is
# wanted and the venv's own prompt is not disabled, else nothing.
# An inherited AUTOVENV_PROMPT holding control characters (an ESC sequence) is not shown.
function __autovenv_pfx_changed --on-variable AUTOVENV_PROMPT --on-variable VIRTUAL_ENV_DISABLE_PROMPT
    set -g __autovenv_pfx ''
    test -z "$VIRTUAL_ENV_DISABLE_PROMPT" -a -n "$AUTOVENV_PROMPT"
    and not string match -qr -- '[\x00-\x1f\x7f-\x9f]' "$AUTOVENV_PROMPT"
    and set -g __autovenv_pfx "$AUTOVENV_PROMPT"
end
__autovenv_pfx_changed

# A dependency of the answer (HOME, PYENV_VERSION, ...) set or erased, here or as a universal variable
# by another fish: the next prompt checks everything, not just the directory and our own variables.
function __autovenv_dep_changed @AUTOVENV_ONDEPS@
    set -e __autovenv_quick __autovenv_sigok
end
# Whether __autovenv_usersig still holds (see the signature in __autovenv_check); the number of names
# `set -ql` finds unset there when no dependency holds a value local to a function or block.
set -g __autovenv_sigok ''
# Whether a dependency held a value local to a function or block when the signature was last worked out.
set -g __autovenv_scoped ''
set -g __autovenv_ndeps (builtin count __autovenv_never_set $__autovenv_deps)
# The handler of a change of directory is __autovenv_check itself; that of an earlier version of this
# hook, loaded before in this shell, would check each cd twice.
functions -e __autovenv_on_pwd

set -g __autovenv_sidx
set -g __autovenv_sbang
set -g __autovenv_format @AUTOVENV_FORMAT@
set -g __autovenv_c \x01
set -g __autovenv_said ''
set -g __autovenv_pwd ''
set -g __autovenv_stamp ''
set -g __autovenv_quick ''
set -g __autovenv_quicks ''
set -g __autovenv_own_deactivate ''
set -g __autovenv_deco ''
set -g __autovenv_broken ''
# Whether fish_prompt is wrapped already: a flag, so the prompt path need not ask `functions -q`.
if functions -q __autovenv_orig_fish_prompt
    set -g __autovenv_wrapped 1
else
    set -g __autovenv_wrapped ''
end

set -g __autovenv_stampdir @AUTOVENV_STAMPS@
set -g __autovenv_stamps $__autovenv_stampdir/fish-$fish_pid
# The two stamp files, the next one to touch last (the hook swaps them first).
set -g __autovenv_ab $__autovenv_stamps-b $__autovenv_stamps-a
set -g __autovenv_cand ''
# What the prompt tests, as `-a STAMP -nt PATH` after `-d $PWD`: the walked directories
# (__autovenv_tw, against the stamp taken before the walk) and the answer's watch list (__autovenv_ta,
# against the stamp of its slot). Empty without stamps, where the bash hook compares nothing either.
set -g __autovenv_t
set -g __autovenv_tw
set -g __autovenv_ta
# The name of the variable holding the walk's part of a prompt's test: __autovenv_tw, or the prompt's
# form of a remembered walk, __autovenv_wp<i> (see __autovenv_relative); empty when nothing was walked.
set -g __autovenv_twn
# Names of the directories 0, 1, 2, ... levels above where the shell stands, as far as needed so far.
set -g __autovenv_rel . ..
# Suffixes that make `path normalize` list a directory's ancestors, 16 at a time.
set -g __autovenv_ups /.. /../.. /../../.. /../../../.. /../../../../.. /../../../../../.. \
    /../../../../../../.. /../../../../../../../.. /../../../../../../../../.. \
    /../../../../../../../../../.. /../../../../../../../../../../.. /../../../../../../../../../../../.. \
    /../../../../../../../../../../../../.. /../../../../../../../../../../../../../.. \
    /../../../../../../../../../../../../../../.. /../../../../../../../../../../../../../../../..
set -g __autovenv_up
# Ancestors of a few directories walked from: __autovenv_wa<i> for __autovenv_wk[i]; __autovenv_wfree
# lists the slots, the next one to reuse first.
set -g __autovenv_wk '' '' '' '' '' '' '' ''
set -g __autovenv_wfree 1 2 3 4 5 6 7 8
# The walk from __autovenv_wk[i], when __autovenv_wr[i] is set: its candidate directory __autovenv_wc[i]
# and its `test` arguments against the stamp file $__autovenv_stamps-w<i>: __autovenv_wt<i> for the
# directories walked, __autovenv_wx<i> for the candidate directory and the one holding it.
set -g __autovenv_wr '' '' '' '' '' '' '' ''
# Whether the walk from __autovenv_wk[i] is recalled by its relative form (a deep one, see the recall).
set -g __autovenv_wrel '' '' '' '' '' '' '' ''
set -g __autovenv_wc '' '' '' '' '' '' '' ''

# The current answer: its single-valued fields in one list, in the order of Answer.scalars, each read
# through the name of its position (__autovenv_at_key, ...); __autovenv_an its notes, __autovenv_ao its
# operations (three words each).
@AUTOVENV_FIELD_AT@
set -g __autovenv_a $__autovenv_format '' '' '' '' '' '' ''
set -g __autovenv_an
set -g __autovenv_ao
# The watch list of the answer __autovenv_load last found (for its slot).
set -g __autovenv_aw
# The AUTOVENV_PATH_ADD this shell applied, and its entries; the AUTOVENV_SAVED it applied, as a list:
# leaving needs no splitting then.
set -g __autovenv_add ''
set -g __autovenv_addl
set -g __autovenv_savedl
# Those of them that held a value before this shell's apply.
set -g __autovenv_oldl
# What this shell's last apply left (__autovenv_apply), to tell at a glance that nothing we set changed.
set -g __autovenv_applied ''

# Answers in memory, one slot each: candidate directory (__autovenv_mc), signature (__autovenv_msig) and
# cache entry directory (__autovenv_mdir) of slot i; its fields, notes, operations, watch list and
# prompt test in __autovenv_ms<i>, _mn<i>, _mo<i>, _mw<i>, _mq<i>; its stamp file $__autovenv_stamps-m<i>.
# A new answer takes the slot filled longest ago (__autovenv_mfree, first).
set -g __autovenv_mc '' '' '' '' '' '' '' ''
set -g __autovenv_msig '' '' '' '' '' '' '' ''
# The epoch of the user's signature each slot was filled in (see __autovenv_check), and the current one.
set -g __autovenv_mgen '' '' '' '' '' '' '' ''
set -g __autovenv_sigepoch 1
set -g __autovenv_mdir '' '' '' '' '' '' '' ''
set -g __autovenv_mfree 1 2 3 4 5 6 7 8

# Dependencies an activation may set (it then keeps the user's value in AUTOVENV_OLD_<NAME>), and their
# positions in __autovenv_deps.
set -g __autovenv_sdeps @AUTOVENV_SDEPS@
set -g __autovenv_sdep_at @AUTOVENV_SDEP_AT@
# Where __autovenv_say writes: /dev/stderr, where that is this shell's stderr as a terminal, pipe or
# file that may be opened (not a socket, not someone else's terminal after `su`); else `>&2`.
set -g __autovenv_err /dev/stderr
test -w /dev/stderr -a \( -c /dev/stderr -o -p /dev/stderr -o -f /dev/stderr \); or set -g __autovenv_err ''

# (Command substitutions split their output at newlines: any that carries a path ends in
# `| string collect` or comes from `path`, whose output fish keeps whole, so a directory name holding a
# newline stays one word.)
