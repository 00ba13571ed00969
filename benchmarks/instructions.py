"""Instructions per command that autovenv's hook adds, counted by valgrind's callgrind: the benchmark to
compare two versions of a hook with.

bench.py measures time, which is what the budgets are about, but on a shared or virtual machine its
medians move by tens of microseconds from run to run: more than a change to a hook usually saves. The
number of instructions a shell executes for a command is the same in every run, so a difference of one
percent shows. It counts user-space instructions of the shell only: the kernel's work (the stats of the
watched paths, writing to the terminal) and any process the hook started are not in it, so read it
beside bench.py, not instead of it.

Each shell runs under callgrind on a pseudo-terminal, set up as in bench.py, once with a few commands and
once with many more; the difference divided by the extra commands is the cost of one. Needs valgrind
(`apt-get install valgrind`) and the pyenv Pythons bench.py uses.

PowerShell (``--shells pwsh``) runs too, with .NET's tiered compilation off (DOTNET_TieredCompilation=0):
with it on, when a method is compiled again, optimised, depends on timers; with it off every method is
compiled once, optimised, at its first call. The JIT compiler's work for code run the first time falls
mostly into the short run.
Each PowerShell run takes minutes under callgrind (its start alone is some ten billion instructions).

    python3 benchmarks/instructions.py [--shells bash,zsh,fish,pwsh] [--autovenv PATH] [-n 200]
    python3 benchmarks/instructions.py --depths 100 --scenarios prompt,prompt-depth-100,cd-within-depth-100
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # the benchmark next to this file, found through the path set above

#: Commands in the short run; the long run has this many plus -n.
FEW = 10
_RUNS = itertools.count()


def scenarios(
    shell: str, projects: dict[str, Path], depths: list[int]
) -> dict[str, tuple[list[str], list[str]]]:
    """name -> (setup commands, the command cycle repeated): bench.py's scenarios, first visits aside; and
    for each of ``depths``, a prompt that many levels below alpha's root and a cd between the root and
    there (scaling.py's depth scenarios)."""
    alpha, beta, plain = projects["alpha"], projects["beta"], projects["plain"]

    def cd(path: Path) -> str:
        return f"cd {bench.quote(shell, str(path))}"

    if shell == "pwsh":

        def cd(path: Path) -> str:
            return bench.cd_command(shell, path)

    deep: dict[str, tuple[list[str], list[str]]] = {}
    for depth in depths:
        inner = alpha.joinpath(*[f"l{i:03d}" for i in range(1, depth + 1)])
        inner.mkdir(parents=True, exist_ok=True)
        deep[f"prompt-depth-{depth}"] = ([cd(inner)], [bench.nothing(shell)])
        deep[f"cd-within-depth-{depth}"] = ([cd(inner)], [cd(alpha), cd(inner)])
    return {
        "prompt": ([cd(alpha / "src")], [bench.nothing(shell)]),
        "cd-within": ([cd(alpha / "src")], [cd(alpha / "tests"), cd(alpha / "src")]),
        "switch": ([cd(beta), cd(alpha)], [cd(beta), cd(alpha)]),
        "in-out": ([cd(alpha), cd(plain)], [cd(alpha), cd(plain)]),
        **deep,
    }


def counted(ws: bench.Workspace, shell: str, config: str, setup: list[str], commands: list[str]) -> int:
    """Instructions the shell executed from its start to its exit, with ``commands`` run in between."""
    home, env = ws.config_home(shell, config)
    out = ws.root / f"callgrind-{shell}-{config}-{len(commands)}-{next(_RUNS)}.out"
    prefix: tuple[str, ...] = ("valgrind", "--tool=callgrind", "-q", f"--callgrind-out-file={out}")
    if shell == "pwsh":
        # The pwsh found may be a script that starts the real one: follow it, one file per process.
        prefix = (*prefix[:-1], "--trace-children=yes", f"--callgrind-out-file={out}.%p")
        env = dict(env, DOTNET_TieredCompilation="0")
    session = bench.Session(shell, env, home, prefix=prefix, timeout=1800)
    try:
        for command in setup:
            session.run(command, timeout=600)
        session.batch(commands, timeout=1800)
        os.write(session.fd, b"exit\r")
        session.proc.wait(timeout=600)
    finally:
        session.close()
    counts = []
    for path in [out, *out.parent.glob(out.name + ".*")]:
        if path.exists():
            found = re.search(r"^(?:summary|totals):\s+(\d+)", path.read_text(), re.M)
            if found is not None:
                counts.append(int(found.group(1)))
    if not counts:
        raise bench.ShellFailed(f"no instruction count in {out}")
    return max(counts)  # the shell's own process (PowerShell's starter script counts a few)


def per_command(
    ws: bench.Workspace, shell: str, config: str, setup: list[str], cycle: list[str], n: int
) -> float:
    few = (cycle * FEW)[:FEW]
    many = (cycle * (FEW + n))[: FEW + n]
    return (counted(ws, shell, config, setup, many) - counted(ws, shell, config, setup, few)) / n


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shells", default="bash,zsh,fish", help="comma-separated; pwsh too (slow)")
    parser.add_argument("--scenarios", default="", help="comma-separated subset of the scenarios")
    parser.add_argument("--autovenv", help="an autovenv executable instead of one built from this checkout")
    parser.add_argument("--venv", default="/tmp/autovenv-benchvenv", help="as bench.py's --venv")
    parser.add_argument("-n", type=int, default=200, help="extra commands in the long run (default 200)")
    parser.add_argument(
        "--depths", default="", help="levels below a project root for depth scenarios (e.g. 20,100)"
    )
    parser.add_argument("--py-venv", default="3.11.7")
    parser.add_argument("--py-pin", default="3.12.1")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    venv = Path(args.venv)
    autovenv = os.path.abspath(args.autovenv) if args.autovenv else bench.ensure_venv(venv, False, log)
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    root = Path(tempfile.mkdtemp(prefix="autovenv-instr-")).resolve()
    try:
        ws = bench.Workspace(root, autovenv, pyenv_root, args.py_venv, args.py_pin)
        projects = ws.make_main_projects()
        print("# Instructions per command (callgrind, user space, the shell only)\n")
        for shell in args.shells.split(","):
            if bench.find_shell(shell) is None:
                print(f"## {shell}\n\nskipped: not installed\n")
                continue
            rows = []
            chosen = [s for s in args.scenarios.split(",") if s]
            depths = [int(d) for d in args.depths.split(",") if d]
            for name, (setup, cycle) in scenarios(shell, projects, depths).items():
                if chosen and name not in chosen:
                    continue
                log(f"{shell} {name}")
                base = per_command(ws, shell, bench.BASE, setup, cycle, args.n)
                hooked = per_command(ws, shell, bench.AUTOVENV, setup, cycle, args.n)
                rows.append([name, f"{base:,.0f}", f"{hooked - base:,.0f}", f"{hooked / base:.2f}x"])
            headers = ["scenario", "baseline instr/cmd", "autovenv adds instr/cmd", "ratio"]
            print(f"## {shell}\n\n{bench.table(headers, rows)}\n")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
