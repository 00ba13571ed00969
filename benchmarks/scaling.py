#!/usr/bin/env python3
"""How the hook's cost grows: with directory depth, with the number of cached projects, with the size of a
project, and what the daemon costs watching many projects.

bench.py's machinery (real interactive shells on ptys, a shell without the hook and direnv in the same run,
interleaved sample by sample; processes counted under strace), applied to what should not grow:

- depth: a prompt, and a `cd` between a project's root and a directory N levels below it (both
  directions, alternating), for N in --depths (1, 10, 20, 50, 100). The slope of each against N, in ms
  per level, by least squares, is printed beside direnv's (`.envrc` at the project root, measured in the
  same sessions' run);
- 10,000 cached projects: a switch to a project already seen (bench.py's --projects run);
- a project of 1,000 files (in a git repository, as a checkout is): prompt and cd within it;
- the daemon watching 1,000 projects: RSS and CPU while idle (bench.py's --daemon run);
- the floor: what the kernel alone takes to stat every directory between a project root and the directory
  N levels below it (a C loop, when a C compiler is found), which a prompt there must do to notice a marker
  made in any of them.

    python3 benchmarks/scaling.py                          # bash, zsh, fish (and pwsh when found)
    python3 benchmarks/scaling.py --quick --shells bash    # a first look, a few minutes
    python3 benchmarks/scaling.py --only depth             # depth only (also: projects, files, daemon, floor)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # the benchmark next to this file, found through the path set above

PARTS = ("depth", "projects", "files", "daemon", "floor")


def chain(top: Path, depth: int) -> Path:
    """The directory ``depth`` levels below ``top`` on the one chain every depth shares."""
    return top.joinpath(*[f"l{i:03d}" for i in range(1, depth + 1)])


def slope(points: list[tuple[int, float | None]]) -> float | None:
    """Least-squares ms per level of (depth, ms added) points; None without two known points."""
    known = [(float(x), y) for x, y in points if y is not None]
    if len(known) < 2:
        return None
    mx = sum(x for x, _ in known) / len(known)
    my = sum(y for _, y in known) / len(known)
    var = sum((x - mx) ** 2 for x, _ in known)
    return sum((x - mx) * (y - my) for x, y in known) / var if var else None


def make_files_project(ws: bench.Workspace, top: Path, files: int) -> Path:
    """A project of ``files`` files in a few dozen directories, committed to git like a checkout."""
    ws.fake_venv(top)
    per_dir = 25
    for i in range(files):
        sub = top / "src" / f"pkg{i // per_dir:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"mod{i % per_dir:02d}.py").write_text(f"VALUE = {i}\n")
    git = ["git", "-C", str(top), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A", "src"], check=True)
    subprocess.run([*git, "commit", "-qm", "files"], check=True)
    return top


def alternate_by_name(shell: str, a: Path, b: Path) -> tuple[list[str], Callable[[int, int], list[str]]]:
    """Setup and commands for a cd back and forth between ``a`` and ``b`` (ending in ``b``), typed as
    `cd $AVA` / `cd $AVB`: a line holding a 500-character path costs the line editor 2.5 ms in zsh (a
    few microseconds each character typed ahead), the same with and without the hook, and its noise
    (about 0.3 ms from one sample to the next) hid what the hook adds."""

    def assign(name: str, path: Path) -> str:
        word = bench.quote(shell, str(path))
        return {"fish": f"set -g {name} {word}", "pwsh": f"${name} = {word}"}.get(shell, f"{name}={word}")

    def cd(name: str) -> str:
        return {"fish": f"cd ${name}", "pwsh": f"cd -LiteralPath ${name}"}.get(shell, f'cd "${name}"')

    setup = [assign("AVA", a), assign("AVB", b), cd("AVB")]
    return setup, lambda sample, n: [cd("AVB") if i % 2 == 0 else cd("AVA") for i in range(n)]


def run_depth_and_files(
    ws: bench.Workspace, shell: str, args: argparse.Namespace, log: Callable[[str], None]
) -> dict[str, Any]:
    direnv = args.direnv and shell != "pwsh"
    configs = [bench.BASE, bench.AUTOVENV] + ([bench.DIRENV] if direnv else [])
    top = ws.root / f"scaling-{shell}"
    proj = top / "proj"
    ws.fake_venv(proj)
    deepest = chain(proj, max(args.depths))
    deepest.mkdir(parents=True)
    scenarios: list[bench.Scenario] = []
    q = bench.cd_command
    for depth in args.depths:
        inner = chain(proj, depth)
        scenarios.append(
            bench.Scenario(f"prompt, depth {depth}", [q(shell, inner)], bench.repeat(bench.nothing(shell)))
        )
        scenarios.append(bench.Scenario(f"cd-within, depth {depth}", *alternate_by_name(shell, proj, inner)))
    allowed = [proj]
    if "files" in args.only:
        big = make_files_project(ws, top / "big", args.files)
        allowed.append(big)
        sub = big / "src" / "pkg000"
        scenarios.append(
            bench.Scenario(
                f"prompt, project of {args.files} files", [q(shell, sub)], bench.repeat(bench.nothing(shell))
            )
        )
        scenarios.append(
            bench.Scenario(
                f"cd-within, project of {args.files} files", [q(shell, sub)], bench.alternate(shell, big, sub)
            )
        )
    if "depth" not in args.only:
        scenarios = [s for s in scenarios if "depth" not in s.name]
    homes: dict[str, Path] = {}
    sessions: dict[str, bench.Session] = {}
    for config in configs:
        homes[config], env = ws.config_home(shell, config, "-scaling")
        if config == bench.DIRENV:
            bench.direnv_allow(env, allowed)
    procs: dict[str, dict[str, float]] = {}
    try:
        for config in configs:
            sessions[config] = bench.Session(shell, ws.env(shell, homes[config]), homes[config])
        measured = bench.time_scenarios(shell, sessions, homes, scenarios, args, ws, log)
    finally:
        for s in sessions.values():
            s.close()
    if args.strace and shutil.which("strace"):
        sizes = {s.name: args.n_strace for s in scenarios}
        for config in (bench.BASE, bench.AUTOVENV):
            procs[config], _ = bench.count_processes(shell, ws, config, scenarios, sizes, homes[config])
    rows = [bench.scenario_row(s.name, measured[s.name], procs, direnv) for s in scenarios]
    headers = bench.HEADERS + (bench.DIRENV_HEADERS if direnv else [])
    lines = []
    for kind in ("prompt", "cd-within"):
        for config in configs[1:]:
            points = [
                (d, measured[f"{kind}, depth {d}"].added(config))
                for d in args.depths
                if f"{kind}, depth {d}" in measured
            ]
            cpu = [
                (d, measured[f"{kind}, depth {d}"].added(config, cpu=True))
                for d in args.depths
                if f"{kind}, depth {d}" in measured
            ]
            if points:
                lines.append(
                    f"{shell:4} {kind:9} {config:8} slope {bench.fmt(slope(points), 4):>7} ms/level "
                    f"(CPU {bench.fmt(slope(cpu), 4)}); at depth {args.depths[-1]}: "
                    f"{bench.fmt(points[-1][1], 3)} ms added"
                )
    return {
        "table": bench.table(headers, rows),
        "slopes": lines,
        "raw": {n: m.to_json() for n, m in measured.items()},
    }


FLOOR_C = r"""
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

/* argv[1]: repetitions, argv[2]: a file (the stamp), argv[3..]: the directories. Prints the best (of
   201 rounds short enough that some run unpreempted on a busy machine) microseconds per repetition of one
   stat of each directory, then of one stat pair each. */
int main(int argc, char **argv) {
    struct stat st;
    int reps = 0;
    sscanf(argv[1], "%d", &reps);
    for (int pairs = 0; pairs < 2; pairs++) {
        double best = 1e18;
        for (int round = 0; round < 201; round++) {
            struct timespec a, b;
            clock_gettime(CLOCK_MONOTONIC, &a);
            for (int k = 0; k < reps; k++)
                for (int i = 3; i < argc; i++) {
                    stat(argv[i], &st);
                    if (pairs) stat(argv[2], &st);
                }
            clock_gettime(CLOCK_MONOTONIC, &b);
            double us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / reps;
            if (us < best) best = us;
        }
        printf("%.2f\n", best);
    }
    return 0;
}
"""


def run_floor(ws: bench.Workspace, args: argparse.Namespace, log: Callable[[str], None]) -> list[str]:
    """The kernel's share of a prompt N levels below a project root: one stat of each directory from
    there up to the root (and one stat pair each, as `[[ stamp -nt dir ]]` makes), in a C loop, best of 201
    short rounds. No shell can test those directories for less."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return ["skipped: no C compiler"]
    top = ws.root / "floor" / "proj"
    chain(top, max(args.depths)).mkdir(parents=True)
    stamp = ws.root / "floor" / "stamp"
    stamp.write_text("")
    exe = ws.root / "floor" / "stats"
    source = exe.with_suffix(".c")
    source.write_text(FLOOR_C)
    subprocess.run([cc, "-O2", "-o", str(exe), str(source)], check=True)
    lines = []
    for depth in args.depths:
        log(f"floor: depth {depth}")
        dirs = [str(chain(top, d)) for d in range(depth, -1, -1)]
        out = subprocess.run(
            [str(exe), "5", str(stamp), *dirs], capture_output=True, text=True, check=True
        ).stdout.split()
        lines.append(
            f"depth {depth:3}: {len(dirs):3} directories ({len(dirs[0])} characters deepest): "
            f"{float(out[0]) / 1000:.3f} ms for one stat each, "
            f"{float(out[1]) / 1000:.3f} ms for a stat pair each"
        )
    return lines


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    shells = ",".join([*bench.SHELLS, "pwsh"] if bench.find_shell("pwsh") else bench.SHELLS)
    p.add_argument("--shells", default=shells, help=f"comma-separated (default: {shells})")
    p.add_argument("--only", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    p.add_argument(
        "--depths", default="1,10,20,50,100", help="levels below the project root (default: %(default)s)"
    )
    p.add_argument("--projects", type=int, default=10000, help="cached projects (default: %(default)s)")
    p.add_argument("--files", type=int, default=1000, help="files in the big project (default: %(default)s)")
    p.add_argument("--daemon-projects", type=int, default=1000, help="projects the daemon watches")
    p.add_argument("--daemon-settle", type=float, default=300.0, help="max seconds to pre-resolve them")
    p.add_argument("--quick", action="store_true", help="fewer commands and samples")
    p.add_argument("-n", type=int, help="commands per sample (default 200; --quick 50)")
    p.add_argument("--samples", type=int, help="samples, medians are reported (default 7; --quick 3)")
    p.add_argument("--batch-seconds", type=float, help="as bench.py's (default 1; --quick 0.4)")
    p.add_argument("--autovenv", help="an autovenv executable instead of one built from this checkout")
    p.add_argument("--venv", default=os.path.join(tempfile.gettempdir(), "autovenv-benchvenv"))
    p.add_argument("--reinstall", action="store_true", help="pip-install the checkout again")
    p.add_argument("--no-direnv", dest="direnv", action="store_false", help="skip direnv")
    p.add_argument("--no-strace", dest="strace", action="store_false", help="do not count processes")
    p.add_argument("--py-venv", default="3.11.7")
    p.add_argument("--py-pin", default="3.12.1")
    p.add_argument("--json", help="also write all raw numbers to this file")
    args = p.parse_args(argv)
    args.n = args.n or (50 if args.quick else 200)
    args.n -= args.n % 2
    args.samples = args.samples or (3 if args.quick else 7)
    args.batch_seconds = args.batch_seconds or (0.4 if args.quick else 1.0)
    args.n_cold, args.n_strace = 10, 10
    args.depths = sorted({int(d) for d in args.depths.split(",") if d})
    args.shells = [s for s in args.shells.split(",") if s]
    args.scale_shells = list(args.shells)
    args.only = {s for s in args.only.split(",") if s}
    args.direnv = args.direnv and shutil.which("direnv") is not None
    return args


def main(argv: list[str]) -> int:
    import json

    args = parse_args(argv)
    began = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - began:6.1f}s] {message}", file=sys.stderr, flush=True)

    venv = Path(args.venv)
    autovenv = (
        os.path.abspath(args.autovenv) if args.autovenv else bench.ensure_venv(venv, args.reinstall, log)
    )
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    root = Path(tempfile.mkdtemp(prefix="autovenv-scaling-")).resolve()
    above = bench.check_markers_above(root)
    if above:
        print(f"scaling: project markers above the workspace would skew results: {above}", file=sys.stderr)
        return 2
    report: dict[str, Any] = {}
    try:
        ws = bench.Workspace(root, autovenv, pyenv_root, args.py_venv, args.py_pin)
        _, env = ws.config_home("bash", bench.AUTOVENV, "-tools")
        ws.export_cmd = bench.export_command(ws, env)
        args.n_cold = 10
        info = bench.machine_info(args, autovenv, ws.export_cmd[0], env)
        report["info"] = info
        print("# autovenv scaling benchmark\n")
        for key, value in info.items():
            print(f"- {key}: {value}")
        print(
            "\nms per command are medians over samples; 'added' = hooked shell minus the no-hook shell "
            "in the same run;\ncd-within at depth N alternates between the project root and the directory "
            "N levels below it\n"
        )
        sys.stdout.flush()
        slopes: list[str] = []
        if args.only & {"depth", "files"}:
            for shell in args.shells:
                if bench.find_shell(shell) is None:
                    print(f"## {shell}\n\nskipped: {shell} is not installed\n")
                    continue
                log(
                    f"{shell}: depth {args.depths}"
                    + (f", {args.files} files" if "files" in args.only else "")
                )
                res = run_depth_and_files(ws, shell, args, log)
                report.setdefault("depth", {})[shell] = res
                slopes += res["slopes"]
                print(f"## {shell}\n\n{res['table']}\n")
                sys.stdout.flush()
            if slopes:
                print("## slopes (least squares over the depths)\n\n```")
                print("\n".join(slopes))
                print("```\n")
        if "projects" in args.only and args.scale_shells:
            log(f"{args.projects} cached projects")
            scale = bench.run_scale_projects(ws, args, log)
            report["projects"] = scale
            for shell, res in scale.items():
                print(
                    f"## {args.projects} cached projects ({shell})\n\n{res['table']}\n\n{res['populate']}\n"
                )
        if "floor" in args.only:
            res_floor = run_floor(ws, args, log)
            report["floor"] = res_floor
            print("## the floor: stat calls alone, in C (best of 201 rounds of 5)\n\n```")
            print("\n".join(res_floor))
            print("```\n")
        if "daemon" in args.only:
            if bench.has_daemon(env):
                log(f"the daemon watching {args.daemon_projects} projects")
                res = bench.run_daemon_rss(ws, args, log)
                report["daemon"] = res
                print(f"## the daemon watching {args.daemon_projects} projects\n\n```")
                print("\n".join(res["lines"]))
                print("```\n")
            else:
                print("## the daemon\n\nskipped: this build has no `autovenv daemon`\n")
        end = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"load average at start {info['loadavg']}, at end {end}; total {time.monotonic() - began:.0f} s"
        )
    finally:
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=1, default=str))
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
