"""Tables for the tool finders over fake trees: the tools' name formulas, their settings' precedence, the
two readings of a ``.venv`` file, missing envs, conda, pyenv-virtualenv, and the variables they read.

The real tools are the differential tests' business (tests/differential/test_tools_differential.py);
here every rule is pinned on trees built in a few microseconds, including the cases the tools make hard
to reach (hashes that start or end with ``-``, two readings of one name both existing, broken TOML).
"""

from __future__ import annotations

import base64
import hashlib
import os
import pathlib
import subprocess
import sys
from collections.abc import Iterator, Mapping

import pytest

from autovenv.decide import decide
from autovenv.resolve.finders import candidate_names, env_deps, pipenv, poetry
from autovenv.resolve.finders.base import canonical_name, urlsafe_hash
from autovenv.resolve.project import Resolution, Settings, resolve


def fake_venv(where: pathlib.Path, version: str = "3.12.1") -> str:
    """Enough of a venv for resolution: pyvenv.cfg and bin/python (a link to this interpreter)."""
    (where / "bin").mkdir(parents=True)
    (where / "pyvenv.cfg").write_text(f"home = /usr/bin\nversion = {version}\n")
    (where / "bin" / "python").symlink_to(os.path.realpath(os.sys.executable))  # type: ignore[attr-defined]
    return str(where)


@pytest.fixture
def home(tmp_path: pathlib.Path) -> pathlib.Path:
    where = tmp_path / "home"
    where.mkdir()
    return where


def env_for(home: pathlib.Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", **extra}


def project(tmp_path: pathlib.Path, name: str, pyproject: str | None = None) -> pathlib.Path:
    where = tmp_path / "code" / name
    where.mkdir(parents=True)
    if pyproject is not None:
        (where / "pyproject.toml").write_text(pyproject)
    return where


def venv_of(resolution: Resolution) -> str | None:
    return resolution.venv.path if resolution.venv is not None else None


# ----------------------------------------------------------------------------------------------- hashes


@pytest.mark.parametrize("data", [b"", b"/home/me/blog", b"/tmp/my poetry proj", "/caf\u00e9".encode()])
@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_hashes_are_the_tools_urlsafe_base64(algorithm: str, data: bytes) -> None:
    expected = base64.urlsafe_b64encode(hashlib.new(algorithm, data).digest()).decode()[:8]
    assert urlsafe_hash(algorithm, data, 8) == expected


def _path_with_hash(tmp_path: pathlib.Path, edge: str) -> pathlib.Path:
    """A project directory whose Poetry hash starts (or ends) with ``-``: never split names on ``-``."""
    for i in range(5000):
        where = tmp_path / f"p{i}"
        h = urlsafe_hash("sha256", os.fsencode(os.path.realpath(where)), 8)
        if h.startswith("-") if edge == "start" else h.endswith("-"):
            where.mkdir()
            return where
    raise AssertionError("no such hash in 5000 tries")


@pytest.mark.parametrize("edge", ["start", "end"])
def test_poetry_hash_with_a_dash_at_either_end(tmp_path: pathlib.Path, home: pathlib.Path, edge: str) -> None:
    where = _path_with_hash(tmp_path, edge)
    (where / "pyproject.toml").write_text('[project]\nname = "blog"\n[tool.poetry]\npackage-mode = false\n')
    store = home / ".cache" / "pypoetry" / "virtualenvs"
    name = poetry.env_name("blog", str(where))
    assert "--" in name or name.endswith("-")
    env = fake_venv(store / f"{name}-py3.12")
    fake_venv(store / "blog-other123-py3.13")  # another project's
    assert venv_of(resolve(str(where), env_for(home))) == env


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("My_Blog", "my-blog"), ("a.b__c", "a-b-c"), ("X--Y", "x-y"), ("plain", "plain")],
)
def test_canonical_names(raw: str, expected: str) -> None:
    assert canonical_name(raw) == expected


def test_poetry_sanitizes_and_cuts_the_name_at_42(tmp_path: pathlib.Path) -> None:
    name = poetry.env_name('a b$c`d!e*f@g"h\\i' + "x" * 50, str(tmp_path))
    assert name.split("-")[0] == ("a_b_c_d_e_f_g_h_i" + "x" * 50)[:42]


def test_pipenv_hash_is_of_the_pipfile_path_and_keeps_only_6_bytes(tmp_path: pathlib.Path) -> None:
    pipfile = str(tmp_path / "my proj(1)" / "Pipfile")
    digest = hashlib.sha256(pipfile.encode()).digest()[:6]
    assert pipenv.env_name(pipfile) == "my_proj_1_-" + base64.urlsafe_b64encode(digest).decode()


# ----------------------------------------------------------------------------------------------- Poetry

POETRY = '[project]\nname = "Blog"\nversion = "1"\n\n[tool.poetry]\npackage-mode = false\n'


def _poetry_store(home: pathlib.Path) -> pathlib.Path:
    return home / ".cache" / "pypoetry" / "virtualenvs"


def test_poetry_envs_toml_beats_the_newest_env(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    where = project(tmp_path, "blog", POETRY)
    store = _poetry_store(home)
    base = poetry.env_name("blog", str(where))
    old, new = fake_venv(store / f"{base}-py3.11"), fake_venv(store / f"{base}-py3.12")
    resolution = resolve(str(where), env_for(home))
    assert venv_of(resolution) == new and "newest of 2" in (resolution.setting or "")
    (store / "envs.toml").write_text(f'["{base}"]\nminor = "3.11"\npatch = "3.11.7"\n')
    (where / "src").mkdir()  # from a subdirectory too
    resolution = resolve(str(where / "src"), env_for(home))
    assert venv_of(resolution) == old and "poetry env use" in (resolution.setting or "")
    assert str(store / "envs.toml") in resolution.watch


def test_poetry_settings_precedence(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    """POETRY_* variable, then the project's poetry.toml, then the user's config.toml."""
    where = project(tmp_path, "blog", POETRY)
    base = poetry.env_name("blog", str(where))
    config = home / ".config" / "pypoetry"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('[virtualenvs]\npath = "~/from-config"\n')
    from_config = fake_venv(home / "from-config" / f"{base}-py3.12")
    assert venv_of(resolve(str(where), env_for(home))) == from_config
    (where / "poetry.toml").write_text('[virtualenvs]\npath = "{cache-dir}/local"\n')
    local = fake_venv(home / ".cache" / "pypoetry" / "local" / f"{base}-py3.12")
    resolution = resolve(str(where), env_for(home))
    assert venv_of(resolution) == local
    # the project's own file put the store outside the project: its word is not enough for trust
    assert resolution.venv is not None and resolution.venv.named_by == str(where / "poetry.toml")
    env_var = fake_venv(home / "var" / f"{base}-py3.12")
    assert venv_of(resolve(str(where), env_for(home, POETRY_VIRTUALENVS_PATH=str(home / "var")))) == env_var


def test_poetry_in_project(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    where = project(tmp_path, "blog", POETRY)
    central = fake_venv(_poetry_store(home) / f"{poetry.env_name('blog', str(where))}-py3.12")
    dot = fake_venv(where / ".venv")
    resolution = resolve(str(where), env_for(home))
    assert venv_of(resolution) == dot and resolution.kind == "poetry"
    for value in ("false", "0", "no"):  # Poetry reads anything but true/1 as false
        assert venv_of(resolve(str(where), env_for(home, POETRY_VIRTUALENVS_IN_PROJECT=value))) == central
    (where / "poetry.toml").write_text("[virtualenvs]\nin-project = false\n")
    assert venv_of(resolve(str(where), env_for(home))) == central
    assert venv_of(resolve(str(where), env_for(home, POETRY_VIRTUALENVS_IN_PROJECT="true"))) == dot


def test_poetry_names_project_before_tool_poetry(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    both = project(tmp_path, "both", '[project]\nname = "From.Project"\n[tool.poetry]\nname = "from-tool"\n')
    tool = project(tmp_path, "tool", '[tool.poetry]\nname = "Only_Tool"\nversion = "1"\n')
    a = fake_venv(_poetry_store(home) / f"{poetry.env_name('from-project', str(both))}-py3.12")
    b = fake_venv(_poetry_store(home) / f"{poetry.env_name('only-tool', str(tool))}-py3.12")
    assert venv_of(resolve(str(both), env_for(home))) == a
    assert venv_of(resolve(str(tool), env_for(home))) == b


def test_a_missing_tool_env_names_the_tools_command(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    where = project(tmp_path, "blog", POETRY)
    resolution = resolve(str(where), env_for(home))
    assert resolution.kind == "poetry" and resolution.venv is None
    (line,) = resolution.problems
    assert line.startswith("poetry has no env for this project yet") and line.endswith("poetry install")
    # ... unless something else has an env: then that one, silently
    (where / ".python-version").write_text("system\n")
    resolution = resolve(str(where), env_for(home, POETRY_VIRTUALENVS_IN_PROJECT="false"))
    assert resolution.kind == "python-version" and any("poetry install" in p for p in resolution.problems)


def test_poetry_create_false_means_no_env_of_its_own(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    where = project(tmp_path, "blog", POETRY)
    resolution = resolve(str(where), env_for(home, POETRY_VIRTUALENVS_CREATE="false"))
    assert resolution.venv is None and resolution.problems == []


def test_a_hatchling_project_is_not_claimed_without_hatch_envs(
    tmp_path: pathlib.Path, home: pathlib.Path
) -> None:
    """Most projects building with hatchling use some other env (uv's, a plain .venv)."""
    text = '[project]\nname = "lib"\n[build-system]\nbuild-backend = "hatchling.build"\n'
    where = project(tmp_path, "lib", text)
    dot = fake_venv(where / ".venv")
    resolution = resolve(str(where), env_for(home))
    assert (resolution.kind, venv_of(resolution)) == ("venv-dir", dot)


# ----------------------------------------------------------------------------------------------- Pipenv


def test_pipenv_names_and_settings(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    where = project(tmp_path, "my app")
    (where / "Pipfile").write_text("[packages]\n")
    default = home / ".local" / "share" / "virtualenvs"
    hashed = pipenv.env_name(os.path.join(os.path.realpath(where), "Pipfile"))
    assert hashed.startswith("my_app-")
    env = fake_venv(default / hashed)
    assert venv_of(resolve(str(where), env_for(home))) == env
    custom = fake_venv(home / "wh" / "custom")
    environ = env_for(home, WORKON_HOME=str(home / "wh"), PIPENV_CUSTOM_VENV_NAME="custom")
    assert venv_of(resolve(str(where), environ)) == custom
    suffixed = fake_venv(default / f"{hashed}-3.12")
    assert venv_of(resolve(str(where), env_for(home, PIPENV_PYTHON="3.12"))) == suffixed
    assert venv_of(resolve(str(where), env_for(home, XDG_DATA_HOME=str(home / "data")))) is None


def test_pipenv_in_project_rules(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    where = project(tmp_path, "app")
    (where / "Pipfile").write_text("[pipenv]\nvenv_in_project = false\n")
    central = fake_venv(home / ".local" / "share" / "virtualenvs" / pipenv.env_name(str(where / "Pipfile")))
    dot = fake_venv(where / ".venv")
    assert venv_of(resolve(str(where), env_for(home))) == central  # the Pipfile says no
    assert venv_of(resolve(str(where), env_for(home, PIPENV_VENV_IN_PROJECT="1"))) == dot  # variable first
    (where / "Pipfile").write_text("[packages]\n")
    assert venv_of(resolve(str(where), env_for(home))) == central  # .venv exists, but Pipenv's own wins
    assert venv_of(resolve(str(where), env_for(home, PIPENV_NO_VENV_IN_PROJECT="0"))) == dot


# ------------------------------------------------------------------------------------------ .venv files


@pytest.mark.parametrize("beside", [True, False])
@pytest.mark.parametrize("in_workon", [True, False])
def test_a_bare_name_in_a_venv_file(
    tmp_path: pathlib.Path, home: pathlib.Path, beside: bool, in_workon: bool
) -> None:
    """A name that exists beside the file is virtualenv's redirect; otherwise WORKON_HOME's."""
    where = project(tmp_path, "app", '[project]\nname = "app"\n')
    (where / ".venv").write_text("myenv\n")
    local = fake_venv(where / "myenv") if beside else None
    named = fake_venv(home / ".local" / "share" / "virtualenvs" / "myenv") if in_workon else None
    resolution = resolve(str(where), env_for(home))
    assert venv_of(resolution) == (local or named)
    if local:
        assert "PEP 832" in (resolution.setting or "")
    elif named:
        assert "WORKON_HOME" in (resolution.setting or "")
    else:
        (line,) = resolution.problems
        assert "'myenv'" in line and "neither" in line


def test_virtualenvwrappers_home_is_the_fallback(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    where = project(tmp_path, "app")
    (where / ".venv").write_text("legacy\n")
    env = fake_venv(home / ".virtualenvs" / "legacy")
    assert venv_of(resolve(str(where), env_for(home))) == env
    assert venv_of(resolve(str(where), env_for(home, WORKON_HOME=str(home / "wh")))) is None


def test_a_venv_file_pointing_outside_needs_an_allow(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    outside = tmp_path / "elsewhere" / "env"  # a real venv, made here: only the pointer is at fault
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(outside)], check=True)
    where = project(tmp_path, "app")
    (where / ".venv").write_text("../../elsewhere/env\n")
    resolution = resolve(str(where), env_for(home))
    assert resolution.venv is not None and resolution.venv.named_by == str(where / ".venv")
    in_store = project(tmp_path, "named")
    (in_store / ".venv").write_text("stored\n")
    fake_venv(home / ".local" / "share" / "virtualenvs" / "stored")
    resolution = resolve(str(in_store), env_for(home))
    assert resolution.venv is not None and resolution.venv.named_by is None  # the user's own store
    decision = decide(resolve(str(where), env_for(home)), Settings(), env_for(home))
    assert decision.target is None and "outside the project" in decision.notes[-1]


# ----------------------------------------------------------------------------------------- PDM, Hatch, uv


def test_pdm_saved_interpreter_and_central_envs(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    where = project(tmp_path, "my pdm", '[project]\nname = "x"\n[tool.pdm]\n')
    physical = os.path.realpath(where)
    prefix = f"my pdm-{urlsafe_hash('md5', physical.encode(), 8)}-"
    store = home / ".local" / "share" / "pdm" / "venvs"
    old, new = fake_venv(store / f"{prefix}3.11"), fake_venv(store / f"{prefix}3.12")
    assert venv_of(resolve(str(where), env_for(home))) == new
    (where / ".pdm-python").write_text(f"{old}/bin/python")
    resolution = resolve(str(where), env_for(home))
    assert venv_of(resolution) == old and str(where / ".pdm-python") in resolution.watch
    assert venv_of(resolve(str(where), env_for(home, PDM_PYTHON=f"{new}/bin/python"))) == new
    config = home / ".config" / "pdm"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('[venv]\nin_project = "false"\nlocation = "~/elsewhere"\n')
    (where / ".pdm-python").unlink()
    moved = fake_venv(home / "elsewhere" / f"{prefix}3.13")
    assert venv_of(resolve(str(where), env_for(home))) == moved


@pytest.mark.parametrize(
    ("config", "layout"),
    [
        (None, "default"),
        ('[dirs.env]\nvirtual = "~/envs"\n', "absolute"),
        ('[dirs.env]\nvirtual = ".h"\n', "flat"),
    ],
)
def test_hatch_layouts(tmp_path: pathlib.Path, home: pathlib.Path, config: str | None, layout: str) -> None:
    where = project(tmp_path, "h", '[project]\nname = "Hatch_Me"\n[tool.hatch.envs.default]\n')
    if config:
        (home / ".config" / "hatch").mkdir(parents=True)
        (home / ".config" / "hatch" / "config.toml").write_text(config)
    ident = urlsafe_hash("sha256", os.path.realpath(where).encode(), 8)
    base = {"default": home / ".local" / "share" / "hatch" / "env" / "virtual", "absolute": home / "envs"}
    expected = (
        where / ".h" / "hatch-me" if layout == "flat" else base[layout] / "hatch-me" / ident / "hatch-me"
    )
    env = fake_venv(expected)
    resolution = resolve(str(where), env_for(home))
    assert (resolution.kind, venv_of(resolution)) == ("hatch", env)


def test_hatch_unmanaged_and_explicit_path(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    where = project(tmp_path, "u", "[tool.hatch.envs.default]\n")
    ident = urlsafe_hash("sha256", os.path.realpath(where).encode(), 8)
    name = f"{ident}-unmanaged"
    env = fake_venv(home / ".local" / "share" / "hatch" / "env" / "virtual" / name / ident / name)
    assert venv_of(resolve(str(where), env_for(home))) == env
    explicit = fake_venv(home / "explicit")
    assert venv_of(resolve(str(where), env_for(home, HATCH_ENV_TYPE_VIRTUAL_PATH=str(explicit)))) == explicit


def test_uv_workspace_members_and_project_environment(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    root = project(
        tmp_path,
        "ws",
        '[project]\nname = "ws"\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'
        'exclude = ["packages/skip"]\n',
    )
    (root / "uv.lock").write_text("")
    member = root / "packages" / "member"
    skipped = root / "packages" / "skip"
    for where in (member, skipped):
        where.mkdir(parents=True)
        (where / "pyproject.toml").write_text('[project]\nname = "m"\n[tool.uv]\n')
    (member / "src").mkdir()
    env = fake_venv(root / ".venv")
    for where in (root, member, member / "src"):
        resolution = resolve(str(where), env_for(home))
        assert (resolution.kind, venv_of(resolution)) == ("uv", env)
    excluded = resolve(str(skipped), env_for(home))  # its own workspace: its own .venv, not there yet
    assert excluded.venv is None and excluded.problems[0].endswith("create it: uv sync")
    (root / ".python-version").write_text("3.12\n")
    moved = fake_venv(root / ".uvenv")
    assert venv_of(resolve(str(member), env_for(home, UV_PROJECT_ENVIRONMENT=".uvenv"))) == moved


# ----------------------------------------------------------------------------------- conda, pyenv-virtualenv


def test_a_conda_project_says_how_to_activate_it(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    where = project(tmp_path, "science")
    (where / "environment.yml").write_text("name: sci-env\ndependencies:\n  - numpy\n")
    resolution = resolve(str(where), env_for(home))
    assert resolution.kind == "conda"
    (line,) = resolution.problems
    assert "conda activate sci-env" in line
    assert "environment.yml" in candidate_names((".venv",))


def test_pyenv_virtualenv_env_activates_as_a_venv(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    root = tmp_path / "pyenv"
    (root / "versions" / "3.12.1" / "bin").mkdir(parents=True)
    env = fake_venv(root / "versions" / "3.12.1" / "envs" / "myenv")
    (root / "versions" / "myenv").symlink_to(env)
    where = project(tmp_path, "app")
    for spelling in ("myenv", "3.12.1/envs/myenv"):
        (where / ".python-version").write_text(spelling + "\n")
        resolution = resolve(str(where), env_for(home, PYENV_ROOT=str(root)))
        assert (resolution.kind, venv_of(resolution)) == ("pyenv-virtualenv", env)
    # pyenv's own choice (`pyenv shell myenv`) stays pyenv's: a version, not an activation
    resolution = resolve(str(where), env_for(home, PYENV_ROOT=str(root), PYENV_VERSION="myenv"))
    assert resolution.kind == "python-version" and resolution.venv is None


# ------------------------------------------------------------------------------- what resolution reads


class Recording(dict):  # type: ignore[type-arg]
    """An environment that records every variable looked up (into ``read``: give several environments,
    such as an environment and the copies made of it, one set to record into)."""

    def __init__(self, values: Mapping[str, str], read: set[str] | None = None) -> None:
        super().__init__(values)
        self.read: set[str] = set() if read is None else read

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return str(super().__getitem__(key))

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


def every_kind(tmp_path: pathlib.Path) -> Iterator[pathlib.Path]:
    yield project(tmp_path, "po", POETRY)
    pe = project(tmp_path, "pe")
    (pe / "Pipfile").write_text("")
    yield pe
    yield project(tmp_path, "pd", '[project]\nname = "x"\n[tool.pdm]\n')
    yield project(tmp_path, "ha", '[project]\nname = "x"\n[tool.hatch.envs.default]\n')
    yield project(tmp_path, "uv", '[project]\nname = "x"\n[tool.uv]\n')
    vf = project(tmp_path, "vf")
    (vf / ".venv").write_text("name\n")
    yield vf
    pv = project(tmp_path, "pv")
    (pv / ".python-version").write_text("3.12\n")
    yield pv


def test_every_variable_resolution_reads_is_declared(tmp_path: pathlib.Path, home: pathlib.Path) -> None:
    """The hooks compare exactly ``env_deps()``: a variable read but not declared would leave a stale
    answer active when the user changes it."""
    declared = set(env_deps())
    assert "PYENV_DIR" in declared and "POETRY_VIRTUALENVS_PATH" in declared
    for where in every_kind(tmp_path):
        environ = Recording(env_for(home))
        resolve(str(where), environ)
        assert environ.read - declared == set(), where


@pytest.mark.parametrize(
    "value",
    ["$HOME/e", "${HOME}/e", "$NOPE/x", "${NOPE}", "a$", "$", "${HOME", "$A_B$HOME", "é$HOME", "$$HOME"],
)
def test_variables_in_tool_paths_expand_from_the_given_environment(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As os.path.expandvars does, but from the environment resolution is given (the daemon resolves
    for shells whose environment is not its own)."""
    from autovenv.resolve.finders.base import FinderContext

    given = {"HOME": "/h", "A_B": "x"}
    for name in list(os.environ):
        monkeypatch.delenv(name)
    for name, text in given.items():
        monkeypatch.setenv(name, text)
    expected = os.path.expandvars(value)
    monkeypatch.setenv("HOME", "/elsewhere")
    assert FinderContext(given, (), False).expand_vars(value) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        '[other-abc]\nminor = "3.11"\n',
        '[a-1]\nminor = "3.10"\npatch = "3.10.1"\n\n[blog-XyZ_-12]\nminor = "3.12"\npatch = "3.12.1"\n'
        '\n[z]\nminor = "3.9"\n',
        '["blog-XyZ_-12"]\nminor = "3.13" # chosen\n',
        '[blog-XyZ_-12]\nminor = """3.11"""\n',
        '[blog-XyZ_-12]\nminor = "3.11"\n[blog-XyZ_-12]\nminor = "3.12"\n',
        '[blog-XyZ_-12-other]\nminor = "3.11"\n',
        '[blog-XyZ_-12]\npatch = "3.12.1"\n',
        "[blog-XyZ_-12]\nminor = 3\n",
        "[blog-XyZ_-12\nminor = '3.12'\n",
    ],
)
def test_envs_toml_entries_read_alone_agree_with_the_whole_file(tmp_path: pathlib.Path, text: str) -> None:
    """Reading only the project's table of a long envs.toml gives what parsing all of it gives."""
    from autovenv.resolve.finders.base import FinderContext
    from autovenv.resolve.tomlfile import loads

    path = tmp_path / "envs.toml"
    path.write_text(text)
    try:
        whole = loads(text).get("blog-XyZ_-12", {})
        expected = whole.get("minor") if isinstance(whole, dict) else None
    except ValueError:
        expected = None
    got = poetry.recorded_minor(FinderContext({}, (), False), str(path), "blog-XyZ_-12")
    assert got == (expected if isinstance(expected, str) else None)
