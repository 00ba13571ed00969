"""Project and user settings: every mistake reported, each costing exactly what its line says.

A project file that cannot be used is resolved as if it were absent; a bad setting is ignored alone; keys a
project leaves out fall through to the user's settings; ``trust`` fails closed.
"""

from __future__ import annotations

import os
import pathlib
import venv

import pytest

from autovenv import settings
from autovenv.decide import decide
from autovenv.resolve.config import project_config, user_config
from autovenv.resolve.project import Settings, resolve


def make_venv(where: pathlib.Path) -> pathlib.Path:
    venv.EnvBuilder(with_pip=False, symlinks=True).create(where)
    return where


@pytest.fixture
def project(tmp_path: pathlib.Path) -> pathlib.Path:
    root = tmp_path / "shop"
    make_venv(root / ".venv")
    return root


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# -- a project file that cannot be used is as if it were absent ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        (".autovenv.toml", 'prompt = "x"\nquiet = yes\n', "not valid TOML (Invalid value (at line 2, column"),
        (".autovenv.toml", "enabled = false\n[[", "is not valid TOML"),
        ("pyproject.toml", "[tool.autovenv]\nenabled = nope\n", "is not valid TOML"),
        ("pyproject.toml", "[tool]\nautovenv = 1  # tool.autovenv\n", "[tool.autovenv] must be a table"),
    ],
)
def test_a_broken_file_leaves_the_venv_active_and_says_it_is_ignored(
    project: pathlib.Path, name: str, text: str, says: str
) -> None:
    write(project / name, text)
    resolution = resolve(str(project), {"HOME": str(project.parent)})
    assert resolution.venv is not None and resolution.venv.path == str(project / ".venv")
    assert resolution.kind == "venv-dir"
    (line,) = resolution.problems
    assert says in line and line.endswith("; ignored, as if it were not there")
    assert decide(resolution, Settings(), {}).target is not None


def test_a_broken_autovenv_toml_gives_way_to_the_pyproject_section(project: pathlib.Path) -> None:
    write(project / ".autovenv.toml", "enabled = [")
    write(project / "pyproject.toml", "[tool.autovenv]\nenabled = false\n")
    resolution = resolve(str(project), {})
    assert not resolution.enabled and resolution.source == str(project / "pyproject.toml")
    assert len(resolution.problems) == 1 and ".autovenv.toml is not valid TOML" in resolution.problems[0]


def test_a_broken_file_without_a_venv_lets_the_walk_go_on(project: pathlib.Path) -> None:
    inner = write(project / "sub" / ".autovenv.toml", "venv = ").parent
    resolution = resolve(str(inner), {})
    assert resolution.root == str(project) and resolution.venv is not None
    assert resolution.candidate == str(inner) and "not valid TOML" in resolution.problems[0]


# -- a bad setting is ignored alone, every one reported -----------------------------------------------------


def test_every_mistake_gets_its_own_line_and_near_misses_a_suggestion(project: pathlib.Path) -> None:
    write(
        project / ".autovenv.toml",
        'promt = "shop"\nquiet = "yes"\nPython = "3.12"\ntrust = "auto"\nvenv = ""\nenabled = true\n',
    )
    config = project_config(str(project))
    assert config is not None and config.usable and config.values == {"enabled": True}
    where = str(project / ".autovenv.toml")
    assert config.problems == [
        f"{where}: unknown setting 'promt' (did you mean 'prompt'?); ignored",
        f'{where}: quiet must be true or false, not "yes"; ignored',
        f"{where}: unknown setting 'Python' (did you mean 'python'?); ignored",
        f"{where}: 'trust' is a setting of your own config.toml, which a project cannot set; ignored",
        f'{where}: venv must be a non-empty string, not ""; ignored',
    ]


def test_what_a_file_says_still_holds_beside_a_mistake(project: pathlib.Path) -> None:
    write(project / ".autovenv.toml", 'enabled = false\npromt = "x"\n')
    resolution = resolve(str(project), {})
    assert not resolution.enabled and resolution.venv is None
    where = project / ".autovenv.toml"
    assert resolution.problems == [f"{where}: unknown setting 'promt' (did you mean 'prompt'?); ignored"]


def test_values_from_a_file_reach_the_message_as_text_not_control_sequences(project: pathlib.Path) -> None:
    write(project / ".autovenv.toml", 'quiet = "\\u001b[2J\\u0007"\n"\\u001b]0;x" = 1\n')
    config = project_config(str(project))
    assert config is not None
    assert all(line.isprintable() for line in config.problems), config.problems
    assert '"\\x1b[2J\\x07"' in config.problems[0] and "'\\x1b]0;x'" in config.problems[1]


# -- project keys fall through to the user's settings -------------------------------------------------------


@pytest.mark.parametrize("user_quiet", [True, False])
def test_quiet_falls_through_to_the_users_setting_when_the_project_leaves_it_out(
    project: pathlib.Path, user_quiet: bool
) -> None:
    write(project / ".autovenv.toml", 'prompt = "shop"\n')
    resolution = resolve(str(project), {}, Settings(quiet=user_quiet))
    assert resolution.quiet is user_quiet and resolution.prompt == "shop"
    write(project / ".autovenv.toml", f"quiet = {str(not user_quiet).lower()}\n")
    assert resolve(str(project), {}, Settings(quiet=user_quiet)).quiet is (not user_quiet)


def test_prompt_falls_through_too(project: pathlib.Path) -> None:
    write(project / ".autovenv.toml", "quiet = true\n")
    assert resolve(str(project), {}, Settings(prompt=False)).prompt is False


# -- the user's file -----------------------------------------------------------------------------------------


def user(tmp_path: pathlib.Path, text: str | bytes) -> Settings:
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return Settings.from_config(user_config(str(path)))


def test_user_mistakes_are_reported_and_the_rest_applies(tmp_path: pathlib.Path) -> None:
    got = user(tmp_path, 'venv_dirs = ".venv"\nquiet = true\nvenv_dir = []\nvenv = "x"\ndaemon = "on"\n')
    assert got.quiet is True and got.venv_dirs == (".venv", "venv", "env") and got.daemon == "off"
    where = str(tmp_path / "config" / "config.toml")
    assert list(got.problems) == [
        f'{where}: venv_dirs must be a list of directory names, e.g. [".venv", "venv"], not ".venv"; ignored',
        f"{where}: unknown setting 'venv_dir' (did you mean 'venv_dirs'?); ignored",
        f"{where}: 'venv' is a project setting (.autovenv.toml or [tool.autovenv]); ignored",
        f'{where}: daemon must be "off" or "auto", not "on"; ignored',
    ]


@pytest.mark.parametrize("value", ['"Ask"', '"yes"', "true", '""', '["ask"]'])
def test_an_invalid_trust_fails_closed_and_says_so(tmp_path: pathlib.Path, value: str) -> None:
    got = user(tmp_path, f"trust = {value}\nquiet = true\n")
    assert got.trust == "ask" and got.quiet is True
    assert len(got.problems) == 1 and got.problems[0].endswith('; using "ask" until it is fixed')


@pytest.mark.parametrize(
    ("text", "trust"),
    [
        ("quiet = tru\n", "auto"),  # cannot have said anything about trust
        ('trust = "auto"\nquiet = tru\n', "ask"),  # might have: fail closed
        (b'trust = "auto"\nprompt = "\xff"\n', "ask"),  # not UTF-8
    ],
)
def test_a_broken_user_file_means_defaults_but_trust_only_as_safe_as_it_can_be(
    tmp_path: pathlib.Path, text: str | bytes, trust: str
) -> None:
    got = user(tmp_path, text)
    assert got.trust == trust and got.quiet is False and len(got.problems) == 1
    assert ("with trust" in got.problems[0]) is (trust == "ask")


def test_an_unreadable_user_file_fails_closed(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('trust = "ask"\n')
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads it anyway: make it unreadable by size instead
        path.chmod(0o600)
        path.write_bytes(b"#" * (2 * 1024 * 1024))
    got = Settings.from_config(user_config(str(path)))
    assert got.trust == "ask" and 'with trust = "ask" until it can be read' in got.problems[0]


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_user_config_that_is_no_file_holds_no_settings(tmp_path: pathlib.Path, kind: str) -> None:
    path = tmp_path / "config.toml"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    got = Settings.from_config(user_config(str(path)))
    assert got.trust == "auto" and got.problems[0].endswith(", not a config file; using the default settings")


def test_settings_load_keeps_the_path_and_every_problem(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "cfg" / "config.toml", "quiet = 1\nprompt = 2\n")
    loaded = settings.load({"AUTOVENV_CONFIG_DIR": str(tmp_path / "cfg")})
    assert loaded.path == str(tmp_path / "cfg" / "config.toml") and len(loaded.problems) == 2


def test_a_broken_file_outside_any_project_is_not_refreshed_by_churn_above(tmp_path: pathlib.Path) -> None:
    lone = write(tmp_path / "a" / "lone" / ".autovenv.toml", "venv = [").parent
    resolution = resolve(str(lone), {})
    assert resolution.root is None and len(resolution.problems) == 1
    assert str(tmp_path / "a") not in resolution.watch and str(tmp_path / "a") in resolution.entry_watch
    assert str(lone) in resolution.watch  # its own directory and files still are
