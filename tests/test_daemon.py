"""The daemon for real: a ``autovenv daemon run`` process in a temporary HOME, runtime and cache directory.

Every wait polls with a deadline (no fixed sleeps): the daemon rewrites an entry ``state.DEBOUNCE`` after
the last change (later if needed for its stamp to be newer than the change, so the hook trusts it).
"""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable, Iterator

import pytest

import autovenv
from autovenv import answer, cache, plan, shells
from autovenv.daemon import control, visit

BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(
    not hasattr(os, "mkfifo") or BASH is None, reason="the daemon needs POSIX; entries are read by bash"
)


def wait_for(predicate: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Daemon:
    def __init__(self, root: pathlib.Path, config: str = 'watch_roots = ["~/code"]\n', **extra: str) -> None:
        self.home = root / "home"
        self.code = self.home / "code"
        self.code.mkdir(parents=True)
        (self.home / ".config" / "autovenv").mkdir(parents=True)
        (self.home / ".config" / "autovenv" / "config.toml").write_text(config)
        # A short runtime directory: the socket's whole path must fit in 107 bytes, and tmp_path is long.
        run = pathlib.Path(tempfile.mkdtemp(prefix="r", dir=os.environ.get("XDG_RUNTIME_DIR")))
        self.cache = str(root / "cache")
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "XDG_RUNTIME_DIR": str(run),
            "AUTOVENV_CACHE_DIR": self.cache,
            **extra,
        }
        self.runtime = visit.daemon_dir(self.env)  # autovenv/d<key of the cache dir> in the runtime dir
        self.root = str(root)
        self.log = root / "daemon.log"
        self.process: subprocess.Popen[bytes] | None = None

    def run_command(self) -> list[str]:
        return [sys.executable, "-m", "autovenv", "daemon", "run"]

    def start(self) -> Daemon:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.run_command(), env=self.env, stdout=log, stderr=log)
        wait_for(
            lambda: self.ping() or self.process is None or self.process.poll() is not None, what="the daemon"
        )
        assert self.process.poll() is None, self.log.read_text()
        return self

    def ping(self) -> bool:
        return control.query(self.runtime, "ping", timeout=1.0) is not None

    def status(self) -> dict[str, object]:
        reply = control.query(self.runtime, "status", timeout=2.0)
        assert reply is not None, self.log.read_text()
        return reply

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=10)
        finally:
            self.process = None

    def entry(self, shell: str, project: pathlib.Path) -> str:
        return cache.entry_path(self.cache, shell, str(project))

    def fresh(self, project: pathlib.Path, venv_path: str | None) -> bool:
        """Every shell's entry exists and the bash hook would trust it: right venv, sig, stamps.

        Directories above the test's own (``/tmp``, ``/``) are shared with everything else running on
        the machine; their churn is the restamp rule's business (unit-tested), so they are not compared.
        """
        entries = [self.entry(name, project) for name in shells.names()]
        if not all(os.path.exists(path) for path in entries):
            return False
        fields = read_bash_entry(entries[shells.names().index("bash")])
        if fields is None:
            return False
        venv_found, sig, watch = fields
        if venv_found != (venv_path or "") or sig != answer.signature(plan.user_view(self.env)):
            return False
        for path in entries:
            stamp = os.stat(path).st_mtime_ns
            for watched in watch:
                if not watched.startswith(self.root):
                    continue
                try:
                    if os.stat(watched).st_mtime_ns > stamp:
                        return False
                except OSError:
                    return False
        return True


def read_bash_entry(path: str) -> tuple[str, str, list[str]] | None:
    """(venv, sig, watch list) of a bash entry, read by bash itself."""
    assert BASH is not None
    script = (
        'source "$1" || exit 1; '
        'printf "%s\\0" "$__autovenv_e_venv" "$__autovenv_e_sig" "${__autovenv_e_watch[@]}"'
    )
    out = subprocess.run([BASH, "--norc", "-c", script, "_", path], capture_output=True, check=False)
    if out.returncode != 0:
        return None
    venv_path, sig, *watch = os.fsdecode(out.stdout).split("\0")[:-1]
    return venv_path, sig, watch


def make_venv(where: pathlib.Path) -> str:
    venv.EnvBuilder(with_pip=False, symlinks=True).create(where)
    return str(where)


@pytest.fixture
def daemon(tmp_path: pathlib.Path) -> Iterator[Daemon]:
    running = Daemon(tmp_path).start()
    yield running
    if running.process is not None:
        running.stop()


def test_a_venv_created_under_a_watched_root_is_cached_without_export(daemon: Daemon) -> None:
    project = daemon.code / "shop"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    venv_path = make_venv(project / ".venv")
    wait_for(lambda: daemon.fresh(project, venv_path), what="fresh entries for every shell")
    for shell in ("bash", "zsh", "fish"):
        assert os.path.exists(daemon.entry(shell, project))
    status = daemon.status()
    assert status["projects"] == 1 and status["degraded"] == [] and status["backend"] == "inotify"

    shutil.rmtree(venv_path)  # deleting the venv rewrites the entries: nothing to activate
    wait_for(lambda: daemon.fresh(project, None), what="the entries rewritten without the venv")
    make_venv(project / ".venv")  # and recreating it (new watches on the new directories)
    wait_for(lambda: daemon.fresh(project, venv_path), what="the entries rewritten with the new venv")
    venv.EnvBuilder(with_pip=False, symlinks=True, clear=True).create(venv_path)  # python -m venv --clear
    (project / ".venv" / "bin" / "tool").write_text("")
    wait_for(lambda: daemon.fresh(project, venv_path), what="the entries restamped after --clear")


def test_the_bash_hook_enters_a_new_project_without_starting_python(daemon: Daemon) -> None:
    project = daemon.code / "blog"
    project.mkdir()
    venv_path = make_venv(project / ".venv")
    wait_for(lambda: daemon.fresh(project, venv_path), what="fresh entries")
    hook = subprocess.run(
        [sys.executable, "-m", "autovenv", "hook", "bash"], env=daemon.env, capture_output=True, check=True
    ).stdout.decode()
    script = (
        hook + "\n__cold() { echo COLD >&2; return 1; }\n__autovenv_export=(__cold)\n"
        f"cd {project} && __autovenv_hook\n"
        'printf "%s\\n" "$VIRTUAL_ENV"\n'
    )
    out = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", script], env=daemon.env, capture_output=True, check=False
    )
    assert "COLD" not in out.stderr.decode(), out.stderr
    assert out.stdout.decode().strip() == venv_path


def test_a_project_a_shell_reported_is_kept_fresh(daemon: Daemon, tmp_path: pathlib.Path) -> None:
    project = tmp_path / "elsewhere" / "tool"  # not under a watched root
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    assert visit.notify(str(project), plan.user_view(daemon.env), daemon.env) == visit.SENT
    wait_for(lambda: daemon.fresh(project, None), what="the reported project resolved")
    assert daemon.status()["visited"] == 1
    venv_path = make_venv(project / ".venv")
    wait_for(lambda: daemon.fresh(project, venv_path), what="the entries rewritten with the new venv")


def test_sigterm_leaves_no_socket_fifo_or_pid_and_one_instance_only(daemon: Daemon) -> None:
    files = [os.path.join(daemon.runtime, name) for name in (visit.SOCKET, visit.FIFO, visit.PIDFILE)]
    assert all(os.path.exists(path) for path in files)
    assert daemon.process is not None
    assert control.running_pid(daemon.runtime) == daemon.process.pid
    second = subprocess.run(
        daemon.run_command(), env=daemon.env, capture_output=True, timeout=10, check=False
    )
    assert second.returncode == 1 and b"already running" in second.stderr
    assert daemon.ping()
    assert daemon.stop() == 0
    assert [path for path in files if os.path.exists(path)] == []
    assert control.running_pid(daemon.runtime) is None
    assert visit.notify("/x", daemon.env) == visit.NOT_RUNNING


def test_the_daemon_survives_its_watched_root_being_deleted(daemon: Daemon) -> None:
    project = daemon.code / "gone"
    project.mkdir()
    make_venv(project / ".venv")
    wait_for(lambda: daemon.status()["projects"] == 1, what="the project")
    shutil.rmtree(daemon.code)
    wait_for(
        lambda: daemon.status()["roots"] == [{"path": str(daemon.code), "exists": False}], what="root missing"
    )
    assert daemon.status()["projects"] == 0
    project.mkdir(parents=True)  # the root comes back (a new checkout): found again
    venv_path = make_venv(project / ".venv")
    wait_for(lambda: daemon.fresh(project, venv_path), what="the recreated project")


def test_polling_backend_works_too(tmp_path: pathlib.Path) -> None:
    polling = Daemon(tmp_path, AUTOVENV_DAEMON_BACKEND="poll").start()
    try:
        assert polling.status()["backend"] == "poll"
        project = polling.code / "polled"
        project.mkdir()
        venv_path = make_venv(project / ".venv")
        wait_for(lambda: polling.fresh(project, venv_path), what="fresh entries by polling")
    finally:
        assert polling.stop() == 0


def test_cli_start_status_stop(tmp_path: pathlib.Path) -> None:
    setup = Daemon(tmp_path)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "autovenv", "daemon", *args], env=setup.env, capture_output=True, text=True
        )

    assert cli("status").returncode == 3
    started = cli("start")
    assert started.returncode == 0 and "started (pid" in started.stderr
    shown = cli("status")
    assert shown.returncode == 0 and "running (pid" in shown.stdout and str(setup.code) in shown.stdout
    assert "degraded: no" in shown.stdout and "RSS" in shown.stdout
    stopped = cli("stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stderr
    assert control.running_pid(setup.runtime) is None


def test_autostart_starts_a_detached_daemon_without_waiting(tmp_path: pathlib.Path) -> None:
    setup = Daemon(tmp_path)
    visit._last.clear()
    started = time.perf_counter()
    assert visit.autostart(setup.env, "auto") is True
    assert time.perf_counter() - started < 0.2
    try:
        wait_for(setup.ping, what="the auto-started daemon")
        assert control.running_pid(setup.runtime) is not None
    finally:
        visit._last.clear()
        assert control.stop(setup.env).startswith("stopped")


def test_a_stuck_daemon_never_holds_anyone_up(daemon: Daemon) -> None:
    assert daemon.process is not None
    os.kill(daemon.process.pid, signal.SIGSTOP)
    try:
        started = time.perf_counter()
        assert control.status(daemon.env)["state"] == "not-responding"
        assert time.perf_counter() - started < control.QUERY_TIMEOUT + 0.15
        started = time.perf_counter()
        outcomes = {visit.notify(str(daemon.code / f"p{i}"), daemon.env) for i in range(1000)}
        assert time.perf_counter() - started < 1.0 and visit.STUCK in outcomes
    finally:
        os.kill(daemon.process.pid, signal.SIGCONT)
    wait_for(daemon.ping, what="the daemon to answer again")


def test_after_sigkill_nothing_stale_gets_in_the_way(daemon: Daemon) -> None:
    assert daemon.process is not None
    daemon.process.kill()
    daemon.process.wait(timeout=10)
    daemon.process = None
    assert control.running_pid(daemon.runtime) is None  # a pid file without a lock is not a daemon
    assert visit.notify(str(daemon.code), daemon.env) == visit.NOT_RUNNING  # a FIFO without a reader
    assert control.status(daemon.env)["state"] == "stopped"
    daemon.start()
    assert daemon.ping()


# -- one per configuration; nothing it reads can wedge it; it tells the truth --------------------------------


def cli(env: dict[str, str], *args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "autovenv", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def test_one_daemon_per_configuration_and_none_answers_for_another(tmp_path: pathlib.Path) -> None:
    first = Daemon(tmp_path / "a")
    second = Daemon(tmp_path / "b")
    second.env["XDG_RUNTIME_DIR"] = first.env["XDG_RUNTIME_DIR"]  # same user, same runtime directory
    second.runtime = visit.daemon_dir(second.env)
    assert first.runtime != second.runtime
    first.start()
    try:
        assert cli(second.env, "daemon", "status").returncode == 3  # not the other configuration's
        assert cli(second.env, "daemon", "stop").stderr == "autovenv daemon: not running\n"
        assert first.ping()
        second.start()
        assert first.ping() and second.ping()
        # A shell of the second configuration that wrote to the first one's FIFO is not served there.
        project = tmp_path / "p"
        project.mkdir()
        (project / "pyproject.toml").write_text("")
        fifo = os.open(os.path.join(first.runtime, visit.FIFO), os.O_WRONLY | os.O_NONBLOCK)
        os.write(fifo, visit.encode("visit", str(project), plan.user_view(second.env)))
        os.close(fifo)
        wait_for(lambda: first.status()["refused_visits"] == 1, what="the visit refused")
        assert first.status()["projects"] == 0
        assert not os.path.exists(cache.entry_path(first.cache, "bash", str(project)))
        stopped = cli(second.env, "daemon", "stop")
        assert stopped.stderr.startswith("autovenv daemon: stopped") and first.ping()
    finally:
        for one in (first, second):
            if one.process is not None:
                one.stop()


@pytest.mark.parametrize(
    "name", [".autovenv.toml", "pyproject.toml", ".python-version", ".venv", "pyvenv.cfg"]
)
def test_a_fifo_where_it_reads_never_wedges_the_daemon(daemon: Daemon, name: str) -> None:
    project = daemon.code / "trap"
    project.mkdir()
    if name == "pyvenv.cfg":
        (project / ".venv").mkdir()
        os.mkfifo(project / ".venv" / name)
        (project / "pyproject.toml").write_text("")
    else:
        os.mkfifo(project / name)
    assert visit.notify(str(project), plan.user_view(daemon.env), daemon.env) == visit.SENT
    wait_for(lambda: daemon.status()["resolved"] >= 1, what="the trap resolved")
    started = time.perf_counter()
    shown = cli(daemon.env, "daemon", "status")
    assert shown.returncode == 0 and "degraded: no" in shown.stdout
    stopped = cli(daemon.env, "daemon", "stop")
    assert stopped.returncode == 0 and stopped.stderr.startswith("autovenv daemon: stopped")
    assert time.perf_counter() - started < 5
    daemon.process = None


def test_status_tells_the_truth_when_its_own_package_is_removed(tmp_path: pathlib.Path) -> None:
    setup = Daemon(tmp_path)
    site = tmp_path / "site"
    package = os.path.dirname(os.path.abspath(autovenv.__file__))
    shutil.copytree(package, site / "autovenv", ignore=shutil.ignore_patterns("__pycache__"))
    code = f"import sys;sys.path.insert(0,{str(site)!r});from autovenv.daemon.server import main;main()"
    setup.run_command = lambda: [sys.executable, "-I", "-c", code]  # type: ignore[method-assign]
    setup.start()
    try:
        assert "degraded: no" in cli(setup.env, "daemon", "status").stdout
        shutil.rmtree(site / "autovenv")
        shown = cli(setup.env, "daemon", "status")
        assert "degraded: no" not in shown.stdout
        assert f"its package ({site / 'autovenv'}) was removed or replaced since it started: exiting now" in (
            shown.stdout
        )
        assert setup.process is not None
        assert setup.process.wait(timeout=10) == 0  # it leaves: a daemon of the new install can take over
        assert cli(setup.env, "daemon", "status").returncode == 3
    finally:
        if setup.process is not None and setup.process.poll() is None:
            setup.stop()


def test_daemon_unit_install_on_a_fresh_account_writes_a_unit_that_runs(tmp_path: pathlib.Path) -> None:
    setup = Daemon(tmp_path)
    env = {k: v for k, v in setup.env.items() if not k.startswith("XDG_CONFIG")}
    unit = setup.home / ".config" / "systemd" / "user" / "autovenv.service"
    assert not unit.parent.exists()
    done = cli(env, "daemon", "unit", "--install")
    assert done.returncode == 0 and done.stdout == ""
    assert done.stderr == (
        f"autovenv daemon: wrote {unit}\n"
        "autovenv daemon: to start it now and at every login, run: "
        "systemctl --user daemon-reload && systemctl --user enable --now autovenv\n"
    )
    text = unit.read_text()
    assert text == cli(env, "daemon", "unit").stdout
    assert cli(env, "daemon", "unit", "--install").stderr.startswith(
        f"autovenv daemon: {unit} is already installed"
    )
    # What systemd would run, as it would: ExecStart with the Environment= lines and HOME.
    lines = dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))
    command = [word.strip('"') for word in lines["ExecStart"].split(" ")]
    service_env = {"HOME": env["HOME"], "PATH": env["PATH"], "XDG_RUNTIME_DIR": env["XDG_RUNTIME_DIR"]}
    for line in text.splitlines():
        if line.startswith("Environment="):
            name, _, value = line[len("Environment=") :].strip('"').partition("=")
            service_env[name] = value
    process = subprocess.Popen(command, env=service_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: cli(env, "daemon", "status").returncode == 0, what="the service's daemon")
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
def test_a_tool_env_made_elsewhere_lands_in_the_cache(tmp_path: pathlib.Path) -> None:
    """A Poetry project whose env does not exist yet, in a store that does not exist yet either: the
    daemon watches where the store will appear, so the `poetry install` made there is cached at once."""
    from autovenv.resolve.finders.poetry import env_name

    store = tmp_path / "tool-envs" / "poetry" / "virtualenvs"
    running = Daemon(tmp_path, POETRY_VIRTUALENVS_PATH=str(store)).start()
    try:
        project = running.code / "blog"
        project.mkdir()
        (project / "pyproject.toml").write_text(
            '[project]\nname = "Blog"\n[tool.poetry]\npackage-mode = false\n'
        )
        wait_for(lambda: running.fresh(project, None), what="the project resolved without an env")
        venv_path = make_venv(store / f"{env_name('blog', str(project))}-py3.12")
        wait_for(lambda: running.fresh(project, venv_path), what="the entries rewritten with Poetry's env")
    finally:
        running.stop()
