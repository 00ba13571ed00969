"""Tests for install.sh, the POSIX sh installer.

The installer is run with `sh` (dash on Debian) against a copy of the checkout
in a temporary directory, with a fresh temporary HOME, the XDG variables unset,
and --prefix/--bin-dir in tmp. pip builds a wheel on every install, so the
installs are shared through module-scoped fixtures that run every step once
and record what they saw; the tests only look at those records (and at the
one installation that is never removed).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALL_SH = ROOT / "install.sh"
MARKER = "# added by autovenv install.sh"
PREFIX_MSG = "autovenv-install:"
SH = shutil.which("dash") or shutil.which("sh") or "sh"
SHELLS = ("bash", "zsh", "fish")

# Content the rc files have before the installer runs (checked byte-for-byte
# after --uninstall). Includes trailing spaces and non-ASCII on purpose.
ORIG_RC = {
    "bash": "# my bashrc \nexport FOO=1\nalias ll='ls -l'   \n# caf\u00e9\n",
    "zsh": "# my zshrc\nsetopt autocd\n\n",
    "fish": "# my fish config\nset -gx FOO 1\n",
}

STUB_LAUNCHER = '#!/bin/sh\n# stub used by test_install_sh.py\nprintf "echo HOOK-OK-%s\\n" "$2"\n'


# ------------------------------------------------------------------ helpers


def _ignore(directory: str, names: List[str]) -> List[str]:
    skip = {
        ".git",
        "tests",
        "benchmarks",
        "build",
        "dist",
        ".venv",
        "venv",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
        ".tox",
        ".nox",
        # What tests/run.sh makes in the checkout: the test venv and the env tools' venvs (hundreds of
        # megabytes, reached through a symlink in some work trees), and the wheel it built.
        ".test-venv",
        ".test-tools",
        ".test-dist",
    }
    return [n for n in names if n in skip or n.endswith((".pyc", ".egg-info"))]


def rc_path(home: Path, shell: str) -> Path:
    # XDG_CONFIG_HOME and ZDOTDIR are unset in the test environment.
    return {
        "bash": home / ".bashrc",
        "zsh": home / ".zshrc",
        "fish": home / ".config" / "fish" / "config.fish",
    }[shell]


def sh_quote(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


def fish_quote(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def expected_hook_line(shell: str, launcher: Path) -> str:
    """The hook line when the bin dir is not on PATH (absolute, quoted path)."""
    if shell == "fish":
        return f"{fish_quote(str(launcher))} hook fish | source"
    return f'eval "$({sh_quote(str(launcher))} hook {shell})"'


def make_env(home: Path, path_prefix: str = "") -> Dict[str, str]:
    drop = {"ZDOTDIR", "AUTOVENV_PYTHON", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_USER"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_") and k not in drop}
    env["HOME"] = str(home)
    env["SHELL"] = "/bin/sh"  # tests pass --shell; an unsupported $SHELL must not matter
    env["AUTOVENV_PYTHON"] = sys.executable
    if path_prefix:
        env["PATH"] = path_prefix + os.pathsep + env.get("PATH", "")
    return env


def run_sh(
    script: Path, env: Dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SH, str(script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def check_ok(res: subprocess.CompletedProcess) -> None:
    assert res.returncode == 0, f"exit {res.returncode}\nstdout:\n{res.stdout}\nstderr:\n{res.stderr}"


def entry_module_exists(venv_python: Path) -> bool:
    res = subprocess.run([str(venv_python), "-c", "import autovenv._entry"], capture_output=True, text=True)
    return res.returncode == 0


def check_launcher_runs(launcher: Path, venv_python: Path, env: Dict[str, str]) -> None:
    """The launcher must run `autovenv --help`.

    While the CLI module autovenv._entry does not exist yet (it is being written
    separately), accept exactly that failure: it shows the launcher started the
    venv's python and found the installed `autovenv` package on its sys.path.
    """
    res = subprocess.run([str(launcher), "--help"], env=env, capture_output=True, text=True, timeout=60)
    if entry_module_exists(venv_python):
        assert res.returncode == 0, res.stderr
        assert "autovenv" in res.stdout.lower()
    else:
        assert res.returncode != 0
        assert "No module named 'autovenv._entry'" in res.stderr, res.stderr


def run_hook_with_stub(launcher: Path, home: Path, shell: str) -> str:
    """Swap the launcher for a stub, source the rc file in `shell`, return stdout."""
    exe = shutil.which(shell)
    if exe is None:
        return f"<{shell} not installed>"
    rc = str(rc_path(home, shell))
    cmd = {
        "bash": [exe, "--norc", "--noprofile", "-c", '. "$1"', "bash", rc],
        "zsh": [exe, "-f", "-c", 'source "$1"', "zsh", rc],
        "fish": [exe, "--no-config", "-c", "source $argv[1]", rc],
    }[shell]
    saved = launcher.read_bytes()
    try:
        launcher.write_text(STUB_LAUNCHER)
        env = dict(os.environ, HOME=str(home))
        res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        return res.stdout.strip() + (f" [stderr: {res.stderr.strip()}]" if res.stderr.strip() else "")
    finally:
        launcher.write_bytes(saved)


def write_orig_rc(home: Path, shell: str) -> Path:
    rc = rc_path(home, shell)
    rc.parent.mkdir(parents=True, exist_ok=True)
    rc.write_bytes(ORIG_RC[shell].encode())
    return rc


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout (what install.sh installs from), isolated from
    concurrent edits and build artifacts in the real work tree."""
    dest = tmp_path_factory.mktemp("checkout") / "autovenv"
    shutil.copytree(ROOT, dest, ignore=_ignore)
    if not (dest / "README.md").exists():
        # pyproject.toml names README.md as the readme; hatchling refuses to
        # build without it. Only the copy gets a placeholder.
        (dest / "README.md").write_text("# autovenv\n")
    return dest


@dataclass
class Install:
    home: Path
    prefix: Path
    bin_dir: Path
    env: Dict[str, str]
    runs: Dict[str, List[subprocess.CompletedProcess]] = field(default_factory=dict)
    rc_after: Dict[str, List[bytes]] = field(default_factory=dict)
    extra: Dict[str, object] = field(default_factory=dict)

    @property
    def launcher(self) -> Path:
        return self.bin_dir / "autovenv"

    @property
    def venv_python(self) -> Path:
        return self.prefix / "venv" / "bin" / "python"


@pytest.fixture(scope="module")
def main_install(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> Install:
    """bash, zsh and fish installs into one HOME/prefix, each run twice.

    bash and fish rc files exist beforehand; the zsh one does not. A third bash
    run has the bin dir on PATH, so the hook line changes to the bare name.
    """
    base = tmp_path_factory.mktemp("main")
    inst = Install(home=base / "home", prefix=base / "prefix", bin_dir=base / "bin", env={})
    inst.home.mkdir()
    inst.env = make_env(inst.home)
    write_orig_rc(inst.home, "bash")
    write_orig_rc(inst.home, "fish")
    args = ("--prefix", str(inst.prefix), "--bin-dir", str(inst.bin_dir))
    for shell in SHELLS:
        for _ in range(2):
            res = run_sh(checkout / "install.sh", inst.env, *args, "--shell", shell)
            check_ok(res)
            inst.runs.setdefault(shell, []).append(res)
            inst.rc_after.setdefault(shell, []).append(rc_path(inst.home, shell).read_bytes())
    res = run_sh(checkout / "install.sh", make_env(inst.home, str(inst.bin_dir)), *args, "--shell", "bash")
    check_ok(res)
    inst.runs["bash"].append(res)
    inst.rc_after["bash"].append(rc_path(inst.home, "bash").read_bytes())
    return inst


@pytest.fixture(scope="module")
def spaced(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> Install:
    """Install with a space in HOME/prefix and a space and a quote in the bin
    dir (so the #!/bin/sh launcher is used), then --uninstall twice.

    Everything is recorded before the uninstall, so the tests can run in any order.
    """
    base = tmp_path_factory.mktemp("spaced")
    inst = Install(home=base / "my home", prefix=base / "pre fix", bin_dir=base / "b'in dir", env={})
    inst.home.mkdir()
    inst.env = make_env(inst.home)
    for shell in SHELLS:
        write_orig_rc(inst.home, shell)
    args = ("--prefix", str(inst.prefix), "--bin-dir", str(inst.bin_dir))
    for shell in SHELLS:
        res = run_sh(checkout / "install.sh", inst.env, *args, "--shell", shell)
        check_ok(res)
        inst.runs.setdefault(shell, []).append(res)
        inst.rc_after.setdefault(shell, []).append(rc_path(inst.home, shell).read_bytes())
    inst.extra["launcher_text"] = inst.launcher.read_text()
    inst.extra["launcher_py_text"] = (inst.prefix / "launcher.py").read_text()
    try:
        check_launcher_runs(inst.launcher, inst.venv_python, inst.env)
        inst.extra["launcher_check"] = None
    except AssertionError as exc:  # reported by the test, not the fixture
        inst.extra["launcher_check"] = exc
    inst.extra["hook_output"] = {sh: run_hook_with_stub(inst.launcher, inst.home, sh) for sh in SHELLS}

    # What the installation leaves behind when used: a daemon, and the cache (answers, hook copies).
    runtime = tempfile.mkdtemp(prefix="r", dir=os.environ["XDG_RUNTIME_DIR"])  # short: a socket lives there
    run_env = {**inst.env, "XDG_RUNTIME_DIR": runtime}
    subprocess.run([str(inst.launcher), "hook", "bash"], env=run_env, capture_output=True, check=True)
    started = subprocess.run(
        [str(inst.launcher), "daemon", "start"], env=run_env, capture_output=True, text=True, check=False
    )
    inst.extra["daemon_start"] = started
    found = re.search(r"pid (\d+)", started.stderr)
    inst.extra["daemon_pid"] = int(found.group(1)) if found else 0
    inst.extra["cache"] = inst.home / ".cache" / "autovenv"
    inst.extra["cache_before"] = sorted(p.name for p in (inst.home / ".cache" / "autovenv").iterdir())
    # Uninstalled without --prefix/--bin-dir: the paths come from the hook lines and the command.
    inst.extra["uninstall"] = [run_sh(checkout / "install.sh", run_env, "--uninstall") for _ in range(2)]
    return inst


@pytest.fixture(scope="module")
def on_path(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> Install:
    """A custom --prefix/--bin-dir with the bin dir on PATH (the hook line names plain `autovenv`),
    uninstalled without either option."""
    base = tmp_path_factory.mktemp("onpath")
    inst = Install(home=base / "home", prefix=base / "custom prefix", bin_dir=base / "bin", env={})
    inst.home.mkdir()
    inst.env = make_env(inst.home, str(inst.bin_dir))
    write_orig_rc(inst.home, "bash")
    args = ("--prefix", str(inst.prefix), "--bin-dir", str(inst.bin_dir), "--shell", "bash")
    check_ok(run_sh(checkout / "install.sh", inst.env, *args))
    inst.rc_after["bash"] = [rc_path(inst.home, "bash").read_bytes()]
    inst.extra["uninstall"] = run_sh(checkout / "install.sh", inst.env, "--uninstall")
    return inst


@pytest.fixture(scope="module")
def defaults_no_modify(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> Install:
    """--no-modify-rc with the default prefix and bin dir (under the tmp HOME)."""
    home = tmp_path_factory.mktemp("defaults") / "home"
    home.mkdir()
    inst = Install(
        home=home,
        prefix=home / ".local" / "share" / "autovenv",
        bin_dir=home / ".local" / "bin",
        env=make_env(home),
    )
    rc = write_orig_rc(home, "bash")
    res = run_sh(checkout / "install.sh", inst.env, "--no-modify-rc", "--shell", "bash")
    check_ok(res)
    inst.runs["bash"] = [res]
    inst.rc_after["bash"] = [rc.read_bytes()]
    return inst


# ------------------------------------------------------------------ fast tests


def test_shellcheck_passes() -> None:
    exe = shutil.which("shellcheck")
    if exe is None:
        pytest.skip("shellcheck is not installed")
    res = subprocess.run([exe, "-s", "sh", str(INSTALL_SH)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_help(tmp_path: Path) -> None:
    res = run_sh(INSTALL_SH, make_env(tmp_path), "--help")
    check_ok(res)
    for opt in ("--prefix", "--bin-dir", "--shell", "--python", "--no-modify-rc", "--uninstall", "--help"):
        assert opt in res.stdout
    assert ".autovenv-backup" in res.stdout  # the backup policy is documented
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["--frobnicate"], "unknown option: --frobnicate"),
        (["--shell", "tcsh"], "unsupported shell 'tcsh'"),
        (["--prefix"], "--prefix needs a value"),
        (["--bin-dir="], "--bin-dir needs a non-empty value"),
    ],
)
def test_usage_errors(tmp_path: Path, args: List[str], message: str) -> None:
    res = run_sh(INSTALL_SH, make_env(tmp_path), *args)
    assert res.returncode == 2
    assert f"{PREFIX_MSG} error: {message}" in res.stderr
    assert res.stdout == ""
    assert list(tmp_path.iterdir()) == []


def _fake_python(tmp_path: Path, body: str) -> Path:
    fake = tmp_path / "fakepython"
    fake.write_text("#!/bin/sh\n" + body)
    fake.chmod(0o755)
    return fake


def test_rejects_old_python(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    env["AUTOVENV_PYTHON"] = str(_fake_python(tmp_path, "echo 3.8\n"))
    res = run_sh(
        INSTALL_SH, env, "--prefix", str(tmp_path / "p"), "--bin-dir", str(tmp_path / "b"), "--shell", "bash"
    )
    assert res.returncode == 1
    assert "Python 3.8" in res.stderr and "3.9 or newer" in res.stderr
    assert not (tmp_path / "p").exists() and not (tmp_path / "b").exists()


def test_missing_python(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    env["AUTOVENV_PYTHON"] = str(tmp_path / "no-such-python")
    res = run_sh(INSTALL_SH, env, "--shell", "bash")
    assert res.returncode == 1
    assert f"{PREFIX_MSG} error:" in res.stderr and "not found" in res.stderr


def test_python_without_venv_names_apt_package(tmp_path: Path) -> None:
    # Like Debian's python3 without python3-venv: ensurepip is missing.
    body = (
        'for a in "$@"; do case $a in *ensurepip*) '
        'echo "ModuleNotFoundError: No module named ensurepip" >&2; exit 1;; esac; done\n'
        f'exec {sh_quote(sys.executable)} "$@"\n'
    )
    env = make_env(tmp_path)
    env["AUTOVENV_PYTHON"] = str(_fake_python(tmp_path, body))
    res = run_sh(
        INSTALL_SH, env, "--prefix", str(tmp_path / "p"), "--bin-dir", str(tmp_path / "b"), "--shell", "bash"
    )
    assert res.returncode == 1
    assert "apt-get install python3-venv" in res.stderr
    assert not (tmp_path / "p").exists()


def test_refuses_to_overwrite_foreign_command(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    foreign = bin_dir / "autovenv"
    foreign.write_text("#!/bin/sh\necho somebody else's autovenv\n")
    res = run_sh(
        INSTALL_SH,
        make_env(tmp_path),
        "--prefix",
        str(tmp_path / "p"),
        "--bin-dir",
        str(bin_dir),
        "--shell",
        "bash",
    )
    assert res.returncode == 1
    assert "not written by install.sh" in res.stderr
    assert foreign.read_text() == "#!/bin/sh\necho somebody else's autovenv\n"
    assert not (tmp_path / "p").exists()


def test_uninstall_when_nothing_installed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    rc = write_orig_rc(home, "bash")
    res = run_sh(INSTALL_SH, make_env(home), "--uninstall")
    check_ok(res)
    assert "no autovenv hook block found" in res.stdout
    assert rc.read_bytes() == ORIG_RC["bash"].encode()
    assert sorted(p.name for p in home.iterdir()) == [".bashrc"]


# ------------------------------------------------------------------ main install


def test_messages_are_prefixed(main_install: Install) -> None:
    for runs in main_install.runs.values():
        for res in runs:
            for line in res.stdout.splitlines():
                assert line.startswith(PREFIX_MSG) or line.startswith("    "), line
            for line in res.stderr.splitlines():
                # pip's own messages may appear here; ours are prefixed
                if "autovenv-install" in line:
                    assert line.startswith(PREFIX_MSG)


def test_package_is_installed_in_venv(main_install: Install) -> None:
    assert (main_install.prefix / "venv" / "pyvenv.cfg").is_file()
    res = subprocess.run(
        [str(main_install.venv_python), "-c", "import autovenv; print(autovenv.__file__)"],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    assert str(main_install.prefix / "venv") in res.stdout


def test_launcher_is_a_small_sh_script_not_a_symlink(main_install: Install) -> None:
    launcher = main_install.launcher
    assert launcher.is_file() and not launcher.is_symlink()
    assert launcher.stat().st_mode & stat.S_IXUSR
    text = launcher.read_text()
    assert text.startswith("#!/bin/sh\n")
    code = main_install.prefix / "launcher.py"
    assert f'exec {sh_quote(str(main_install.venv_python))} -IS {sh_quote(str(code))} "$@"' in text
    purelib = subprocess.run(
        [str(main_install.venv_python), "-c", 'import sysconfig; print(sysconfig.get_paths()["purelib"])'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert repr(purelib) in code.read_text()
    assert "from autovenv._entry import main\nraise SystemExit(main())" in code.read_text()


def test_hook_is_served_from_the_cache_without_python(main_install: Install, tmp_path: Path) -> None:
    """Shell start-up: the second `autovenv hook bash` prints the saved copy; a config edit refreshes it."""
    env = {**main_install.env, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "c")
    command = [str(main_install.launcher), "hook", "bash"]
    first = subprocess.run(command, env=env, capture_output=True, check=True)
    saved = tmp_path / "cache" / "autovenv" / "hook.bash"
    assert saved.read_bytes() == first.stdout
    saved.write_bytes(first.stdout + b"# served from the cache\n")
    second = subprocess.run(command, env=env, capture_output=True, check=True)
    assert second.stdout.endswith(b"# served from the cache\n")
    config = tmp_path / "c" / "autovenv" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('venv_dirs = [".venv", "my-env"]\n')
    third = subprocess.run(command, env=env, capture_output=True, check=True)
    assert b"served from the cache" not in third.stdout and b"'my-env'" in third.stdout


def test_launcher_runs(main_install: Install) -> None:
    check_launcher_runs(main_install.launcher, main_install.venv_python, main_install.env)


@pytest.mark.parametrize("shell", SHELLS)
def test_exactly_one_hook_after_two_runs(main_install: Install, shell: str) -> None:
    first, second = main_install.rc_after[shell][:2]
    assert first == second
    text = second.decode()
    line = expected_hook_line(shell, main_install.launcher)
    assert text.count(MARKER) == 1
    assert text.count(line) == 1
    assert f"{MARKER}\n{line}\n" in text
    assert "already has the autovenv hook" in main_install.runs[shell][1].stdout


@pytest.mark.parametrize("shell", ["bash", "fish"])
def test_existing_rc_kept_and_backed_up(main_install: Install, shell: str) -> None:
    rc = rc_path(main_install.home, shell)
    after = main_install.rc_after[shell][1].decode()
    assert after == ORIG_RC[shell] + f"{MARKER}\n{expected_hook_line(shell, main_install.launcher)}\n"
    backup = rc.with_name(rc.name + ".autovenv-backup")
    assert backup.read_bytes() == ORIG_RC[shell].encode()


def test_missing_rc_is_created_without_backup(main_install: Install) -> None:
    rc = rc_path(main_install.home, "zsh")
    line = expected_hook_line("zsh", main_install.launcher)
    assert main_install.rc_after["zsh"][0].decode() == f"{MARKER}\n{line}\n"
    assert not list(rc.parent.glob(".zshrc.autovenv-backup*"))


def test_not_on_path_note(main_install: Install) -> None:
    out = main_install.runs["bash"][0].stdout
    assert "is not on your PATH" in out
    assert "is not on your PATH" not in main_install.runs["bash"][2].stdout


def test_bin_dir_on_path_uses_bare_name_and_replaces_block(main_install: Install) -> None:
    text = main_install.rc_after["bash"][2].decode()
    assert text == ORIG_RC["bash"] + f'{MARKER}\neval "$(autovenv hook bash)"\n'
    assert "updated the autovenv hook" in main_install.runs["bash"][2].stdout
    rc = rc_path(main_install.home, "bash")
    # the first backup is never overwritten; the second change got its own
    assert (rc.parent / ".bashrc.autovenv-backup").read_bytes() == ORIG_RC["bash"].encode()
    later = list(rc.parent.glob(".bashrc.autovenv-backup.*"))
    assert len(later) == 1
    assert later[0].read_bytes() == main_install.rc_after["bash"][1]


def test_hook_lines_run_the_launcher(main_install: Install) -> None:
    for shell in ("zsh", "fish"):  # bash's line now uses the bare name
        if shutil.which(shell) is None:
            continue
        assert run_hook_with_stub(main_install.launcher, main_install.home, shell) == f"HOOK-OK-{shell}"


# ------------------------------------------------------------------ --no-modify-rc, defaults


def test_no_modify_rc_leaves_rc_alone(defaults_no_modify: Install) -> None:
    inst = defaults_no_modify
    assert inst.rc_after["bash"][0] == ORIG_RC["bash"].encode()
    assert not list(inst.home.glob(".bashrc.autovenv-backup*"))
    out = inst.runs["bash"][0].stdout
    assert expected_hook_line("bash", inst.launcher) in out
    assert "--no-modify-rc" in out


def test_default_locations(defaults_no_modify: Install) -> None:
    inst = defaults_no_modify
    assert (inst.home / ".local" / "share" / "autovenv" / "venv" / "pyvenv.cfg").is_file()
    assert inst.launcher == inst.home / ".local" / "bin" / "autovenv"
    check_launcher_runs(inst.launcher, inst.venv_python, inst.env)


# ------------------------------------------------------------------ spaces, uninstall


def test_spaced_paths_work_in_the_sh_launcher(spaced: Install) -> None:
    text = spaced.extra["launcher_text"]
    assert isinstance(text, str)
    assert text.startswith("#!/bin/sh\n")
    python, code = sh_quote(str(spaced.venv_python)), sh_quote(str(spaced.prefix / "launcher.py"))
    assert f'exec {python} -IS {code} "$@"' in text
    assert "from autovenv._entry import main" in str(spaced.extra["launcher_py_text"])
    if spaced.extra["launcher_check"] is not None:
        raise spaced.extra["launcher_check"]  # type: ignore[misc]


@pytest.mark.parametrize("shell", SHELLS)
def test_spaced_hook_lines_run_the_launcher(spaced: Install, shell: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    line = expected_hook_line(shell, spaced.launcher)
    assert spaced.rc_after[shell][0].decode() == ORIG_RC[shell] + f"{MARKER}\n{line}\n"
    assert spaced.extra["hook_output"][shell] == f"HOOK-OK-{shell}"  # type: ignore[index]


def test_uninstall_removes_everything(spaced: Install) -> None:
    first = spaced.extra["uninstall"][0]  # type: ignore[index]
    check_ok(first)
    assert not spaced.prefix.exists()
    assert not spaced.launcher.exists()
    assert spaced.bin_dir.is_dir()  # the bin dir itself is left alone
    for shell in SHELLS:
        rc = rc_path(spaced.home, shell)
        assert rc.read_bytes() == ORIG_RC[shell].encode(), shell
        assert f"removed the autovenv hook from {rc}" in first.stdout
        # the install's backup stays; the uninstall's backup holds the rc as installed
        assert rc.with_name(rc.name + ".autovenv-backup").read_bytes() == ORIG_RC[shell].encode()
        later = list(rc.parent.glob(rc.name + ".autovenv-backup.*"))
        assert [p.read_bytes() for p in later] == [spaced.rc_after[shell][0]]


def test_uninstall_stops_the_daemon_and_removes_the_cache(spaced: Install) -> None:
    first = spaced.extra["uninstall"][0]  # type: ignore[index]
    started = spaced.extra["daemon_start"]
    assert started.returncode == 0, started.stderr  # type: ignore[attr-defined]
    pid = spaced.extra["daemon_pid"]
    assert isinstance(pid, int) and pid > 0
    assert f"stopped the autovenv daemon (pid {pid})" in first.stdout
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert "hook.bash" in spaced.extra["cache_before"]  # type: ignore[operator]
    assert f"removed the cache {spaced.extra['cache']}" in first.stdout
    assert not Path(str(spaced.extra["cache"])).exists()


def test_uninstall_finds_a_custom_prefix_through_a_plain_hook_line(on_path: Install) -> None:
    assert on_path.rc_after["bash"][0].decode().endswith(f'{MARKER}\neval "$(autovenv hook bash)"\n')
    done = on_path.extra["uninstall"]
    check_ok(done)  # type: ignore[arg-type]
    assert f"removed virtual environment {on_path.prefix / 'venv'}" in done.stdout  # type: ignore[attr-defined]
    assert not on_path.prefix.exists() and not on_path.launcher.exists()
    assert rc_path(on_path.home, "bash").read_bytes() == ORIG_RC["bash"].encode()


def test_uninstall_refuses_when_the_command_does_not_say_where_its_venv_is(tmp_path: Path) -> None:
    home = tmp_path / "home"
    launcher = home / ".local" / "bin" / "autovenv"
    launcher.parent.mkdir(parents=True)
    launcher.write_text('#!/bin/sh\n# autovenv launcher, written by autovenv install.sh\nexec python3 "$@"\n')
    res = run_sh(INSTALL_SH, make_env(home), "--uninstall")
    assert res.returncode == 1 and launcher.exists()
    assert res.stderr == (
        f"autovenv-install: error: cannot read where {launcher} keeps its venv; "
        "pass --prefix DIR (as when installing)\n"
    )


def test_uninstall_is_idempotent(spaced: Install) -> None:
    second = spaced.extra["uninstall"][1]  # type: ignore[index]
    check_ok(second)
    assert "no virtual environment" in second.stdout
    assert "no autovenv hook block found" in second.stdout
    for shell in SHELLS:
        assert rc_path(spaced.home, shell).read_bytes() == ORIG_RC[shell].encode()
