# autovenv hook for bash: activates the right Python environment on every prompt after a cd.
# Printed by `autovenv hook bash`; load it with  eval "$(autovenv hook bash)"  in ~/.bashrc.
#
# How it stays cheap: on a prompt where nothing changed it only compares strings and stats a few paths
# (no process). When the directory changes it walks up looking for project markers with `-e` tests,
# reads the cached answer for the nearest candidate directory, and applies it with string operations.
# Only an unknown or changed directory runs `autovenv export bash --hook` (one lean Python process).
#
# Robustness rules followed throughout (each one fixes a real way hooks break users' shells):
# - works under `set -u`, `set -e`, `set -o pipefail`, failglob/nullglob, any IFS: every expansion is
#   quoted, there is no unquoted word splitting or globbing, no arithmetic command that can "fail";
# - `\builtin` for commands users like to alias or wrap (printf, hash, unset, export, source);
# - every name we define starts with __autovenv / AUTOVENV_, except `deactivate` while active;
# - PROMPT_COMMAND as a string or an array (bash 5.1+) is extended, never replaced, and our hook goes
#   last so prompt generators that rebuild PS1 from scratch do not drop the venv prefix;
# - the exit status the user's prompt sees ($?) is preserved.

# Tells `autovenv doctor` which shell (and process) loaded the hook; the first prompt drops ":loaded",
# so a later line in the rc file that replaced PROMPT_COMMAND (and so the hook) shows.
# shellcheck disable=SC2034  # exported (through \builtin, which shellcheck does not follow) for doctor
\builtin export AUTOVENV_HOOK="bash:$$:loaded"
__autovenv_export=(@AUTOVENV_EXPORT@)
__autovenv_cache=@AUTOVENV_CACHE@
__autovenv_markers=(@AUTOVENV_MARKERS@)
__autovenv_deps=(@AUTOVENV_DEPS@)
__autovenv_format=@AUTOVENV_FORMAT@
# The only names AUTOVENV_SAVED may hold (plan.ACTIVATION_VARS), space-delimited. The value is inherited
# from whatever started this shell: a word such as `x[$(cmd)]` in `[[ -v ]]`, `${!name}` or `unset` would
# run cmd, and `PATH` would restore an AUTOVENV_OLD_PATH someone else chose. Other words are skipped.
__autovenv_savable=@AUTOVENV_SAVABLE@
__autovenv_pwd=
__autovenv_c=$'\001'
__autovenv_w=()
# The walk a prompt tests: a short one (3 directories or fewer) in __autovenv_wv, which the prompt's
# loop takes with the answer's watch list; a longer one by its slot's function __autovenv_wt<slot>
# (__autovenv_ws), a call costing what a few loop steps cost.
__autovenv_wv=()
__autovenv_ws=
__autovenv_stamp=
__autovenv_usersig=
__autovenv_quick=
__autovenv_prefix=
__autovenv_applied=
__autovenv_now=
__autovenv_own_deactivate=
__autovenv_broken=
__autovenv_fresh_answer=
# The notes shown last, joined (__autovenv_check).
__autovenv_said=
# Set until this shell's first prompt, which makes the inherited activation true again (__autovenv_first_prompt).
__autovenv_first=1
# The `quiet` of the project this shell activated: leaving it for no project says "deactivated" only if
# neither it nor the user's own setting asks for quiet.
__autovenv_active_quiet=

__autovenv_stamps=@AUTOVENV_STAMPS@/bash-$$
__autovenv_next=
__autovenv_cand=
__autovenv_walked=()
# The marker __autovenv_has_marker last found.
__autovenv_mk=
# Every directory a walk ended in, by its marker: a cd back to a project's root (a switch between two
# projects, a cd out of a subdirectory) tests that one marker and nothing else (__autovenv_walk).
\builtin declare -gA __autovenv_mks
__autovenv_mks=()
# What the walk remembers (see __autovenv_walk): directory -> the generation at which it was last found
# to hold no marker. A generation is one stamp taken; its stamp file is slot (generation % 8), so the
# stamps of the last 8 generations stay as they were taken. __autovenv_gen is __autovenv_next's.
\builtin declare -gA __autovenv_seen
__autovenv_seen=()
__autovenv_gen=0
# And whole walks, for the last 8 directories walked from (__autovenv_recall): $PWD, the generation, the
# candidate directory and the one holding it, in __autovenv_wp, _wg, _wc, _wq; the directories walked in
# the array __autovenv_wl<slot>, and one by one in __autovenv_wl<slot>_<n> for the slot's test.
__autovenv_wp=()
__autovenv_wg=()
__autovenv_wc=()
__autovenv_wq=()
# How many directories each slot's walk passed.
__autovenv_wsize=()
__autovenv_wn=0
# A directory's identity (__autovenv_ident); and, per slot whose walk names its lower half relative to
# $PWD, the identity of where it started, __autovenv_wd<slot>, and the highest of those directories by
# its full name, __autovenv_wu<slot> (__autovenv_record).
__autovenv_idv=
# The answers last read (__autovenv_keep): by directory, the slot; by slot, the directory, the generation,
# the number of the user's signature, the answer's words; its lists in __autovenv_a<slot>_ops, _notes,
# _watch, _pwatch.
\builtin declare -gA __autovenv_aslot
__autovenv_aslot=()
__autovenv_anext=0
__autovenv_usig_n=0
__autovenv_ac=()
__autovenv_ag=()
__autovenv_an=()
__autovenv_akey=()
__autovenv_aroot=()
__autovenv_avenv=()
__autovenv_aprompt=()
__autovenv_amsg=()
__autovenv_aquiet=()

# The quick signature (posix_hook.quicksig) is one word of everything besides the directory whose change
# could alter the answer, the transition or the prompt: VIRTUAL_ENV, AUTOVENV_KEY, AUTOVENV_PAUSED,
# VIRTUAL_ENV_DISABLE_PROMPT, _OLD_VIRTUAL_PATH (a venv's activate ran) and the resolution's environment
# (HOME, PYENV_VERSION, ...). It is compared on every prompt, with no loop and no function call.
__autovenv_hook() {
    # shellcheck disable=SC2319  # after the DEBUG trap's test (AUTOVENV_BASH_ON_CD) bash restores $? itself
    local __autovenv_status=$? __autovenv_p __autovenv_moved='' __autovenv_done=
    if [[ @AUTOVENV_QUICKSIG@ == "$__autovenv_quick" ]]; then
        if [[ ${PWD-} == "$__autovenv_pwd" ]]; then
            # A prompt: only the stamps of what decided the answer can have changed. This runs at every
            # Enter, so the stamp loop is written out here rather than called.
            if [[ -d ${PWD-} ]]; then
                if [[ -n $__autovenv_stamp ]]; then
                    if [[ -z $__autovenv_ws ]] || "__autovenv_wt$__autovenv_ws" "$__autovenv_stamp"; then
                        for __autovenv_p in "${__autovenv_w[@]}"; do
                            if [[ ! $__autovenv_stamp -nt $__autovenv_p ]]; then
                                __autovenv_moved=1
                                break
                            fi
                        done
                    else
                        __autovenv_moved=1
                    fi
                fi
                if [[ -z $__autovenv_moved ]]; then
                    # Redecorate only when a prompt generator rebuilt PS1 or a child shell starts.
                    if [[ -v AUTOVENV_KEY && ( -z $__autovenv_own_deactivate || ${PS1-} != "$__autovenv_prefix"* ) ]]; then
                        __autovenv_decorate
                    fi
                    return "$__autovenv_status"
                fi
            fi
        else
            # A cd: when the nearest candidate directory is the same and nothing its answer watches
            # changed, the answer is the same; the directories walked to it are what is new to watch.
            # (__autovenv_done tells __autovenv_check what is done already: the stamp, the walk.)
            __autovenv_touch
            __autovenv_walk
            __autovenv_done=tw
            if [[ $__autovenv_cand == "$__autovenv_c" ]] && __autovenv_unchanged; then
                __autovenv_stamp=$__autovenv_next
                __autovenv_w=("${__autovenv_wv[@]}" "${__autovenv_e_pwatch[@]}")
                __autovenv_pwd=${PWD-}
                # The same answer applied: redecorate only when a prompt would (a prompt generator rebuilt
                # PS1, or a child shell's first prompt), as zsh's cd does.
                if [[ -v AUTOVENV_KEY && ( -z $__autovenv_own_deactivate || ${PS1-} != "$__autovenv_prefix"* ) ]]; then
                    __autovenv_decorate
                fi
                return "$__autovenv_status"
            fi
        fi
    fi
    __autovenv_check
    __autovenv_decorate
    return "$__autovenv_status"
}

# Take a new stamp (generation __autovenv_gen + 1) in its slot, never the one in use, which stays the
# reference while the new one marks "now"; __autovenv_next is empty when the directory cannot be written.
__autovenv_touch() {
    __autovenv_gen=$((__autovenv_gen + 1))
    __autovenv_next=$__autovenv_stamps-$((__autovenv_gen % 8))
    { : >| "$__autovenv_next"; } 2>/dev/null || __autovenv_next=
}

# True while $PWD is a directory and nothing the answer watches was modified since the stamp (one stat
# pair per path, no process). "The stamp is newer", not "the path is not newer": where file times tick
# coarsely (a few ms on Linux before 6.13), a change made in the stamp's own tick must count as a
# change, and costs at most one more check.
__autovenv_unchanged() {
    [[ -d ${PWD-} ]] || return 1
    [[ -n $__autovenv_stamp ]] || return 0
    local __autovenv_p
    for __autovenv_p in "${__autovenv_e_pwatch[@]}"; do
        if [[ ! $__autovenv_stamp -nt $__autovenv_p ]]; then return 1; fi
    done
    return 0
}

# True when DIR holds a marker (one that exists, or a symbolic link, dangling or not). The marker found
# is kept (__autovenv_mk) for __autovenv_walk to remember.
__autovenv_has_marker() {
    local __autovenv_m
    for __autovenv_m in "${__autovenv_markers[@]}"; do
        if [[ -e $1/$__autovenv_m || -L $1/$__autovenv_m ]]; then
            __autovenv_mk=$__autovenv_m
            return 0
        fi
    done
    return 1
}

# Walk up from $PWD to the nearest directory holding a marker (__autovenv_cand, empty when none);
# __autovenv_walked lists the directories passed on the way, which a new marker could change.
#
# A directory found to hold no marker at generation G is remembered (__autovenv_seen); it still holds
# none while G's stamp is newer than the directory (adding or removing an entry sets its mtime), so
# one stat pair replaces its markers' twelve. A marker test at G comes after G's stamp was taken, so a
# change made during the walk is newer than the stamp. A path is a directory only while the
# directories above it are unchanged too: a symbolic link among them pointed elsewhere (or a directory
# renamed over another) modifies the directory holding it. So each directory up to the candidate's
# parent must be older than the oldest stamp a directory below it was remembered by (free when it was
# remembered by the same or an earlier one); else the walk is made again without what it remembers.
# (Above the candidate's parent, a change of where a path leads is not seen: neither the cached answers
# nor a shell without this memory see it.) Only a searchable directory is remembered: one whose markers
# could not be seen may show some once it can be searched, with no change to its mtime.
__autovenv_walk() {
    # Back in a directory where a walk found a marker (a project's root: a cd out of a subdirectory, or
    # a switch from another project): the walk ends where it starts while that marker is still there.
    # Only $PWD is looked at, as the walk's first step would, and nothing was walked. Which marker does
    # not matter, only that one is there; another one there is found by the walk when that one has gone.
    # Before the recall, whose loop over the slots costs bash more than this test costs a cd to a walk
    # recorded.
    if [[ -n ${PWD-} ]]; then
        __autovenv_mk=${__autovenv_mks[$PWD]-}
        if [[ -n $__autovenv_mk && ( -e $PWD/$__autovenv_mk || -L $PWD/$__autovenv_mk ) ]]; then
            __autovenv_cand=$PWD
            __autovenv_ws=
            __autovenv_wv=()
            return 0
        fi
    fi
    __autovenv_recall && return 0
    local __autovenv_d __autovenv_g __autovenv_min __autovenv_old=$((__autovenv_gen - 8))
    local __autovenv_blind __autovenv_forget=
    # A long-lived shell forgets all at once past 4096 directories (a walk re-tests what it needs).
    if [[ -z $__autovenv_next || ${#__autovenv_seen[@]} -gt 4096 ]]; then __autovenv_seen=(); fi
    if [[ ${#__autovenv_mks[@]} -gt 4096 ]]; then __autovenv_mks=(); fi
    while :; do
        __autovenv_d=${PWD-/} __autovenv_min='' __autovenv_blind='' __autovenv_cand=''
        __autovenv_walked=()
        while :; do
            __autovenv_g=
            [[ -n $__autovenv_forget ]] || __autovenv_g=${__autovenv_seen[$__autovenv_d]-}
            if [[ -n $__autovenv_g && ( $__autovenv_g -le $__autovenv_old || ! $__autovenv_stamps-$((__autovenv_g % 8)) -nt $__autovenv_d ) ]]; then
                __autovenv_g=
            fi
            if [[ -n $__autovenv_min && ( -z $__autovenv_g || $__autovenv_g -gt $__autovenv_min ) ]]; then
                [[ $__autovenv_stamps-$((__autovenv_min % 8)) -nt $__autovenv_d ]] || break
            fi
            if [[ -z $__autovenv_g ]] && __autovenv_has_marker "$__autovenv_d"; then
                __autovenv_cand=$__autovenv_d
                [[ -z $__autovenv_d ]] || __autovenv_mks[$__autovenv_d]=$__autovenv_mk
                __autovenv_d=${__autovenv_d%/*}
                if [[ -n $__autovenv_min && $__autovenv_cand != / ]]; then
                    [[ $__autovenv_stamps-$((__autovenv_min % 8)) -nt ${__autovenv_d:-/} ]] || break
                fi
                # $PWD itself holds the marker: nothing walked, nothing worth recording.
                if [[ ${#__autovenv_walked[@]} -gt 0 ]]; then
                    __autovenv_record
                else
                    __autovenv_ws=
                    __autovenv_wv=()
                fi
                return 0
            fi
            if [[ -n $__autovenv_g ]]; then
                [[ -n $__autovenv_min && $__autovenv_min -le $__autovenv_g ]] || __autovenv_min=$__autovenv_g
            elif [[ ! ( -d $__autovenv_d && -x $__autovenv_d ) ]]; then
                __autovenv_blind=1
                __autovenv_g=-
            fi
            if [[ -n $__autovenv_next && $__autovenv_g != - ]]; then __autovenv_seen[$__autovenv_d]=$__autovenv_gen; fi
            __autovenv_walked+=("$__autovenv_d")
            if [[ $__autovenv_d == / || -z $__autovenv_d ]]; then
                __autovenv_record
                return 0
            fi
            __autovenv_d=${__autovenv_d%/*}
            [[ -n $__autovenv_d ]] || __autovenv_d=/
        done
        # A directory above changed since something below it was remembered: again, testing all.
        __autovenv_forget=1
    done
}

# The walk from $PWD as a whole, when it was recorded by one of the last 8 generations and none of its
# directories, nor the candidate directory and the one holding it, was modified since that stamp:
# nothing in them changed, so neither did the answer of the walk (nor where a symbolic link among them
# points: that modifies the link's directory, also among them). One stat pair per directory, no string
# work.
__autovenv_recall() {
    [[ -n $__autovenv_next ]] || return 1
    local __autovenv_i=0 __autovenv_s
    while [[ ${__autovenv_wp[__autovenv_i]-} != "${PWD-}" ]]; do
        __autovenv_i=$((__autovenv_i + 1))
        [[ $__autovenv_i -lt ${#__autovenv_wp[@]} ]] || return 1
    done
    [[ ${__autovenv_wg[__autovenv_i]} -gt $((__autovenv_gen - 8)) ]] || return 1
    __autovenv_s=$__autovenv_stamps-$((__autovenv_wg[__autovenv_i] % 8))
    "__autovenv_wt$__autovenv_i" "$__autovenv_s" || return 1
    if [[ -n ${__autovenv_wc[__autovenv_i]} && ${__autovenv_wc[__autovenv_i]} != / ]]; then
        [[ $__autovenv_s -nt ${__autovenv_wc[__autovenv_i]} && $__autovenv_s -nt ${__autovenv_wq[__autovenv_i]} ]] || return 1
    fi
    __autovenv_cand=${__autovenv_wc[__autovenv_i]}
    __autovenv_wg[__autovenv_i]=$__autovenv_gen
    __autovenv_ws=$__autovenv_i
    __autovenv_wv=()
    if [[ ${__autovenv_wsize[__autovenv_i]} -le 3 ]]; then
        __autovenv_s="__autovenv_wl${__autovenv_i}[@]"
        __autovenv_wv=("${!__autovenv_s}")
        __autovenv_ws=
    fi
    return 0
}

# Record the walk just made from $PWD, in its slot or the next one round: what the prompt tests (the
# slot's function __autovenv_wt<slot>), and what __autovenv_recall may use again unless a directory's
# markers could not be seen (__autovenv_blind) or there are no stamps.
__autovenv_record() {
    local __autovenv_i=0
    while [[ $__autovenv_i -lt ${#__autovenv_wp[@]} && ${__autovenv_wp[__autovenv_i]} != "${PWD-}" ]]; do
        __autovenv_i=$((__autovenv_i + 1))
    done
    if [[ $__autovenv_i -ge 8 ]]; then
        __autovenv_i=$__autovenv_wn
        __autovenv_wn=$(((__autovenv_wn + 1) % 8))
    fi
    __autovenv_wp[__autovenv_i]=${PWD-}
    __autovenv_wg[__autovenv_i]=$__autovenv_gen
    [[ -n $__autovenv_next && -z $__autovenv_blind ]] || __autovenv_wg[__autovenv_i]=-99
    __autovenv_wc[__autovenv_i]=$__autovenv_cand
    __autovenv_wq[__autovenv_i]=${__autovenv_cand%/*}
    [[ -n ${__autovenv_wq[__autovenv_i]} ]] || __autovenv_wq[__autovenv_i]=/
    local __autovenv_j=${__autovenv_wsize[__autovenv_i]:-0}
    __autovenv_wsize[__autovenv_i]=${#__autovenv_walked[@]}
    __autovenv_ws=$__autovenv_i
    __autovenv_wv=()
    if [[ ${#__autovenv_walked[@]} -le 3 ]]; then
        __autovenv_wv=("${__autovenv_walked[@]}")
        __autovenv_ws=
    fi
    local -n __autovenv_l=__autovenv_wl$__autovenv_i
    __autovenv_l=("${__autovenv_walked[@]}")
    # Its test as one function of the stamp: `[[ $1 -nt DIR && ... ]]`, no loop (a loop step costs bash
    # as much as the test). The directories are referenced, not written into the code: each in a variable
    # of its own, __autovenv_wl<slot>_<n>, which bash expands with a quarter fewer instructions than an
    # array element (no subscript to evaluate). (The candidate directory and the one holding it are
    # __autovenv_recall's: a prompt's are in the answer's watch list.) Those of a longer walk recorded in
    # the slot before go.
    while [[ $__autovenv_j -gt ${#__autovenv_walked[@]} ]]; do
        __autovenv_j=$((__autovenv_j - 1))
        \builtin unset -v "__autovenv_wl${__autovenv_i}_$__autovenv_j"
    done
    local __autovenv_t="__autovenv_wt$__autovenv_i() { [[ -n \$1" __autovenv_k=0 __autovenv_up=. __autovenv_s
    # A walk of 32 directories or more from a $PWD that leads where the shell stands names its lower half
    # relative to it (`.`, `..`, `../..`, ...), as zsh's does: half the path components for the kernel to
    # resolve, and a third of the bytes for bash to expand. bash has no zstat: the directory the shell
    # stands in is told by the mount and inode /proc/self/fdinfo shows for a descriptor opened on `.`
    # (__autovenv_ident; not on systems without it). The test first asks that the shell stands in the
    # very directory the walk started from (a cd back through a link swapped in meanwhile, near the
    # project's root, stands elsewhere): what fdinfo showed then, __autovenv_wd<slot>, it shows now. And
    # that the highest directory named relative is, by -ef, the one its full name gives (a mount moved
    # with the shell inside, a tree reborn with the same inodes: `..` climbs another tree there). From
    # there `..` climbs the directories walked, none of them a link when the walk was recorded, as long
    # as none was moved, which modifies the one it went to. (The guard costs what some 25 directories'
    # full names cost more than relative ones.)
    if [[ ${#__autovenv_walked[@]} -ge 32 && ${PWD-} == /* && . -ef ${PWD-} ]] && __autovenv_ident .; then
        __autovenv_s=${PWD//[!\/]/}
        __autovenv_k=$(((${#__autovenv_s} + 1) / 2))
        [[ $__autovenv_k -le ${#__autovenv_walked[@]} ]] || __autovenv_k=${#__autovenv_walked[@]}
        __autovenv_j=0
        while [[ $__autovenv_j -lt $((__autovenv_k - 1)) ]]; do
            if [[ -L ${__autovenv_walked[__autovenv_j]} ]]; then
                __autovenv_k=0
                break
            fi
            if [[ $__autovenv_up == . ]]; then __autovenv_up=..; else __autovenv_up+=/..; fi
            __autovenv_j=$((__autovenv_j + 1))
        done
        if [[ $__autovenv_k -gt 0 && $__autovenv_up -ef ${__autovenv_walked[__autovenv_k - 1]} ]]; then
            \builtin printf -v "__autovenv_wu$__autovenv_i" %s "${__autovenv_walked[__autovenv_k - 1]}"
            \builtin printf -v "__autovenv_wd$__autovenv_i" %s "$__autovenv_idv"
            __autovenv_t="__autovenv_wt$__autovenv_i() { __autovenv_idv=; { IFS= \builtin read -r -d '' __autovenv_idv </proc/self/fdinfo/9; } 2>/dev/null 9<.; [[ \$__autovenv_idv == \"\$__autovenv_wd$__autovenv_i\" && \$__autovenv_wl${__autovenv_i}_$((__autovenv_k - 1)) -ef \$__autovenv_wu$__autovenv_i && -n \$1"
        else
            __autovenv_k=0
        fi
    fi
    [[ $__autovenv_k -gt 0 ]] || \builtin unset -v "__autovenv_wu$__autovenv_i" "__autovenv_wd$__autovenv_i"
    __autovenv_j=0
    __autovenv_up=.
    while [[ $__autovenv_j -lt ${#__autovenv_walked[@]} ]]; do
        if [[ $__autovenv_j -lt $__autovenv_k ]]; then
            \builtin printf -v "__autovenv_wl${__autovenv_i}_$__autovenv_j" %s "$__autovenv_up"
            if [[ $__autovenv_up == . ]]; then __autovenv_up=..; else __autovenv_up+=/..; fi
        else
            \builtin printf -v "__autovenv_wl${__autovenv_i}_$__autovenv_j" %s "${__autovenv_walked[__autovenv_j]}"
        fi
        __autovenv_t+=" && \$1 -nt \$__autovenv_wl${__autovenv_i}_$__autovenv_j"
        __autovenv_j=$((__autovenv_j + 1))
    done
    \builtin eval "$__autovenv_t ]]; }"
}

# What /proc/self/fdinfo shows for a descriptor opened on directory DIR (9, the user's own 9 put back
# afterwards), in __autovenv_idv: true when it names the mount and the inode, which a later read of the
# same text proves the same directory (the walk's test reads it inline, and compares the whole text).
__autovenv_ident() {
    __autovenv_idv=
    { IFS= \builtin read -r -d '' __autovenv_idv </proc/self/fdinfo/9; } 2>/dev/null 9<"$1"
    [[ $__autovenv_idv == *$'\n'mnt_id:$'\t'[0-9]*$'\n'ino:$'\t'[0-9]* ]]
}

# The resolution signature of the user's environment (our own PYENV_VERSION etc. do not count).
__autovenv_sig() {
    local __autovenv_n __autovenv_o __autovenv_s=
    # A new signature: the answers __autovenv_keep remembered were for the one before.
    __autovenv_usig_n=$((__autovenv_usig_n + 1))
    if @AUTOVENV_NONE_OURS@; then
        # No dependency holds a value of ours: the environment as it is, in one word.
        __autovenv_usersig=@AUTOVENV_USERSIG@
        return 0
    fi
    for __autovenv_n in "${__autovenv_deps[@]}"; do
        __autovenv_o=$__autovenv_n
        if [[ " ${AUTOVENV_SAVED-} " == *" $__autovenv_n "* ]] && ! __autovenv_theirs "$__autovenv_n"; then
            __autovenv_o=AUTOVENV_OLD_$__autovenv_n
        fi
        if [[ -v $__autovenv_o ]]; then
            __autovenv_s+="$__autovenv_n=${!__autovenv_o}"$'\037'
        else
            __autovenv_s+="$__autovenv_n!"$'\037'
        fi
    done
    __autovenv_usersig=$__autovenv_s
}

__autovenv_check() {
    local __autovenv_m __autovenv_n
    [[ ${__autovenv_done-} == t* ]] || __autovenv_touch
    __autovenv_stamp=$__autovenv_next
    # A cd that found the quick signature unchanged (tw) left every dependency as the check that set
    # it found them: the user's signature that check took holds.
    if [[ ${__autovenv_done-} != tw ]]; then
        __autovenv_walk
        __autovenv_sig
    fi
    __autovenv_fresh_answer=
    if [[ -z $__autovenv_cand ]]; then
        __autovenv_clear_answer
    elif ! __autovenv_load "$__autovenv_cand"; then
        if ! __autovenv_cold; then
            # No answer now; what came in with the environment is still put right at a first prompt.
            if [[ -n $__autovenv_first ]]; then __autovenv_first_prompt; fi
            return 0
        fi
    fi
    # Notes show when entering, and with a fresh answer (something it watched has changed) unless they
    # are the ones shown last: a change seen by two checks (a cd and the prompt after it, within one tick
    # of the clock) says its line once. After the line saying what changed, so what is active comes first.
    __autovenv_n=
    for __autovenv_m in "${__autovenv_e_notes[@]}"; do __autovenv_n+=$__autovenv_m$'\037'; done
    __autovenv_m=
    if [[ $__autovenv_cand != "$__autovenv_c" ]] || [[ -n $__autovenv_fresh_answer && $__autovenv_n != "$__autovenv_said" ]]; then
        __autovenv_m=1
    fi
    __autovenv_said=$__autovenv_n
    __autovenv_c=$__autovenv_cand
    __autovenv_pwd=${PWD-}
    __autovenv_w=("${__autovenv_wv[@]}" "${__autovenv_e_pwatch[@]}")
    __autovenv_transition
    if [[ -n $__autovenv_m ]]; then
        for __autovenv_m in "${__autovenv_e_notes[@]}"; do
            \builtin printf 'autovenv: %s\n' "$__autovenv_m" >&2
        done
    fi
    if [[ -n $__autovenv_first ]]; then __autovenv_first_prompt; fi
    __autovenv_quick=@AUTOVENV_QUICKSIG@
}

# The first prompt of a new shell (a child, `exec bash`, `bash -l`, a tmux window). The activation came
# in with the environment, but the rc files ran after it was made: `eval "$(pyenv init -)"`, a Homebrew
# line or fish_add_path put their directories in front of ours, a login shell's /etc/profile set PATH
# afresh. Our entries go back in front, once each, so that `python` is the one the prompt names.
__autovenv_first_prompt() {
    __autovenv_first=
    \builtin export AUTOVENV_HOOK="bash:$$"
    __autovenv_stay_last
    if [[ ${AUTOVENV_BASH_ON_CD-} == 1 ]]; then __autovenv_install_on_cd; fi
    [[ -v AUTOVENV_KEY && -n ${AUTOVENV_PATH_ADD-} ]] || return 0
    if [[ -v VIRTUAL_ENV && $VIRTUAL_ENV != "${AUTOVENV_VENV-}" ]]; then return 0; fi
    local __autovenv_rest=$AUTOVENV_PATH_ADD __autovenv_e __autovenv_p=":${PATH-}:"
    while [[ -n $__autovenv_rest ]]; do
        __autovenv_e=${__autovenv_rest%%:*}
        while [[ $__autovenv_p == *":$__autovenv_e:"* ]]; do
            __autovenv_p=${__autovenv_p//":$__autovenv_e:"/:}
        done
        if [[ $__autovenv_rest == *:* ]]; then __autovenv_rest=${__autovenv_rest#*:}; else __autovenv_rest=; fi
    done
    __autovenv_p=${__autovenv_p#:}
    __autovenv_p=$AUTOVENV_PATH_ADD${__autovenv_p:+:${__autovenv_p%:}}
    if [[ $__autovenv_p != "${PATH-}" ]]; then
        PATH=$__autovenv_p
        \builtin hash -r 2>/dev/null || :
    fi
    return 0
}

__autovenv_clear_answer() {
    __autovenv_e_v=$__autovenv_format __autovenv_e_key='' __autovenv_e_root='' __autovenv_e_venv=''
    __autovenv_e_prompt='' __autovenv_e_msg=
    # No project here: the user's own `quiet` decides whether leaving one says "deactivated".
    __autovenv_e_quiet=@AUTOVENV_QUIET@ __autovenv_e_sig=$__autovenv_usersig
    __autovenv_e_ops=()
    __autovenv_e_notes=()
    __autovenv_e_watch=()
    __autovenv_e_pwatch=()
}

# Read the cached answer for a candidate directory; fails unless it is ours, current and unchanged.
# Unchanged: the entry is strictly newer than every path it watches, as "the stamp is newer" below. Its
# time is the file clock's tick when Python began (cache.entry_stamp), so a path modified in that tick,
# even while Python was reading it, is not older than the entry and asks again (once: the next answer
# is stamped in a later tick). A watched path that is gone, or a dangling link, is a change.
__autovenv_load() {
    local __autovenv_k=${1%/}
    # cache.entry_path: the directory as it is, a component led by % with one more.
    local __autovenv_f=$__autovenv_cache/bash${__autovenv_k//\/%/\/%%}/% __autovenv_p __autovenv_i __autovenv_s
    [[ -f $__autovenv_f && -O $__autovenv_f ]] || return 1
    # An answer this shell read for the directory (__autovenv_keep) holds while nothing it watches was
    # modified since the stamp of the generation that read (or last found) it, as the entry did then,
    # and the user's signature is the same (every new one is a new __autovenv_usig_n): reading and
    # parsing the entry again costs bash several times what the tests cost.
    __autovenv_i=${__autovenv_aslot[$__autovenv_k/]-}
    if [[ -n $__autovenv_i && -n $__autovenv_next && ${__autovenv_ac[__autovenv_i]} == "$__autovenv_k/" && ${__autovenv_an[__autovenv_i]} == "$__autovenv_usig_n" && ${__autovenv_ag[__autovenv_i]} -gt $((__autovenv_gen - 8)) ]]; then
        __autovenv_s=$__autovenv_stamps-$((__autovenv_ag[__autovenv_i] % 8))
        __autovenv_p="__autovenv_a${__autovenv_i}_watch[@]"
        __autovenv_e_watch=("${!__autovenv_p}")
        for __autovenv_p in "${__autovenv_e_watch[@]}"; do
            [[ -e $__autovenv_p && $__autovenv_s -nt $__autovenv_p ]] || break
            __autovenv_p=
        done
        if [[ -z $__autovenv_p ]]; then
            __autovenv_ag[__autovenv_i]=$__autovenv_gen
            __autovenv_e_v=$__autovenv_format __autovenv_e_sig=$__autovenv_usersig
            __autovenv_e_key=${__autovenv_akey[__autovenv_i]} __autovenv_e_root=${__autovenv_aroot[__autovenv_i]}
            __autovenv_e_venv=${__autovenv_avenv[__autovenv_i]} __autovenv_e_prompt=${__autovenv_aprompt[__autovenv_i]}
            __autovenv_e_msg=${__autovenv_amsg[__autovenv_i]} __autovenv_e_quiet=${__autovenv_aquiet[__autovenv_i]}
            __autovenv_p="__autovenv_a${__autovenv_i}_ops[@]"
            __autovenv_e_ops=("${!__autovenv_p}")
            __autovenv_p="__autovenv_a${__autovenv_i}_notes[@]"
            __autovenv_e_notes=("${!__autovenv_p}")
            __autovenv_p="__autovenv_a${__autovenv_i}_pwatch[@]"
            __autovenv_e_pwatch=("${!__autovenv_p}")
            return 0
        fi
    fi
    __autovenv_e_v=
    __autovenv_e_pwatch=()
    __autovenv_e_ops=()
    \builtin source "$__autovenv_f" 2>/dev/null || return 1
    [[ $__autovenv_e_v == "$__autovenv_format" && $__autovenv_e_sig == "$__autovenv_usersig" ]] || return 1
    for __autovenv_p in "${__autovenv_e_watch[@]}"; do
        [[ -e $__autovenv_p && $__autovenv_f -nt $__autovenv_p ]] || return 1
    done
    [[ -z $__autovenv_next ]] || __autovenv_keep "$__autovenv_k/"
    return 0
}

# Remember the answer just read for directory KEY (its name with a slash), in its slot or the next one
# round of 8, with the generation of the stamp taken before it was read and the user's signature's
# number (__autovenv_load).
__autovenv_keep() {
    local __autovenv_i=${__autovenv_aslot[$1]-}
    if [[ -z $__autovenv_i || ${__autovenv_ac[__autovenv_i]} != "$1" ]]; then
        __autovenv_i=$__autovenv_anext
        __autovenv_anext=$(((__autovenv_anext + 1) % 8))
        [[ ${#__autovenv_aslot[@]} -le 4096 ]] || __autovenv_aslot=()
        __autovenv_aslot[$1]=$__autovenv_i
    fi
    __autovenv_ac[__autovenv_i]=$1 __autovenv_ag[__autovenv_i]=$__autovenv_gen __autovenv_an[__autovenv_i]=$__autovenv_usig_n
    __autovenv_akey[__autovenv_i]=$__autovenv_e_key __autovenv_aroot[__autovenv_i]=$__autovenv_e_root
    __autovenv_avenv[__autovenv_i]=$__autovenv_e_venv __autovenv_aprompt[__autovenv_i]=$__autovenv_e_prompt
    __autovenv_amsg[__autovenv_i]=$__autovenv_e_msg __autovenv_aquiet[__autovenv_i]=$__autovenv_e_quiet
    local -n __autovenv_kops=__autovenv_a${__autovenv_i}_ops __autovenv_knotes=__autovenv_a${__autovenv_i}_notes
    local -n __autovenv_kwatch=__autovenv_a${__autovenv_i}_watch __autovenv_kpwatch=__autovenv_a${__autovenv_i}_pwatch
    __autovenv_kops=("${__autovenv_e_ops[@]}")
    __autovenv_knotes=("${__autovenv_e_notes[@]}")
    __autovenv_kwatch=("${__autovenv_e_watch[@]}")
    __autovenv_kpwatch=("${__autovenv_e_pwatch[@]}")
}

# Ask Python (once per new or changed directory); it also refreshes the cache entry.
__autovenv_cold() {
    local __autovenv_out __autovenv_rc=0
    if [[ -x ${__autovenv_export[0]} ]]; then
        __autovenv_out=$("${__autovenv_export[@]}" export bash --hook) || __autovenv_rc=$?
    else
        # Uninstalled (or its Python removed) under an open shell: our line, not bash's "No such file".
        __autovenv_rc=127
    fi
    if [[ ${__autovenv_rc-0} != 0 ]]; then
        # 1 and 2: export already said what went wrong, in one line; anything else: it could not start.
        if [[ -z $__autovenv_broken && $__autovenv_rc != [12] ]]; then
            \builtin printf 'autovenv: the hook could not run %s (is autovenv still installed?); environments are left as they are\n' \
                "${__autovenv_export[0]}" >&2
            __autovenv_broken=1
        fi
        # Retry when something here changes, not at every prompt. (Nothing the quick signature reads
        # has changed since the hook began: walking, stamping and reading answers set none of it.)
        __autovenv_quick=@AUTOVENV_QUICKSIG@
        __autovenv_pwd=${PWD-}
        __autovenv_w=("${__autovenv_wv[@]}" "$__autovenv_cand")
        return 1
    fi
    __autovenv_broken=
    __autovenv_e_v=
    __autovenv_fresh_answer=1
    eval "$__autovenv_out"
    [[ $__autovenv_e_v == "$__autovenv_format" ]] || __autovenv_clear_answer
    return 0
}

# Bring the environment to the answer in __autovenv_e_*, by DESIGN §4's rules (mirrors plan.py).
__autovenv_transition() {
    # __autovenv_known_intact: set by __autovenv_disturbed when nothing we set was disturbed, for the
    # __autovenv_unapply that may follow (nothing between them changes what it looked at).
    local __autovenv_key=$__autovenv_e_key __autovenv_msg='' __autovenv_known_intact=''
    if [[ -v VIRTUAL_ENV && $VIRTUAL_ENV != "${AUTOVENV_VENV-}" ]]; then
        # A venv activated by hand wins; touch nothing until it is deactivated.
        return 0
    fi
    if [[ -v AUTOVENV_KEY ]] && __autovenv_taken_over; then
        # The venv's own activate ran over our activation of the same venv (`source .venv/bin/activate`
        # out of habit): it is a venv activated by hand now. Hand it over and touch nothing more.
        __autovenv_handover
        return 0
    fi
    if [[ -v AUTOVENV_KEY ]] && __autovenv_disturbed; then
        # Something we set was changed behind our back: a hand-activated venv's deactivate unset
        # VIRTUAL_ENV (and restored a PATH snapshot holding our entry), the user ran `pyenv shell` or
        # set PYTHONHOME. Tidy up, keeping their values, then decide afresh: what is active afterwards
        # is said as usual ("deactivated" when nothing is).
        __autovenv_unapply
        __autovenv_msg=deactivated
    fi
    if [[ -v AUTOVENV_PAUSED ]]; then
        if [[ -z $__autovenv_key || $__autovenv_e_root != "$AUTOVENV_PAUSED" ]]; then
            \builtin unset -v AUTOVENV_PAUSED
        else
            __autovenv_key=
        fi
    fi
    if [[ ${AUTOVENV_KEY-} != "$__autovenv_key" ]]; then
        if [[ -v AUTOVENV_KEY ]]; then
            __autovenv_unapply
            __autovenv_msg=deactivated
        fi
        if [[ -n $__autovenv_key ]]; then
            __autovenv_apply
            __autovenv_msg=$__autovenv_e_msg
        fi
    fi
    if [[ -n $__autovenv_msg ]]; then
        # Said unless the answer asks for quiet (the project's `quiet`, else the user's); leaving a
        # quiet project for none is quiet too.
        if [[ -z $__autovenv_e_quiet && ( -n $__autovenv_key || -z $__autovenv_active_quiet ) ]]; then
            \builtin printf 'autovenv: %s\n' "$__autovenv_msg" >&2
        fi
    fi
    __autovenv_active_quiet=
    [[ -v AUTOVENV_KEY ]] && __autovenv_active_quiet=$__autovenv_e_quiet
    return 0
}

# True when NAME no longer holds what our activation set it to (AUTOVENV_SET_<NAME>; absent when we
# unset it): the user changed it since, so it is theirs now.
__autovenv_theirs() {
    local __autovenv_set=AUTOVENV_SET_$1
    if [[ -v $__autovenv_set ]]; then
        [[ ! -v $1 || ${!1} != "${!__autovenv_set}" ]]
    else
        [[ -v $1 ]]
    fi
}

# What our activation set, in one word (every name an activation may set, and our state): taken right
# after applying, so that a later look finds "nothing was disturbed" without a loop. Child shells have
# no snapshot and look one by one.
__autovenv_snapshot() {
    __autovenv_now=@AUTOVENV_SNAPSHOT@
}

# True when any variable we set was changed behind our back.
__autovenv_disturbed() {
    local __autovenv_rest="${AUTOVENV_SAVED-} " __autovenv_n=
    __autovenv_snapshot
    # Unchanged since this shell applied it: nothing to look at one by one.
    if [[ -n $__autovenv_applied && $__autovenv_now == "$__autovenv_applied" ]]; then
        __autovenv_known_intact=1
        return 1
    fi
    while [[ $__autovenv_rest == *" "* ]]; do
        __autovenv_n=${__autovenv_rest%% *}
        __autovenv_rest=${__autovenv_rest#* }
        [[ $__autovenv_savable == *" $__autovenv_n "* ]] || continue
        if __autovenv_theirs "$__autovenv_n"; then return 0; fi
    done
    return 1
}

# True when a venv's activate script ran after we activated: it saved PATH, with our entries in it, in
# _OLD_VIRTUAL_PATH (a leftover from before our activation holds no entry of ours).
__autovenv_taken_over() {
    [[ -v _OLD_VIRTUAL_PATH && -n ${AUTOVENV_PATH_ADD-} && ":$_OLD_VIRTUAL_PATH:" == *":${AUTOVENV_PATH_ADD%%:*}:"* ]]
}

# Drop our part of an activation the venv's own activate took over, so that its `deactivate` restores
# exactly what the user had before we activated: our PATH entries leave PATH and the activate's saved
# copy of it, our prompt prefix leaves PS1 and its saved copy, a PYTHONHOME we had set aside is handed to
# the activate's own slot for it, and the values we set are the user's now. Their `deactivate` stays.
__autovenv_handover() {
    local __autovenv_rest=${AUTOVENV_PATH_ADD-} __autovenv_e __autovenv_n __autovenv_p
    while [[ -n $__autovenv_rest ]]; do
        __autovenv_e=${__autovenv_rest%%:*}
        __autovenv_remove_path_entry "$__autovenv_e"
        __autovenv_p=":$_OLD_VIRTUAL_PATH:"
        if [[ $__autovenv_p == *":$__autovenv_e:"* ]]; then
            __autovenv_p=${__autovenv_p/":$__autovenv_e:"/:}
            __autovenv_p=${__autovenv_p#:}
            _OLD_VIRTUAL_PATH=${__autovenv_p%:}
        fi
        if [[ $__autovenv_rest == *:* ]]; then __autovenv_rest=${__autovenv_rest#*:}; else __autovenv_rest=; fi
    done
    if [[ -v AUTOVENV_OLD_PYTHONHOME && -z ${_OLD_VIRTUAL_PYTHONHOME-} ]]; then
        _OLD_VIRTUAL_PYTHONHOME=$AUTOVENV_OLD_PYTHONHOME
    fi
    __autovenv_rest="${AUTOVENV_SAVED-} "
    while [[ $__autovenv_rest == *" "* ]]; do
        __autovenv_n=${__autovenv_rest%% *}
        __autovenv_rest=${__autovenv_rest#* }
        [[ $__autovenv_savable == *" $__autovenv_n "* ]] || continue
        \builtin unset -v "AUTOVENV_OLD_$__autovenv_n" "AUTOVENV_SET_$__autovenv_n"
    done
    \builtin unset -v AUTOVENV_KEY AUTOVENV_ROOT AUTOVENV_VENV AUTOVENV_PATH_ADD AUTOVENV_SAVED AUTOVENV_PROMPT
    if [[ -n $__autovenv_prefix ]]; then
        PS1=${PS1/"$__autovenv_prefix"/}
        if [[ -v _OLD_VIRTUAL_PS1 ]]; then _OLD_VIRTUAL_PS1=${_OLD_VIRTUAL_PS1#"$__autovenv_prefix"}; fi
    fi
    __autovenv_prefix=
    __autovenv_own_deactivate=
    __autovenv_applied=
}

__autovenv_remove_path_entry() {
    local __autovenv_p=":${PATH-}:"
    if [[ $__autovenv_p == *":$1:"* ]]; then
        __autovenv_p=${__autovenv_p/":$1:"/:}
        __autovenv_p=${__autovenv_p#:}
        PATH=${__autovenv_p%:}
    fi
}

__autovenv_unapply() {
    local __autovenv_rest=${AUTOVENV_PATH_ADD-} __autovenv_n __autovenv_o __autovenv_intact=
    if [[ -n ${__autovenv_known_intact-} ]]; then
        # The transition's __autovenv_disturbed found it so a moment ago.
        __autovenv_intact=1 __autovenv_known_intact=
    else
        __autovenv_snapshot
        [[ -z $__autovenv_applied || $__autovenv_now != "$__autovenv_applied" ]] || __autovenv_intact=1
    fi
    if [[ -n $__autovenv_rest && -v PATH ]]; then
        if [[ $__autovenv_rest != :* && $__autovenv_rest != *: && $__autovenv_rest != *::* && ( $PATH == "$__autovenv_rest" || $PATH == "$__autovenv_rest":* ) ]]; then
            # Our entries still lead PATH, as __autovenv_apply put them (none empty): taking each one's
            # first occurrence out, as below, takes them off the front. One prefix removal, no search.
            PATH=${PATH#"$__autovenv_rest"}
            PATH=${PATH#:}
        else
            while [[ -n $__autovenv_rest ]]; do
                __autovenv_remove_path_entry "${__autovenv_rest%%:*}"
                if [[ $__autovenv_rest == *:* ]]; then __autovenv_rest=${__autovenv_rest#*:}; else __autovenv_rest=; fi
            done
        fi
    fi
    __autovenv_rest="${AUTOVENV_SAVED-} "
    while [[ $__autovenv_rest == *" "* ]]; do
        __autovenv_n=${__autovenv_rest%% *}
        __autovenv_rest=${__autovenv_rest#* }
        # Intact, AUTOVENV_SAVED is the list __autovenv_apply wrote, of savable names only (or empty).
        [[ -n $__autovenv_n && ( -n $__autovenv_intact || $__autovenv_savable == *" $__autovenv_n "* ) ]] || continue
        __autovenv_o=AUTOVENV_OLD_$__autovenv_n
        if [[ -z $__autovenv_intact ]] && __autovenv_theirs "$__autovenv_n"; then
            \builtin unset -v "$__autovenv_o" "AUTOVENV_SET_$__autovenv_n"
        elif [[ -v $__autovenv_o ]]; then
            \builtin export "$__autovenv_n=${!__autovenv_o}"
            \builtin unset -v "$__autovenv_o" "AUTOVENV_SET_$__autovenv_n"
        else
            \builtin unset -v "$__autovenv_n" "AUTOVENV_SET_$__autovenv_n"
        fi
    done
    \builtin unset -v AUTOVENV_KEY AUTOVENV_ROOT AUTOVENV_VENV AUTOVENV_PATH_ADD AUTOVENV_SAVED AUTOVENV_PROMPT
    if [[ -n $__autovenv_prefix && ${PS1-} == "$__autovenv_prefix"* ]]; then
        PS1=${PS1#"$__autovenv_prefix"}
    fi
    __autovenv_prefix=
    if [[ -n $__autovenv_own_deactivate ]]; then
        \builtin unset -f deactivate
        __autovenv_own_deactivate=
    fi
    \builtin hash -r 2>/dev/null || :
    __autovenv_applied=
}

# Apply the answer's operations (answer.Answer.operations, three words each: verb, name, value) with
# one generic loop: save what a variable held (absent stays absent), set or unset it, record what we
# set; the entries of every `prepend PATH` go first on PATH, in order. What activation sets is decided
# in Python alone; a name outside __autovenv_savable, a second operation on a name and an unknown verb
# are skipped.
__autovenv_apply() {
    local __autovenv_saved="" __autovenv_add=""
    # The operations as the function's positional parameters: $1 verb, $2 name, $3 value, then shift.
    set -- "${__autovenv_e_ops[@]}"
    while [[ $# -ge 3 ]]; do
        case $1 in
            prepend)
                if [[ $2 == PATH ]]; then __autovenv_add+=${__autovenv_add:+:}$3; fi
                ;;
            set | unset)
                # Only a name an activation may save (plan.ACTIVATION_VARS, matched exactly), once.
                case $2 in
                    @AUTOVENV_SAVABLE_CASE@)
                        if [[ " $__autovenv_saved " != *" $2 "* ]]; then
                            if [[ -v $2 ]]; then \builtin export "AUTOVENV_OLD_$2=${!2}"; fi
                            if [[ $1 == set ]]; then
                                \builtin export "$2=$3" "AUTOVENV_SET_$2=$3"
                            else
                                \builtin unset -v "$2"
                            fi
                            __autovenv_saved+=${__autovenv_saved:+ }$2
                        fi
                        ;;
                esac
                ;;
        esac
        shift 3
    done
    \builtin export AUTOVENV_SAVED="$__autovenv_saved"
    if [[ -n $__autovenv_add ]]; then
        \builtin export PATH="$__autovenv_add${PATH:+:$PATH}" AUTOVENV_PATH_ADD="$__autovenv_add"
    fi
    if [[ -n $__autovenv_e_venv ]]; then \builtin export AUTOVENV_VENV="$__autovenv_e_venv"; fi
    \builtin export AUTOVENV_KEY="$__autovenv_e_key" AUTOVENV_ROOT="$__autovenv_e_root"
    if [[ -n $__autovenv_e_prompt ]]; then \builtin export AUTOVENV_PROMPT="$__autovenv_e_prompt"; fi
    \builtin hash -r 2>/dev/null || :
    __autovenv_snapshot
    __autovenv_applied=$__autovenv_now
}

# Shell-local parts of an activation (prompt prefix, deactivate) that child shells must redo.
__autovenv_decorate() {
    [[ -v AUTOVENV_KEY ]] || return 0
    if [[ -v VIRTUAL_ENV && $VIRTUAL_ENV != "${AUTOVENV_VENV-}" ]]; then return 0; fi
    if [[ -z $__autovenv_own_deactivate ]]; then
        # shellcheck disable=SC2317  # called by the user, at the prompt
        deactivate() { __autovenv_deactivate "$@"; }
        __autovenv_own_deactivate=1
    fi
    # An inherited AUTOVENV_PROMPT holding control characters (an ESC sequence) is not shown.
    if [[ -n ${AUTOVENV_PROMPT-} && -z ${VIRTUAL_ENV_DISABLE_PROMPT-} && $AUTOVENV_PROMPT != *[[:cntrl:]]* ]]; then
        # The prefix enters PS1 as a reference, never as text: with promptvars (the default) bash runs
        # $(...) and backticks found in PS1 at every prompt, and a venv's or a checkout's name is data.
        # A value is not expanded again, nor are \u-style escapes in it. Without promptvars nothing
        # expands, and only backslashes need doubling.
        __autovenv_ptext=$AUTOVENV_PROMPT
        if \builtin shopt -q promptvars; then
            # shellcheck disable=SC2016  # the reference itself, expanded by bash when it draws PS1
            __autovenv_pref='${__autovenv_ptext}'
        else
            __autovenv_pref=${AUTOVENV_PROMPT//\\/\\\\}
        fi
        if [[ -n $__autovenv_prefix && $__autovenv_prefix != "$__autovenv_pref" && ${PS1-} == "$__autovenv_prefix"* ]]; then
            PS1=${PS1#"$__autovenv_prefix"}
        fi
        [[ ${PS1-} == "$__autovenv_pref"* ]] || PS1="$__autovenv_pref${PS1-}"
        __autovenv_prefix=$__autovenv_pref
    elif [[ -n $__autovenv_prefix ]]; then
        # VIRTUAL_ENV_DISABLE_PROMPT was set while the prefix showed: take it away again.
        if [[ ${PS1-} == "$__autovenv_prefix"* ]]; then PS1=${PS1#"$__autovenv_prefix"}; fi
        __autovenv_prefix=
    fi
    return 0
}

# `deactivate`: undo and pause autovenv for this project until the user leaves it. A venv's own
# activate script calls `deactivate nondestructive` before taking over: then we only step aside.
__autovenv_deactivate() {
    [[ -v AUTOVENV_KEY ]] || return 0
    if [[ ${1-} == nondestructive ]]; then
        __autovenv_unapply
        return 0
    fi
    local __autovenv_root=${AUTOVENV_ROOT-}
    __autovenv_unapply
    \builtin export AUTOVENV_PAUSED="$__autovenv_root"
    if [[ -z ${__autovenv_e_quiet-} ]]; then
        \builtin printf 'autovenv: deactivated; paused for this project until you leave it\n' >&2
    fi
    return 0
}

# A prompt theme or history tool set up after the hook line appended its own PROMPT_COMMAND after ours,
# and one that rebuilds PS1 would drop the venv's prefix: move our hook back to the end, once.
__autovenv_stay_last() {
    local __autovenv_p __autovenv_s1 __autovenv_s2
    if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        [[ ${PROMPT_COMMAND[-1]-} == __autovenv_hook ]] && return 0
        local -a __autovenv_keep=()
        local __autovenv_cmd
        for __autovenv_cmd in "${PROMPT_COMMAND[@]}"; do
            [[ $__autovenv_cmd == __autovenv_hook ]] || __autovenv_keep+=("$__autovenv_cmd")
        done
        [[ ${#__autovenv_keep[@]} != "${#PROMPT_COMMAND[@]}" ]] && PROMPT_COMMAND=("${__autovenv_keep[@]}" __autovenv_hook)
        return 0
    fi
    __autovenv_p=$'\n'"${PROMPT_COMMAND-}"
    while [[ $__autovenv_p == *[$'\n; ']  ]]; do __autovenv_p=${__autovenv_p%?}; done
    [[ $__autovenv_p == *[$'\n;']__autovenv_hook ]] && return 0
    __autovenv_p+=$'\n'
    [[ $__autovenv_p == *[$'\n;']__autovenv_hook[$'\n;']* ]] || return 0
    for __autovenv_s1 in ';' $'\n'; do
        for __autovenv_s2 in ';' $'\n'; do
            while [[ $__autovenv_p == *"$__autovenv_s1"__autovenv_hook"$__autovenv_s2"* ]]; do
                __autovenv_p=${__autovenv_p/"$__autovenv_s1"__autovenv_hook"$__autovenv_s2"/"$__autovenv_s1"}
            done
        done
    done
    while [[ $__autovenv_p == *[$'\n; '] ]]; do __autovenv_p=${__autovenv_p%?}; done
    # shellcheck disable=SC2178  # the string form here; the array form is handled above
    PROMPT_COMMAND=${__autovenv_p#$'\n'}$'\n'__autovenv_hook
    return 0
}

# Opt-in (AUTOVENV_BASH_ON_CD=1 anywhere in ~/.bashrc): activate at the `cd` itself, so `cd x && cmd`
# runs cmd in x's environment. A DEBUG trap, not a `cd` wrapper: it sees every way the directory
# changes (cd, pushd, popd, autocd, the user's own `cd` function or alias) and replaces none of them.
# Before each command it compares $PWD with the directory the hook last saw, inline (a function call
# would cost bash a third more per command); only a change runs the hook. A DEBUG trap already set is
# kept and runs first (it may read $_, which ours would change); bash restores $? after a trap, so
# scripts and `set -e` see their own statuses.
__autovenv_install_on_cd() {
    local __autovenv_old='' __autovenv_ours
    # shellcheck disable=SC2016  # the trap's own text, expanded by bash when the trap runs
    __autovenv_ours='[[ ${PWD-} == "$__autovenv_pwd" ]] || __autovenv_hook || :'
    __autovenv_old=$(\builtin trap -p DEBUG)
    [[ $__autovenv_old == *"$__autovenv_ours"* ]] && return 0
    if [[ -n $__autovenv_old ]]; then
        \builtin eval "__autovenv_old=(${__autovenv_old})"
        \builtin trap -- "${__autovenv_old[2]}"$'\n'"$__autovenv_ours" DEBUG
    else
        \builtin trap -- "$__autovenv_ours" DEBUG
    fi
}

__autovenv_install() {
    local __autovenv_cmd
    for __autovenv_cmd in "${PROMPT_COMMAND[@]}"; do
        [[ $__autovenv_cmd == __autovenv_hook ]] && return 0
    done
    PROMPT_COMMAND+=(__autovenv_hook)
}

if [[ -v PROMPT_COMMAND && ${PROMPT_COMMAND@a} == *a* ]]; then
    __autovenv_install
elif [[ $'\n'"${PROMPT_COMMAND-}"$'\n' != *[$'\n;']__autovenv_hook[$'\n;']* ]]; then
    PROMPT_COMMAND="${PROMPT_COMMAND:+${PROMPT_COMMAND%[;$'\n']}$'\n'}__autovenv_hook"
fi
