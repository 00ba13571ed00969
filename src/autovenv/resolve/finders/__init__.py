"""Sources of environments, one module each, asked in order for a directory.

A finder answers "does this directory decide an environment, and which?" from files alone. The order of
``FINDERS`` is DESIGN §3's precedence after explicit config: in-project venv dirs, a ``.venv`` file, tool-
managed envs, then ``.python-version``. Adding a source means one module here and one entry in ``FINDERS``.
"""

from __future__ import annotations

from autovenv.resolve.finders import in_project, python_version, venv_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autovenv.resolve.finders.base import Finder

FINDERS: tuple[Finder, ...] = (in_project, venv_file, python_version)


def candidate_names(venv_dirs: tuple[str, ...]) -> tuple[str, ...]:
    """File names whose presence makes a directory worth asking the finders about.

    The shell hook walks up with exactly this list (cheap ``-e`` tests, no process) and runs Python only
    when it reaches a directory holding one of them, so every finder's markers must be listed.
    """
    names: list[str] = [".autovenv.toml", "pyproject.toml"]
    for finder in FINDERS:
        for name in finder.markers(venv_dirs):
            if name not in names:
                names.append(name)
    return tuple(names)
