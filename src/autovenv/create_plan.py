"""What ``autovenv create`` would do for a project, decided from its files alone (standard library only).

The cold path asks this for a project that declares dependencies but has no venv, to say once what
``create`` would make; the command itself follows the same plan, so the two cannot disagree. No tool,
no interpreter and no installer is run here (``probe`` aside: without a pin, ``create`` asks the
``python3`` it found for its version; the hint never does).
"""

from __future__ import annotations

import os
import sys

from autovenv.resolve import pins, pyenv
from autovenv.resolve.config import project_config

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

#: Files whose presence makes a directory a project worth a venv (the nearest one is the root).
PROJECT_FILES = (
    ".autovenv.toml",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "requirements.txt",
    "requirements",
    "pylock.toml",
    "Pipfile",
    "uv.lock",
    "poetry.lock",
    "pdm.lock",
    ".python-version",
)


class Tool:
    """A tool that manages its projects' envs itself: ``create`` hands such a project to it."""

    __slots__ = ("command", "install", "interpreter_variable", "marks", "name", "use_command")

    def __init__(
        self,
        name: str,
        marks: tuple[str, ...],
        command: tuple[str, ...],
        install: str,
        interpreter_variable: str | None = None,
        use_command: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        #: files beside the project's root, or ``[table`` heads in its pyproject.toml, that make it the tool's
        self.marks = marks
        #: the tool's own command that makes the env and fills it (what its docs tell a new checkout to run)
        self.command = command
        self.install = install
        #: the variable through which the tool takes the interpreter to make its env with when the project
        #: names none in the tool's own settings (a Pipfile's ``[requires]``, a Hatch env's ``python``,
        #: which keep winning); ``None``: the tool takes pyenv's shim or the first ``python3`` on PATH
        #: (PDM), which ``create`` points at the pin
        self.interpreter_variable = interpreter_variable
        #: the tool's command that records the project's interpreter (the pinned one is appended), run
        #: first: Poetry picks its env by the ``python3`` on PATH at every command unless ``poetry env
        #: use`` recorded one, so without it ``poetry env info -p`` in a plain shell would name another env
        self.use_command = use_command

    def __repr__(self) -> str:
        return f"Tool({self.name!r})"


#: The tools, in the order their marks are asked (the first tool whose mark is there manages the project).
TOOLS = (
    Tool("uv", ("uv.lock", "[tool.uv]"), ("uv", "sync"), "pipx install uv", "UV_PYTHON"),
    Tool(
        "Poetry",
        ("poetry.lock", "[tool.poetry]"),
        ("poetry", "install"),
        "pipx install poetry",
        use_command=("poetry", "env", "use"),
    ),
    Tool("PDM", ("pdm.lock", "[tool.pdm]", ".pdm-python"), ("pdm", "install"), "pipx install pdm"),
    Tool(
        "Pipenv",
        ("Pipfile",),
        ("pipenv", "install", "--dev"),
        "pipx install pipenv",
        "PIPENV_DEFAULT_PYTHON_VERSION",
    ),
    Tool(
        "Hatch",
        ("hatch.toml", "[tool.hatch.envs"),
        ("hatch", "env", "create"),
        "pipx install hatch",
        "HATCH_PYTHON",
    ),
)
DECLARES = ("requirements.txt", "requirements", "pylock.toml", "setup.py", "setup.cfg")


class Plan:
    """What ``create`` would do for a project, decided from its files."""

    __slots__ = (
        "deps",
        "interpreter",
        "pinned",
        "problem",
        "pyenv_version",
        "python_label",
        "root",
        "tool",
        "venv",
    )

    def __init__(self, root: str) -> None:
        self.root = root
        self.venv = os.path.join(root, ".venv")
        #: the tool that manages the project, when one does
        self.tool: Tool | None = None
        #: the interpreter to make the venv with, and how it was chosen ("3.12.1 from .python-version")
        self.interpreter: str | None = None
        self.python_label = ""
        self.pinned = False
        #: the pinned version as pyenv names it (``3.12.1``), for pyenv's shims to agree with the pin
        self.pyenv_version: str | None = None
        #: ("pylock" | "requirements" | "project", file), or None
        self.deps: tuple[str, str] | None = None
        self.problem: str | None = None

    def __repr__(self) -> str:
        return f"Plan({self.root!r}, venv={self.venv!r}, tool={self.tool!r}, python={self.python_label!r})"

    def summary(self) -> str:
        """What ``create`` would do, as the hint for a project without a venv."""
        if self.tool is not None:
            command = " ".join(self.tool.command)
            return f"`autovenv create` would run {command} ({self.tool.name} manages this project)"
        python = self.python_label if self.python_label.startswith("the ") else f"Python {self.python_label}"
        return f"`autovenv create` would make one with {python}"


def project_root(directory: str, environ: Mapping[str, str]) -> str:
    """The nearest directory from ``directory`` up holding a project file, not above HOME; else itself."""
    home = os.path.normpath(environ.get("HOME", "") or os.sep)
    current = os.path.normpath(directory)
    while True:
        if current == home or current == os.path.dirname(current):
            return os.path.normpath(directory)
        if any(os.path.lexists(os.path.join(current, name)) for name in PROJECT_FILES) or _requirements_here(
            current
        ):
            return current
        current = os.path.dirname(current)


def _requirements_here(directory: str) -> bool:
    try:
        return any(n.startswith("requirements") and n.endswith(".txt") for n in os.listdir(directory))
    except OSError:
        return False


def _pyproject(root: str) -> bytes:
    from autovenv.files import read_regular

    try:
        return read_regular(os.path.join(root, "pyproject.toml"), 1024 * 1024)
    except OSError:
        return b""


def declares_dependencies(root: str) -> bool:
    """Whether the project says what it needs: a requirements or lock file, setup files, a [project]."""
    if any(os.path.lexists(os.path.join(root, name)) for name in DECLARES) or _requirements_here(root):
        return True
    if any(os.path.isfile(os.path.join(root, name)) for name, _ in pins.LOCKS):
        return True
    return b"[project]" in _pyproject(root)


def managing_tool(root: str) -> Tool | None:
    """The tool whose project ``root`` is, from its marks; None when no tool's mark is there."""
    text = _pyproject(root)
    for tool in TOOLS:
        for mark in tool.marks:
            if mark.startswith("[") and mark.encode() in text:
                return tool
            if not mark.startswith("[") and os.path.lexists(os.path.join(root, mark)):
                return tool
    return None


def which(name: str, environ: Mapping[str, str]) -> str | None:
    """``shutil.which`` on the given PATH, without importing shutil."""
    for entry in environ.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(entry or ".", name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def _choose_python(plan: Plan, environ: Mapping[str, str], spec: str | None, probe: bool) -> None:
    env = dict(environ)
    if spec is not None:
        env["PYENV_VERSION"] = spec
    selection = pyenv.select_python(plan.root, env)
    pinned = spec is not None or selection.source_kind in ("local", "PYENV_VERSION")
    source = "config" if spec is not None else os.path.basename(selection.source or "") or "PYENV_VERSION"
    if pinned:
        if selection.missing or not selection.ok:
            plan.problem = (
                selection.problem or f"Python {selection.version_name()} ({source}) is not installed"
            )
            return
        name = selection.version_name().split(":")[0]
        if name != "system" and selection.bin_dirs:
            plan.interpreter = _python_in(selection.bin_dirs[0])
            plan.python_label = f"{name} from {source}"
            plan.pinned = True
            plan.pyenv_version = name
            return
    elif selection.source_kind == "global" and selection.ok and selection.bin_dirs:
        name = selection.version_name().split(":")[0]
        if name != "system":
            plan.interpreter = _python_in(selection.bin_dirs[0])
            plan.python_label = f"{name} (pyenv's global version; no pin in the project)"
            return
    if not probe:  # the hint: PATH is no input of resolution, so it is not looked at
        plan.python_label = "the first python3 on PATH (no pin in the project)"
        return
    found = which("python3", environ)
    if found:
        plan.interpreter = found
        version = _version_of(found) if probe else "3"
        plan.python_label = f"{version} ({found}, the first python3 on PATH; no pin in the project)"
    else:
        plan.interpreter = sys.executable
        plan.python_label = (
            f"{sys.version.split()[0]} ({sys.executable}, autovenv's own; no pin in the project)"
        )


def _python_in(bin_dir: str) -> str:
    for name in ("python", "python3", "python.exe"):
        path = os.path.join(bin_dir, name)
        if os.path.exists(path):
            return path
    return os.path.join(bin_dir, "python")


def _version_of(python: str) -> str:
    """The version an interpreter reports (``3.11.2``); only when no pin names it."""
    import subprocess

    try:
        out = subprocess.run(
            [python, "-I", "-S", "-c", "import sys; print('.'.join(map(str, sys.version_info[:3])))"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "?"
    return out.stdout.strip()


def make_plan(
    directory: str, environ: Mapping[str, str], venv_dirs: tuple[str, ...] = (".venv",), probe: bool = True
) -> Plan:
    """Decide what ``create`` does for ``directory``; ``probe``: ask an unpinned python3 its version."""
    plan = Plan(project_root(directory, environ))
    config = project_config(plan.root)
    values = config.values if config is not None and config.usable else {}
    venv = values.get("venv")
    spec = values.get("python")
    if isinstance(venv, str):
        plan.venv = os.path.normpath(os.path.join(plan.root, os.path.expanduser(venv)))
    else:
        plan.tool = managing_tool(plan.root)
        if plan.tool is not None:
            _choose_python(plan, environ, spec if isinstance(spec, str) else None, probe=False)
            return plan
        for name in venv_dirs:
            candidate = os.path.join(plan.root, name)
            if os.path.isfile(os.path.join(candidate, "pyvenv.cfg")):
                plan.venv = candidate
                break
        else:
            _follow_venv_file(plan)
    _choose_python(plan, environ, spec if isinstance(spec, str) else None, probe)
    if probe:
        plan.deps = _dependencies(plan.root, environ)
    return plan


def _follow_venv_file(plan: Plan) -> None:
    """A ``.venv`` *file* (virtualenv's redirect, the draft PEP 832) names where the venv goes.

    A path, or a name relative to the project, as virtualenv and PEP 832 read it: made there, resolution
    finds it through the file. (Pipenv's and virtualenvwrapper's reading of a bare name, under
    ``$WORKON_HOME``, needs an env already there to win; a new one beside the file is the redirect.)
    """
    path = os.path.join(plan.root, ".venv")
    if not os.path.isfile(path):
        return
    from autovenv.resolve.finders.venv_file import read_name

    try:
        name = read_name(path)
    except OSError as exc:
        plan.problem = f"cannot read {path}: {exc.strerror or exc}"
        return
    if name is None:
        plan.problem = f"{path} is a file that names no virtual environment; remove it or name one in it"
        return
    plan.venv = os.path.normpath(os.path.join(plan.root, os.path.expanduser(name)))


def _dependencies(root: str, environ: Mapping[str, str]) -> tuple[str, str] | None:
    lock = os.path.join(root, "pylock.toml")
    if os.path.isfile(lock) and which("uv", environ):
        return "pylock", lock
    files = pins.requirement_files(root)
    if files:
        pinset = pins.requirements_pins(root, {})
        if pinset is not None:
            return "requirements", pinset.source
    if b"[project]" in _pyproject(root):
        return "project", root
    if os.path.isfile(os.path.join(root, "setup.py")) or os.path.isfile(os.path.join(root, "setup.cfg")):
        return "project", root
    return None
