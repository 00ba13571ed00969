# autovenv hook for zsh: activates the right Python environment on every prompt after a cd.
# Printed by `autovenv hook zsh`; load it with  eval "$(autovenv hook zsh)"  in ~/.zshrc.
#
# Same design as the bash hook (see shell/autovenv.bash): no process on a prompt where nothing changed,
# cached answers applied with string operations, Python only for unknown or changed directories.
# Every function starts with `emulate -L zsh`, so the user's options (nounset, ksh_arrays,
# sh_word_split, err_exit, noclobber, ...) cannot change how it runs. Locals are declared once, at the
# top of each function: a bare `local x` of an existing local would print it.

# Tells `autovenv doctor` which shell (and process) loaded the hook; the first prompt drops ":loaded",
# so a later line in the rc file that dropped the hook from precmd_functions shows.
builtin export AUTOVENV_HOOK="zsh:${$}:loaded"
__autovenv_export=('/opt/py/bin/python3' '-I' '-S' '-c' 'import sys')
__autovenv_cache=$'/home/o\x27brien/.cache/autovenv'
__autovenv_markers=('.autovenv.toml' 'pyproject.toml' 'Pipfile' '.venv' 'venv' '.python-version')
__autovenv_deps=('HOME' 'XDG_CONFIG_HOME' 'XDG_DATA_HOME' 'AUTOVENV_CONFIG_DIR' 'AUTOVENV_DATA_DIR' 'UV_PROJECT_ENVIRONMENT' 'POETRY_VIRTUALENVS_PATH' 'POETRY_VIRTUALENVS_IN_PROJECT' 'POETRY_VIRTUALENVS_CREATE' 'POETRY_CACHE_DIR' 'POETRY_CONFIG_DIR' 'XDG_CACHE_HOME' 'PDM_PYTHON' 'PDM_IGNORE_SAVED_PYTHON' 'PDM_CONFIG_FILE' 'WORKON_HOME' 'PIPENV_VENV_IN_PROJECT' 'PIPENV_NO_VENV_IN_PROJECT' 'PIPENV_CUSTOM_VENV_NAME' 'PIPENV_PIPFILE' 'PIPENV_PYTHON' 'HATCH_DATA_DIR' 'HATCH_CONFIG' 'HATCH_ENV_TYPE_VIRTUAL_PATH' 'PYENV_VERSION' 'PYENV_ROOT' 'PYENV_DIR' 'PYTHON_BUILD_DEFINITIONS' 'PYTHON_BUILD_ROOT')
__autovenv_format='2'
# The only names AUTOVENV_SAVED may hold (plan.ACTIVATION_VARS), space-delimited. The value is inherited
# from whatever started this shell: a word such as `x[$(cmd)]` in `[[ -v ]]`, `${(P)name}` or `unset`
# would run cmd, and `PATH` would restore an AUTOVENV_OLD_PATH someone else chose. Other words are skipped.
__autovenv_savable=' VIRTUAL_ENV VIRTUAL_ENV_PROMPT PYTHONHOME PYENV_VERSION '
__autovenv_pwd=
__autovenv_c=$'\001'
__autovenv_w=()
# The walk a prompt tests: a short one (3 directories or fewer) in __autovenv_wv, which the prompt's
# loop takes with the answer's watch list; a longer one by its slot's function __autovenv_wt<slot>
# (__autovenv_ws), a call costing what a few loop steps cost.
__autovenv_wv=()
__autovenv_ws=
__autovenv_stamp=
__autovenv_quick=
__autovenv_usersig=
__autovenv_prefix=
__autovenv_applied=
__autovenv_now=
__autovenv_psubst_seen=
__autovenv_own_deactivate=
__autovenv_broken=
__autovenv_fresh_answer=
# The notes shown last, joined (__autovenv_check).
__autovenv_said=
# Set until this shell's first prompt (see shell/autovenv.bash, __autovenv_first_prompt).
__autovenv_first=1
__autovenv_active_quiet=

__autovenv_stamps=$'/home/o\x27brien/.cache/autovenv/stamps'/zsh-$$
__autovenv_next=
# Each stamp slot's file held open (sysopen, close-on-exec, so no command started from the shell
# inherits it): element slot + 1 is its descriptor, empty for none. A test names the stamp /dev/fd/N,
# which zsh fstats (no path to resolve, nor 80 bytes to convert, in each of a walk's 100 terms), while
# `-ef` finds that descriptor to be the very file the stamp's name gives. Kept when the hook is loaded
# again in the same shell (the stamps' names hold $$): the descriptors are still open.
(( ${+__autovenv_sfd} )) || typeset -ga __autovenv_sfd
__autovenv_cand=
__autovenv_walked=()
# The directory where __autovenv_has_marker last found a marker, and which.
__autovenv_mkd=
__autovenv_mk=
# What the walk remembers (see shell/autovenv.bash): directory -> the generation at which it was last
# found to hold no marker; a generation's stamp file is slot (generation % 8). __autovenv_gen is
# __autovenv_next's. And whole walks, for the last 8 directories walked from (__autovenv_recall).
typeset -gA __autovenv_seen
__autovenv_seen=()
__autovenv_gen=0
__autovenv_wp=()
__autovenv_wg=()
__autovenv_wc=()
__autovenv_wq=()
# How many directories each slot's walk passed.
__autovenv_wsize=()
__autovenv_wn=1

# The quick signature is compared on every prompt: see shell/autovenv.bash.
__autovenv_hook() {
    local __autovenv_status=$? __autovenv_psubst=0 __autovenv_p= __autovenv_moved= __autovenv_done=
    [[ -o promptsubst ]] && __autovenv_psubst=1
    emulate -L zsh
    # Stay the last precmd hook, so prompt themes that rebuild PROMPT cannot drop the venv prefix.
    if [[ ${precmd_functions[-1]-} != __autovenv_hook ]]; then
        precmd_functions=(${precmd_functions:#__autovenv_hook} __autovenv_hook)
    fi
    if [[ ${VIRTUAL_ENV-}${AUTOVENV_KEY-}${AUTOVENV_PAUSED-}${VIRTUAL_ENV_DISABLE_PROMPT-}${_OLD_VIRTUAL_PATH-}${HOME-}${XDG_CONFIG_HOME-}${XDG_DATA_HOME-}${AUTOVENV_CONFIG_DIR-}${AUTOVENV_DATA_DIR-}${UV_PROJECT_ENVIRONMENT-}${POETRY_VIRTUALENVS_PATH-}${POETRY_VIRTUALENVS_IN_PROJECT-}${POETRY_VIRTUALENVS_CREATE-}${POETRY_CACHE_DIR-}${POETRY_CONFIG_DIR-}${XDG_CACHE_HOME-}${PDM_PYTHON-}${PDM_IGNORE_SAVED_PYTHON-}${PDM_CONFIG_FILE-}${WORKON_HOME-}${PIPENV_VENV_IN_PROJECT-}${PIPENV_NO_VENV_IN_PROJECT-}${PIPENV_CUSTOM_VENV_NAME-}${PIPENV_PIPFILE-}${PIPENV_PYTHON-}${HATCH_DATA_DIR-}${HATCH_CONFIG-}${HATCH_ENV_TYPE_VIRTUAL_PATH-}${PYENV_VERSION-}${PYENV_ROOT-}${PYENV_DIR-}${PYTHON_BUILD_DEFINITIONS-}${PYTHON_BUILD_ROOT-} == "$__autovenv_quick" ]]; then
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
                    # Redecorate only when a theme rebuilt PROMPT, prompt_subst was switched, or a child
                    # shell starts.
                    if [[ -v AUTOVENV_KEY && ( -z $__autovenv_own_deactivate || $__autovenv_psubst != "$__autovenv_psubst_seen" || ${PS1-} != "$__autovenv_prefix"* ) ]]; then
                        __autovenv_decorate
                    fi
                    return $__autovenv_status
                fi
            fi
        else
            # A cd within the same candidate directory, nothing its answer watches changed: same answer.
            # (__autovenv_done tells __autovenv_check what is done already: the stamp, the walk.) Every
            # cd runs this, so __autovenv_touch and the test of the watch list are written out here: a
            # call costs zsh 7 microseconds.
            __autovenv_gen=$((__autovenv_gen + 1))
            __autovenv_next=$__autovenv_stamps-$((__autovenv_gen % 8))
            { : >| "$__autovenv_next" } 2>/dev/null || __autovenv_next=
            [[ $__autovenv_sfdn == 0 ]] || __autovenv_open
            __autovenv_walk
            __autovenv_done=tw
            if [[ $__autovenv_cand == "$__autovenv_c" && -d ${PWD-} ]]; then
                if [[ -n $__autovenv_stamp ]]; then
                    for __autovenv_p in "${__autovenv_e_pwatch[@]}"; do
                        if [[ ! $__autovenv_stamp -nt $__autovenv_p ]]; then
                            __autovenv_moved=1
                            break
                        fi
                    done
                fi
                if [[ -z $__autovenv_moved ]]; then
                    __autovenv_stamp=$__autovenv_next
                    __autovenv_w=("${__autovenv_wv[@]}" "${__autovenv_e_pwatch[@]}")
                    __autovenv_pwd=${PWD-}
                    if [[ -v AUTOVENV_KEY && ( -z $__autovenv_own_deactivate || $__autovenv_psubst != "$__autovenv_psubst_seen" || ${PS1-} != "$__autovenv_prefix"* ) ]]; then
                        __autovenv_decorate
                    fi
                    return $__autovenv_status
                fi
            fi
        fi
    fi
    __autovenv_check
    __autovenv_decorate
    return $__autovenv_status
}

# A new stamp in its slot (see shell/autovenv.bash).
__autovenv_touch() {
    emulate -L zsh
    __autovenv_gen=$((__autovenv_gen + 1))
    __autovenv_next=$__autovenv_stamps-$((__autovenv_gen % 8))
    { : >| "$__autovenv_next" } 2>/dev/null || __autovenv_next=
    [[ $__autovenv_sfdn == 0 ]] || __autovenv_open
}

# Hold the new stamp's file open for the tests that compare with it (__autovenv_sfd), while some slot
# has no descriptor yet (__autovenv_sfdn of them); the truncation that dates a stamp keeps its file, so
# the descriptor stays right until the file is removed. One that cannot be opened stops the opening.
__autovenv_open() {
    emulate -L zsh
    local __autovenv_f=
    [[ -n $__autovenv_next && -z ${__autovenv_sfd[__autovenv_gen % 8 + 1]-} ]] || return 0
    if builtin sysopen -r -o cloexec -u __autovenv_f "$__autovenv_next" 2>/dev/null; then
        __autovenv_sfd[__autovenv_gen%8+1]=$__autovenv_f
        __autovenv_sfdn=$((__autovenv_sfdn - 1))
    else
        __autovenv_sfdn=0
    fi
    return 0
}

# The descriptor held for a stamp (element N of __autovenv_sfd) is not its file any more (the file was
# removed, or the number reused): forget it, and close it only while it is still one of this shell's
# stamp files (a number reused is not ours to close). The slot's next stamp opens its file again.
__autovenv_drop() {
    emulate -L zsh
    local __autovenv_f=${__autovenv_sfd[$1]-} __autovenv_t=
    __autovenv_sfd[$1]=
    [[ -n $__autovenv_f ]] || return 0
    __autovenv_sfdn=$((__autovenv_sfdn + 1))
    [[ -n $__autovenv_zstat ]] || return 0
    if builtin zstat -L -A __autovenv_t +link /dev/fd/$__autovenv_f 2>/dev/null \
        && [[ ${${__autovenv_t[1]-}%" (deleted)"} == "$__autovenv_stamps"-[0-7] ]]; then
        exec {__autovenv_f}<&-
    fi
    return 0
}

# True when DIR holds a marker; the directory and the marker found are kept (see shell/autovenv.bash).
__autovenv_has_marker() {
    emulate -L zsh
    local __autovenv_m
    for __autovenv_m in "${__autovenv_markers[@]}"; do
        if [[ -e $1/$__autovenv_m || -L $1/$__autovenv_m ]]; then
            __autovenv_mkd=$1 __autovenv_mk=$__autovenv_m
            return 0
        fi
    done
    return 1
}

# The walk, as in shell/autovenv.bash (what is remembered, and why it stays right, is said there).
__autovenv_walk() {
    emulate -L zsh
    local __autovenv_d= __autovenv_g= __autovenv_min= __autovenv_old=$((__autovenv_gen - 8))
    local __autovenv_blind= __autovenv_forget=
    __autovenv_recall && return 0
    # Back where a marker was found last, and it is still there: the walk ends where it starts.
    if [[ -n $__autovenv_mk && ${PWD-} == "$__autovenv_mkd" && ( -e $__autovenv_mkd/$__autovenv_mk || -L $__autovenv_mkd/$__autovenv_mk ) ]]; then
        __autovenv_cand=$__autovenv_mkd
        __autovenv_ws=
        __autovenv_wv=()
        return 0
    fi
    if [[ -z $__autovenv_next || ${#__autovenv_seen} -gt 4096 ]]; then __autovenv_seen=(); fi
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
                __autovenv_d=${__autovenv_d%/*}
                if [[ -n $__autovenv_min && $__autovenv_cand != / ]]; then
                    [[ $__autovenv_stamps-$((__autovenv_min % 8)) -nt ${__autovenv_d:-/} ]] || break
                fi
                # $PWD itself holds the marker: nothing walked, nothing worth recording.
                if [[ ${#__autovenv_walked} -gt 0 ]]; then
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
        __autovenv_forget=1
    done
}

__autovenv_recall() {
    local __autovenv_i=1 __autovenv_s=
    [[ -n $__autovenv_next ]] || return 1
    # Its slot: the index of the element that is $PWD exactly, 0 for none.
    __autovenv_i=${__autovenv_wp[(Ie)${PWD-}]}
    [[ $__autovenv_i -gt 0 ]] || return 1
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
        __autovenv_wv=("${(@P)${:-__autovenv_wl$__autovenv_i}}")
        __autovenv_ws=
    fi
    return 0
}

__autovenv_record() {
    local __autovenv_i=1 __autovenv_t= __autovenv_j=1 __autovenv_p= __autovenv_up= __autovenv_id= __autovenv_k=0 __autovenv_fd=
    local -a __autovenv_st
    # $PWD's slot, or one past the last.
    __autovenv_i=${__autovenv_wp[(ie)${PWD-}]}
    if [[ $__autovenv_i -gt 8 ]]; then
        __autovenv_i=$__autovenv_wn
        __autovenv_wn=$((__autovenv_wn % 8 + 1))
    fi
    __autovenv_wp[__autovenv_i]=${PWD-}
    __autovenv_wg[__autovenv_i]=$__autovenv_gen
    [[ -n $__autovenv_next && -z $__autovenv_blind ]] || __autovenv_wg[__autovenv_i]=-99
    __autovenv_wc[__autovenv_i]=$__autovenv_cand
    __autovenv_wq[__autovenv_i]=${__autovenv_cand%/*}
    [[ -n ${__autovenv_wq[__autovenv_i]} ]] || __autovenv_wq[__autovenv_i]=/
    __autovenv_j=${__autovenv_wsize[__autovenv_i]:-0}
    __autovenv_wsize[__autovenv_i]=${#__autovenv_walked}
    __autovenv_ws=$__autovenv_i
    __autovenv_wv=()
    if [[ ${#__autovenv_walked} -le 3 ]]; then
        __autovenv_wv=("${__autovenv_walked[@]}")
        __autovenv_ws=
    fi
    typeset -ga "__autovenv_wl$__autovenv_i"
    # Those of the walk recorded in the slot before go (see below).
    while [[ $__autovenv_j -gt 0 ]]; do
        builtin unset "__autovenv_wl${__autovenv_i}_$__autovenv_j"
        __autovenv_j=$((__autovenv_j - 1))
    done
    set -A "__autovenv_wl$__autovenv_i" "${__autovenv_walked[@]}"
    # Its test as one function of the stamp, the directories referenced, not written into the code: each
    # in a variable of its own, __autovenv_wl<slot>_<n>, which zsh expands with a sixth fewer
    # instructions than an array element.
    # Where $PWD is physical (no symbolic link in it) and zstat can tell the directory the shell stands
    # in, the lower half of the walk is named relative to it (`.`, `..`, `../..`, ...), the upper half
    # from / as before: the kernel then resolves half as many components, a third of a test 100 levels
    # down. The test first asks that the shell stands in the very directory (device and inode) the walk
    # started from, and that the highest directory named relative is the one it was (the upper half is
    # named from / and so tested where it is). From there `..` climbs the directories walked as long as
    # none was moved: moving one modifies the directory it went to, which its test then finds newer
    # than the stamp. But a mount moves a tree and modifies nothing (a bind mount of a directory walked,
    # reached through a link that replaced it), and a new directory can get a deleted one's device and
    # inode (a new tmpfs): `..` from there climbs another tree, and the directory that changed (the one
    # holding the link) is named only on the path the shell names. Their `..` cannot reach the highest
    # directory named relative, the one the path named there when the walk was recorded.
    # The test takes the stamp's name. A walk of 16 directories or more names the stamp by the descriptor
    # held for its slot (the name's last digit; __autovenv_sfd) while `-ef` finds that descriptor to be
    # the file the name gives: the check costs what some 15 of the test's terms save.
    __autovenv_fd=
    if [[ ${#__autovenv_walked} -ge 16 ]]; then
        __autovenv_fd='local __autovenv_n=$((${1##*-} + 1)); local __autovenv_f=${__autovenv_sfd[__autovenv_n]-}; if [[ -n $__autovenv_f ]]; then if [[ /dev/fd/$__autovenv_f -ef $1 ]]; then set -- /dev/fd/$__autovenv_f; else __autovenv_drop $__autovenv_n; fi; fi; '
    fi
    __autovenv_t="__autovenv_wt$__autovenv_i() { ${__autovenv_fd}[[ -n \$1"
    __autovenv_id=
    if [[ -n $__autovenv_zstat && ${#__autovenv_walked} -gt 3 && ${PWD-} == "${PWD:A}" && . -ef ${PWD-} ]]; then
        # How many are named relative: those no deeper than they are far from / (`..` once per level up
        # against the directory's own components from /).
        __autovenv_k=$(( (${#${(s:/:)PWD}} + 1) / 2 ))
        [[ $__autovenv_k -le ${#__autovenv_walked} ]] || __autovenv_k=${#__autovenv_walked}
        __autovenv_up=..
        __autovenv_j=3
        while [[ $__autovenv_j -le $__autovenv_k ]]; do
            __autovenv_up+=/..
            __autovenv_j=$((__autovenv_j + 1))
        done
        if builtin zstat -A __autovenv_st . "$__autovenv_up" 2>/dev/null \
            && [[ ${__autovenv_st[1]} == <-> && ${__autovenv_st[2]} == <-> && ${__autovenv_st[15]} == <-> && ${__autovenv_st[16]} == <-> ]]; then
            __autovenv_id="${__autovenv_st[1]} ${__autovenv_st[2]} ${__autovenv_st[15]} ${__autovenv_st[16]}"
            __autovenv_t="__autovenv_wt$__autovenv_i() { local -a __autovenv_st; ${__autovenv_fd}builtin zstat -A __autovenv_st . $__autovenv_up 2>/dev/null && [[ -n \$1 && \"\${__autovenv_st[1]} \${__autovenv_st[2]} \${__autovenv_st[15]} \${__autovenv_st[16]}\" == '$__autovenv_id'"
        else
            __autovenv_k=0
        fi
    fi
    __autovenv_up=.
    __autovenv_j=1
    while [[ $__autovenv_j -le ${#__autovenv_walked} ]]; do
        __autovenv_p=${__autovenv_walked[__autovenv_j]}
        # Dots and slashes alone, written into the code: that costs zsh less than a variable's expansion.
        if [[ $__autovenv_j -le $__autovenv_k ]]; then
            __autovenv_t+=" && \$1 -nt $__autovenv_up"
        else
            builtin printf -v "__autovenv_wl${__autovenv_i}_$__autovenv_j" %s "$__autovenv_p"
            __autovenv_t+=" && \$1 -nt \$__autovenv_wl${__autovenv_i}_$__autovenv_j"
        fi
        if [[ $__autovenv_up == . ]]; then __autovenv_up=..; else __autovenv_up+=/..; fi
        __autovenv_j=$((__autovenv_j + 1))
    done
    builtin eval "$__autovenv_t ]] }"
}

__autovenv_sig() {
    emulate -L zsh
    local __autovenv_n __autovenv_o __autovenv_s=
    if [[ " ${AUTOVENV_SAVED-} " != *" PYENV_VERSION "* ]]; then
        # No dependency holds a value of ours: the environment as it is, in one word.
        __autovenv_usersig=${HOME+HOME=}${HOME-HOME!}${XDG_CONFIG_HOME+XDG_CONFIG_HOME=}${XDG_CONFIG_HOME-XDG_CONFIG_HOME!}${XDG_DATA_HOME+XDG_DATA_HOME=}${XDG_DATA_HOME-XDG_DATA_HOME!}${AUTOVENV_CONFIG_DIR+AUTOVENV_CONFIG_DIR=}${AUTOVENV_CONFIG_DIR-AUTOVENV_CONFIG_DIR!}${AUTOVENV_DATA_DIR+AUTOVENV_DATA_DIR=}${AUTOVENV_DATA_DIR-AUTOVENV_DATA_DIR!}${UV_PROJECT_ENVIRONMENT+UV_PROJECT_ENVIRONMENT=}${UV_PROJECT_ENVIRONMENT-UV_PROJECT_ENVIRONMENT!}${POETRY_VIRTUALENVS_PATH+POETRY_VIRTUALENVS_PATH=}${POETRY_VIRTUALENVS_PATH-POETRY_VIRTUALENVS_PATH!}${POETRY_VIRTUALENVS_IN_PROJECT+POETRY_VIRTUALENVS_IN_PROJECT=}${POETRY_VIRTUALENVS_IN_PROJECT-POETRY_VIRTUALENVS_IN_PROJECT!}${POETRY_VIRTUALENVS_CREATE+POETRY_VIRTUALENVS_CREATE=}${POETRY_VIRTUALENVS_CREATE-POETRY_VIRTUALENVS_CREATE!}${POETRY_CACHE_DIR+POETRY_CACHE_DIR=}${POETRY_CACHE_DIR-POETRY_CACHE_DIR!}${POETRY_CONFIG_DIR+POETRY_CONFIG_DIR=}${POETRY_CONFIG_DIR-POETRY_CONFIG_DIR!}${XDG_CACHE_HOME+XDG_CACHE_HOME=}${XDG_CACHE_HOME-XDG_CACHE_HOME!}${PDM_PYTHON+PDM_PYTHON=}${PDM_PYTHON-PDM_PYTHON!}${PDM_IGNORE_SAVED_PYTHON+PDM_IGNORE_SAVED_PYTHON=}${PDM_IGNORE_SAVED_PYTHON-PDM_IGNORE_SAVED_PYTHON!}${PDM_CONFIG_FILE+PDM_CONFIG_FILE=}${PDM_CONFIG_FILE-PDM_CONFIG_FILE!}${WORKON_HOME+WORKON_HOME=}${WORKON_HOME-WORKON_HOME!}${PIPENV_VENV_IN_PROJECT+PIPENV_VENV_IN_PROJECT=}${PIPENV_VENV_IN_PROJECT-PIPENV_VENV_IN_PROJECT!}${PIPENV_NO_VENV_IN_PROJECT+PIPENV_NO_VENV_IN_PROJECT=}${PIPENV_NO_VENV_IN_PROJECT-PIPENV_NO_VENV_IN_PROJECT!}${PIPENV_CUSTOM_VENV_NAME+PIPENV_CUSTOM_VENV_NAME=}${PIPENV_CUSTOM_VENV_NAME-PIPENV_CUSTOM_VENV_NAME!}${PIPENV_PIPFILE+PIPENV_PIPFILE=}${PIPENV_PIPFILE-PIPENV_PIPFILE!}${PIPENV_PYTHON+PIPENV_PYTHON=}${PIPENV_PYTHON-PIPENV_PYTHON!}${HATCH_DATA_DIR+HATCH_DATA_DIR=}${HATCH_DATA_DIR-HATCH_DATA_DIR!}${HATCH_CONFIG+HATCH_CONFIG=}${HATCH_CONFIG-HATCH_CONFIG!}${HATCH_ENV_TYPE_VIRTUAL_PATH+HATCH_ENV_TYPE_VIRTUAL_PATH=}${HATCH_ENV_TYPE_VIRTUAL_PATH-HATCH_ENV_TYPE_VIRTUAL_PATH!}${PYENV_VERSION+PYENV_VERSION=}${PYENV_VERSION-PYENV_VERSION!}${PYENV_ROOT+PYENV_ROOT=}${PYENV_ROOT-PYENV_ROOT!}${PYENV_DIR+PYENV_DIR=}${PYENV_DIR-PYENV_DIR!}${PYTHON_BUILD_DEFINITIONS+PYTHON_BUILD_DEFINITIONS=}${PYTHON_BUILD_DEFINITIONS-PYTHON_BUILD_DEFINITIONS!}${PYTHON_BUILD_ROOT+PYTHON_BUILD_ROOT=}${PYTHON_BUILD_ROOT-PYTHON_BUILD_ROOT!}
        return 0
    fi
    for __autovenv_n in "${__autovenv_deps[@]}"; do
        __autovenv_o=$__autovenv_n
        if [[ " ${AUTOVENV_SAVED-} " == *" $__autovenv_n "* ]] && ! __autovenv_theirs "$__autovenv_n"; then
            __autovenv_o=AUTOVENV_OLD_$__autovenv_n
        fi
        if [[ -v $__autovenv_o ]]; then
            __autovenv_s+="$__autovenv_n=${(P)__autovenv_o}"$'\037'
        else
            __autovenv_s+="$__autovenv_n!"$'\037'
        fi
    done
    __autovenv_usersig=$__autovenv_s
}

__autovenv_check() {
    emulate -L zsh
    local __autovenv_m= __autovenv_n=
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
            builtin printf 'autovenv: %s\n' "$__autovenv_m" >&2
        done
    fi
    if [[ -n $__autovenv_first ]]; then __autovenv_first_prompt; fi
    __autovenv_quick=${VIRTUAL_ENV-}${AUTOVENV_KEY-}${AUTOVENV_PAUSED-}${VIRTUAL_ENV_DISABLE_PROMPT-}${_OLD_VIRTUAL_PATH-}${HOME-}${XDG_CONFIG_HOME-}${XDG_DATA_HOME-}${AUTOVENV_CONFIG_DIR-}${AUTOVENV_DATA_DIR-}${UV_PROJECT_ENVIRONMENT-}${POETRY_VIRTUALENVS_PATH-}${POETRY_VIRTUALENVS_IN_PROJECT-}${POETRY_VIRTUALENVS_CREATE-}${POETRY_CACHE_DIR-}${POETRY_CONFIG_DIR-}${XDG_CACHE_HOME-}${PDM_PYTHON-}${PDM_IGNORE_SAVED_PYTHON-}${PDM_CONFIG_FILE-}${WORKON_HOME-}${PIPENV_VENV_IN_PROJECT-}${PIPENV_NO_VENV_IN_PROJECT-}${PIPENV_CUSTOM_VENV_NAME-}${PIPENV_PIPFILE-}${PIPENV_PYTHON-}${HATCH_DATA_DIR-}${HATCH_CONFIG-}${HATCH_ENV_TYPE_VIRTUAL_PATH-}${PYENV_VERSION-}${PYENV_ROOT-}${PYENV_DIR-}${PYTHON_BUILD_DEFINITIONS-}${PYTHON_BUILD_ROOT-}
}

# The first prompt of a new shell (a child, `exec zsh`, `zsh -l`, a tmux window): the rc files ran after
# the inherited activation was made and may have put pyenv's shims, Homebrew or path_helper's order in
# front of our PATH entries. They go back in front, once each.
__autovenv_first_prompt() {
    emulate -L zsh
    local __autovenv_rest= __autovenv_e= __autovenv_p=
    __autovenv_first=
    builtin export AUTOVENV_HOOK="zsh:$$"
    [[ -v AUTOVENV_KEY && -n ${AUTOVENV_PATH_ADD-} ]] || return 0
    if [[ -v VIRTUAL_ENV && $VIRTUAL_ENV != "${AUTOVENV_VENV-}" ]]; then return 0; fi
    __autovenv_rest=$AUTOVENV_PATH_ADD
    __autovenv_p=":${PATH-}:"
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
        builtin rehash
    fi
    return 0
}

# A `cd` activates at once, so that `cd x && cmd` runs cmd in x's environment (the prompt still checks
# for changes made in place). Not in a subshell, where nothing it did would last (a prompt theme's
# `$(cd ...)`), nor before the first prompt, which sees to the rc file's own cd.
__autovenv_chpwd() {
    emulate -L zsh
    (( ZSH_SUBSHELL )) && return 0
    [[ -n $__autovenv_first ]] && return 0
    # The hook hands back the $? it found, which is the user's at a prompt; a cd under err_exit must not
    # end the shell with it.
    __autovenv_hook || :
    return 0
}

__autovenv_clear_answer() {
    __autovenv_e_v=$__autovenv_format __autovenv_e_key= __autovenv_e_root= __autovenv_e_venv=
    __autovenv_e_prompt= __autovenv_e_msg=
    # No project here: the user's own `quiet` decides whether leaving one says "deactivated".
    __autovenv_e_quiet='' __autovenv_e_sig=$__autovenv_usersig
    __autovenv_e_ops=()
    __autovenv_e_notes=()
    __autovenv_e_watch=()
    __autovenv_e_pwatch=()
}

# The cached answer, while it is strictly newer than every path it watches (see the bash hook's).
__autovenv_load() {
    emulate -L zsh
    # cache.entry_path: the directory as it is, a component led by % with one more.
    local __autovenv_k=${1%/} __autovenv_f= __autovenv_p= __autovenv_sl=/% __autovenv_rep=/%%
    __autovenv_f=$__autovenv_cache/zsh${__autovenv_k//$__autovenv_sl/$__autovenv_rep}/%
    [[ -f $__autovenv_f && -O $__autovenv_f ]] || return 1
    __autovenv_e_v=
    __autovenv_e_pwatch=()
    __autovenv_e_ops=()
    builtin source "$__autovenv_f" 2>/dev/null || return 1
    [[ $__autovenv_e_v == "$__autovenv_format" && $__autovenv_e_sig == "$__autovenv_usersig" ]] || return 1
    for __autovenv_p in "${__autovenv_e_watch[@]}"; do
        [[ -e $__autovenv_p && $__autovenv_f -nt $__autovenv_p ]] || return 1
    done
    return 0
}

__autovenv_cold() {
    emulate -L zsh
    local __autovenv_out= __autovenv_rc=0
    if [[ -x ${__autovenv_export[1]} ]]; then
        __autovenv_out=$("${__autovenv_export[@]}" export zsh --hook) || __autovenv_rc=$?
    else
        # Uninstalled (or its Python removed) under an open shell: our line, not zsh's "no such file".
        __autovenv_rc=127
    fi
    if [[ $__autovenv_rc != 0 ]]; then
        # 1 and 2: export already said what went wrong, in one line; anything else: it could not start.
        if [[ -z $__autovenv_broken && $__autovenv_rc != [12] ]]; then
            builtin printf 'autovenv: the hook could not run %s (is autovenv still installed?); environments are left as they are\n' \
                "${__autovenv_export[1]}" >&2
            __autovenv_broken=1
        fi
        # Retry when something here changes, not at every prompt. (Nothing the quick signature reads
        # has changed since the hook began: walking, stamping and reading answers set none of it.)
        __autovenv_quick=${VIRTUAL_ENV-}${AUTOVENV_KEY-}${AUTOVENV_PAUSED-}${VIRTUAL_ENV_DISABLE_PROMPT-}${_OLD_VIRTUAL_PATH-}${HOME-}${XDG_CONFIG_HOME-}${XDG_DATA_HOME-}${AUTOVENV_CONFIG_DIR-}${AUTOVENV_DATA_DIR-}${UV_PROJECT_ENVIRONMENT-}${POETRY_VIRTUALENVS_PATH-}${POETRY_VIRTUALENVS_IN_PROJECT-}${POETRY_VIRTUALENVS_CREATE-}${POETRY_CACHE_DIR-}${POETRY_CONFIG_DIR-}${XDG_CACHE_HOME-}${PDM_PYTHON-}${PDM_IGNORE_SAVED_PYTHON-}${PDM_CONFIG_FILE-}${WORKON_HOME-}${PIPENV_VENV_IN_PROJECT-}${PIPENV_NO_VENV_IN_PROJECT-}${PIPENV_CUSTOM_VENV_NAME-}${PIPENV_PIPFILE-}${PIPENV_PYTHON-}${HATCH_DATA_DIR-}${HATCH_CONFIG-}${HATCH_ENV_TYPE_VIRTUAL_PATH-}${PYENV_VERSION-}${PYENV_ROOT-}${PYENV_DIR-}${PYTHON_BUILD_DEFINITIONS-}${PYTHON_BUILD_ROOT-}
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

__autovenv_transition() {
    emulate -L zsh
    local __autovenv_key=$__autovenv_e_key __autovenv_msg=
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
            builtin unset AUTOVENV_PAUSED
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
    # Said unless the answer asks for quiet; leaving a quiet project for none is quiet too.
    if [[ -n $__autovenv_msg && -z $__autovenv_e_quiet && ( -n $__autovenv_key || -z $__autovenv_active_quiet ) ]]; then
        builtin printf 'autovenv: %s\n' "$__autovenv_msg" >&2
    fi
    __autovenv_active_quiet=
    [[ -v AUTOVENV_KEY ]] && __autovenv_active_quiet=$__autovenv_e_quiet
    return 0
}

# True when NAME no longer holds what our activation set it to (AUTOVENV_SET_<NAME>; absent when we
# unset it): the user changed it since, so it is theirs now.
__autovenv_theirs() {
    emulate -L zsh
    local __autovenv_set=AUTOVENV_SET_$1
    if [[ -v $__autovenv_set ]]; then
        [[ ! -v $1 || ${(P)1} != "${(P)__autovenv_set}" ]]
    else
        [[ -v $1 ]]
    fi
}

# True when any variable we set was changed behind our back.
# What our activation set, in one word (every name an activation may set, and our state): taken right
# after applying, so that a later look finds "nothing was disturbed" without a loop. Child shells have
# no snapshot and look one by one.
__autovenv_snapshot() {
    emulate -L zsh
    __autovenv_now=${VIRTUAL_ENV-}${VIRTUAL_ENV_PROMPT-}${PYTHONHOME-}${PYENV_VERSION-}${AUTOVENV_SAVED-}${AUTOVENV_KEY-}
}

__autovenv_disturbed() {
    emulate -L zsh
    local __autovenv_rest="${AUTOVENV_SAVED-} " __autovenv_n=
    __autovenv_snapshot
    # Unchanged since this shell applied it: nothing to look at one by one.
    [[ -n $__autovenv_applied && $__autovenv_now == "$__autovenv_applied" ]] && return 1
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
    emulate -L zsh
    [[ -v _OLD_VIRTUAL_PATH && -n ${AUTOVENV_PATH_ADD-} && ":$_OLD_VIRTUAL_PATH:" == *":${AUTOVENV_PATH_ADD%%:*}:"* ]]
}

# Drop our part of an activation the venv's own activate took over (see shell/autovenv.bash), so that
# its `deactivate` restores exactly what the user had before we activated.
__autovenv_handover() {
    emulate -L zsh
    local __autovenv_rest=${AUTOVENV_PATH_ADD-} __autovenv_e= __autovenv_n= __autovenv_p=
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
        builtin unset "AUTOVENV_OLD_$__autovenv_n" "AUTOVENV_SET_$__autovenv_n"
    done
    builtin unset AUTOVENV_KEY AUTOVENV_ROOT AUTOVENV_VENV AUTOVENV_PATH_ADD AUTOVENV_SAVED AUTOVENV_PROMPT
    if [[ -n $__autovenv_prefix ]]; then
        PS1=${PS1/"$__autovenv_prefix"/}
        if [[ -v _OLD_VIRTUAL_PS1 ]]; then _OLD_VIRTUAL_PS1=${_OLD_VIRTUAL_PS1#"$__autovenv_prefix"}; fi
    fi
    __autovenv_prefix=
    __autovenv_own_deactivate=
    __autovenv_applied=
}

__autovenv_remove_path_entry() {
    emulate -L zsh
    local __autovenv_p=":${PATH-}:"
    if [[ $__autovenv_p == *":$1:"* ]]; then
        __autovenv_p=${__autovenv_p/":$1:"/:}
        __autovenv_p=${__autovenv_p#:}
        PATH=${__autovenv_p%:}
    fi
}

__autovenv_unapply() {
    emulate -L zsh
    local __autovenv_rest=${AUTOVENV_PATH_ADD-} __autovenv_n= __autovenv_o= __autovenv_intact=
    __autovenv_snapshot
    [[ -z $__autovenv_applied || $__autovenv_now != "$__autovenv_applied" ]] || __autovenv_intact=1
    if [[ -n $__autovenv_rest && -v PATH ]]; then
        while [[ -n $__autovenv_rest ]]; do
            __autovenv_remove_path_entry "${__autovenv_rest%%:*}"
            if [[ $__autovenv_rest == *:* ]]; then __autovenv_rest=${__autovenv_rest#*:}; else __autovenv_rest=; fi
        done
    fi
    __autovenv_rest="${AUTOVENV_SAVED-} "
    while [[ $__autovenv_rest == *" "* ]]; do
        __autovenv_n=${__autovenv_rest%% *}
        __autovenv_rest=${__autovenv_rest#* }
        [[ $__autovenv_savable == *" $__autovenv_n "* ]] || continue
        __autovenv_o=AUTOVENV_OLD_$__autovenv_n
        if [[ -z $__autovenv_intact ]] && __autovenv_theirs "$__autovenv_n"; then
            builtin unset $__autovenv_o AUTOVENV_SET_$__autovenv_n
        elif [[ -v $__autovenv_o ]]; then
            builtin export "$__autovenv_n=${(P)__autovenv_o}"
            builtin unset $__autovenv_o AUTOVENV_SET_$__autovenv_n
        else
            builtin unset $__autovenv_n AUTOVENV_SET_$__autovenv_n
        fi
    done
    builtin unset AUTOVENV_KEY AUTOVENV_ROOT AUTOVENV_VENV AUTOVENV_PATH_ADD AUTOVENV_SAVED AUTOVENV_PROMPT
    if [[ -n $__autovenv_prefix && ${PS1-} == "$__autovenv_prefix"* ]]; then
        PS1=${PS1#"$__autovenv_prefix"}
    fi
    __autovenv_prefix=
    if [[ -n $__autovenv_own_deactivate ]]; then
        builtin unfunction deactivate 2>/dev/null
        __autovenv_own_deactivate=
    fi
    builtin rehash
    __autovenv_applied=
}

# Apply the answer's operations with one generic loop (see shell/autovenv.bash): save, set or unset,
# record; `prepend PATH` entries go first on PATH, in order.
__autovenv_apply() {
    emulate -L zsh
    local __autovenv_saved= __autovenv_add=
    # The operations as the function's positional parameters: $1 verb, $2 name, $3 value, then shift.
    set -- "${__autovenv_e_ops[@]}"
    while [[ $# -ge 3 ]]; do
        case $1 in
            (prepend)
                if [[ $2 == PATH ]]; then __autovenv_add+=${__autovenv_add:+:}$3; fi
                ;;
            (set|unset)
                # Only a name an activation may save (plan.ACTIVATION_VARS, matched exactly), once.
                case $2 in
                    (VIRTUAL_ENV|VIRTUAL_ENV_PROMPT|PYTHONHOME|PYENV_VERSION)
                        if [[ " $__autovenv_saved " != *" $2 "* ]]; then
                            if [[ -v $2 ]]; then builtin export "AUTOVENV_OLD_$2=${(P)2}"; fi
                            if [[ $1 == set ]]; then
                                builtin export "$2=$3" "AUTOVENV_SET_$2=$3"
                            else
                                builtin unset $2
                            fi
                            __autovenv_saved+=${__autovenv_saved:+ }$2
                        fi
                        ;;
                esac
                ;;
        esac
        shift 3
    done
    builtin export AUTOVENV_SAVED="$__autovenv_saved"
    if [[ -n $__autovenv_add ]]; then
        builtin export PATH="$__autovenv_add${PATH:+:$PATH}" AUTOVENV_PATH_ADD="$__autovenv_add"
    fi
    if [[ -n $__autovenv_e_venv ]]; then builtin export AUTOVENV_VENV="$__autovenv_e_venv"; fi
    builtin export AUTOVENV_KEY="$__autovenv_e_key" AUTOVENV_ROOT="$__autovenv_e_root"
    if [[ -n $__autovenv_e_prompt ]]; then builtin export AUTOVENV_PROMPT="$__autovenv_e_prompt"; fi
    builtin rehash
    __autovenv_snapshot
    __autovenv_applied=$__autovenv_now
}

__autovenv_decorate() {
    emulate -L zsh
    [[ -v AUTOVENV_KEY ]] || return 0
    if [[ -v VIRTUAL_ENV && $VIRTUAL_ENV != "${AUTOVENV_VENV-}" ]]; then return 0; fi
    if [[ -z $__autovenv_own_deactivate ]]; then
        deactivate() { __autovenv_deactivate "$@"; }
        __autovenv_own_deactivate=1
    fi
    # An inherited AUTOVENV_PROMPT holding control characters (an ESC sequence) is not shown.
    if [[ -n ${AUTOVENV_PROMPT-} && -z ${VIRTUAL_ENV_DISABLE_PROMPT-} && $AUTOVENV_PROMPT != *[[:cntrl:]]* ]]; then
        # The prefix enters PS1 as data: every % doubled (zsh expands %n, %~ ... in prompts), and with
        # the user's prompt_subst (checked before `emulate`) as a reference, since zsh would run $(...)
        # and backticks found in PS1 at every prompt; a venv's or a checkout's name is data.
        __autovenv_ptext=${AUTOVENV_PROMPT//\%/%%}
        if [[ ${__autovenv_psubst-0} == 1 ]]; then
            __autovenv_pref='${__autovenv_ptext}'
        else
            __autovenv_pref=$__autovenv_ptext
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
    __autovenv_psubst_seen=${__autovenv_psubst-0}
    return 0
}

__autovenv_deactivate() {
    emulate -L zsh
    local __autovenv_root=${AUTOVENV_ROOT-}
    [[ -v AUTOVENV_KEY ]] || return 0
    if [[ ${1-} == nondestructive ]]; then
        __autovenv_unapply
        return 0
    fi
    __autovenv_unapply
    builtin export AUTOVENV_PAUSED="$__autovenv_root"
    if [[ -z ${__autovenv_e_quiet-} ]]; then
        builtin printf 'autovenv: deactivated; paused for this project until you leave it\n' >&2
    fi
    return 0
}

# zstat alone (not zsh/stat's `stat`, which would hide the command): __autovenv_record's.
__autovenv_zstat=
if builtin zmodload -F zsh/stat b:zstat 2>/dev/null; then __autovenv_zstat=1; fi
# sysopen alone (zsh/system): __autovenv_open's, while slots have no descriptor (none: not loaded).
__autovenv_sfdn=0
if builtin zmodload -F zsh/system b:sysopen 2>/dev/null; then
    # Those still open when the hook is loaded again count (the user's options, ksh_arrays say, aside).
    () { emulate -L zsh; __autovenv_sfdn=$((8 - ${#${__autovenv_sfd:#}})) }
fi
builtin autoload -Uz add-zsh-hook
add-zsh-hook precmd __autovenv_hook
add-zsh-hook chpwd __autovenv_chpwd
