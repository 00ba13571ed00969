"""``autovenv create``: the project's venv from its pin and its dependency files, with real pip and uv,
handed to the project's own tool when it has one; it activates at the next prompt in bash, zsh and fish.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess

import pytest

from tests.shells.conftest import PY_A, PYENV_ROOT, World, autovenv_command, invoke, noop, python_of

REPO = pathlib.Path(__file__).resolve().parents[2]


def tool(name: str) -> pathlib.Path:
    """An env tool installed for the tests (tests/run.sh puts them in .test-tools/<name>)."""
    path = REPO / ".test-tools" / name / "bin" / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed in .test-tools, and CI must have it")
        pytest.skip(f"{name} is not installed in .test-tools (tests/run.sh installs it)")
    return path


#: How this machine reaches the package index (its certificates, pip's settings), kept in a bare environment.
NETWORK = tuple(
    n for n in os.environ if n.startswith(("PIP_", "UV_")) or n in ("SSL_CERT_FILE", "SSL_CERT_DIR")
)


def bare(home: pathlib.Path, *extra_path: pathlib.Path) -> dict[str, str]:
    """A bare environment, as cron gives: the system PATH (plus ``extra_path``), HOME, the real pyenv."""
    path = ":".join([*(str(p) for p in extra_path), "/usr/bin", "/bin"])
    env = {"PATH": path, "HOME": str(home), "PYENV_ROOT": str(PYENV_ROOT), "XDG_CACHE_HOME": str(home / ".c")}
    return {**env, **{name: os.environ[name] for name in NETWORK}}


def create(project: pathlib.Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [autovenv_command(), "create", *args, str(project)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def prefix_of(venv: pathlib.Path) -> str:
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sys; print(sys.prefix)"], capture_output=True
    )
    return out.stdout.decode().strip()


@pytest.fixture
def shop(tmp_path: pathlib.Path) -> pathlib.Path:
    python_of(PY_A)
    where = tmp_path / "shop"
    (where / "requirements").mkdir(parents=True)
    (where / ".python-version").write_text(f"{PY_A}\n")
    (where / "requirements" / "base.txt").write_text("six==1.16.0\n")
    (where / "requirements" / "dev.txt").write_text("-r base.txt\niniconfig==2.0.0\n")
    (where / "requirements" / "prod.txt").write_text("-r base.txt\n")
    return where


def test_with_venv_and_pip_from_a_bare_environment(shop: pathlib.Path, tmp_path: pathlib.Path) -> None:
    result = create(shop, bare(tmp_path / "home"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)  # not a terminal: one JSON line, nothing on stderr
    assert result.stderr == ""
    assert report["venv"] == str(shop / ".venv") and report["python"] == PY_A
    assert report["installer"] == "venv + pip" and report["installed_from"] == "requirements/dev.txt"
    venv = shop / ".venv"
    assert prefix_of(venv) == str(venv)
    site = next((venv / "lib").glob("python*/site-packages"))
    assert {"six-1.16.0.dist-info", "iniconfig-2.0.0.dist-info"} <= set(os.listdir(site))
    assert (venv / ".gitignore").read_text().splitlines()[-1] == "*"
    assert not (shop / ".gitignore").exists()  # the project's files are not touched
    cfg = (venv / "pyvenv.cfg").read_text()
    assert f"version = {PY_A}" in cfg


def test_with_uv_the_second_run_changes_nothing_and_clear_recreates(
    shop: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    env = bare(tmp_path / "home", tool("uv").parent)
    first = create(shop, env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["installer"] == "uv"
    venv = shop / ".venv"
    assert "uv = " in (venv / "pyvenv.cfg").read_text()
    site = next((venv / "lib").glob("python*/site-packages"))
    assert {"six-1.16.0.dist-info", "iniconfig-2.0.0.dist-info"} <= set(os.listdir(site))
    (venv / "mark").touch()
    again = create(shop, env)
    assert (again.returncode, json.loads(again.stdout)) == (0, {"venv": str(venv), "changed": False})
    assert (venv / "mark").exists()
    cleared = create(shop, env, "--clear")
    assert cleared.returncode == 0 and json.loads(cleared.stdout)["changed"] is True
    assert not (venv / "mark").exists()


def test_an_uninstalled_pin_is_one_line_and_leaves_nothing(tmp_path: pathlib.Path) -> None:
    project = tmp_path / "old"
    project.mkdir()
    (project / ".python-version").write_text("3.4.10\n")
    (project / "requirements.txt").write_text("six==1.16.0\n")
    result = create(project, bare(tmp_path / "home"))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "pyenv install 3.4.10" in result.stderr
    assert sorted(os.listdir(project)) == [".python-version", "requirements.txt"]


def test_a_venv_whose_python_no_longer_matches_the_pin_needs_clear(
    shop: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    subprocess.run([str(python_of("3.11.7")), "-m", "venv", "--without-pip", str(shop / ".venv")], check=True)
    result = create(shop, bare(tmp_path / "home"))
    assert result.returncode == 1 and "autovenv create --clear" in result.stderr
    assert create(shop, bare(tmp_path / "home"), "--clear").returncode == 0
    assert f"version = {PY_A}" in (shop / ".venv" / "pyvenv.cfg").read_text()


def test_a_path_that_is_not_a_venv_is_never_removed(shop: pathlib.Path, tmp_path: pathlib.Path) -> None:
    (shop / ".venv").mkdir()
    (shop / ".venv" / "precious").write_text("data")
    result = create(shop, bare(tmp_path / "home"), "--clear")
    assert result.returncode == 1 and "is not a venv" in result.stderr
    assert (shop / ".venv" / "precious").read_text() == "data"


def test_a_tool_managed_project_goes_to_its_tool(tmp_path: pathlib.Path) -> None:
    project = tmp_path / "uvproj"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "uvproj"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
        'dependencies = ["six==1.16.0"]\n'
    )
    (project / ".python-version").write_text(f"{PY_A}\n")
    (project / "uv.lock").write_text("")  # a uv project; uv sync writes the real lock
    missing = create(project, bare(tmp_path / "home"))
    assert missing.returncode == 1
    assert missing.stderr == (
        f"autovenv: {project} is managed by uv, which is not installed (no uv on PATH); "
        "install it (pipx install uv), then run autovenv create again\n"
    )
    (project / "uv.lock").unlink()
    (project / "pyproject.toml").write_text(
        (project / "pyproject.toml").read_text() + "\n[tool.uv]\npackage = false\n"
    )
    done = create(project, bare(tmp_path / "home", tool("uv").parent))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "tool": "uv",
        "command": ["uv", "sync"],
        "venv": str(project / ".venv"),
        "python": PY_A,
        "notes": [],
    }
    site = next((project / ".venv" / "lib").glob("python*/site-packages"))
    assert "six-1.16.0.dist-info" in os.listdir(site)


def test_create_in_a_shell_activates_at_the_next_prompt_with_no_allow(world: World) -> None:
    python_of(PY_A)
    shop = world.projects / "shop"
    shop.mkdir()
    (shop / ".python-version").write_text(f"{PY_A}\n")
    (shop / "requirements.txt").write_text("six==1.16.0\n")
    sh = world.start()
    assert sh.cd(shop) == (
        f"autovenv: using Python {PY_A} in shop (.python-version)\n"
        f"autovenv: no venv yet: `autovenv create` would make one with Python {PY_A} from .python-version\n"
    )
    out = sh.run(f"{invoke(world.shell, autovenv_command())} create", timeout=300)
    lines = [line for line in out.splitlines() if line.startswith("autovenv: ")]
    assert lines[0] == f"autovenv: creating .venv with Python {PY_A} from .python-version, using venv + pip"
    assert lines[1] == "autovenv: installing requirements.txt"
    # The prompt right after create's own output activates it: no allow, no cd.
    assert lines[-2:] == [
        f"autovenv: made .venv (Python {PY_A}); installed requirements.txt; it activates at your next prompt",
        f"autovenv: activated shop (.venv, Python {PY_A})",
    ]
    assert sh.run(noop(world.shell)) == ""
    assert sh.run("python -c 'import sys, six; print(sys.prefix)'") == f"{shop / '.venv'}\n"


def test_a_venv_file_names_where_the_venv_goes(tmp_path: pathlib.Path) -> None:
    """A ``.venv`` file (virtualenv's redirect, PEP 832) is followed, not refused: the venv is made where it
    points, and exec (the hook's resolution) then runs in it. A ``.venv`` file naming nothing is one line."""
    project = tmp_path / "redirected"
    project.mkdir()
    (project / ".python-version").write_text(f"{PY_A}\n")
    (project / "requirements.txt").write_text("six==1.16.0\n")
    (project / ".venv").write_text("# made by virtualenv\nenvs/app\n")
    env = bare(tmp_path / "home", tool("uv").parent)
    done = create(project, env)
    assert done.returncode == 0, done.stderr
    venv = project / "envs" / "app"
    assert json.loads(done.stdout)["venv"] == str(venv)
    assert (project / ".venv").read_text() == "# made by virtualenv\nenvs/app\n"
    ran = subprocess.run(
        [
            autovenv_command(),
            "exec",
            str(project),
            "--",
            "python",
            "-c",
            "import sys, six; print(sys.prefix)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, f"{venv}\n", "")
    (project / ".venv").write_text("\n")
    empty = create(project, env)
    assert (empty.returncode, empty.stdout) == (1, "")
    assert empty.stderr == (
        f"autovenv: {project / '.venv'} is a file that names no virtual environment; "
        "remove it or name one in it\n"
    )
