"""The answer's key holds every environment variable the pipeline reads (``finders.env_deps``).

A cached answer is reused while the signature of those variables is unchanged, so a variable read but
not declared would leave a stale answer active when the user changes it (``PYENV_DIR`` once did). Two
checks: the whole pipeline (settings, user view, resolution, decision, answer) run over projects of
every kind with an environment that records each name looked up; and no module of the pipeline reads
the process's own environment behind the given one (the daemon's is not the shell's).
"""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys
from collections.abc import Mapping

import pytest

import autovenv
from autovenv import pipeline, plan
from autovenv.resolve.finders import env_deps
from tests.unit.test_tool_finders import Recording, every_kind


def projects(tmp_path: pathlib.Path) -> list[pathlib.Path]:
    """A project of each kind resolution tells apart, and one with a venv it activates."""
    found = list(every_kind(tmp_path))
    active = tmp_path / "code" / "active"
    active.mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(active / ".venv")], check=True)
    (tmp_path / "code" / "configured").mkdir()
    (tmp_path / "code" / "configured" / ".autovenv.toml").write_text('venv = "~/envs/x"\nprompt = "p"\n')
    return [*found, active, tmp_path / "code" / "configured", tmp_path]


def test_every_variable_the_pipeline_reads_is_in_the_key(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    declared = set(env_deps())
    home = tmp_path / "home"
    home.mkdir()
    # What user_view itself looks at (our own state, to undo it): the view it returns is what counts.
    own_state = Recording({})
    plan.user_view(own_state)
    views: list[Recording] = []
    real_view = plan.user_view

    def recording_view(environ: Mapping[str, str], pathsep: str = ":") -> dict[str, str]:
        view = Recording(real_view(environ, pathsep))
        views.append(view)
        return view

    monkeypatch.setattr(plan, "user_view", recording_view)
    for where in projects(tmp_path):
        environ = Recording({"HOME": str(home), "PATH": "/usr/bin:/bin"})
        views.clear()
        pipeline.answer_for(str(where), environ, "bash", ":")
        read = (environ.read - own_state.read).union(*(view.read for view in views))
        assert read - declared == set(), where


#: Modules the pipeline runs, and the reads of the process's environment each may make, with why.
ALLOWED_PROCESS_READS = {
    # PEP 508 markers of a lock file name the machine the tools run on: the process's own, on Windows.
    "resolve/markers.py": {"PROCESSOR_ARCHITEW6432", "PROCESSOR_ARCHITECTURE"},
    "resolve/locksync.py": {"PROCESSOR_ARCHITEW6432", "PROCESSOR_ARCHITECTURE"},  # the same, its small reader
    "resolve/lockmemo.py": {"*"},  # the same two names, read in a loop
    # pyenv_root(os.environ) for the callers outside the pipeline that have no environment of their own;
    # and, when the given environment has no HOME at all, the home os.path.expanduser finds (the module
    # imports nothing of ours: pyenv's rules stand alone).
    "resolve/pyenv.py": {"*"},
    # home_of on Windows, when the given environment has no HOME.
    "dirs.py": {"HOME"},
}
PIPELINE = (
    "resolve",
    "decide.py",
    "trust.py",
    "settings.py",
    "dirs.py",
    "answer.py",
    "pipeline.py",
    "plan.py",
)


def process_reads(tree: ast.AST) -> set[str]:
    """Names read through ``os.environ.get("NAME")``/``os.getenv("NAME")``; ``*`` for any other use of
    ``os.environ``; ``HOME`` for ``os.path.expanduser``, which reads it."""
    found: set[str] = set()
    named: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            text = ast.unparse(node.func)
            if text in ("os.environ.get", "os.getenv"):
                found.add(str(node.args[0].value))
                if isinstance(node.func, ast.Attribute):
                    named.add(id(node.func.value))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "os.path.expanduser":
            found.add("HOME")
    for node in ast.walk(tree):
        # A parameter's default (`environ=os.environ`) is for callers outside the pipeline, which
        # passes its environment on (the recording test above would see a read of the real one).
        if isinstance(node, ast.arguments):
            named.update(id(default) for default in (*node.defaults, *node.kw_defaults) if default)
    for node in ast.walk(tree):
        is_os = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os"
        if is_os and node.attr == "environ" and id(node) not in named:  # type: ignore[union-attr]
            found.add("*")
    return found


def test_the_pipeline_reads_no_process_environment_behind_the_given_one() -> None:
    package = pathlib.Path(autovenv.__file__).parent
    files: list[pathlib.Path] = []
    for part in PIPELINE:
        target = package / part
        files.extend(sorted(target.rglob("*.py")) if target.is_dir() else [target])
    assert len(files) > 20
    for path in files:
        relative = path.relative_to(package).as_posix()
        reads = process_reads(ast.parse(path.read_text(encoding="utf-8")))
        allowed = ALLOWED_PROCESS_READS.get(relative, set())
        if "*" in allowed:
            continue
        # expanduser is allowed only for "~user" forms, behind home_of / expand_user (finders/base.py).
        if relative == "resolve/finders/base.py":
            reads.discard("HOME")
        assert reads - allowed == set(), relative


def test_a_tilde_in_the_config_is_the_given_home(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``venv = "~/envs/x"`` in a project's config: the HOME of the shell asking (the key holds it), not
    the process's (a daemon resolves for shells whose HOME may not be its own)."""
    project = tmp_path / "p"
    project.mkdir()
    (project / ".autovenv.toml").write_text('venv = "~/envs/x"\n')
    monkeypatch.setenv("HOME", str(tmp_path / "process-home"))
    found = pipeline.answer_for(str(project), {"HOME": str(tmp_path / "shell-home")}, "bash", ":")
    assert found.resolution.venv is not None
    assert found.resolution.venv.path == str(tmp_path / "shell-home" / "envs" / "x")
