"""The hot path stays lean: ``export`` and ``hook`` import only what the answer needs (no click, no daemon).

Checked with ``python -X importtime`` on the exact command line the hooks run.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from autovenv.hook import export_command

FORBIDDEN = (
    "click",
    "watchdog",
    "platformdirs",
    "shellingham",
    "re",
    "pathlib",
    "typing",
    "dataclasses",
    "json",
)


def imported_modules(args: list[str], cwd: str) -> set[str]:
    command = export_command()
    result = subprocess.run(
        [command[0], "-X", "importtime", *command[1:], *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PWD": cwd},
    )
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


@pytest.mark.parametrize("args", [["export", "bash", "--hook"], ["export", "fish"], ["hook", "zsh"]])
def test_hot_commands_import_nothing_heavy(tmp_path: os.PathLike[str], args: list[str]) -> None:
    project = os.path.join(str(tmp_path), "p")
    os.mkdir(project)
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", os.path.join(project, ".venv")], check=True
    )
    with open(os.path.join(project, ".python-version"), "w") as handle:
        handle.write("3.12\n")
    names = imported_modules(args, project)
    assert "autovenv._entry" in names
    heavy = sorted(n for n in names if n.split(".")[0] in FORBIDDEN)
    assert heavy == []
