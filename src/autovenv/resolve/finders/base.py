"""The contract every environment finder module fulfils."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Protocol

    class Finder(Protocol):
        """A module that can tell whether a directory decides the environment."""

        NAME: str

        def markers(self, venv_dirs: tuple[str, ...]) -> tuple[str, ...]: ...

        def find(self, directory: str, context: FinderContext) -> Found | None: ...


class FinderContext:
    """What finders may consult besides the directory: the user's environment and settings."""

    __slots__ = ("environ", "stale_hint", "venv_dirs", "windows")

    def __init__(
        self, environ: Mapping[str, str], venv_dirs: tuple[str, ...], windows: bool, stale_hint: bool = True
    ) -> None:
        self.environ = environ
        self.venv_dirs = venv_dirs
        self.windows = windows
        self.stale_hint = stale_hint


class Found:
    """A finder's answer: what decided (``source``), the venv to activate or the Python spec to select."""

    __slots__ = ("kind", "problem", "python", "source", "venv", "watch")

    def __init__(
        self,
        kind: str,
        source: str,
        venv: str | None = None,
        python: str | None = None,
        problem: str | None = None,
        watch: tuple[str, ...] = (),
    ) -> None:
        self.kind = kind
        self.source = source
        self.venv = venv
        self.python = python
        self.problem = problem
        self.watch = watch

    def __repr__(self) -> str:
        return f"Found({self.kind!r}, {self.source!r}, venv={self.venv!r}, problem={self.problem!r})"
