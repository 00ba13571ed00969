# autovenv hook for fish; its documented source is shell/autovenv.fish
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
if test -z "$__autovenv_wrapped"; and set -q AUTOVENV_PROMPT; and functions -q fish_prompt
functions -c fish_prompt __autovenv_orig_fish_prompt
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
test -n "$__autovenv_wrapped"; or not set -q AUTOVENV_PROMPT; and set -g __autovenv_deco 1
return 0
end
function __autovenv_prefix
builtin printf '%s' "$__autovenv_pfx"
return $argv[1]
end
function __autovenv_say
if test -n "$__autovenv_err"
builtin printf 'autovenv: %s\n' $argv >>$__autovenv_err
else
builtin printf 'autovenv: %s\n' $argv >&2
end
end
function __autovenv_hook --on-event fish_prompt
test "$PWD"\x1f"$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH" = "$__autovenv_quick" -a -n "$__autovenv_deco" $$__autovenv_twn $__autovenv_t
or __autovenv_check
end
function __autovenv_check --on-variable PWD
if test -z "$__autovenv_deco$argv[1]"; and test "$PWD"\x1f"$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH" = "$__autovenv_quick" $$__autovenv_twn $__autovenv_t
__autovenv_decorate
return 0
end
if test "$PWD" != "$__autovenv_pwd"; and test "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"\x1f"$__autovenv_sigok" = "$__autovenv_quicks"
set __autovenv_hook_cd 1
else if test -n "$argv[1]" -a -n "$__autovenv_first"
return 0
else if test -z "$__autovenv_sigok$__autovenv_scoped" -a "$PWD" != "$__autovenv_pwd"; and test "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"\x1f"$HOME"\x1f"$XDG_CONFIG_HOME"\x1f"$XDG_DATA_HOME"\x1f"$AUTOVENV_CONFIG_DIR"\x1f"$AUTOVENV_DATA_DIR"\x1f"$UV_PROJECT_ENVIRONMENT"\x1f"$POETRY_VIRTUALENVS_PATH"\x1f"$POETRY_VIRTUALENVS_IN_PROJECT"\x1f"$POETRY_VIRTUALENVS_CREATE"\x1f"$POETRY_CACHE_DIR"\x1f"$POETRY_CONFIG_DIR"\x1f"$XDG_CACHE_HOME"\x1f"$PDM_PYTHON"\x1f"$PDM_IGNORE_SAVED_PYTHON"\x1f"$PDM_CONFIG_FILE"\x1f"$WORKON_HOME"\x1f"$PIPENV_VENV_IN_PROJECT"\x1f"$PIPENV_NO_VENV_IN_PROJECT"\x1f"$PIPENV_CUSTOM_VENV_NAME"\x1f"$PIPENV_PIPFILE"\x1f"$PIPENV_PYTHON"\x1f"$HATCH_DATA_DIR"\x1f"$HATCH_CONFIG"\x1f"$HATCH_ENV_TYPE_VIRTUAL_PATH"\x1f"$PYENV_VERSION"\x1f"$PYENV_ROOT"\x1f"$PYENV_DIR"\x1f"$PYTHON_BUILD_DEFINITIONS"\x1f"$PYTHON_BUILD_ROOT"\x1f = "$__autovenv_quicks"
set __autovenv_hook_cd 1
end
set -g __autovenv_cand ''
set -g __autovenv_twn
set -l d $PWD
if contains -- $PWD $__autovenv_wk
for __autovenv_i in $__autovenv_wfree[-1..1]
if test "$__autovenv_wk[$__autovenv_i]" = "$PWD"
set __autovenv_r $__autovenv_i
break
end
end
set -l __autovenv_w __autovenv_wt$__autovenv_r
set -l __autovenv_x __autovenv_wx$__autovenv_r
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
if test "$d" = /
set -g __autovenv_ab $__autovenv_ab[2] $__autovenv_ab[1]
set -l __autovenv_s ''
test -d $__autovenv_stampdir -a -w $__autovenv_stampdir; and set __autovenv_s $__autovenv_ab[1]
and builtin echo -n >$__autovenv_s
set -g __autovenv_tw -a $__autovenv_s -nt /
set -g __autovenv_twn __autovenv_tw
end
if test . -ef "$d"
path is -- ./$__autovenv_probes; or test -L ./'Pipfile' -o -L ./'.venv' -o -L ./'venv' -o -L ./'.python-version' -o -L ./'.autovenv.toml' -o -L ./'pyproject.toml'
else
path is -- $d/$__autovenv_probes; or test -L $d/'Pipfile' -o -L $d/'.venv' -o -L $d/'venv' -o -L $d/'.python-version' -o -L $d/'.autovenv.toml' -o -L $d/'pyproject.toml'
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
if path is -- $d/$__autovenv_probes; or test -L $d/'Pipfile' -o -L $d/'.venv' -o -L $d/'venv' -o -L $d/'.python-version' -o -L $d/'.autovenv.toml' -o -L $d/'pyproject.toml'
test "$d" = /; and set -g __autovenv_cand /; or set -g __autovenv_cand $d/
break
end
set -a __autovenv_tw -a $__autovenv_s -nt $d
set -a __autovenv_wd $d
test "$d" = /; and break
end
test -n "$__autovenv_cand" -o "$d" = /; and break
__autovenv_ancestors $d ''
set __autovenv_ds $__autovenv_up
end
if test -n "$__autovenv_r"
set -g __autovenv_wx$__autovenv_r
if test -n "$__autovenv_cand" -a "$__autovenv_cand" != /
set -g __autovenv_wx$__autovenv_r -a $__autovenv_s -nt $__autovenv_cand -a $__autovenv_s -nt (path dirname -- $__autovenv_cand)
end
set -g __autovenv_wt$__autovenv_r $__autovenv_tw
set -g __autovenv_twn __autovenv_wp$__autovenv_r
set -g __autovenv_wrel[$__autovenv_r] ''
if set -q __autovenv_wd[4]; and test . -ef "$PWD"; and not builtin path filter -q -l -- $__autovenv_wd
__autovenv_relative $__autovenv_r $__autovenv_s $__autovenv_wd
set -q __autovenv_wd[24]; and set -g __autovenv_wrel[$__autovenv_r] 1
else
set -g __autovenv_wp$__autovenv_r $__autovenv_tw
end
set -g __autovenv_wc[$__autovenv_r] $__autovenv_cand
set -g __autovenv_wr[$__autovenv_r] 1
test -n "$__autovenv_s"; and not path filter -vq -dx -- $__autovenv_wd
or set -g __autovenv_wr[$__autovenv_r] ''
end
end
if test -n "$__autovenv_hook_cd" -a "$__autovenv_cand" = "$__autovenv_c"
and test -d "$PWD" $__autovenv_ta
set -g __autovenv_pwd $PWD
set -g __autovenv_quick "$PWD"\x1f"$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"
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
test -d $__autovenv_stampdir -a -w $__autovenv_stampdir; and set -g __autovenv_stamp 1
or set -g __autovenv_stamp ''
set -g __autovenv_fresh_answer ''
set -l __autovenv_intact ''
set -q $__autovenv_savable
test "$status"\x1f"$VIRTUAL_ENV"\x1f"$VIRTUAL_ENV_PROMPT"\x1f"$PYTHONHOME"\x1f"$PYENV_VERSION"\x1f"$AUTOVENV_SAVED"\x1f"$AUTOVENV_KEY" = "$__autovenv_applied"; and set __autovenv_intact 1
if test -z "$__autovenv_cand"
set -g __autovenv_a $__autovenv_format '' '' '' '' '' '' ''
set -g __autovenv_an
set -g __autovenv_ao
set -g __autovenv_ta
else
if test -z "$__autovenv_sigok"
set -l __autovenv_was $__autovenv_usersig
set -l __autovenv_g "HOME=$HOME" "XDG_CONFIG_HOME=$XDG_CONFIG_HOME" "XDG_DATA_HOME=$XDG_DATA_HOME" "AUTOVENV_CONFIG_DIR=$AUTOVENV_CONFIG_DIR" "AUTOVENV_DATA_DIR=$AUTOVENV_DATA_DIR" "UV_PROJECT_ENVIRONMENT=$UV_PROJECT_ENVIRONMENT" "POETRY_VIRTUALENVS_PATH=$POETRY_VIRTUALENVS_PATH" "POETRY_VIRTUALENVS_IN_PROJECT=$POETRY_VIRTUALENVS_IN_PROJECT" "POETRY_VIRTUALENVS_CREATE=$POETRY_VIRTUALENVS_CREATE" "POETRY_CACHE_DIR=$POETRY_CACHE_DIR" "POETRY_CONFIG_DIR=$POETRY_CONFIG_DIR" "XDG_CACHE_HOME=$XDG_CACHE_HOME" "PDM_PYTHON=$PDM_PYTHON" "PDM_IGNORE_SAVED_PYTHON=$PDM_IGNORE_SAVED_PYTHON" "PDM_CONFIG_FILE=$PDM_CONFIG_FILE" "WORKON_HOME=$WORKON_HOME" "PIPENV_VENV_IN_PROJECT=$PIPENV_VENV_IN_PROJECT" "PIPENV_NO_VENV_IN_PROJECT=$PIPENV_NO_VENV_IN_PROJECT" "PIPENV_CUSTOM_VENV_NAME=$PIPENV_CUSTOM_VENV_NAME" "PIPENV_PIPFILE=$PIPENV_PIPFILE" "PIPENV_PYTHON=$PIPENV_PYTHON" "HATCH_DATA_DIR=$HATCH_DATA_DIR" "HATCH_CONFIG=$HATCH_CONFIG" "HATCH_ENV_TYPE_VIRTUAL_PATH=$HATCH_ENV_TYPE_VIRTUAL_PATH" "PYENV_VERSION=$PYENV_VERSION" "PYENV_ROOT=$PYENV_ROOT" "PYENV_DIR=$PYENV_DIR" "PYTHON_BUILD_DEFINITIONS=$PYTHON_BUILD_DEFINITIONS" "PYTHON_BUILD_ROOT=$PYTHON_BUILD_ROOT"
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
set -g __autovenv_usersig "$__autovenv_g[1]"\x1f"$__autovenv_g[2]"\x1f"$__autovenv_g[3]"\x1f"$__autovenv_g[4]"\x1f"$__autovenv_g[5]"\x1f"$__autovenv_g[6]"\x1f"$__autovenv_g[7]"\x1f"$__autovenv_g[8]"\x1f"$__autovenv_g[9]"\x1f"$__autovenv_g[10]"\x1f"$__autovenv_g[11]"\x1f"$__autovenv_g[12]"\x1f"$__autovenv_g[13]"\x1f"$__autovenv_g[14]"\x1f"$__autovenv_g[15]"\x1f"$__autovenv_g[16]"\x1f"$__autovenv_g[17]"\x1f"$__autovenv_g[18]"\x1f"$__autovenv_g[19]"\x1f"$__autovenv_g[20]"\x1f"$__autovenv_g[21]"\x1f"$__autovenv_g[22]"\x1f"$__autovenv_g[23]"\x1f"$__autovenv_g[24]"\x1f"$__autovenv_g[25]"\x1f"$__autovenv_g[26]"\x1f"$__autovenv_g[27]"\x1f"$__autovenv_g[28]"\x1f"$__autovenv_g[29]"\x1f
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
if contains -- $__autovenv_cand $__autovenv_mc
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
if test -z "$__autovenv_stamp"
set -g __autovenv_twn
set -g __autovenv_t -a -d $PWD
else if test -n "$__autovenv_twn"
set -g __autovenv_t $__autovenv_ta
else
set -g __autovenv_t -a -d $PWD $__autovenv_ta
end
if set -q _OLD_VIRTUAL_PATH AUTOVENV_KEY VIRTUAL_ENV; and test "$VIRTUAL_ENV" = "$AUTOVENV_VENV"
and __autovenv_taken_over
__autovenv_handover
else if not set -q VIRTUAL_ENV; or test "$VIRTUAL_ENV" = "$AUTOVENV_VENV"
set -l __autovenv_key $__autovenv_a[$__autovenv_at_key]
set -l __autovenv_sigok_was $__autovenv_sigok
if set -q AUTOVENV_KEY; and test -z "$__autovenv_intact"
if __autovenv_disturbed
__autovenv_unapply
test -z "$__autovenv_key"; and test -z "$__autovenv_a[$__autovenv_at_quiet]$__autovenv_active_quiet"
and __autovenv_say deactivated
else
set __autovenv_intact 1
set -q $__autovenv_savable
set -g __autovenv_applied "$status"\x1f"$VIRTUAL_ENV"\x1f"$VIRTUAL_ENV_PROMPT"\x1f"$PYTHONHOME"\x1f"$PYENV_VERSION"\x1f"$AUTOVENV_SAVED"\x1f"$AUTOVENV_KEY"
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
if set -q AUTOVENV_KEY
__autovenv_unapply $__autovenv_intact $__autovenv_key
set __autovenv_msg deactivated
end
if test -n "$__autovenv_key"
__autovenv_apply
set __autovenv_msg $__autovenv_a[$__autovenv_at_msg]
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
if test -n "$__autovenv_sigok"
set -g __autovenv_quicks "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"\x1f1
else
set -g __autovenv_quicks "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"\x1f"$HOME"\x1f"$XDG_CONFIG_HOME"\x1f"$XDG_DATA_HOME"\x1f"$AUTOVENV_CONFIG_DIR"\x1f"$AUTOVENV_DATA_DIR"\x1f"$UV_PROJECT_ENVIRONMENT"\x1f"$POETRY_VIRTUALENVS_PATH"\x1f"$POETRY_VIRTUALENVS_IN_PROJECT"\x1f"$POETRY_VIRTUALENVS_CREATE"\x1f"$POETRY_CACHE_DIR"\x1f"$POETRY_CONFIG_DIR"\x1f"$XDG_CACHE_HOME"\x1f"$PDM_PYTHON"\x1f"$PDM_IGNORE_SAVED_PYTHON"\x1f"$PDM_CONFIG_FILE"\x1f"$WORKON_HOME"\x1f"$PIPENV_VENV_IN_PROJECT"\x1f"$PIPENV_NO_VENV_IN_PROJECT"\x1f"$PIPENV_CUSTOM_VENV_NAME"\x1f"$PIPENV_PIPFILE"\x1f"$PIPENV_PYTHON"\x1f"$HATCH_DATA_DIR"\x1f"$HATCH_CONFIG"\x1f"$HATCH_ENV_TYPE_VIRTUAL_PATH"\x1f"$PYENV_VERSION"\x1f"$PYENV_ROOT"\x1f"$PYENV_DIR"\x1f"$PYTHON_BUILD_DEFINITIONS"\x1f"$PYTHON_BUILD_ROOT"\x1f
test -n "$__autovenv_scoped" -a -n "$__autovenv_cand"; and set -g __autovenv_quick ''
end
if set -q AUTOVENV_KEY; and test "$__autovenv_own_deactivate$__autovenv_wrapped" != 11
__autovenv_decorate
else
set -g __autovenv_deco 1
end
end
function __autovenv_apply
set -l o $__autovenv_ao
set -l saved
set -l add
set -l olds
while set -q o[3]
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
set -g __autovenv_applied "$status"\x1f"$VIRTUAL_ENV"\x1f"$VIRTUAL_ENV_PROMPT"\x1f"$PYTHONHOME"\x1f"$PYENV_VERSION"\x1f"$AUTOVENV_SAVED"\x1f"$AUTOVENV_KEY"
end
function __autovenv_unapply --argument-names intact keep
if test -z "$AUTOVENV_PATH_ADD"
else if test "$AUTOVENV_PATH_ADD" = "$__autovenv_add" -a "$PATH[1]" = "$__autovenv_add"
set -e PATH[1]
else
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
set -l names $__autovenv_savedl
if test "$AUTOVENV_SAVED" = "$names" -a -n "$names" -a -n "$intact" -a -z "$__autovenv_oldl"
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
function __autovenv_status_is --argument-names code
return $code
end
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
function __autovenv_load --argument-names i
set -g __autovenv_mc[$i] ''
set -l dir $__autovenv_cache/fish$__autovenv_cand
string match -q -- '*/%*' $__autovenv_cand
and set dir $__autovenv_cache/fish(string replace -a /% /%% -- $__autovenv_cand | string collect)
set -l f $dir%
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
if test "$l1[3]"\x1f"$l2[3]"\x1f"$l3[3]"\x1f"$l4[3]"\x1f"$l5[3]"\x1f"$l1[4]"\x1f"$l1[11]" = __autovenv_e\x1f__autovenv_en\x1f__autovenv_ev\x1f__autovenv_ep\x1f__autovenv_eo\x1f"$__autovenv_format"\x1f"$__autovenv_usersig"
and not string match -qrv -- '^[1-9][0-9]{0,4}$' $l3[4..-1] $l4[4..-1]
and not path filter -vq -- $l1[12..-1]
set -l pieces -a $stamp -nt $f $l1[12..-1]
if test -z '' $pieces[$l3[4..-1]]
set -g __autovenv_a $l1[4..11]
set -g __autovenv_an $l2[4..-1]
set -g __autovenv_ao $l5[4..-1]
set -g __autovenv_aw $l1[12..-1]
set -g __autovenv_ta $pieces[$l4[4..-1]]
set ok 1
end
end
end
if test -z "$ok"
set -l out
set -l rc 127
if test -x "$__autovenv_export[1]"
set out ($__autovenv_export export fish --hook)
set rc $status
end
if test $rc -ne 0
if test -z "$__autovenv_broken"; and not contains -- $rc 1 2
__autovenv_say "the hook could not run $__autovenv_export[1] (is autovenv still installed?); environments are left as they are"
set -g __autovenv_broken 1
end
if test -n "$__autovenv_sigok"
set -g __autovenv_quicks "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"\x1f1
else
set -g __autovenv_quicks "$VIRTUAL_ENV"\x1f"$AUTOVENV_KEY"\x1f"$AUTOVENV_PAUSED"\x1f"$_OLD_VIRTUAL_PATH"\x1f"$HOME"\x1f"$XDG_CONFIG_HOME"\x1f"$XDG_DATA_HOME"\x1f"$AUTOVENV_CONFIG_DIR"\x1f"$AUTOVENV_DATA_DIR"\x1f"$UV_PROJECT_ENVIRONMENT"\x1f"$POETRY_VIRTUALENVS_PATH"\x1f"$POETRY_VIRTUALENVS_IN_PROJECT"\x1f"$POETRY_VIRTUALENVS_CREATE"\x1f"$POETRY_CACHE_DIR"\x1f"$POETRY_CONFIG_DIR"\x1f"$XDG_CACHE_HOME"\x1f"$PDM_PYTHON"\x1f"$PDM_IGNORE_SAVED_PYTHON"\x1f"$PDM_CONFIG_FILE"\x1f"$WORKON_HOME"\x1f"$PIPENV_VENV_IN_PROJECT"\x1f"$PIPENV_NO_VENV_IN_PROJECT"\x1f"$PIPENV_CUSTOM_VENV_NAME"\x1f"$PIPENV_PIPFILE"\x1f"$PIPENV_PYTHON"\x1f"$HATCH_DATA_DIR"\x1f"$HATCH_CONFIG"\x1f"$HATCH_ENV_TYPE_VIRTUAL_PATH"\x1f"$PYENV_VERSION"\x1f"$PYENV_ROOT"\x1f"$PYENV_DIR"\x1f"$PYTHON_BUILD_DEFINITIONS"\x1f"$PYTHON_BUILD_ROOT"\x1f
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
set -g __autovenv_a $__autovenv_e[1..8]
set -g __autovenv_an $__autovenv_en
set -g __autovenv_ao $__autovenv_eo
set -l pieces -a $stamp -nt $f $__autovenv_e[9..-1]
set -g __autovenv_ta $pieces[$__autovenv_ep]
set -g __autovenv_aw $__autovenv_e[9..-1]
end
__autovenv_valid_ops
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
function __autovenv_sig_pattern
set -l unset __autovenv_never_set
set -l isset __autovenv_deps
set -g __autovenv_sidx
set -g __autovenv_sbang
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
contains -- $n $__autovenv_savable; and __autovenv_theirs $n; and return 0
end
return 1
end
function __autovenv_taken_over
test -n "$AUTOVENV_PATH_ADD"; or return 1
set -l --path add $AUTOVENV_PATH_ADD
contains -- $add[1] $_OLD_VIRTUAL_PATH
end
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
set -g __autovenv_sigok ''
end
function __autovenv_deactivate
set -q AUTOVENV_KEY; or return 0
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
set -gx AUTOVENV_HOOK fish:$fish_pid:loaded
set -g __autovenv_first 1
set -g __autovenv_active_quiet ''
set -g __autovenv_export '/opt/py/bin/python3' '-I' '-S' '-c' 'import sys'
set -g __autovenv_cache '/home/o\'brien/.cache/autovenv'
set -g __autovenv_markers '.autovenv.toml' 'pyproject.toml' 'Pipfile' '.venv' 'venv' '.python-version'
set -g __autovenv_deps 'HOME' 'XDG_CONFIG_HOME' 'XDG_DATA_HOME' 'AUTOVENV_CONFIG_DIR' 'AUTOVENV_DATA_DIR' 'UV_PROJECT_ENVIRONMENT' 'POETRY_VIRTUALENVS_PATH' 'POETRY_VIRTUALENVS_IN_PROJECT' 'POETRY_VIRTUALENVS_CREATE' 'POETRY_CACHE_DIR' 'POETRY_CONFIG_DIR' 'XDG_CACHE_HOME' 'PDM_PYTHON' 'PDM_IGNORE_SAVED_PYTHON' 'PDM_CONFIG_FILE' 'WORKON_HOME' 'PIPENV_VENV_IN_PROJECT' 'PIPENV_NO_VENV_IN_PROJECT' 'PIPENV_CUSTOM_VENV_NAME' 'PIPENV_PIPFILE' 'PIPENV_PYTHON' 'HATCH_DATA_DIR' 'HATCH_CONFIG' 'HATCH_ENV_TYPE_VIRTUAL_PATH' 'PYENV_VERSION' 'PYENV_ROOT' 'PYENV_DIR' 'PYTHON_BUILD_DEFINITIONS' 'PYTHON_BUILD_ROOT'
set -g __autovenv_savable 'VIRTUAL_ENV' 'VIRTUAL_ENV_PROMPT' 'PYTHONHOME' 'PYENV_VERSION'
set -g __autovenv_probes 'Pipfile' '.venv' 'venv' '.python-version' '.autovenv.toml' 'pyproject.toml'
set -g __autovenv_sq __autovenv_never_set
set -g __autovenv_nunset 0
function __autovenv_pfx_changed --on-variable AUTOVENV_PROMPT --on-variable VIRTUAL_ENV_DISABLE_PROMPT
set -g __autovenv_pfx ''
test -z "$VIRTUAL_ENV_DISABLE_PROMPT" -a -n "$AUTOVENV_PROMPT"
and not string match -qr -- '[\x00-\x1f\x7f-\x9f]' "$AUTOVENV_PROMPT"
and set -g __autovenv_pfx "$AUTOVENV_PROMPT"
end
__autovenv_pfx_changed
function __autovenv_dep_changed --on-variable 'HOME' --on-variable 'XDG_CONFIG_HOME' --on-variable 'XDG_DATA_HOME' --on-variable 'AUTOVENV_CONFIG_DIR' --on-variable 'AUTOVENV_DATA_DIR' --on-variable 'UV_PROJECT_ENVIRONMENT' --on-variable 'POETRY_VIRTUALENVS_PATH' --on-variable 'POETRY_VIRTUALENVS_IN_PROJECT' --on-variable 'POETRY_VIRTUALENVS_CREATE' --on-variable 'POETRY_CACHE_DIR' --on-variable 'POETRY_CONFIG_DIR' --on-variable 'XDG_CACHE_HOME' --on-variable 'PDM_PYTHON' --on-variable 'PDM_IGNORE_SAVED_PYTHON' --on-variable 'PDM_CONFIG_FILE' --on-variable 'WORKON_HOME' --on-variable 'PIPENV_VENV_IN_PROJECT' --on-variable 'PIPENV_NO_VENV_IN_PROJECT' --on-variable 'PIPENV_CUSTOM_VENV_NAME' --on-variable 'PIPENV_PIPFILE' --on-variable 'PIPENV_PYTHON' --on-variable 'HATCH_DATA_DIR' --on-variable 'HATCH_CONFIG' --on-variable 'HATCH_ENV_TYPE_VIRTUAL_PATH' --on-variable 'PYENV_VERSION' --on-variable 'PYENV_ROOT' --on-variable 'PYENV_DIR' --on-variable 'PYTHON_BUILD_DEFINITIONS' --on-variable 'PYTHON_BUILD_ROOT'
set -e __autovenv_quick __autovenv_sigok
end
set -g __autovenv_sigok ''
set -g __autovenv_scoped ''
set -g __autovenv_ndeps (builtin count __autovenv_never_set $__autovenv_deps)
functions -e __autovenv_on_pwd
set -g __autovenv_sidx
set -g __autovenv_sbang
set -g __autovenv_format '2'
set -g __autovenv_c \x01
set -g __autovenv_said ''
set -g __autovenv_pwd ''
set -g __autovenv_stamp ''
set -g __autovenv_quick ''
set -g __autovenv_quicks ''
set -g __autovenv_own_deactivate ''
set -g __autovenv_deco ''
set -g __autovenv_broken ''
if functions -q __autovenv_orig_fish_prompt
set -g __autovenv_wrapped 1
else
set -g __autovenv_wrapped ''
end
set -g __autovenv_stampdir '/home/o\'brien/.cache/autovenv/stamps'
set -g __autovenv_stamps $__autovenv_stampdir/fish-$fish_pid
set -g __autovenv_ab $__autovenv_stamps-b $__autovenv_stamps-a
set -g __autovenv_cand ''
set -g __autovenv_t
set -g __autovenv_tw
set -g __autovenv_ta
set -g __autovenv_twn
set -g __autovenv_rel . ..
set -g __autovenv_ups /.. /../.. /../../.. /../../../.. /../../../../.. /../../../../../.. \
/../../../../../../.. /../../../../../../../.. /../../../../../../../../.. \
/../../../../../../../../../.. /../../../../../../../../../../.. /../../../../../../../../../../../.. \
/../../../../../../../../../../../../.. /../../../../../../../../../../../../../.. \
/../../../../../../../../../../../../../../.. /../../../../../../../../../../../../../../../..
set -g __autovenv_up
set -g __autovenv_wk '' '' '' '' '' '' '' ''
set -g __autovenv_wfree 1 2 3 4 5 6 7 8
set -g __autovenv_wr '' '' '' '' '' '' '' ''
set -g __autovenv_wrel '' '' '' '' '' '' '' ''
set -g __autovenv_wc '' '' '' '' '' '' '' ''
set -g __autovenv_at_v 1
set -g __autovenv_at_key 2
set -g __autovenv_at_root 3
set -g __autovenv_at_venv 4
set -g __autovenv_at_prompt 5
set -g __autovenv_at_msg 6
set -g __autovenv_at_quiet 7
set -g __autovenv_at_sig 8
set -g __autovenv_a $__autovenv_format '' '' '' '' '' '' ''
set -g __autovenv_an
set -g __autovenv_ao
set -g __autovenv_aw
set -g __autovenv_add ''
set -g __autovenv_addl
set -g __autovenv_savedl
set -g __autovenv_oldl
set -g __autovenv_applied ''
set -g __autovenv_mc '' '' '' '' '' '' '' ''
set -g __autovenv_msig '' '' '' '' '' '' '' ''
set -g __autovenv_mgen '' '' '' '' '' '' '' ''
set -g __autovenv_sigepoch 1
set -g __autovenv_mdir '' '' '' '' '' '' '' ''
set -g __autovenv_mfree 1 2 3 4 5 6 7 8
set -g __autovenv_sdeps 'PYENV_VERSION'
set -g __autovenv_sdep_at 25
set -g __autovenv_err /dev/stderr
test -w /dev/stderr -a \( -c /dev/stderr -o -p /dev/stderr -o -f /dev/stderr \); or set -g __autovenv_err ''
