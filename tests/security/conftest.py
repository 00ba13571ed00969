"""The security suite's world, made once per session: a victim and an attacker (real accounts), the
attacks the attacker prepares, the victim's own projects, and the victim's real interactive shells.

Everything the attacker controls in an attack is made theirs, or reaches the victim the way it would (a
``git clone`` of their bundle, an archive the victim unpacks, a tree root copied from removable media).
Every program an attacker plants writes a file into ``lab.markers`` when it runs; every test checks that
none did and that no directory of theirs reached the victim's PATH.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator

import pytest

from tests.security.accounts import Account, Group, VictimShell, can_make_accounts, new_name
from tests.shells.shell_list import SHELLS, find_shell

PROMPT = "$ "
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"
#: What the victim's interpreter imports: autovenv (with its dist-info, so start files are written), its
#: CLI's dependencies, and virtualenv with its own (for the venvs the victim makes with it).
PACKAGES = (
    "autovenv",
    "click",
    "platformdirs",
    "shellingham",
    "watchdog",
    "virtualenv",
    "distlib",
    "filelock",
    "packaging",
    "python_discovery",
    "typing_extensions",
    "tomli",
)
#: The commands an attacker plants in every fake bin/, and the victim's probe runs after each visit (the
#: same line in PowerShell, which has no `ls` alias on Linux and macOS: it runs the program too).
PLANTED = ("ls", "git", "python", "python3", "pip", "cat", "uv")
PROBE = (
    "ls >/dev/null 2>&1; git --version >/dev/null 2>&1; python -c pass 2>/dev/null; "
    "pip --version >/dev/null 2>&1"
)


class Lab:
    """The accounts and the shared places of one session."""

    def __init__(self, base: pathlib.Path) -> None:
        self.base = base
        self.markers = base / "markers"
        self.markers.mkdir(mode=0o1777)
        os.chmod(self.markers, 0o1777)
        self.victim = Account(new_name("victim"), base / "victim")
        self.attacker = Account(new_name("attacker"), base / "attacker")
        self.team = Group(new_name("team"), [self.victim, self.attacker])
        self.python = ""
        self.lib = base / "lib"
        self.bin = base / "bin"
        self.hostile: list[pathlib.Path] = []  # every fake bin/ an attacker made, wherever it ends up

    # -- the victim's autovenv -------------------------------------------------------------------------

    def install(self) -> None:
        """autovenv as the victim can run it: the installed package and its dependencies copied where the
        victim can read them, an ``autovenv`` command in ``bin``, and uv."""
        import autovenv

        site = pathlib.Path(autovenv.__file__).resolve().parent.parent
        self.lib.mkdir()
        for entry in site.iterdir():
            name = (
                entry.name.split("-")[0].lower().replace("_shell", "")
                if entry.name.endswith(".dist-info")
                else entry.name
            )
            stem = entry.stem if entry.suffix == ".py" else name
            if stem in PACKAGES or entry.name.startswith("autovenv_shell-"):
                copy = shutil.copytree if entry.is_dir() else shutil.copy2
                copy(entry, self.lib / entry.name)
        self.python = self._victim_python()
        self.bin.mkdir()
        code = (
            f"import sys;sys.path.insert(0,{str(self.lib)!r});"
            "from autovenv._entry import main;sys.exit(main())"
        )
        script = self.bin / "autovenv"
        script.write_text(f'#!/bin/sh\nexec {self.python} -I -S -c {shlex_quote(code)} "$@"\n')
        script.chmod(0o755)
        uv = pathlib.Path(sys.executable).parent / "uv"
        found = str(uv) if uv.exists() else shutil.which("uv")
        if found is not None:
            shutil.copy2(found, self.bin / "uv")
        for path in (self.lib, self.bin):
            subprocess.run(["chmod", "-R", "a+rX", str(path)], check=True)

    def _victim_python(self) -> str:
        for candidate in (os.path.realpath(sys.executable), "/usr/bin/python3", "/usr/local/bin/python3"):
            if not os.path.exists(candidate):
                continue
            probe = subprocess.run(
                self.victim.command(
                    [
                        "/bin/sh",
                        "-c",
                        '"$0" -I -S -c "$1"',
                        candidate,
                        f"import sys; sys.path.insert(0, {str(self.lib)!r}); import autovenv.cli, venv",
                    ]
                ),
                capture_output=True,
                cwd="/",
            )
            if probe.returncode == 0:
                return candidate
        pytest.fail("no Python the victim can run autovenv with (install python3 for the suite)")

    def env(self, **extra: str) -> dict[str, str]:
        """The victim's environment, as their login would give it."""
        home = self.victim.home
        return {
            "HOME": str(home),
            "PATH": f"{self.bin}:{BASE_PATH}",
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "PYENV_ROOT": str(home / ".pyenv"),
            "AUTOVENV_TIMEOUT_MS": "10000",
            "VIRTUALENV_OVERRIDE_APP_DATA": str(home / ".virtualenv-data"),
            "UV_CACHE_DIR": str(home / ".uv-cache"),
            "UV_PYTHON_DOWNLOADS": "never",
            "GIT_CONFIG_NOSYSTEM": "1",
            "TMPDIR": os.environ.get("TMPDIR", "/tmp"),
            **extra,
        }

    def as_victim(self, argv: list[str], cwd: pathlib.Path | None = None, umask: int | None = None) -> None:
        self.victim.run(argv, cwd, self.lab_git_env(self.victim), umask)

    def lab_git_env(self, account: Account) -> dict[str, str]:
        return {
            **self.env(),
            "HOME": str(account.home),
            "XDG_CONFIG_HOME": str(account.home / ".config"),
            "GIT_AUTHOR_NAME": account.name,
            "GIT_AUTHOR_EMAIL": f"{account.name}@example.invalid",
            "GIT_COMMITTER_NAME": account.name,
            "GIT_COMMITTER_EMAIL": f"{account.name}@example.invalid",
        }

    # -- what attackers make ---------------------------------------------------------------------------

    def evil_bin(self, bin_dir: pathlib.Path, attack: str) -> pathlib.Path:
        """A bin/ of commands that leave a marker when run (as whoever runs them)."""
        bin_dir.mkdir(parents=True, exist_ok=True)
        for name in PLANTED:
            program = bin_dir / name
            program.write_text(f"#!/bin/sh\n: > {self.markers}/{attack}-{name}-$$\n")
            program.chmod(0o755)
        self.hostile.append(bin_dir)
        return bin_dir

    def fake_venv(
        self,
        where: pathlib.Path,
        attack: str,
        made_at: str | None = None,
        activate: bool = False,
        relative: bool = False,
    ) -> pathlib.Path:
        """A venv as an attacker ships it: a pyvenv.cfg (optionally forging ``made_at`` as its creation
        path, or a relative one) and a bin/ of their own commands."""
        self.evil_bin(where / "bin", attack)
        cfg = "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n"
        if made_at is not None:
            cfg += f"command = /usr/bin/python3 -m venv {made_at}\n"
        elif relative:
            cfg += "command = /usr/bin/python3 -m venv .venv\n"
        (where / "pyvenv.cfg").write_text(cfg)
        if activate and made_at is not None:
            (where / "bin" / "activate").write_text(f'VIRTUAL_ENV="{made_at}"\nexport VIRTUAL_ENV\n')
        return where

    def markers_left(self) -> list[str]:
        return sorted(p.name for p in self.markers.iterdir())

    def clear_markers(self) -> None:
        for path in self.markers.iterdir():
            path.unlink()

    def hostile_on_path(self, path_value: bytes) -> list[str]:
        """PATH entries that are, or lead into, a directory an attacker made or owns."""
        found = []
        for raw in path_value.split(b":"):
            entry = os.fsdecode(raw)
            real = os.path.realpath(entry) if entry else ""
            if not real:
                continue
            if (
                any(
                    real == os.path.realpath(h) or real.startswith(os.path.realpath(h) + "/")
                    for h in self.hostile
                )
                or real.startswith(str(self.attacker.home) + "/")
                or real == str(self.attacker.home)
            ):
                found.append(entry)
            else:
                try:
                    if os.stat(real).st_uid == self.attacker.uid:
                        found.append(entry)
                except OSError:
                    pass
        return found

    def remove(self) -> None:
        self.victim.remove()
        self.attacker.remove()
        self.team.remove()
        subprocess.run(["chmod", "-R", "u+rwx", str(self.base)], check=False)
        shutil.rmtree(self.base, ignore_errors=True)


def shlex_quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def rc_for(shell: str, hook_line: str | None = None) -> str:
    """The victim's rc file: a plain prompt and their hook line (by default the documented plain one)."""
    if shell == "pwsh":  # the README's profile line
        line = hook_line or "Invoke-Expression (& autovenv hook pwsh | Out-String)"
        return f"function prompt {{ '{PROMPT}' }}\n{line}\n"
    if shell == "fish":
        line = hook_line or "autovenv hook fish | source"
        return f"set -g fish_greeting\nfunction fish_prompt; printf '%s' '{PROMPT}'; end\n{line}\n"
    line = hook_line or f'eval "$(autovenv hook {shell})"'
    return f"PS1='{PROMPT}'\n{line}\n"


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    why = can_make_accounts()
    if why is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the security suite must run in CI: {why}")
        pytest.skip(why)
    base = pathlib.Path(tempfile.mkdtemp(prefix="sec"))
    os.chmod(base, 0o755)
    made = Lab(base)
    try:
        made.install()
        yield made
    finally:
        made.remove()


class Shells:
    """The victim's shells of the session, one per kind and environment, started when first asked for."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.open: dict[tuple[str, str], VictimShell] = {}

    def get(
        self,
        shell: str,
        name: str = "main",
        rc: str | None = None,
        cwd: pathlib.Path | None = None,
        **env: str,
    ) -> VictimShell:
        if find_shell(shell) is None:
            if os.environ.get("CI"):
                pytest.fail(f"{shell} is not installed, and CI must run every shell")
            pytest.skip(f"{shell} is not installed")
        key = (shell, name)
        session = self.open.get(key)
        if session is not None and not session._usable:
            session.close()
            session = None
        if session is None:
            session = VictimShell(
                shell,
                self.lab.victim.home,
                rc or rc_for(shell),
                env=self.lab.env(**env),
                cwd=cwd or self.lab.victim.home,
                timeout=30,
                account=self.lab.victim,
            )
            self.open[key] = session
        return session

    def close(self) -> None:
        for session in self.open.values():
            session.close()


@pytest.fixture(scope="session")
def shells(lab: Lab) -> Iterator[Shells]:
    made = Shells(lab)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(scope="session")
def scene(lab: Lab) -> object:
    from tests.security.scene import Scene

    return Scene(lab)


@pytest.fixture(params=SHELLS)
def shell_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)
