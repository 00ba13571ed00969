#!/bin/sh
# The project's test command (README: "Run the tests"). Self-contained on a fresh machine: it builds the
# wheel, installs it with the test dependencies into its own venv (.test-venv), and runs pytest against
# the installed wheel, so the tests see exactly what users get (templates shipped inside the package).
# Extra arguments go to pytest, e.g.  sh tests/run.sh -k bash -x
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
python=${AUTOVENV_TEST_PYTHON:-python3}
venv=$here/.test-venv
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip build >/dev/null
rm -rf "$here/.test-dist"
"$venv/bin/python" -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$here/.test-dist" "$here" >/dev/null
wheel=$(ls "$here"/.test-dist/autovenv_shell-*.whl)
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${wheel}[test]"
# The env tools the differential tests ask, each in its own venv so their dependencies never meet;
# installed once per pinned version (tests/differential/tool-versions.txt), in parallel. One that cannot
# be installed is left out: its tests skip locally and fail in CI.
tools=$here/.test-tools
mkdir -p "$tools"
# The loop runs in the pipeline's subshell, so the wait that collects its installs must be there too.
grep -v '^#' tests/differential/tool-versions.txt | {
while read -r spec; do
    [ -n "$spec" ] || continue
    name=${spec%%==*}
    [ "$(cat "$tools/$name/.spec" 2>/dev/null)" = "$spec" ] && continue
    (
        rm -rf "${tools:?}/$name"
        # A line may name more than the tool (a dependency it needs pinned): its words are split on purpose.
        # shellcheck disable=SC2086
        if "$python" -m venv "$tools/$name" \
            && "$tools/$name/bin/python" -m pip install --quiet --disable-pip-version-check $spec >"$tools/$name.log" 2>&1; then
            printf '%s\n' "$spec" >"$tools/$name/.spec"
        else
            echo "tests/run.sh: could not install $spec (see $tools/$name.log)" >&2
        fi
    ) &
done
wait
}
exec "$venv/bin/python" -m pytest "$@"
