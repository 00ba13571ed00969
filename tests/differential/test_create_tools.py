"""``autovenv create`` in a project of Poetry, Pipenv, PDM or Hatch: handed to the real tool, with the pin.

Each project pins Python 3.12.1 in ``.python-version``, which is neither the Python the tools run on nor
the system's ``python3``, so only a hand-over that passes the pin on makes a 3.12 env. For each tool:

* without the tool on PATH, ``create`` is one line naming what to install, and nothing is made;
* with it (and a venv activated by hand in the caller's environment, which the tools would otherwise
  install into), ``create`` runs the tool's own command, says which, and names the env it made: exactly
  the env the tool itself reports afterwards (``poetry env info -p``, ``pipenv --venv``,
  ``pdm info --python``, ``hatch env find``), made with the pinned Python, holding the declared package;
* a real interactive bash, zsh and fish ``cd``-ing into the project activates that env, with no ``allow``.

The projects are made once per module (each tool resolves and installs one small package from the index).
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest

from tests.differential import tool_world
from tests.shells.conftest import PYENV_ROOT, World, autovenv_command, make_venv, setenv

PIN = tool_world.PY  # 3.12.1; the tools run on 3.11, and so does /usr/bin/python3
SIX = "six==1.16.0"
#: How this machine reaches the package index (its certificates, pip's settings), kept in a bare environment.
NETWORK = tuple(
    n
    for n in os.environ
    if n.startswith(("PIP_", "UV_"))
    or n in ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
)
TOOLS = ("poetry", "pipenv", "pdm", "hatch")
SHOWN = {"poetry": "Poetry", "pipenv": "Pipenv", "pdm": "PDM", "hatch": "Hatch"}
PROJECT = (
    '[project]\nname = "{name}"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = [{deps}]\n'
)
FILES = {
    "poetry": {
        "pyproject.toml": PROJECT.format(name="shop", deps=f'"{SIX}"')
        + "\n[tool.poetry]\npackage-mode = false\n"
    },
    "pipenv": {
        "Pipfile": '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n'
        f'[packages]\nsix = "{SIX[3:]}"\n'
    },
    "pdm": {
        "pyproject.toml": PROJECT.format(name="shop", deps=f'"{SIX}"')
        + "\n[tool.pdm]\ndistribution = false\n"
    },
    "hatch": {
        "pyproject.toml": PROJECT.format(name="shop", deps="")
        + f'\n[tool.hatch.envs.default]\nskip-install = true\ndependencies = ["{SIX}"]\n'
    },
}


def reported_env(case: tool_world.Case, tool: str, exe: pathlib.Path) -> str:
    """The env the tool itself names for its project, asked the tool's documented way."""
    if tool == "poetry":
        return case.run(str(exe), "env", "info", "-p").strip()
    if tool == "pipenv":
        return case.run(str(exe), "--venv").strip()
    if tool == "pdm":
        return str(pathlib.Path(case.run(str(exe), "info", "--python").strip()).parent.parent)
    return case.run(str(exe), "env", "find").strip()


def run_create(
    case: tool_world.Case, path: list[str], *args: str, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``autovenv create`` as a cron line or a script runs it: a bare environment, not a terminal."""
    env = {
        "PATH": ":".join([*path, "/usr/bin", "/bin"]),
        "PYENV_ROOT": str(PYENV_ROOT),
        **case.env,
        **{name: os.environ[name] for name in NETWORK},
        **(extra or {}),
    }
    return subprocess.run(
        [autovenv_command(), "create", *args, str(case.project)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def envs_under(where: pathlib.Path) -> list[str]:
    return sorted(str(p.parent) for p in where.rglob("pyvenv.cfg"))


class Made:
    """One tool's project, what ``create`` said without the tool and with it, and what the tool reports."""

    def __init__(self, tool: str, root: pathlib.Path) -> None:
        self.tool = tool
        exe = tool_world.tool_bin(tool)
        tool_world.python(PIN)
        self.case = tool_world.Case(f"{tool}-shop", tool, root)
        self.case.project.mkdir(parents=True)
        for name, text in FILES[tool].items():
            (self.case.project / name).write_text(text)
        (self.case.project / ".python-version").write_text(f"{PIN}\n")
        before = sorted(os.listdir(self.case.project))
        self.missing = run_create(self.case, [])
        self.listing_untouched = sorted(os.listdir(self.case.project)) == before
        self.envs_without_tool = envs_under(root)
        # A venv activated by hand in the caller's shell: Poetry, PDM and Pipenv would install into it.
        self.hand = make_venv(root / "hand")
        hand = {"VIRTUAL_ENV": str(self.hand)}
        self.made = run_create(self.case, [str(self.hand / "bin"), str(exe.parent)], extra=hand)
        self.reported = reported_env(self.case, tool, exe) if self.made.returncode == 0 else ""


class Projects:
    """The four projects, made on first use (a test that needs one tool makes only that one)."""

    def __init__(self, root: pathlib.Path) -> None:
        self.root = root
        self.made: dict[str, Made | BaseException] = {}

    def get(self, tool: str) -> Made:
        if tool not in self.made:
            try:
                self.made[tool] = Made(tool, self.root / tool)
            except BaseException as exc:  # a skip too: remembered, so it is not retried per shell
                self.made[tool] = exc
        found = self.made[tool]
        if isinstance(found, BaseException):
            raise found
        return found


@pytest.fixture(scope="module")
def projects() -> Iterator[Projects]:
    root = pathlib.Path(tempfile.mkdtemp(prefix="avcreate"))
    root.chmod(0o755)
    try:
        yield Projects(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def python_version_of(venv: str) -> str:
    out = subprocess.run(
        [
            os.path.join(venv, "bin", "python"),
            "-c",
            "import platform, sys; print(platform.python_version(), sys.prefix)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


@pytest.mark.parametrize("tool", TOOLS)
def test_without_the_tool_one_line_names_what_to_install_and_nothing_is_made(
    projects: Projects, tool: str
) -> None:
    made = projects.get(tool)
    project = made.case.project
    assert (made.missing.returncode, made.missing.stdout) == (1, "")
    assert made.missing.stderr == (
        f"autovenv: {project} is managed by {SHOWN[tool]}, which is not installed (no {tool} on PATH); "
        f"install it (pipx install {tool}), then run autovenv create again\n"
    )
    assert made.listing_untouched and made.envs_without_tool == []


@pytest.mark.parametrize("tool", TOOLS)
def test_the_tool_makes_its_env_with_the_pinned_python(projects: Projects, tool: str) -> None:
    made = projects.get(tool)
    assert made.made.returncode == 0, made.made.stderr
    assert made.made.stderr == ""  # not a terminal: the tool's output is kept, and shown only on failure
    report = json.loads(made.made.stdout)
    assert report["tool"] == SHOWN[tool] and report["command"][0] == tool
    assert report["notes"] == [] and report["python"] == PIN
    # The env create names is the one the tool reports, made with the pin, holding what the project declares.
    assert made.reported and os.path.realpath(report["venv"]) == os.path.realpath(made.reported)
    assert python_version_of(made.reported) == f"{PIN} {made.reported}"
    site = next(pathlib.Path(made.reported).glob("lib/python*/site-packages"))
    assert "six-1.16.0.dist-info" in os.listdir(site)
    # The venv activated by hand in the caller's environment got nothing.
    hand_site = next(made.hand.glob("lib/python*/site-packages"))
    assert not any(name.startswith("six") for name in os.listdir(hand_site))


def test_a_second_create_keeps_the_tools_env_and_clear_makes_it_anew(projects: Projects) -> None:
    made = projects.get("hatch")
    assert made.made.returncode == 0, made.made.stderr
    env = pathlib.Path(made.reported)
    exe = tool_world.tool_bin("hatch")
    (env / "mark").touch()
    again = run_create(made.case, [str(exe.parent)])
    assert again.returncode == 0 and json.loads(again.stdout)["venv"] == str(env)
    assert (env / "mark").exists()
    cleared = run_create(made.case, [str(exe.parent)], "--clear")
    assert cleared.returncode == 0, cleared.stderr
    assert json.loads(cleared.stdout)["venv"] == str(env) and not (env / "mark").exists()
    assert python_version_of(str(env)) == f"{PIN} {env}"


def test_shells_activate_the_env_the_tool_made(world: World, projects: Projects) -> None:
    """Every tool's project, one after the other in one real interactive shell, with no allow."""
    built = []
    for tool in TOOLS:
        try:
            built.append(projects.get(tool))
        except pytest.skip.Exception:
            continue
    if not built:
        pytest.skip("no env tool is installed")
    sh = world.start()
    for made in built:
        assert made.made.returncode == 0, made.made.stderr
        sh.run("; ".join(setenv(world.shell, name, value) for name, value in made.case.env.items()))
        entered = sh.cd(made.case.project)
        project, env = os.path.basename(made.case.project), os.path.basename(made.reported)
        assert f"activated {project} ({made.tool} env {env}, Python {PIN})" in entered, entered
        assert "not activating" not in entered
        assert os.path.realpath(os.fsdecode(sh.env()["VIRTUAL_ENV"])) == os.path.realpath(made.reported)
        prefix = sh.run("python -c 'import sys, six; print(sys.prefix)'").strip()
        assert os.path.realpath(prefix) == os.path.realpath(made.reported)
        sh.cd(world.projects)


def test_a_pin_the_project_refuses_is_the_tools_own_words_and_one_line(tmp_path: pathlib.Path) -> None:
    """Poetry refuses the pinned 3.12.1 for a project asking >=3.13: its reason, then what failed."""
    exe = tool_world.tool_bin("poetry")
    case = tool_world.Case("refused", "poetry", tmp_path)
    case.project.mkdir(parents=True)
    text = PROJECT.format(name="refused", deps="").replace(">=3.9", ">=3.13")
    (case.project / "pyproject.toml").write_text(text + "\n[tool.poetry]\npackage-mode = false\n")
    (case.project / ".python-version").write_text(f"{PIN}\n")
    done = run_create(case, [str(exe.parent)])
    assert (done.returncode, done.stdout) == (1, "")
    lines = done.stderr.splitlines()
    assert "is not supported by the project (>=3.13)" in done.stderr
    assert lines[-1] == f"autovenv: poetry env use {tool_world.python(PIN)} failed (exit 1)"
    assert envs_under(tmp_path) == []
