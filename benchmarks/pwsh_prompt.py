#!/usr/bin/env python3
"""PowerShell's prompt where nothing changed, alone: what one or more builds of the hook add to it.

bench.py measures every scenario with the CPU of all of a ``pwsh``'s threads, where .NET's tiered
compiler and garbage collector, working on threads of their own, move a bare shell's time per command by
more than the hook's prompt costs. This script measures only that prompt, for several builds side by
side (``--autovenv NAME=PATH``, repeated: a build of this checkout and one of another, say) and a bare
``pwsh`` with the same profile but no hook line, each on its own pseudo-terminal as bench.py drives them
(its sessions, workspace and profile). Inside a project with an active venv, after bench.py's warm-up,
every sample types a batch of ``$null`` commands into each shell in turn (the order rotating); each
hooked batch is paired with the bare batch of the same sample, and the medians of those differences are
reported with their interquartile ranges: wall time, the CPU of all threads, and the CPU of the thread
that runs the commands and the prompt (PowerShell's pipeline thread), which spreads least.

    python3 benchmarks/pwsh_prompt.py --autovenv new=.venv/bin/autovenv --autovenv old=/tmp/old/bin/autovenv
                                      [--samples 30] [-n 200]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # the benchmark next to this file, found through the path set above

BARE = "bare"


def thread_cpu_ms(session: bench.Session) -> dict[str, float]:
    """Each thread's on-CPU time (schedstat, ns-exact) by thread id."""
    out: dict[str, float] = {}
    pid = session.proc.pid
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError, IndexError, ValueError):  # a thread that ended meanwhile
            out[task] = int(Path(f"/proc/{pid}/task/{task}/schedstat").read_text().split()[0]) / 1e6
    return out


#: What PowerShell names the thread that runs commands, PSReadLine and the prompt (Linux cuts a thread's
#: name to 15 bytes).
PIPELINE_THREAD = "Pipeline Execut"


def command_thread(session: bench.Session, n: int) -> str:
    """The thread that runs commands and the prompt: PowerShell's pipeline thread, found by its name.

    Failing that, the one whose CPU grows most over a batch: a guess that .NET's tiered compiler, which
    at times works harder than the pipeline thread for a whole batch, can win.
    """
    pid = session.proc.pid
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/task/{task}/comm").read_text().strip() == PIPELINE_THREAD:
                return task
    before = thread_cpu_ms(session)
    session.batch([bench.nothing("pwsh")] * n)
    after = thread_cpu_ms(session)
    return max(after, key=lambda task: after[task] - before.get(task, 0.0))


def quartiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    k = len(ordered)
    return statistics.median(ordered), ordered[k // 4], ordered[(3 * k) // 4]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--autovenv", action="append", required=True, help="NAME=PATH of an autovenv executable (repeat)"
    )
    parser.add_argument("--samples", type=int, default=30, help="batches per shell (default 30)")
    parser.add_argument("-n", type=int, default=200, help="commands per batch (default 200)")
    parser.add_argument("--py-venv", default="3.11.7", help="pyenv version the project's venv is made from")
    args = parser.parse_args(argv)
    builds: dict[str, str] = {}
    for item in args.autovenv:
        name, sep, path = item.partition("=")
        if not sep or not name or name == BARE or name in builds:
            parser.error(f"--autovenv wants NAME=PATH with a new NAME other than {BARE!r}: {item!r}")
        builds[name] = os.path.abspath(path)
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    root = Path(tempfile.mkdtemp(prefix="autovenv-pwsh-prompt-")).resolve()
    ws = bench.Workspace(root, next(iter(builds.values())), pyenv_root, args.py_venv, args.py_venv)
    alpha = ws.make_main_projects()["alpha"]
    sessions: dict[str, bench.Session] = {}
    try:
        home, env = ws.config_home("pwsh", bench.BASE)
        sessions[BARE] = bench.Session("pwsh", env, home)
        for name, path in builds.items():
            home, env = ws.config_home("pwsh", bench.AUTOVENV, "-" + name)
            # Each build's own `autovenv` first on PATH, where the workspace's link would be.
            own = root / f"bin-{name}"
            own.mkdir()
            (own / "autovenv").symlink_to(path)
            env["PATH"] = env["PATH"].replace(str(ws.bin), str(own), 1)
            sessions[name] = bench.Session("pwsh", env, home)
        for session in sessions.values():
            session.run(bench.cd_command("pwsh", alpha / "src"))
            session.batch([bench.nothing("pwsh")] * bench.PWSH_WARMUP_N)
        thread = {name: command_thread(session, args.n) for name, session in sessions.items()}
        wall: dict[str, list[float]] = {name: [] for name in sessions}
        cpu: dict[str, list[float]] = {name: [] for name in sessions}
        main_cpu: dict[str, list[float]] = {name: [] for name in sessions}
        names = list(sessions)
        load_before = os.getloadavg()
        for sample in range(args.samples):
            for name in names[sample % len(names) :] + names[: sample % len(names)]:
                before = thread_cpu_ms(sessions[name])
                seconds, ms = sessions[name].batch([bench.nothing("pwsh")] * args.n)
                after = thread_cpu_ms(sessions[name])
                wall[name].append(seconds * 1000 / args.n)
                cpu[name].append(ms / args.n)
                task = thread[name]
                main_cpu[name].append((after.get(task, 0.0) - before.get(task, 0.0)) / args.n)
        load_after = os.getloadavg()
    except bench.ShellFailed as exc:  # no pwsh on PATH and no $AUTOVENV_TEST_PWSH, or it did not start
        print(f"pwsh_prompt: {exc}", file=sys.stderr)
        return 2
    finally:
        for session in sessions.values():
            session.close()
        shutil.rmtree(root, ignore_errors=True)
    print("# PowerShell's prompt, nothing changed: ms added per command over a bare pwsh")
    print(f"\n{args.samples} samples x {args.n} commands; load average {load_before} -> {load_after}")
    bare = [statistics.median(series[BARE]) for series in (wall, cpu, main_cpu)]
    print(f"bare pwsh per command: wall {bare[0]:.3f}, CPU {bare[1]:.3f}, its command thread {bare[2]:.3f}\n")
    print("| build | command thread CPU [IQR] | all threads CPU [IQR] | wall [IQR] |")
    print("| --- | --- | --- | --- |")
    for name in builds:
        cells = []
        for series in (main_cpu, cpu, wall):
            mid, low, high = quartiles([a - b for a, b in zip(series[name], series[BARE])])
            cells.append(f"{mid:.3f} [{low:.3f}, {high:.3f}]")
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
