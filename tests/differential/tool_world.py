"""Real projects made by the real tools (Poetry, Pipenv, PDM, Hatch, uv, virtualenv, pyenv-virtualenv),
one per setting that moves a tool's env, each paired with the env the tool itself reports.

The tools are installed by ``tests/run.sh`` (``tests/differential/tool-versions.txt``), each in its own
venv under ``.test-tools/`` beside ``.test-venv``, so their dependencies never meet. A tool that is not
there is a skip locally and a failure under ``CI=true``. Every tool runs in a fresh HOME of its case,
with ``XDG_*`` inside it, no pyenv shims on PATH and the interpreter passed explicitly, offline.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
from collections.abc import Callable

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
TOOLS = REPO / ".test-tools"
VERSIONS = pathlib.Path(__file__).with_name("tool-versions.txt")
#: The real pyenv (tests/conftest.py found it before it replaced HOME).
PYENV_INSTALL = pathlib.Path(os.environ.get("PYENV_ROOT") or "/nonexistent-pyenv-root")
PY = "3.12.1"
PY_OLD = "3.11.7"
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"


def pinned() -> dict[str, str]:
    """``{tool: "name==version"}`` from tool-versions.txt."""
    out = {}
    for line in VERSIONS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out[line.split("==")[0]] = line
    return out


def tool_bin(name: str) -> pathlib.Path:
    """The installed tool's command (``pyenv``: the real pyenv's script); skip or fail when missing."""
    if name == "pyenv":
        path = PYENV_INSTALL / "libexec" / "pyenv"
        plugin = PYENV_INSTALL / "plugins" / "pyenv-virtualenv"
        ok = path.is_file() and plugin.is_dir()
        reason = f"pyenv with pyenv-virtualenv is not installed at {PYENV_INSTALL}"
    else:
        path = TOOLS / name / "bin" / name
        spec = (TOOLS / name / ".spec").read_text().strip() if (TOOLS / name / ".spec").is_file() else None
        ok = path.is_file() and spec == pinned().get(name)
        reason = f"{pinned().get(name)} is not installed in {TOOLS / name} (tests/run.sh installs it)"
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(reason + ", and CI must test every tool")
        pytest.skip(reason)
    return path


def python(version: str = PY) -> str:
    path = PYENV_INSTALL / "versions" / version / "bin" / "python"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"pyenv Python {version} is not installed under {PYENV_INSTALL}, and CI must have it")
        pytest.skip(f"pyenv Python {version} is not installed under {PYENV_INSTALL}")
    return str(path)


class Case:
    """One project and the env its tool reports for it, under ``env`` (a HOME of its own, tool settings)."""

    def __init__(self, name: str, tool: str, root: pathlib.Path) -> None:
        self.name = name
        self.tool = tool
        self.home = root / "home"
        self.home.mkdir(parents=True)
        self.env = {
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_DATA_HOME": str(self.home / ".local" / "share"),
        }
        self.project = root / "projects" / name
        #: where a shell cds to (a workspace member, for uv's); ``sub`` is a directory below it
        self.enter = self.project
        self.expected = ""

    @property
    def sub(self) -> pathlib.Path:
        return self.enter / "src" / "deep"

    def run(self, *args: str, cwd: pathlib.Path | None = None, extra: dict[str, str] | None = None) -> str:
        environ = {
            "PATH": f"{pathlib.Path(args[0]).parent}:{BASE_PATH}",
            "LC_ALL": "C.UTF-8",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIPENV_YES": "1",
            "PIPENV_NOSPIN": "1",
            "UV_OFFLINE": "1",
            "NO_COLOR": "1",
            "TERM": "dumb",
            **self.env,
            **(extra or {}),
        }
        done = subprocess.run(
            list(args), cwd=cwd or self.enter, env=environ, capture_output=True, text=True, timeout=240
        )
        if done.returncode != 0:
            raise AssertionError(f"{args} failed in {self.name}:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def __repr__(self) -> str:
        return f"Case({self.name!r})"


def _pyproject(where: pathlib.Path, text: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    (where / "pyproject.toml").write_text(text)


PLAIN = '[project]\nname = "{name}"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = []\n'


# -------------------------------------------------------------------------------------------- Poetry


def _poetry(
    case: Case, *setup: tuple[str, ...], name: str | None = None, tool_name: str | None = None
) -> None:
    poetry = str(tool_bin("poetry"))
    text = PLAIN.format(name=name or case.name.replace(" ", "-")) if tool_name is None or name else ""
    text += "\n[tool.poetry]\npackage-mode = false\n"
    if tool_name is not None:
        text += f'name = "{tool_name}"\nversion = "0.1.0"\ndescription = ""\nauthors = []\n'
    _pyproject(case.project, text)
    for args in setup or (("env", "use", python()),):
        case.run(poetry, *args)
    case.expected = case.run(poetry, "env", "info", "-p").strip()


def poetry_default(case: Case) -> None:
    """No `poetry env use`: Poetry picks X.Y itself (here its own interpreter); no envs.toml entry."""
    _poetry(case, ("install",))
    assert not (case.home / ".cache" / "pypoetry" / "virtualenvs" / "envs.toml").exists()


def poetry_two_envs(case: Case) -> None:
    """`poetry env use` 3.12 then 3.11 again: envs.toml, not the newest env, decides."""
    _poetry(case, ("env", "use", python(PY)), ("env", "use", python(PY_OLD)))


def poetry_in_project_env(case: Case) -> None:
    case.env["POETRY_VIRTUALENVS_IN_PROJECT"] = "true"
    _poetry(case)


def poetry_in_project_file(case: Case) -> None:
    case.project.mkdir(parents=True)
    (case.project / "poetry.toml").write_text("[virtualenvs]\nin-project = true\n")
    _poetry(case)


def poetry_global_config(case: Case) -> None:
    config = case.home / ".config" / "pypoetry"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('[virtualenvs]\npath = "~/poetry-envs"\n')
    _poetry(case)


def poetry_env_path(case: Case) -> None:
    case.env["POETRY_VIRTUALENVS_PATH"] = str(case.home / "elsewhere" / "envs")
    _poetry(case)


def poetry_cache_dir(case: Case) -> None:
    case.env["POETRY_CACHE_DIR"] = str(case.home / "pcache")
    _poetry(case)


def poetry_config_dir(case: Case) -> None:
    config = case.home / "poetry-config"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('cache-dir = "{}"\n'.format(case.home / "cache-from-config"))
    case.env["POETRY_CONFIG_DIR"] = str(config)
    _poetry(case)


def poetry_tool_name(case: Case) -> None:
    """A Poetry 1 style project: the name only in [tool.poetry]."""
    _poetry(case, tool_name="Legacy.Name_here")


def poetry_project_name_wins(case: Case) -> None:
    _poetry(case, name="From-Project", tool_name="from-tool")


# -------------------------------------------------------------------------------------------- Pipenv


def _pipenv(case: Case, extra: dict[str, str] | None = None) -> None:
    pipenv = str(tool_bin("pipenv"))
    case.project.mkdir(parents=True, exist_ok=True)
    case.run(pipenv, "--python", python(), cwd=case.project, extra=extra)
    case.expected = case.run(pipenv, "--venv", extra=extra).strip()


def pipenv_default(case: Case) -> None:
    _pipenv(case)


def pipenv_workon_home(case: Case) -> None:
    case.env["WORKON_HOME"] = str(case.home / "wh")
    _pipenv(case)


def pipenv_in_project(case: Case) -> None:
    case.env["PIPENV_VENV_IN_PROJECT"] = "1"
    _pipenv(case)


def pipenv_custom_name(case: Case) -> None:
    case.env["PIPENV_CUSTOM_VENV_NAME"] = "custom-env"
    _pipenv(case)


def pipenv_pipfile(case: Case) -> None:
    """PIPENV_PIPFILE names a Pipfile in a subdirectory of a project marked by its pyproject.toml."""
    _pyproject(case.project, PLAIN.format(name="with-pipfile"))
    (case.project / "deploy").mkdir()
    (case.project / "deploy" / "Pipfile").write_text('[packages]\n\n[requires]\npython_version = "3.12"\n')
    case.env["PIPENV_PIPFILE"] = str(case.project / "deploy" / "Pipfile")
    _pipenv(case)


def pipenv_venv_file(case: Case) -> None:
    """A `.venv` file with a bare name: Pipenv's WORKON_HOME reading (its XDG default, WORKON_HOME unset)."""
    case.project.mkdir(parents=True)
    (case.project / ".venv").write_text("named-env\n")
    _pipenv(case)


def pipenv_venv_file_workon(case: Case) -> None:
    case.env["WORKON_HOME"] = str(case.home / "wh")
    pipenv_venv_file(case)


# ----------------------------------------------------------------------------------------------- PDM


def _pdm(case: Case, config: str | None = None) -> None:
    pdm = str(tool_bin("pdm"))
    if config is not None:
        (case.home / ".config" / "pdm").mkdir(parents=True)
        (case.home / ".config" / "pdm" / "config.toml").write_text(config)
    _pyproject(case.project, PLAIN.format(name="pdm-proj") + "\n[tool.pdm]\ndistribution = false\n")
    case.run(pdm, "venv", "create", python())
    venvs = case.run(pdm, "venv", "list")
    match = re.search(r"(/\S.*?)\s*$", venvs.strip().splitlines()[-1])
    assert match is not None, venvs
    case.run(pdm, "use", "-f", str(pathlib.Path(match.group(1)) / "bin" / "python"))
    assert (case.project / ".pdm-python").is_file()
    interpreter = case.run(pdm, "info", "--python").strip()
    case.expected = str(pathlib.Path(interpreter).parent.parent)


def pdm_in_project(case: Case) -> None:
    _pdm(case)


def pdm_central(case: Case) -> None:
    _pdm(case, '[venv]\nin_project = "false"\n')


def pdm_location(case: Case) -> None:
    _pdm(case, '[venv]\nin_project = false\nlocation = "~/pdm-envs"\n')


def pdm_nothing_saved(case: Case) -> None:
    """A central env and no .pdm-python: PDM reuses the project's central env."""
    _pdm(case, "[venv]\nin_project = false\n")
    (case.project / ".pdm-python").unlink()
    interpreter = case.run(str(tool_bin("pdm")), "info", "--python").strip()
    case.expected = str(pathlib.Path(interpreter).parent.parent)
    (case.project / ".pdm-python").unlink(missing_ok=True)  # `pdm info` saved its choice again


# --------------------------------------------------------------------------------------------- Hatch

HATCH_ENV = "\n[tool.hatch.envs.default]\nskip-install = true\n"


def _hatch(case: Case, config: str | None = None, extra: str = "") -> None:
    hatch = str(tool_bin("hatch"))
    if config is not None:
        (case.home / ".config" / "hatch").mkdir(parents=True)
        (case.home / ".config" / "hatch" / "config.toml").write_text(config)
    _pyproject(case.project, PLAIN.format(name=re.sub("[ -]", "_", case.name).title()) + HATCH_ENV + extra)
    case.run(hatch, "env", "create", extra={"HATCH_PYTHON": python()})
    case.expected = case.run(hatch, "env", "find").strip()


def hatch_default(case: Case) -> None:
    _hatch(case)


def hatch_dirs_absolute(case: Case) -> None:
    _hatch(case, '[dirs.env]\nvirtual = "~/hatch-envs"\n')


def hatch_dirs_relative(case: Case) -> None:
    """A relative dirs.env.virtual lies inside the project: Hatch's flat layout."""
    _hatch(case, '[dirs.env]\nvirtual = ".hatch"\n')


def hatch_explicit_path(case: Case) -> None:
    _hatch(case, extra='path = ".hatch-env"\n')


def hatch_data_dir(case: Case) -> None:
    case.env["HATCH_DATA_DIR"] = str(case.home / "hatch-data")
    _hatch(case)


def hatch_path_variable(case: Case) -> None:
    case.env["HATCH_ENV_TYPE_VIRTUAL_PATH"] = str(case.home / "hatch-explicit")
    _hatch(case)


# ------------------------------------------------------------------------------------------------ uv


def _uv(case: Case) -> None:
    uv = str(tool_bin("uv"))
    case.run(uv, "sync", "--python", python(), cwd=case.project)
    done = subprocess.run(
        [uv, "sync", "--dry-run"],
        cwd=case.sub if case.sub.exists() else case.enter,
        env={"PATH": BASE_PATH, **case.env, "UV_OFFLINE": "1", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r"Would use project environment at: (.+)", done.stdout + done.stderr)
    assert found is not None, done.stdout + done.stderr
    reported = pathlib.Path(found.group(1).strip())
    where = case.sub if case.sub.exists() else case.enter
    case.expected = os.path.normpath(reported if reported.is_absolute() else where / reported)


def uv_default(case: Case) -> None:
    _pyproject(case.project, PLAIN.format(name="uv-proj"))
    (case.project / ".python-version").write_text("3.12\n")
    _uv(case)


def uv_workspace_member(case: Case) -> None:
    _pyproject(
        case.project, PLAIN.format(name="uv-root") + '\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    )
    member = case.project / "packages" / "member"
    _pyproject(member, PLAIN.format(name="member"))
    case.enter = member
    case.sub.mkdir(parents=True)
    _uv(case)


def uv_environment_absolute(case: Case) -> None:
    case.env["UV_PROJECT_ENVIRONMENT"] = str(case.home / "uv-envs" / "proj")
    uv_default(case)


def uv_environment_relative(case: Case) -> None:
    """Relative to the project root, not the working directory (asked from src/deep)."""
    case.env["UV_PROJECT_ENVIRONMENT"] = ".uvenv"
    _pyproject(case.project, PLAIN.format(name="uv-rel"))
    (case.project / ".python-version").write_text("3.12\n")
    case.sub.mkdir(parents=True)
    _uv(case)


# ------------------------------------------------------------------------ virtualenv, pyenv-virtualenv


def virtualenv_redirect(case: Case) -> None:
    """`virtualenv myenv` beside a pyproject.toml writes `.venv` as a file naming it (PEP 832)."""
    _pyproject(case.project, PLAIN.format(name="redirected"))
    virtualenv = str(tool_bin("virtualenv"))
    case.run(virtualenv, "--python", python(), "myenv", cwd=case.project)
    assert (case.project / ".venv").read_text().strip() == "myenv"
    case.expected = str(case.project / "myenv")


def _pyenv_root(case: Case) -> pathlib.Path:
    """A private PYENV_ROOT whose versions/3.12.1 links the real install entry by entry, so the envs
    pyenv-virtualenv makes stay out of the real one."""
    root = case.home / "pyenv-root"
    version = root / "versions" / PY
    version.mkdir(parents=True)
    for entry in (PYENV_INSTALL / "versions" / PY).iterdir():
        (version / entry.name).symlink_to(entry)
    (root / "plugins").symlink_to(PYENV_INSTALL / "plugins")
    case.env["PYENV_ROOT"] = str(root)
    return root


def _pyenv_virtualenv(case: Case, spelling: str) -> None:
    pyenv = str(tool_bin("pyenv"))
    python()
    _pyenv_root(case)
    case.project.mkdir(parents=True)
    case.run(pyenv, "virtualenv", PY, "pyv-env", cwd=case.project)
    (case.project / ".python-version").write_text(spelling + "\n")
    prefix = case.run(pyenv, "prefix").strip()
    case.expected = os.path.realpath(prefix)  # pyenv activate's spelling: versions/<base>/envs/<name>


def pyenv_virtualenv_name(case: Case) -> None:
    _pyenv_virtualenv(case, "pyv-env")


def pyenv_virtualenv_path(case: Case) -> None:
    _pyenv_virtualenv(case, f"{PY}/envs/pyv-env")


BUILDERS: dict[str, tuple[str, Callable[[Case], None]]] = {
    "poetry-default": ("poetry", poetry_default),
    "poetry-two-envs": ("poetry", poetry_two_envs),
    "poetry-in-project-env": ("poetry", poetry_in_project_env),
    "poetry-in-project-file": ("poetry", poetry_in_project_file),
    "poetry-global-config": ("poetry", poetry_global_config),
    "poetry-env-path": ("poetry", poetry_env_path),
    "poetry-cache-dir": ("poetry", poetry_cache_dir),
    "poetry-config-dir": ("poetry", poetry_config_dir),
    "poetry-tool-name": ("poetry", poetry_tool_name),
    "poetry-project-name-wins": ("poetry", poetry_project_name_wins),
    "my poetry proj": ("poetry", poetry_two_envs),
    "pipenv-default": ("pipenv", pipenv_default),
    "pipenv-workon-home": ("pipenv", pipenv_workon_home),
    "pipenv-in-project": ("pipenv", pipenv_in_project),
    "pipenv-custom-name": ("pipenv", pipenv_custom_name),
    "pipenv-pipfile": ("pipenv", pipenv_pipfile),
    "pipenv-venv-file": ("pipenv", pipenv_venv_file),
    "pipenv-venv-file-workon": ("pipenv", pipenv_venv_file_workon),
    "my pipenv proj": ("pipenv", pipenv_default),
    "pdm-in-project": ("pdm", pdm_in_project),
    "pdm-central": ("pdm", pdm_central),
    "my pdm proj": ("pdm", pdm_location),
    "pdm-nothing-saved": ("pdm", pdm_nothing_saved),
    "hatch-default": ("hatch", hatch_default),
    "hatch-dirs-absolute": ("hatch", hatch_dirs_absolute),
    "hatch-dirs-relative": ("hatch", hatch_dirs_relative),
    "hatch-explicit-path": ("hatch", hatch_explicit_path),
    "hatch-data-dir": ("hatch", hatch_data_dir),
    "hatch-path-variable": ("hatch", hatch_path_variable),
    "my hatch proj": ("hatch", hatch_default),
    "uv-default": ("uv", uv_default),
    "uv-workspace-member": ("uv", uv_workspace_member),
    "uv-environment-absolute": ("uv", uv_environment_absolute),
    "uv-environment-relative": ("uv", uv_environment_relative),
    "my uv proj": ("uv", uv_default),
    "virtualenv-redirect": ("virtualenv", virtualenv_redirect),
    "pyenv-virtualenv-name": ("pyenv", pyenv_virtualenv_name),
    "pyenv-virtualenv-path": ("pyenv", pyenv_virtualenv_path),
}


def build(name: str, root: pathlib.Path) -> Case:
    tool, builder = BUILDERS[name]
    case = Case(name, tool, root / name.replace(" ", "_"))
    builder(case)
    case.sub.mkdir(parents=True, exist_ok=True)
    assert os.path.isfile(os.path.join(case.expected, "pyvenv.cfg")), (name, case.expected)
    return case


def remove(root: pathlib.Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
