#!/bin/sh
# install.sh - install autovenv from this checkout into its own virtual environment.
#
# POSIX sh (works under dash); run `sh install.sh --help` for usage.
set -eu

MARKER='# added by autovenv install.sh'
LAUNCHER_TAG='written by autovenv install.sh'

PROG='autovenv-install'

say() { printf '%s: %s\n' "$PROG" "$*"; }
warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
usage_error() {
    printf '%s: error: %s\n' "$PROG" "$*" >&2
    printf "%s: run 'sh install.sh --help' for usage\n" "$PROG" >&2
    exit 2
}

usage() {
    cat <<'EOF'
Usage: sh install.sh [OPTIONS]

Install autovenv from the checkout that contains this script into its own
virtual environment, put the `autovenv` command in a bin directory, and add
the shell hook to your shell's rc file. Never prompts.

Options:
  --prefix DIR      where to keep the virtual environment (DIR/venv)
                    [default: ${XDG_DATA_HOME:-$HOME/.local/share}/autovenv]
  --bin-dir DIR     where to put the `autovenv` command [default: ~/.local/bin]
  --shell NAME      bash, zsh or fish [default: basename of $SHELL]
  --python PYTHON   interpreter used to create the venv, 3.9 or newer
                    [default: $AUTOVENV_PYTHON, else python3]
  --no-modify-rc    install only; print the line to add to your rc file
  --uninstall       stop the daemon it runs, remove the venv, the command,
                    the cache and the hook block from every rc file where it
                    is found (bash, zsh and fish). The command is found from
                    the hook lines, PATH or ~/.local/bin, and the venv from
                    the command; --prefix/--bin-dir say it when they cannot
  -h, --help        show this help

Rc files: bash ~/.bashrc, zsh ${ZDOTDIR:-$HOME}/.zshrc,
fish ${XDG_CONFIG_HOME:-$HOME/.config}/fish/config.fish.
The hook is added as two lines: the comment "# added by autovenv install.sh"
and the hook line right below it. Running the installer again does not add a
second copy (a changed hook line, e.g. after a new --bin-dir, is replaced).

Backups: before an rc file is changed it is copied to RCFILE.autovenv-backup.
An existing backup is never overwritten: if RCFILE.autovenv-backup already
exists, the copy goes to RCFILE.autovenv-backup.YYYYmmddHHMMSS instead.

Running the installer again upgrades/reinstalls autovenv from the checkout.
EOF
}

# ---------------------------------------------------------------- options

PREFIX=
BIN_DIR=
SHELL_NAME=
PYTHON=${AUTOVENV_PYTHON:-python3}
MODIFY_RC=1
ACTION=install

while [ $# -gt 0 ]; do
    case $1 in
        --prefix|--bin-dir|--shell|--python)
            [ $# -ge 2 ] || usage_error "$1 needs a value"
            opt=$1
            val=$2
            shift 2
            ;;
        --prefix=*|--bin-dir=*|--shell=*|--python=*)
            opt=${1%%=*}
            val=${1#*=}
            shift
            ;;
        --no-modify-rc) MODIFY_RC=0; shift; continue ;;
        --uninstall) ACTION=uninstall; shift; continue ;;
        -h|--help) usage; exit 0 ;;
        *) usage_error "unknown option: $1" ;;
    esac
    [ -n "$val" ] || usage_error "$opt needs a non-empty value"
    case $opt in
        --prefix) PREFIX=$val ;;
        --bin-dir) BIN_DIR=$val ;;
        --shell) SHELL_NAME=$val ;;
        --python) PYTHON=$val ;;
    esac
done

# Make a directory argument absolute, expanding a leading ~ (which the calling
# shell leaves alone in --opt=~/dir). Prints the result.
abspath() {
    _p=$1
    case $_p in
        \~) _p=$HOME ;;
        \~/*) _p=$HOME/${_p#\~/} ;;
    esac
    case $_p in
        /*) ;;
        *) _p=$PWD/$_p ;;
    esac
    # drop trailing slashes (but keep "/")
    while :; do
        case $_p in
            ?*/) _p=${_p%/} ;;
            *) break ;;
        esac
    done
    printf '%s\n' "$_p"
}

: "${HOME:?HOME is not set}"
PREFIX_GIVEN=$PREFIX
BIN_DIR_GIVEN=$BIN_DIR
[ -n "$PREFIX" ] || PREFIX=${XDG_DATA_HOME:-$HOME/.local/share}/autovenv
[ -n "$BIN_DIR" ] || BIN_DIR=$HOME/.local/bin
PREFIX=$(abspath "$PREFIX")
BIN_DIR=$(abspath "$BIN_DIR")
NL='
'
case $PREFIX$BIN_DIR in
    # Every line the installer writes names these paths; a newline in one would split it.
    *"$NL"*) usage_error "--prefix and --bin-dir cannot contain a newline" ;;
esac

# The paths that follow from PREFIX and BIN_DIR (again after --uninstall finds them).
set_paths() {
    VENV=$PREFIX/venv
    VENV_PY=$VENV/bin/python
    LAUNCHER=$BIN_DIR/autovenv
    LAUNCHER_PY=$PREFIX/launcher.py    # the Python half of the launcher
}
set_paths

SHELL_FROM_ENV=0
if [ -z "$SHELL_NAME" ]; then
    SHELL_NAME=${SHELL:-}
    SHELL_NAME=${SHELL_NAME##*/}
    SHELL_NAME=${SHELL_NAME#-}
    SHELL_FROM_ENV=1
fi
case $SHELL_NAME in
    bash|zsh|fish) ;;
    *)
        if [ "$SHELL_FROM_ENV" = 0 ]; then
            usage_error "unsupported shell '$SHELL_NAME' (supported: bash, zsh, fish)"
        fi
        ;;
esac

# ---------------------------------------------------------------- helpers

rc_file_for() {
    case $1 in
        bash) printf '%s\n' "$HOME/.bashrc" ;;
        zsh) printf '%s\n' "${ZDOTDIR:-$HOME}/.zshrc" ;;
        fish) printf '%s\n' "${XDG_CONFIG_HOME:-$HOME/.config}/fish/config.fish" ;;
    esac
}

# Quote $1 for POSIX shells (bash/zsh/sh): '...' with ' written as '\''.
sh_quote() {
    printf "'%s'\n" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# Quote $1 for fish: inside '...' only \ and ' need a backslash.
fish_quote() {
    printf "'%s'\n" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")"
}

bin_dir_on_path() {
    case ":${PATH:-}:" in
        *":$BIN_DIR:"*|*":$BIN_DIR/:"*) return 0 ;;
    esac
    return 1
}

# The hook line for shell $1; uses the launcher's absolute path when the bin
# directory is not on PATH so that the line works anyway.
hook_line() {
    if bin_dir_on_path; then
        _cmd=autovenv
    elif [ "$1" = fish ]; then
        _cmd=$(fish_quote "$LAUNCHER")
    else
        _cmd=$(sh_quote "$LAUNCHER")
    fi
    case $1 in
        fish) printf '%s hook fish | source\n' "$_cmd" ;;
        *)
            # shellcheck disable=SC2016  # the $(...) is meant for the rc file
            printf 'eval "$(%s hook %s)"\n' "$_cmd" "$1"
            ;;
    esac
}

# Copy rc file $1 to a backup that never overwrites an earlier one; sets BACKUP.
backup_rc() {
    BACKUP=$1.autovenv-backup
    if [ -e "$BACKUP" ] || [ -L "$BACKUP" ]; then
        _base=$1.autovenv-backup.$(date +%Y%m%d%H%M%S)
        BACKUP=$_base
        _n=1
        while [ -e "$BACKUP" ] || [ -L "$BACKUP" ]; do
            BACKUP=$_base.$_n
            _n=$((_n + 1))
        done
    fi
    cp "$1" "$BACKUP" || die "could not back up $1 to $BACKUP"
}

# Print rc file $1 without the marked blocks (the marker line and the hook
# line right below it, if that line mentions autovenv).
strip_block() {
    AV_MARKER=$MARKER awk '
        skip { skip = 0; if (index($0, "autovenv") > 0) next }
        $0 == ENVIRON["AV_MARKER"] { skip = 1; next }
        { print }
    ' "$1"
}

# Replace the content of rc file $1 with file $2, writing through symlinks and
# keeping the file's mode.
overwrite_rc() {
    cat "$2" > "$1" || die "could not write $1"
    rm -f "$2"
}

# Does file $1 end with a newline (or is it empty)?
ends_with_newline() {
    [ ! -s "$1" ] && return 0
    [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ]
}

# Is $1 a launcher that this script wrote?
is_our_launcher() {
    [ -f "$1" ] && ! [ -L "$1" ] && grep -q "$LAUNCHER_TAG" "$1" 2>/dev/null
}

# ---------------------------------------------------------------- uninstall

# Read the first word of stdin's first line, quoted as this script quotes: for sh (style posix: '...'
# with '\'' inside) or fish ('...' with \\ and \'), or bare; print it unquoted, then a line with the
# rest of the line. Fails when the word is not quoted that way.
unquote_word() {
    awk -v style="$1" '
        NR > 1 { exit }
        {
            line = $0; word = ""; i = 1; n = length(line)
            if (substr(line, 1, 1) != "\047") {
                while (i <= n && substr(line, i, 1) != " ") i++
                print substr(line, 1, i - 1); print substr(line, i); ok = 1; exit
            }
            while (i <= n && substr(line, i, 1) == "\047") {
                i++
                for (;;) {
                    if (i > n) exit
                    c = substr(line, i, 1)
                    if (c == "\047") { i++; break }
                    if (style == "fish" && c == "\\") { c = substr(line, i + 1, 1); i++ }
                    word = word c; i++
                }
                if (style == "posix" && substr(line, i, 2) == "\\\047") { word = word "\047"; i += 2; continue }
                if (style == "fish" && i <= n && substr(line, i, 1) != " ") exit
            }
            print word; print substr(line, i); ok = 1; exit
        }
        END { exit ok ? 0 : 1 }
    '
}

# The command named by the install.sh hook line of rc file $1 (its line below the marker), if any.
launcher_in_rc() {
    _line=$(AV_MARKER=$MARKER awk 'f { print; exit } $0 == ENVIRON["AV_MARKER"] { f = 1 }' "$1")
    # shellcheck disable=SC2016  # the $( is part of the line we look for
    case $_line in
        'eval "$('*' hook '*')"') _style=posix; _line=${_line#'eval "$('} ;;
        *' hook fish | source') _style=fish ;;
        *) return 1 ;;
    esac
    _out=$(printf '%s\n' "$_line" | unquote_word "$_style") || return 1
    _word=$(printf '%s\n' "$_out" | sed -n 1p)
    case $_word in
        autovenv) command -v autovenv 2>/dev/null ;;
        /*) printf '%s\n' "$_word" ;;
        *) return 1 ;;
    esac
}

# Find the installation to remove: the launcher (from --bin-dir, else the hook lines, PATH and the
# default bin dir) and its venv (from --prefix, else the launcher's exec line). Sets the paths.
find_install() {
    _found=
    if [ -n "$BIN_DIR_GIVEN" ]; then
        is_our_launcher "$LAUNCHER" && _found=$LAUNCHER
    else
        _candidates=$(
            for _sh in bash zsh fish; do
                _rc=$(rc_file_for "$_sh")
                if [ -f "$_rc" ] && grep -qxF "$MARKER" "$_rc"; then launcher_in_rc "$_rc" || :; fi
            done
            command -v autovenv 2>/dev/null || :
            printf '%s\n' "$LAUNCHER"
        )
        _found=$(printf '%s\n' "$_candidates" | while IFS= read -r _c; do
            [ -n "$_c" ] && is_our_launcher "$_c" && printf '%s\n' "$_c"
        done | awk '!seen[$0]++')
        case $_found in
            *"$NL"*)
                die "found more than one install.sh command: $(printf '%s' "$_found" | tr '\n' ' ')- pass --bin-dir DIR (and --prefix DIR) for the one to remove"
                ;;
        esac
        if [ -n "$_found" ]; then
            BIN_DIR=$(dirname -- "$_found")
        fi
    fi
    if [ -n "$_found" ] && [ -z "$PREFIX_GIVEN" ]; then
        # The launcher's last line: exec '<venv python>' -IS '<prefix>/launcher.py' "$@"
        _exec=$(grep '^exec ' "$_found" | tail -n 1)
        _py=
        if _out=$(printf '%s\n' "${_exec#exec }" | unquote_word posix); then
            _rest=$(printf '%s\n' "$_out" | sed -n 2p)
            _out=$(printf '%s\n' "${_rest# -IS }" | unquote_word posix) && _py=$(printf '%s\n' "$_out" | sed -n 1p)
        fi
        case $_py in
            /*/launcher.py) PREFIX=${_py%/launcher.py} ;;
            *) die "cannot read where $_found keeps its venv; pass --prefix DIR (as when installing)" ;;
        esac
    fi
    set_paths
}

# Stop every autovenv daemon that runs from this installation's venv (one per configuration, each with
# a daemon.pid in its own directory under the runtime directory).
stop_daemons() {
    _uid=$(id -u)
    if [ -n "${AUTOVENV_RUNTIME_DIR:-}" ]; then
        _run=$AUTOVENV_RUNTIME_DIR
    else
        case ${XDG_RUNTIME_DIR:-} in
            /*) _run=$XDG_RUNTIME_DIR ;;
            *) if [ -d "/run/user/$_uid" ]; then _run=/run/user/$_uid; else _run=/tmp/runtime-$_uid; fi ;;
        esac
        _run=$_run/autovenv
    fi
    for _pidfile in "$_run"/*/daemon.pid "$_run"/daemon.pid; do
        if ! [ -f "$_pidfile" ] || [ -L "$_pidfile" ]; then continue; fi
        _pid=$(head -n 1 "$_pidfile" 2>/dev/null)
        case $_pid in ''|*[!0-9]*) continue ;; esac
        _args=$(ps -o args= -p "$_pid" 2>/dev/null) || continue
        case $_args in "$VENV"/bin/python*) ;; *) continue ;; esac
        kill -TERM "$_pid" 2>/dev/null || continue
        _n=0
        while kill -0 "$_pid" 2>/dev/null && [ "$_n" -lt 50 ]; do
            sleep 0.1
            _n=$((_n + 1))
        done
        if kill -0 "$_pid" 2>/dev/null; then
            warn "the autovenv daemon (pid $_pid) did not stop; stop it yourself: kill $_pid"
        else
            say "stopped the autovenv daemon (pid $_pid)"
        fi
    done
    _unit=${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user/autovenv.service
    if [ -f "$_unit" ] && grep -qF "$VENV/bin/python" "$_unit"; then
        warn "$_unit still starts the daemon at login; remove it: systemctl --user disable --now autovenv && rm $(sh_quote "$_unit")"
    fi
}

# The cache the launcher serves hooks from (and autovenv keeps its answers in): autovenv's own directory
# at the default place. One named by AUTOVENV_CACHE_DIR may be anything, so it is left alone.
remove_cache() {
    if [ -n "${AUTOVENV_CACHE_DIR:-}" ]; then
        say "left the cache in AUTOVENV_CACHE_DIR ($AUTOVENV_CACHE_DIR) in place"
        return 0
    fi
    case ${XDG_CACHE_HOME:-} in
        /*) _cache=$XDG_CACHE_HOME/autovenv ;;
        *) _cache=$HOME/.cache/autovenv ;;
    esac
    if [ -d "$_cache" ] && ! [ -L "$_cache" ] && [ -O "$_cache" ]; then
        rm -rf "$_cache" || die "could not remove $_cache"
        say "removed the cache $_cache"
    fi
}

do_uninstall() {
    find_install
    stop_daemons
    if [ -f "$VENV/pyvenv.cfg" ]; then
        rm -rf "$VENV" || die "could not remove $VENV"
        say "removed virtual environment $VENV"
    elif [ -e "$VENV" ]; then
        die "$VENV does not look like a virtual environment (no pyvenv.cfg); not removing it"
    else
        say "no virtual environment at $VENV"
    fi
    rm -f "$LAUNCHER_PY"
    if [ -d "$PREFIX" ]; then
        if rmdir "$PREFIX" 2>/dev/null; then
            say "removed $PREFIX"
        elif [ "$(ls -A "$PREFIX")" = trust ]; then
            say "kept your allow/deny decisions in $PREFIX/trust (remove that directory to forget them)"
        else
            warn "$PREFIX is not empty; left it in place"
        fi
    fi

    if is_our_launcher "$LAUNCHER"; then
        rm -f "$LAUNCHER"
        say "removed command $LAUNCHER"
    elif [ -e "$LAUNCHER" ] || [ -L "$LAUNCHER" ]; then
        warn "$LAUNCHER was not written by install.sh; left it in place"
    else
        say "no command at $LAUNCHER"
    fi

    _found=0
    for _sh in bash zsh fish; do
        _rc=$(rc_file_for "$_sh")
        [ -f "$_rc" ] || continue
        grep -qxF "$MARKER" "$_rc" || continue
        _found=1
        if [ "$MODIFY_RC" = 0 ]; then
            say "--no-modify-rc: left the autovenv block in $_rc; remove it by hand"
            continue
        fi
        backup_rc "$_rc"
        _tmp=$_rc.autovenv-tmp.$$
        strip_block "$_rc" > "$_tmp" || { rm -f "$_tmp"; die "could not edit $_rc"; }
        overwrite_rc "$_rc" "$_tmp"
        say "removed the autovenv hook from $_rc (backup: $BACKUP)"
    done
    [ "$_found" = 1 ] || say "no autovenv hook block found in any rc file"
    remove_cache
    say "autovenv is uninstalled"
}

# ---------------------------------------------------------------- install

check_python() {
    command -v "$PYTHON" >/dev/null 2>&1 \
        || die "'$PYTHON' not found; install Python 3.9 or newer, or set AUTOVENV_PYTHON to its path"
    PY_VERSION=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) \
        || die "could not run '$PYTHON'"
    _major=${PY_VERSION%%.*}
    _minor=${PY_VERSION#*.}
    case $_major$_minor in
        ''|*[!0-9]*) die "could not determine the version of '$PYTHON' (got '$PY_VERSION')" ;;
    esac
    if [ "$_major" -lt 3 ] || { [ "$_major" -eq 3 ] && [ "$_minor" -lt 9 ]; }; then
        die "'$PYTHON' is Python $PY_VERSION; autovenv needs Python 3.9 or newer (set AUTOVENV_PYTHON)"
    fi
    if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        no_venv_error
    fi
}

no_venv_error() {
    die "'$PYTHON' (Python $PY_VERSION) cannot create virtual environments (venv/ensurepip missing). On Debian/Ubuntu run: sudo apt-get install python3-venv (or python$PY_VERSION-venv)"
}

make_venv() {
    if [ -e "$VENV" ] && ! [ -f "$VENV/pyvenv.cfg" ]; then
        die "$VENV exists but is not a virtual environment; remove it or choose another --prefix"
    fi
    if [ -f "$VENV/pyvenv.cfg" ]; then
        if "$VENV_PY" -c 'import sys' >/dev/null 2>&1 \
            && "$VENV_PY" -m pip --version >/dev/null 2>&1; then
            say "upgrading the existing installation in $VENV"
            return 0
        fi
        say "existing virtual environment $VENV is broken; recreating it"
        rm -rf "$VENV"
    fi
    mkdir -p "$PREFIX" || die "could not create $PREFIX"
    say "creating virtual environment $VENV (Python $PY_VERSION)"
    if ! "$PYTHON" -m venv "$VENV"; then
        rm -rf "$VENV"
        no_venv_error
    fi
}

pip_install() {
    say "installing autovenv from $SRC_DIR (pip may download build requirements)"
    PIP_USER=0 PIP_REQUIRE_VIRTUALENV=0 "$VENV_PY" -m pip install --quiet --upgrade \
        --disable-pip-version-check --no-input "$SRC_DIR" \
        || die "pip could not install $SRC_DIR into $VENV (see pip's messages above)"
}

# Python code that puts the venv's site-packages first on sys.path; the
# launcher runs with -I -S, so site-packages is not on sys.path by itself.
site_path_code() {
    "$VENV_PY" -I -c '
import sysconfig
paths = sysconfig.get_paths()
dirs = []
for key in ("purelib", "platlib"):
    if paths[key] not in dirs:
        dirs.append(paths[key])
print("sys.path[0:0] = %r" % (dirs,))
'
}

write_launcher() {
    SITE_CODE=$(site_path_code) || die "could not ask $VENV_PY for its site-packages directory"
    mkdir -p "$BIN_DIR" || die "could not create $BIN_DIR"
    _tmp=$BIN_DIR/.autovenv.tmp.$$
    _argv0=$("$VENV_PY" -I -c 'import sys; print(repr(sys.argv[1]))' "$LAUNCHER") \
        || die "could not run $VENV_PY"
    {
        printf '# autovenv launcher code, %s; run by the autovenv command in the bin dir\n' "$LAUNCHER_TAG"
        printf 'import sys\n'
        printf 'sys.argv[0] = %s\n' "$_argv0"
        printf '%s\n' "$SITE_CODE"
        printf 'from autovenv._entry import main\n'
        printf 'raise SystemExit(main())\n'
    } > "$LAUNCHER_PY" || die "could not write $LAUNCHER_PY"
    # The command is a small sh script. `autovenv hook SHELL` runs at every shell start, so it is served
    # from the copy Python saved in the cache the last time (a few ms instead of a Python start), as long
    # as that copy is newer than this installation and the user's config; anything else runs Python
    # isolated (-I: no PYTHONPATH, no current directory on sys.path) and without site (-S: faster).
    # The shell evaluates what this prints, so the copy must be the user's own, from their own cache:
    # - the cache path is worked out as Python does (autovenv.dirs), relative values ignored: a relative
    #   XDG_CACHE_HOME would name a directory in whatever checkout the shell starts in;
    # - `cd -P` pins the cache directory itself, so nothing above it can be swapped between the checks
    #   and the read; it must be the user's own and really named like the cache directory (not another
    #   directory of theirs a link points at), and the copy a regular file of theirs, not a link. Python
    #   writes the copy only into a cache it found private (0700, every directory on the way safe).
    # shellcheck disable=SC2016  # the $ in these lines belong to the launcher, not to us
    {
        printf '#!/bin/sh\n'
        printf '# autovenv launcher, %s\n' "$LAUNCHER_TAG"
        printf 'if [ "$#" = 2 ] && [ "$1" = hook ]; then\n'
        printf '    case $2 in bash|zsh|fish|pwsh)\n'
        printf '        case ${AUTOVENV_CACHE_DIR-} in\n'
        printf '            /*) c=$AUTOVENV_CACHE_DIR ;;\n'
        printf '            *) case ${XDG_CACHE_HOME-} in /*) c=$XDG_CACHE_HOME/autovenv ;; *) c=${HOME-}/.cache/autovenv ;; esac ;;\n'
        printf '        esac\n'
        printf '        case ${AUTOVENV_CONFIG_DIR-} in\n'
        printf '            /*) g=$AUTOVENV_CONFIG_DIR/config.toml ;;\n'
        printf '            *) case ${XDG_CONFIG_HOME-} in /*) g=$XDG_CONFIG_HOME/autovenv/config.toml ;; *) g=${HOME-}/.config/autovenv/config.toml ;; esac ;;\n'
        printf '        esac\n'
        printf '        c=${c%%/}\n'
        printf '        case $c in /?*) ;; *) c= ;; esac\n'
        printf '        if [ -n "$c" ] && cd -P -- "$c" 2>/dev/null && [ -O . ] && [ "${PWD##*/}" = "${c##*/}" ] \\\n'
        printf '            && [ ! -h "hook.$2" ] && [ -f "hook.$2" ] && [ -O "hook.$2" ] && [ "hook.$2" -nt %s ] \\\n' \
            "$(sh_quote "$LAUNCHER_PY")"
        printf '            && { [ ! -e "$g" ] || [ "hook.$2" -nt "$g" ]; }; then\n'
        printf '            exec cat -- "hook.$2"\n'
        printf '        fi ;;\n'
        printf '    esac\n'
        printf 'fi\n'
        printf 'exec %s -IS %s "$@"\n' "$(sh_quote "$VENV_PY")" "$(sh_quote "$LAUNCHER_PY")"
    } > "$_tmp" || die "could not write $_tmp"
    LAUNCHER_KIND="#!/bin/sh launcher running $VENV_PY -IS"
    chmod 755 "$_tmp"
    mv -f "$_tmp" "$LAUNCHER" || { rm -f "$_tmp"; die "could not create $LAUNCHER"; }
    say "installed command $LAUNCHER"
}

check_install() {
    "$VENV_PY" -I -S -c "import sys
$SITE_CODE
import autovenv" >/dev/null 2>&1 \
        || die "the package was installed but 'import autovenv' fails in $VENV"
    if ! _err=$("$VENV_PY" -I -S -c "import sys
$SITE_CODE
import autovenv._entry" 2>&1); then
        warn "autovenv._entry cannot be imported, so the command will fail until the checkout is fixed:"
        printf '%s:   %s\n' "$PROG" "$(printf '%s\n' "$_err" | tail -n 1)" >&2
    fi
}

add_hook() {
    _rc=$(rc_file_for "$SHELL_NAME")
    _line=$(hook_line "$SHELL_NAME")
    if [ "$MODIFY_RC" = 0 ]; then
        say "--no-modify-rc: add this line to $_rc:"
        printf '    %s\n' "$_line"
        return 0
    fi
    if [ -f "$_rc" ]; then
        _count=$(grep -cxF "$MARKER" "$_rc" || true)
        if [ "$_count" = 1 ]; then
            _cur=$(AV_MARKER=$MARKER awk 'f { print; exit } $0 == ENVIRON["AV_MARKER"] { f = 1 }' "$_rc")
            if [ "$_cur" = "$_line" ]; then
                say "$_rc already has the autovenv hook"
                return 0
            fi
        fi
        if [ "$_count" = 0 ] && grep -Eq "^[^#]*autovenv['\"]?[[:space:]]+hook[[:space:]]+$SHELL_NAME" "$_rc"; then
            say "$_rc already runs 'autovenv hook $SHELL_NAME' (not added by install.sh); leaving it alone"
            return 0
        fi
        backup_rc "$_rc"
        _tmp=$_rc.autovenv-tmp.$$
        {
            if [ "$_count" != 0 ]; then
                strip_block "$_rc"
            else
                cat "$_rc"
                ends_with_newline "$_rc" || printf '\n'
            fi
            printf '%s\n%s\n' "$MARKER" "$_line"
        } > "$_tmp" || { rm -f "$_tmp"; die "could not edit $_rc"; }
        overwrite_rc "$_rc" "$_tmp"
        if [ "$_count" != 0 ]; then
            say "updated the autovenv hook in $_rc (backup: $BACKUP)"
        else
            say "added the autovenv hook to $_rc (backup: $BACKUP)"
        fi
    else
        mkdir -p "$(dirname -- "$_rc")" || die "could not create the directory of $_rc"
        printf '%s\n%s\n' "$MARKER" "$_line" > "$_rc" || die "could not write $_rc"
        say "created $_rc with the autovenv hook"
    fi
}

path_note() {
    bin_dir_on_path && return 0
    say "note: $BIN_DIR is not on your PATH; the hook line uses the full path of the command."
    case $SHELL_NAME in
        fish) say "to run 'autovenv' by name, run once: fish_add_path $(fish_quote "$BIN_DIR")" ;;
        *) say "to run 'autovenv' by name, add to your rc file: export PATH=$(sh_quote "$BIN_DIR"):\"\$PATH\"" ;;
    esac
}

do_install() {
    SRC_DIR=$(cd -- "$(dirname -- "$0")" && pwd) || die "cannot find the directory of install.sh"
    [ -f "$SRC_DIR/pyproject.toml" ] \
        || die "$SRC_DIR has no pyproject.toml; run install.sh from an autovenv checkout (sh path/to/install.sh)"
    if { [ -e "$LAUNCHER" ] || [ -L "$LAUNCHER" ]; } && ! is_our_launcher "$LAUNCHER"; then
        die "$LAUNCHER exists and was not written by install.sh; remove it or use --bin-dir"
    fi
    check_python
    make_venv
    pip_install
    write_launcher
    check_install
    say "launcher: $LAUNCHER_KIND"
    case $SHELL_NAME in
        bash|zsh|fish)
            add_hook
            path_note
            say "done; open a new $SHELL_NAME to start using autovenv"
            ;;
        *)
            warn "cannot tell your shell from \$SHELL ('${SHELL:-}'); no rc file changed. Rerun with --shell bash|zsh|fish, or add one of these lines yourself:"
            for _sh in bash zsh fish; do
                printf '    %s (%s): %s\n' "$_sh" "$(rc_file_for "$_sh")" "$(hook_line "$_sh")" >&2
            done
            say "done (installed, hook not added)"
            ;;
    esac
}

case $ACTION in
    install) do_install ;;
    uninstall) do_uninstall ;;
esac
