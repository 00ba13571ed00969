"""Pipenv's env for a project, found the way ``pipenv --venv`` finds it, without running Pipenv.

Pipenv keeps envs in ``$WORKON_HOME`` (default ``${XDG_DATA_HOME:-~/.local/share}/virtualenvs``, not
virtualenvwrapper's ``~/.virtualenvs``) as ``{dir}-{hash}``: ``dir`` is the Pipfile's directory name
with shell-special characters made ``_`` (cut at 42), ``hash`` the first 8 characters of urlsafe-base64
of the first 6 bytes of SHA-256 of the Pipfile's absolute path (as reached from the physical working
directory). ``PIPENV_CUSTOM_VENV_NAME`` replaces the whole name, ``PIPENV_PYTHON`` adds a suffix,
``PIPENV_PIPFILE`` names the Pipfile. An in-project ``.venv`` directory is used when
``PIPENV_VENV_IN_PROJECT`` (or the Pipfile's ``[pipenv] venv_in_project``) says so, or, when neither
says anything, when it exists (unless Pipenv already has an env of its own for the project). A ``.venv``
*file* is the ``venv_file`` finder's.
"""

from __future__ import annotations

import os

from autovenv.resolve.finders.base import FinderContext, Found, env_flag, urlsafe_hash, within

NAME = "pipenv"
INSTALL = "pipenv install"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_SPECIAL = frozenset(' &$`!*@"()[]\\\r\n\t')


def workon_home(context: FinderContext) -> str:
    """Pipenv's ``get_workon_home``: ``$WORKON_HOME``, else ``${XDG_DATA_HOME:-~/.local/share}/virtualenvs``
    (``XDG_DATA_HOME`` taken as it is, relative or not, as Pipenv does)."""
    value = context.environ.get("WORKON_HOME")
    if not value:
        base = context.environ.get("XDG_DATA_HOME") or "~/.local/share"
        value = os.path.join(base, "virtualenvs")
    value = context.expand_vars(value) if "$" in value else value
    return os.path.abspath(context.expand(value))


def env_name(pipfile: str) -> str:
    """``{dir}-{hash}`` as Pipenv's ``VenvLocator._get_virtualenv_hash`` makes it."""
    directory = os.path.basename(os.path.dirname(pipfile))
    sanitized = "".join("_" if c in _SPECIAL else c for c in directory)[:42]
    return f"{sanitized}-{_pipfile_hash(pipfile)}"


def _pipfile_hash(pipfile: str) -> str:
    """urlsafe-base64 of SHA-256's first 6 bytes: exactly the first 8 characters of the whole digest's."""
    return urlsafe_hash("sha256", pipfile.encode("utf-8", "surrogateescape"), 8)


def _in_project(context: FinderContext, pipfile: str) -> tuple[bool | None, str | None]:
    """What ``PIPENV_VENV_IN_PROJECT`` (or its negation), else the Pipfile's ``[pipenv]``, says."""
    for name, negated in (("PIPENV_VENV_IN_PROJECT", False), ("PIPENV_NO_VENV_IN_PROJECT", True)):
        value = context.environ.get(name)
        if value is not None:
            flag = env_flag(value, _TRUE, _FALSE)
            if flag is not None:
                return (not flag if negated else flag), name
            break  # a value Pipenv cannot read as a boolean: a string, neither ``is True`` nor ``is False``
    setting = context.toml_get(pipfile, "pipenv", "venv_in_project")
    if setting is not None:
        return bool(setting), f"[pipenv] venv_in_project in {pipfile}"
    return None, None


def pipfile_for(directory: str, context: FinderContext) -> str | None:
    """The Pipfile that applies in ``directory``: ``PIPENV_PIPFILE`` when it names a file inside it or when
    ``directory`` has a Pipfile of its own (Pipenv then uses the variable's), else ``directory/Pipfile``."""
    own = os.path.join(directory, "Pipfile")
    named = context.environ.get("PIPENV_PIPFILE")
    if named:
        path = os.path.abspath(os.path.join(directory, context.expand(named)))
        if os.path.isfile(path) and (os.path.isfile(own) or within(path, directory)):
            return path
    return own if os.path.isfile(own) else None


def find(directory: str, context: FinderContext) -> Found | None:
    pipfile = pipfile_for(directory, context)
    if pipfile is None:
        return None
    project_dir = os.path.dirname(pipfile)
    in_project, origin = _in_project(context, pipfile)
    home = workon_home(context)
    custom = context.environ.get("PIPENV_CUSTOM_VENV_NAME")
    physical = os.path.join(os.path.realpath(project_dir), os.path.basename(pipfile))
    name = custom or env_name(physical)
    if not custom and context.environ.get("PIPENV_PYTHON"):
        python = context.environ["PIPENV_PYTHON"]
        name += "-" + (os.path.basename(python) if os.path.isabs(python) else python)
    central = os.path.join(home, name)
    dot_venv = os.path.join(project_dir, ".venv")
    watch = (home,)
    if in_project is True or (in_project is None and os.path.isdir(dot_venv) and not os.path.exists(central)):
        if os.path.isfile(dot_venv):
            return None  # a .venv file: the venv_file finder reads it (as Pipenv does)
        setting = f"in-project .venv ({origin})" if origin else "in-project .venv"
        return Found(NAME, pipfile, venv=dot_venv, setting=setting, install=INSTALL, watch=watch)
    if os.path.isfile(dot_venv):
        return None
    where = "WORKON_HOME" if context.environ.get("WORKON_HOME") else "Pipenv's default WORKON_HOME"
    how = "PIPENV_CUSTOM_VENV_NAME" if custom else "named after the Pipfile's directory and path"
    setting = f"{where}, {how}"
    if origin and in_project is False:
        setting += f"; in-project .venv off ({origin})"
    return Found(NAME, pipfile, venv=central, setting=setting, install=INSTALL, store=home, watch=watch)
