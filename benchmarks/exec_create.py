"""Time ``autovenv exec DIR -- python -c pass`` against ``python -c pass`` and ``direnv exec``, the lock
comparison on a 300-package lock, and ``autovenv create`` with and without uv.

    python3 benchmarks/exec_create.py [--autovenv PATH] [--uv PATH] [--runs N]

Wall-clock medians of N runs, one after the other, on an otherwise idle machine (DESIGN §6 states the
budgets as ratios to ``python -I -S -c pass`` measured in the same run, so a slow machine is a fair one).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def median_ms(command: list[str], runs: int, env: dict[str, str], cwd: str | None = None) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def lock_of(count: int) -> str:
    """A uv.lock of ``count`` packages in uv's own layout (hashes and wheels included, as real ones are)."""
    parts = ['version = 1\nrevision = 2\nrequires-python = ">=3.9"\n']
    deps = "".join(f'    {{ name = "pkg{i}" }},\n' for i in range(count))
    parts.append('\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\n')
    parts.append(f"dependencies = [\n{deps}]\n")
    for i in range(count):
        wheels = "".join(
            f'    {{ url = "https://files.example/pkg{i}-1.{i}.0-cp3{w}-none-any.whl", '
            f'hash = "sha256:{"ab" * 32}", '
            f'size = {1000 + i}, upload-time = "2025-01-01T00:00:00Z" }},\n'
            for w in range(8)
        )
        parts.append(
            f'\n[[package]]\nname = "pkg{i}"\nversion = "1.{i}.0"\n'
            'source = { registry = "https://pypi.org/simple" }\n'
            f'sdist = {{ url = "https://files.example/pkg{i}.tar.gz", '
            f'hash = "sha256:{"cd" * 32}", size = 1 }}\n'
            f"wheels = [\n{wheels}]\n"
        )
    return "".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--autovenv", default=shutil.which("autovenv") or "autovenv")
    parser.add_argument("--uv", default=shutil.which("uv"))
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="avbench")
    home = os.path.join(work, "home")
    os.mkdir(home)
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "XDG_CACHE_HOME": os.path.join(home, ".cache")}
    # How this machine reaches the package index (certificates, pip's settings), for create.
    env.update({k: v for k, v in os.environ.items() if k.startswith(("PIP_", "SSL_CERT_", "PYENV_ROOT"))})
    app = os.path.join(work, "app")
    os.mkdir(app)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", os.path.join(app, ".venv")], check=True)
    python = os.path.join(app, ".venv", "bin", "python")
    rows = [
        ("python -I -S -c pass", median_ms([python, "-I", "-S", "-c", "pass"], args.runs, env)),
        ("python -c pass", median_ms([python, "-c", "pass"], args.runs, env)),
        (
            "autovenv exec app -- python -c pass",
            median_ms([args.autovenv, "exec", app, "--", "python", "-c", "pass"], args.runs, env),
        ),
    ]
    if shutil.which("direnv"):
        with open(os.path.join(app, ".envrc"), "w") as handle:
            handle.write("source .venv/bin/activate\n")
        direnv_env = {**env, "XDG_DATA_HOME": os.path.join(home, ".local", "share")}
        subprocess.run(["direnv", "allow", app], env=direnv_env, check=True)
        rows.append(
            (
                "direnv exec app python -c pass",
                median_ms(["direnv", "exec", app, "python", "-c", "pass"], args.runs, direnv_env),
            )
        )
    # The lock comparison on a 300-package uv.lock: a cold path in that project (export --hook).
    with open(os.path.join(app, "uv.lock"), "w") as handle:
        handle.write(lock_of(300))
    site = next(
        os.path.join(root, "site-packages")
        for root, dirs, _ in os.walk(os.path.join(app, ".venv", "lib"))
        if "site-packages" in dirs
    )
    for i in range(300):
        os.mkdir(os.path.join(site, f"pkg{i}-1.{i}.0.dist-info"))
    cold = [args.autovenv, "export", "bash", "--hook"]
    rows.append(("cold path, 300-package uv.lock", median_ms(cold, args.runs, {**env, "PWD": app}, cwd=app)))
    os.unlink(os.path.join(app, "uv.lock"))
    rows.append(("cold path, no lock", median_ms(cold, args.runs, {**env, "PWD": app}, cwd=app)))
    # create, with and without uv (a requirements.txt of one small wheel, from the local index if any)
    proj = os.path.join(work, "proj")
    os.mkdir(proj)
    with open(os.path.join(proj, "requirements.txt"), "w") as handle:
        handle.write("six==1.16.0\n")
    plain_bin = os.path.join(work, "bin")  # a python3 and nothing else: no uv on this PATH
    os.mkdir(plain_bin)
    os.symlink(sys.executable, os.path.join(plain_bin, "python3"))
    dirs = [plain_bin]
    for label, path in (
        ("create with uv", [os.path.dirname(args.uv), *dirs] if args.uv else None),
        ("create with venv + pip", dirs),
    ):
        if path is None:
            continue
        run_env = {**env, "PATH": ":".join([*path, "/usr/bin", "/bin"])}
        samples = []
        for _ in range(3):
            start = time.perf_counter()
            done = subprocess.run(
                [args.autovenv, "create", "--clear", proj], env=run_env, check=True, capture_output=True
            )
            samples.append((time.perf_counter() - start) * 1000)
        print(label, done.stdout.decode().strip(), file=sys.stderr)
        rows.append((label, statistics.median(samples)))
    base = rows[0][1]
    for label, ms in rows:
        print(f"{label:40} {ms:8.1f} ms  ({ms / base:.1f}x python -I -S)")
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
