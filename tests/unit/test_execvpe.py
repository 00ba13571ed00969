"""``execute.execvpe`` tries exactly the paths ``os.execvpe`` tries, in order, and fails as it fails."""

from __future__ import annotations

import os

import pytest

from autovenv import execute

ERRORS = {
    "missing": FileNotFoundError(2, "No such file or directory"),
    "notdir": NotADirectoryError(20, "Not a directory"),
    "denied": PermissionError(13, "Permission denied"),
    "isdir": IsADirectoryError(21, "Is a directory"),
    "format": OSError(8, "Exec format error"),
}


def attempts(run: object, file: str, env: dict[str, str], fail: dict[str, str]) -> tuple[list[str], str]:
    tried: list[str] = []

    def execve(path: object, args: object, environ: object) -> None:
        shown = os.fsdecode(path)  # type: ignore[arg-type]
        tried.append(shown)
        raise ERRORS[fail.get(shown, "missing")]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "execve", execve)
        try:
            run(file, [file], env)  # type: ignore[operator]
        except OSError as exc:
            return tried, f"{type(exc).__name__}: {exc}"
    return tried, "returned"


@pytest.mark.parametrize(
    ("file", "path", "fail"),
    [
        ("python", "/a:/b:/c", {}),
        ("python", "/a:/b:/c", {"/b/python": "denied"}),
        ("python", "/a:/b:/c", {"/a/python": "format", "/c/python": "denied"}),
        ("python", "/a::/c", {"/a/python": "notdir", "python": "isdir"}),
        ("python", "", {}),
        ("python", None, {}),
        ("./run", "/a", {}),
        ("/bin/true", "/a", {"/bin/true": "denied"}),
        ("sub/dir", "/a:/b", {}),
    ],
)
def test_the_same_attempts_and_the_same_error(file: str, path: str | None, fail: dict[str, str]) -> None:
    env = {"HOME": "/h"} if path is None else {"PATH": path}
    assert attempts(execute.execvpe, file, env, fail) == attempts(os.execvpe, file, env, fail)
