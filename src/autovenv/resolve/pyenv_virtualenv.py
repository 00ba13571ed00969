"""pyenv-virtualenv: a ``.python-version`` naming one of its envs activates that env *as a venv*.

pyenv-virtualenv keeps envs in ``$PYENV_ROOT/versions/<base>/envs/<name>`` with a symlink
``versions/<name>`` to it, and both spellings may be written in ``.python-version``. ``pyenv activate``
(and its auto-activation) sets ``VIRTUAL_ENV`` to the resolved ``versions/<base>/envs/<name>``, puts its
``bin`` first and prefixes the prompt: that is what autovenv does too, instead of selecting the env's
``bin`` as a bare interpreter. Only a version file decides this: ``PYENV_VERSION`` (``pyenv shell``)
stays pyenv's, as for any version.
"""

from __future__ import annotations

import os

from autovenv.resolve.finders.base import is_venv
from autovenv.resolve.pyenv import PythonSelection, version_prefix, versions_dir

NAME = "pyenv-virtualenv"


def env_for(selection: PythonSelection) -> str | None:
    """The env to activate when ``selection`` (from a version file) names exactly one pyenv-virtualenv env."""
    if not selection.ok or selection.problem or selection.source_kind != "local":
        return None
    names = [name for name in selection.resolved if name is not None]
    if len(names) != 1 or names[0] == "system":
        return None
    prefix = version_prefix(selection.root, names[0])
    if not is_venv(prefix):
        return None
    real = os.path.realpath(prefix)
    versions = os.path.realpath(versions_dir(selection.root))
    if os.path.islink(prefix) and real.startswith(versions + os.sep) and is_venv(real):
        relative = os.path.relpath(real, versions)
        return os.path.join(versions_dir(selection.root), relative)  # versions/<base>/envs/<name>
    return prefix


def describe(selection: PythonSelection) -> str:
    names = [name for name in selection.resolved if name is not None]
    return f"pyenv-virtualenv env {names[0] if names else '?'} named in {selection.source}"
