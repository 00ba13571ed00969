"""The command line as a user meets it: the installed ``autovenv`` run as a process, in the sandbox HOME.

Exit codes (0 fine, 1 something to fix, 2 a usage error), help that shows every summary whole, status
that reports the user's own config mistakes, trust decisions forgotten by a path that no longer exists,
and nothing that waits on a FIFO a checkout put where autovenv reads.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import venv

import pytest

from autovenv import doctor
from tests.shells.conftest import autovenv_command

SHELLS = ("bash", "zsh", "fish", "pwsh")


def run(
    *args: str, cwd: pathlib.Path | None = None, timeout: float = 30, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [autovenv_command(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "80", **env},
        stdin=subprocess.DEVNULL,
        check=False,
    )


def make_venv(where: pathlib.Path) -> pathlib.Path:
    venv.EnvBuilder(with_pip=False, symlinks=True).create(where)
    return where


@pytest.fixture
def config(tmp_path: pathlib.Path) -> pathlib.Path:
    """A user config file of the test's own (AUTOVENV_CONFIG_DIR points at it in ``env``)."""
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir()
    return path


@pytest.fixture
def env(tmp_path: pathlib.Path, config: pathlib.Path) -> dict[str, str]:
    return {
        "AUTOVENV_CONFIG_DIR": str(config.parent),
        "AUTOVENV_DATA_DIR": str(tmp_path / "data"),
        "AUTOVENV_CACHE_DIR": str(tmp_path / "cache"),
    }


# -- status ----------------------------------------------------------------------------------------


def test_status_shows_the_users_own_config_mistakes_and_exits_1(
    tmp_path: pathlib.Path, config: pathlib.Path, env: dict[str, str]
) -> None:
    project = tmp_path / "shop"
    make_venv(project / ".venv")
    assert run("status", str(project), **env).returncode == 0
    config.write_text('venv_dirs = ".venv"\ntrust = "Ask"\n')
    shown = run("status", "--json", str(project), **env)
    assert shown.returncode == 1, shown.stderr
    data = json.loads(shown.stdout)
    assert data["trust_mode"] == "ask" and data["would_activate"] is None
    assert data["user_config"]["path"] == str(config)
    assert data["problems"][:2] == data["user_config"]["problems"] and len(data["problems"]) == 3
    assert "venv_dirs must be a list" in data["problems"][0] and "trust must be" in data["problems"][1]
    assert 'trust = "ask"' in data["problems"][2]  # the block line itself says why
    text = run("status", str(project), **env)
    assert text.returncode == 1 and text.stdout.count("problem:") == 3
    config.write_text("quiet = tru\n")
    broken = run("status", "--json", str(project), **env)
    assert broken.returncode == 1 and "is not valid TOML" in json.loads(broken.stdout)["problems"][0]


def test_status_of_a_directory_that_does_not_exist_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    shown = run("status", str(tmp_path / "nonexistent"))
    assert shown.returncode == 2 and "does not exist" in shown.stderr and shown.stdout == ""


# -- usage, help, exit codes -----------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_export_has_help(flag: str) -> None:
    shown = run("export", flag)
    assert shown.returncode == 0 and shown.stdout.startswith("Usage: autovenv export [OPTIONS] SHELL")
    assert "--hook" in shown.stdout and shown.stderr == ""


@pytest.mark.parametrize(
    "args",
    [
        ("hook", "tcsh"),
        ("export", "tcsh"),
        ("init", "tcsh"),
        ("doctor", "--shell", "tcsh"),
        ("completion", "tcsh"),
    ],
)
def test_an_unknown_shell_is_the_same_usage_error_everywhere(args: tuple[str, ...]) -> None:
    shown = run(*args)
    assert shown.returncode == 2
    assert shown.stderr == "autovenv: unknown shell 'tcsh'; supported: bash, fish, pwsh, zsh\n"


@pytest.mark.parametrize("group", [(), ("daemon",), ("trust",)])
def test_help_lists_every_command_with_its_whole_summary(group: tuple[str, ...]) -> None:
    from autovenv.cli import cli

    command = cli
    for name in group:
        command = command.commands[name]  # type: ignore[attr-defined]
    shown = run(*group, "--help")
    assert shown.returncode == 0
    commands = shown.stdout.split("Commands:", 1)[1]
    assert "..." not in commands
    listed = dict(re.findall(r"^  (\S+)\s+(.+)$", commands, re.MULTILINE))
    assert set(listed) == set(command.commands)  # type: ignore[attr-defined]
    for name, sub in command.commands.items():  # type: ignore[attr-defined]
        assert listed[name] == sub.get_short_help_str(limit=1000), name
        assert listed[name].endswith("."), name


# -- trust forget ----------------------------------------------------------------------------------


def test_trust_forget_takes_the_path_of_a_moved_or_deleted_project(
    tmp_path: pathlib.Path, env: dict[str, str]
) -> None:
    gone, moved, kept = (tmp_path / name for name in ("gone", "moved", "kept"))
    for project in (gone, moved, kept):
        make_venv(project / ".venv")
        assert run("allow", str(project), **env).returncode == 0
    shutil.rmtree(gone)
    moved.rename(tmp_path / "elsewhere")
    listed = run("trust", "list", **env).stdout
    assert f"(stale) {gone / '.venv'}" in listed and f"(stale) {moved / '.venv'}" in listed

    forgot = run("trust", "forget", str(gone), **env)
    assert forgot.returncode == 0 and forgot.stderr == f"autovenv: forgot {gone / '.venv'}\n"
    assert str(gone) not in run("trust", "list", **env).stdout
    assert run("trust", "forget", str(gone), **env).stderr == f"autovenv: nothing stored for {gone}\n"

    stale = run("trust", "forget", "--stale", **env)
    assert stale.stderr == f"autovenv: forgot {moved / '.venv'}\n"
    assert run("trust", "list", **env).stdout == f"allow  {kept / '.venv'}\n"
    assert run("trust", "forget", str(kept), **env).stderr == f"autovenv: forgot {kept / '.venv'}\n"


# -- nothing a checkout puts where autovenv reads can hold a command up ----------------------------


@pytest.mark.parametrize("name", [".autovenv.toml", "pyproject.toml", ".python-version", ".venv", ".envrc"])
def test_status_allow_and_doctor_never_wait_on_a_fifo(
    tmp_path: pathlib.Path, env: dict[str, str], name: str
) -> None:
    project = tmp_path / "p"
    make_venv(project / ("venv" if name == ".venv" else ".venv"))
    os.mkfifo(project / name)
    for args in (("status", str(project)), ("allow", str(project)), ("doctor", "--shell", "bash")):
        shown = run(*args, cwd=project, timeout=10, **env)
        assert shown.returncode in (0, 1), (args, shown.stderr)
    assert "allow" in run("trust", "list", **env).stdout


# -- doctor ----------------------------------------------------------------------------------------


def test_doctors_direnv_fix_removes_only_the_python_layouts(tmp_path: pathlib.Path) -> None:
    envrc = tmp_path / ".envrc"
    kept = "layout node\nexport A=1\nlayout go\nlayout pythonista\n"
    envrc.write_text(
        "layout node\n  layout python3\nexport A=1\nlayout_python\nlayout go\n"
        "layout uv # x\nlayout pythonista\n"
    )
    (finding,) = doctor.envrc_findings(str(tmp_path), doctor._read_text)
    assert finding.fix is not None
    sed, _, allow = finding.fix.partition(" && ")
    assert allow.startswith("direnv allow ")
    subprocess.run(["sh", "-c", sed], check=True)
    assert envrc.read_text() == kept


# -- completion ------------------------------------------------------------------------------------


def test_bash_completion_completes_commands_and_shells() -> None:
    script = run("completion", "bash").stdout
    bash = shutil.which("bash")
    assert bash is not None
    probe = (
        script
        + '\nPATH="$1:$PATH"\n'
        + 'ask() { COMPREPLY=(); COMP_CWORD=$1; shift; COMP_WORDS=("$@"); _autovenv_completion autovenv; }\n'
        + 'ask 1 autovenv da; printf "%s\\n" "${COMPREPLY[@]}"\n'
        + 'ask 2 autovenv hook ""; printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    out = subprocess.run(
        [bash, "--norc", "-c", probe, "_", os.path.dirname(autovenv_command())],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["daemon", "bash", "zsh", "fish", "pwsh"], out.stderr


def test_fish_completion_through_fish_itself(tmp_path: pathlib.Path) -> None:
    fish = shutil.which("fish")
    if fish is None:
        if os.environ.get("CI"):
            pytest.fail("fish is not installed, and CI must have it")
        pytest.skip("fish is not installed")
    completions = tmp_path / "autovenv.fish"
    completions.write_text(run("completion", "fish").stdout)
    probe = f"source {completions}; complete -C 'autovenv tr'; complete -C 'autovenv daemon st'"
    out = subprocess.run(
        [fish, "--no-config", "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PATH": f"{os.path.dirname(autovenv_command())}:{os.environ['PATH']}"},
    )
    names = [line.split("\t")[0] for line in out.stdout.splitlines()]
    assert names == ["trust", "start", "status", "stop"], out.stdout + out.stderr


def test_zsh_completion_registers_with_compinit_and_answers(tmp_path: pathlib.Path) -> None:
    zsh = shutil.which("zsh")
    if zsh is None:
        if os.environ.get("CI"):
            pytest.fail("zsh is not installed, and CI must have it")
        pytest.skip("zsh is not installed")
    script = tmp_path / "completion.zsh"
    script.write_text(run("completion", "zsh").stdout)
    probe = (
        f"autoload -U compinit && compinit -u -d {tmp_path}/zcompdump && source {script}"
        " && print -r -- $_comps[autovenv]"
    )
    out = subprocess.run([zsh, "-f", "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "_autovenv_completion", out.stderr
    answer = run(
        **{"_AUTOVENV_COMPLETE": "zsh_complete", "COMP_WORDS": "autovenv daemon st", "COMP_CWORD": "2"}
    )
    assert answer.returncode == 0
    assert answer.stdout.split("\n")[:6] == [
        "plain",
        "start",
        "Start the daemon in the background.",
        "plain",
        "status",
        "Show whether it runs, and how well. Exit 3: stopped.",
    ]


def powershell() -> str:
    found = shutil.which("pwsh") or os.environ.get("AUTOVENV_TEST_PWSH")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("no PowerShell (pwsh on PATH, or AUTOVENV_TEST_PWSH), and CI must have it")
        pytest.skip("no PowerShell here: pwsh on PATH, or AUTOVENV_TEST_PWSH")
    return found


def test_pwsh_completion_through_powershells_own_tab_expansion(tmp_path: pathlib.Path) -> None:
    script = tmp_path / "completion.ps1"
    script.write_text(run("completion", "pwsh").stdout)
    probe = (
        f". '{script}'\n"
        "foreach ($line in 'autovenv da', 'autovenv daemon st', 'autovenv hook p') {\n"
        "  (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches |"
        " ForEach-Object { $_.CompletionText }\n"
        "}\n"
        "[string][Environment]::GetEnvironmentVariable('_AUTOVENV_COMPLETE')\n"
    )
    out = subprocess.run(
        [powershell(), "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", probe],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": f"{os.path.dirname(autovenv_command())}:{os.environ['PATH']}"},
    )
    assert out.stdout.split("\n")[:-1] == ["daemon", "start", "status", "stop", "pwsh", ""], (
        out.stdout + out.stderr
    )


def test_the_pwsh_completion_script_parses_in_powershell(tmp_path: pathlib.Path) -> None:
    script = tmp_path / "completion.ps1"
    script.write_text(run("completion", "pwsh").stdout)
    probe = (
        "$errors = $null; $tokens = $null\n"
        "[void][System.Management.Automation.Language.Parser]::ParseFile("
        f"'{script}', [ref]$tokens, [ref]$errors)\n"
        "$errors.Count\n"
    )
    out = subprocess.run(
        [powershell(), "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", probe],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.stdout.strip() == "0", out.stdout + out.stderr


def test_a_fifo_in_the_trust_store_holds_nothing_up(tmp_path: pathlib.Path, env: dict[str, str]) -> None:
    project = tmp_path / "shop"
    make_venv(project / ".venv")
    assert run("allow", str(project), **env).returncode == 0
    (record,) = (tmp_path / "data" / "trust").rglob("allow")
    record.unlink()
    os.mkfifo(record)
    shown = run("status", "--json", str(project), timeout=10, **env)
    assert json.loads(shown.stdout)["venv"]["trust"] is None
    assert run("trust", "list", timeout=10, **env).stdout == f"allow  (stale) {project / '.venv'}\n"
