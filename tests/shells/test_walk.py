"""The walk up from $PWD stays exactly right while it remembers: what it found in a directory is used again
only while the directory is unchanged, and a walk from a directory walked from before is recalled only while
none of the directories it passed, nor its candidate, changed. These scenarios make the changes that the
memory could miss: a marker created or removed deep inside a project (between $PWD and the project root),
at the next prompt and at a cd back to a directory walked from before; a marker that is a dangling link; a
symbolic link among the directories passed, pointed elsewhere; and a long-lived shell's memory stays
bounded. Each shell's answer is compared with the pure resolution of the same directory.
"""

from __future__ import annotations

import os
import pathlib
import subprocess

import pytest

from autovenv import plan
from tests.shells.conftest import (
    PY_A,
    PY_B,
    SHELLS,
    World,
    autovenv_command,
    make_venv,
    noop,
    usable_shell,
)
from tests.shells.pty_shell import InteractiveShell
from tests.shells.test_fast_slow import model_key

pytestmark = pytest.mark.shell

# Deeper than the walks fish recalls by their relative names (shells/fish.py, RELATIVE_RECALL).
DEPTH = 30


@pytest.fixture(params=SHELLS)
def world(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> World:
    w = World(usable_shell(request.param), tmp_path)
    request.addfinalizer(w.close)
    return w


def chain(top: pathlib.Path, depth: int) -> pathlib.Path:
    return top.joinpath(*[f"l{i:02d}" for i in range(1, depth + 1)])


def key(sh: InteractiveShell) -> str | None:
    env = sh.env()
    return os.fsdecode(env[plan.KEY]) if plan.KEY in env else None


def agrees(sh: InteractiveShell, root: pathlib.Path) -> str | None:
    """The shell's key, asserted equal to the pure resolution's for where it stands."""
    env = sh.env()
    shell_key = os.fsdecode(env[plan.KEY]) if plan.KEY in env else None
    # PowerShell keeps no $env:PWD: where it stands is its own $PWD.
    where = sh.run("$PWD.ProviderPath").rstrip("\n") if sh.shell == "pwsh" else None
    assert shell_key == model_key(root, env, where), where or env.get(b"PWD")
    return shell_key


def deep_project(world: World) -> tuple[pathlib.Path, pathlib.Path]:
    proj = world.projects / "proj"
    deep = chain(proj, DEPTH)
    deep.mkdir(parents=True)
    (proj / ".python-version").write_text(f"{PY_A}\n")
    return proj, deep


def shows_at_the_next_prompt(
    sh: InteractiveShell, world: World, marker: pathlib.Path, outer: str | None
) -> None:
    """A pin written at ``marker`` changes the answer at the next prompt; removed, the old one is back."""
    marker.write_text(f"{PY_B}\n")
    sh.run(noop(world.shell))
    assert agrees(sh, world.projects) not in (None, outer)
    marker.unlink()
    sh.run(noop(world.shell))
    assert agrees(sh, world.projects) == outer


def shows_at_the_cd_back(
    sh: InteractiveShell,
    world: World,
    marker: pathlib.Path,
    outer: str | None,
    inside: pathlib.Path,
    root: pathlib.Path,
) -> None:
    """Standing at ``root``: a pin written at ``marker`` changes the answer at the cd back into
    ``inside``; removed while at ``root`` again, the old one is back at the next. Ends at ``root``."""
    marker.write_text(f"{PY_B}\n")
    sh.cd(inside)
    assert agrees(sh, world.projects) not in (None, outer)
    sh.cd(root)
    marker.unlink()
    sh.cd(inside)
    assert agrees(sh, world.projects) == outer
    sh.cd(root)


def test_a_marker_made_deep_inside_shows_at_the_next_prompt(world: World) -> None:
    proj, deep = deep_project(world)
    sh = world.start()
    sh.cd(deep)
    outer = agrees(sh, world.projects)
    assert outer is not None and "proj" in outer
    # Walked from here before: the walk is recalled from now on.
    sh.cd(proj)
    sh.cd(deep)
    middle = chain(proj, DEPTH // 2)
    for _ in range(2):
        shows_at_the_next_prompt(sh, world, middle / ".python-version", outer)
        sh.cd(proj)
        sh.cd(deep)


def walked_then_at_the_root(
    world: World, proj: pathlib.Path, deep: pathlib.Path, before: str = ""
) -> tuple[InteractiveShell, str | None]:
    """A shell that walked from ``deep`` (its answer returned), came back to it once (the walk recalled
    from then on) and stands at the project root again; ``before``: rc lines before the hook's."""
    sh = world.start(before)
    sh.cd(deep)
    outer = agrees(sh, world.projects)
    sh.cd(proj)
    sh.cd(deep)
    sh.cd(proj)
    return sh, outer


def test_a_marker_made_while_away_shows_at_the_cd_back(world: World) -> None:
    proj, deep = deep_project(world)
    sh, outer = walked_then_at_the_root(world, proj, deep)
    # Made between the prompts at the root, in directories the root's prompt does not watch.
    for depth in (1, DEPTH // 2, DEPTH):
        shows_at_the_cd_back(sh, world, chain(proj, depth) / ".python-version", outer, deep, proj)


def test_a_dangling_link_marker_deep_inside_counts(world: World) -> None:
    """A `.venv` link to nothing yet makes its directory the candidate (its answer watches the link's
    target), so the venv made there later shows, though the directory itself does not change then."""
    proj, deep = deep_project(world)
    sh = world.start()
    sh.cd(deep)
    sh.cd(proj)
    sh.cd(deep)
    outer = agrees(sh, world.projects)
    target = world.projects / "later"
    link = chain(proj, DEPTH - 2) / ".venv"
    link.symlink_to(target)
    sh.run(noop(world.shell))
    agrees(sh, world.projects)
    make_venv(target, PY_B)
    sh.run(noop(world.shell))
    assert agrees(sh, world.projects) not in (None, outer)
    link.unlink()
    sh.run(noop(world.shell))
    assert agrees(sh, world.projects) == outer


def test_a_link_among_the_directories_walked_pointed_elsewhere(world: World) -> None:
    """proj/mid/link/sub/deeper, the link first at a directory with no marker, then at one with a marker:
    the link's own mtime tells nothing (its target's is old), the directory holding it does."""
    proj = world.projects / "proj"
    (proj / "mid").mkdir(parents=True)
    (proj / ".python-version").write_text(f"{PY_A}\n")
    plain, pinned = world.projects / "plain", world.projects / "pinned"
    for target in (plain, pinned):
        (target / "sub" / "deeper").mkdir(parents=True)
    (pinned / ".python-version").write_text(f"{PY_B}\n")
    for path in (pinned, pinned / "sub", pinned / "sub" / "deeper"):
        os.utime(path, (1_000_000_000, 1_000_000_000))  # long before any stamp
    link = proj / "mid" / "link"
    link.symlink_to(plain)
    inside = link / "sub" / "deeper"
    sh = world.start()
    sh.cd(inside)
    outer = agrees(sh, world.projects)
    sh.cd(proj)
    sh.cd(inside)
    sh.cd(proj)
    # Pointed elsewhere while away: seen at the cd back, each time. (Not tested from inside: there the
    # shell stands in the directory the link led to before, and so does what it runs.)
    for target, expected in ((pinned, None), (plain, outer), (pinned, None)):
        subprocess.run(["ln", "-sfn", str(target), str(link)], check=True)
        sh.cd(inside)
        now = agrees(sh, world.projects)
        assert now == expected if expected else now != outer
        sh.cd(proj)


def test_a_marker_made_inside_a_directory_reached_through_a_link(world: World) -> None:
    """proj/work is a link to a directory elsewhere: a marker made there changes the target's mtime, not
    the link's own, and shows at the next prompt and at a cd back, standing in the link or below it."""
    proj = world.projects / "proj"
    proj.mkdir()
    (proj / ".python-version").write_text(f"{PY_A}\n")
    target = world.projects / "elsewhere"
    (target / "sub").mkdir(parents=True)
    link = proj / "work"
    link.symlink_to(target)
    marker = target / ".python-version"
    sh = world.start()
    for where in (link, link / "sub"):
        sh.cd(where)
        outer = agrees(sh, world.projects)
        assert outer is not None and "proj" in outer
        shows_at_the_next_prompt(sh, world, marker, outer)
        sh.cd(proj)
        shows_at_the_cd_back(sh, world, marker, outer, where, proj)


def test_the_candidate_directory_as_a_link_pointed_elsewhere(world: World) -> None:
    """proj/link (a project) pointed at another project whose sub/ is a project of its own: what was
    remembered below the link no longer holds, though nothing there is newer than the stamps."""
    proj = world.projects / "proj"
    proj.mkdir()
    one, two = world.projects / "one", world.projects / "two"
    for target in (one, two):
        (target / "sub" / "deeper").mkdir(parents=True)
        (target / ".python-version").write_text(f"{PY_A}\n")
    (two / "sub" / ".python-version").write_text(f"{PY_B}\n")
    for path in (two, two / "sub", two / "sub" / "deeper"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    link = proj / "link"
    link.symlink_to(one)
    inside = link / "sub" / "deeper"
    sh = world.start()
    sh.cd(inside)
    outer = agrees(sh, world.projects)
    sh.cd(proj)
    sh.cd(inside)
    sh.cd(proj)
    subprocess.run(["ln", "-sfn", str(two), str(link)], check=True)
    sh.cd(inside)
    assert agrees(sh, world.projects) != outer


def aged(*paths: pathlib.Path) -> None:
    for path in paths:
        os.utime(path, (1_000_000_000, 1_000_000_000), follow_symlinks=False)  # long before any stamp


@pytest.mark.parametrize("level", [6, DEPTH - 4])
def test_a_directory_walked_swapped_for_a_link_to_an_older_tree(world: World, level: int) -> None:
    """A walk from a directory with no link on its path, recalled; then a directory on that path (``level``
    levels below the root: near it, and among those fish names relative to where it stands) is moved
    away and replaced by a link to an older copy of what was below it, pinned at its top. The cd back
    stands in the copy: nothing there, nor above it, is newer than the stamps, so only the directory
    holding the link (or where the shell stands) tells that the walk no longer holds."""
    proj, deep = deep_project(world)
    attic, elsewhere = world.projects / "attic", world.projects / "elsewhere"
    attic.mkdir()
    copy = elsewhere / "copy"
    # copy/l<level+1>/.../l<DEPTH>: what proj/l01/.../l<level> holds.
    below = [copy.joinpath(*[f"l{i:02d}" for i in range(level + 1, j + 1)]) for j in range(level, DEPTH + 1)]
    below[-1].mkdir(parents=True)
    (copy / ".python-version").write_text(f"{PY_B}\n")
    aged(*reversed(below), elsewhere, world.projects)
    # fish asks `pwd -P` whether a link is on the way: a function of the user's named pwd, which
    # answers the logical directory whatever it is asked, is not asked.
    pwd = "function pwd; echo $PWD; end" if world.shell == "fish" else ""
    sh, outer = walked_then_at_the_root(world, proj, deep, pwd)
    swapped = chain(proj, level)
    os.rename(swapped, attic / swapped.name)
    swapped.symlink_to(copy)
    sh.cd(deep)
    inside = agrees(sh, world.projects)
    assert inside not in (None, outer)
    # Back as it was: so is the answer at the next cd back.
    sh.cd(proj)
    swapped.unlink()
    os.rename(attic / swapped.name, swapped)
    sh.cd(deep)
    assert agrees(sh, world.projects) == outer


@pytest.mark.parametrize("level", [6, DEPTH - 4])
def test_a_directory_walked_swapped_while_the_shell_stands_below_it(world: World, level: int) -> None:
    """Standing deep inside, with the walk recalled: the directory ``level`` levels below the root is moved
    away and replaced by a link to an older tree of the same depth holding a pin, beside the one it
    replaces (l<level-2>/alt/l<level>), so that from inside it `..` climbs back to the same directories.
    Then `cd .`: the shell moves into the older tree, whose directories, and those above them, are all
    older than the stamps; only the directory holding the link changed. Seen at that cd (near the root,
    and among the directories fish names relative to where it stands), and so is the way back."""
    proj, deep = deep_project(world)
    attic = world.projects / "attic"
    attic.mkdir()
    alt = chain(proj, level - 2) / "alt"
    cousin = alt / f"l{level:02d}"
    below = [
        cousin.joinpath(*[f"l{i:02d}" for i in range(level + 1, j + 1)]) for j in range(level, DEPTH + 1)
    ]
    below[-1].mkdir(parents=True)
    (cousin / ".python-version").write_text(f"{PY_B}\n")
    # The directories walked too, so that no stamp shares their clock tick (the walk is recalled).
    aged(*reversed(below), alt, *(chain(proj, depth) for depth in range(DEPTH, 0, -1)))
    sh, outer = walked_then_at_the_root(world, proj, deep)
    sh.cd(deep)
    assert agrees(sh, world.projects) == outer
    swapped = chain(proj, level)
    os.rename(swapped, attic / swapped.name)
    swapped.symlink_to(cousin)
    sh.run("cd .")
    assert agrees(sh, world.projects) not in (None, outer)
    sh.cd(proj)
    swapped.unlink()
    os.rename(attic / swapped.name, swapped)
    sh.cd(deep)
    assert agrees(sh, world.projects) == outer


def test_fish_names_the_lower_half_of_a_deep_walk_relative_to_where_it_stands(tmp_path: pathlib.Path) -> None:
    """100 levels down, a prompt's test names the directories walked nearest to where the shell stands
    as ., .., ../.., ... (half the characters for fish to convert and the kernel to resolve); the cd's
    recall names them all from / (it must follow $PWD)."""
    world = World(usable_shell("fish"), tmp_path)
    try:
        proj = world.projects / "proj"
        deep = chain(proj, 100)
        deep.mkdir(parents=True)
        (proj / ".python-version").write_text(f"{PY_A}\n")
        sh = world.start()
        sh.cd(deep)
        sh.cd(proj)
        sh.cd(deep)
        out = sh.run(
            r"string join \n -- $$__autovenv_twn | string match -r '^(?:\.|\.\.(?:/\.\.)*)$' | count"
        )
        relative = int(out.strip())
        assert 40 <= relative <= 70, out
        out = sh.run(
            r"for i in 1 2 3 4 5 6 7 8; set -l v __autovenv_wt$i; string join \n -- $$v; end"
            r" | string match -r '^/.*/l[0-9]+$' | count"
        )
        assert int(out.strip()) == 100, out
        # ... and that walk is recalled by its relative names, after `pwd -P`.
        assert sh.run("contains 1 $__autovenv_wrel; and echo yes").strip() == "yes"
        marker = chain(proj, 99) / ".python-version"
        shows_at_the_next_prompt(sh, world, marker, agrees(sh, world.projects))
    finally:
        world.close()


def test_cd_to_the_root_and_a_deleted_directory(world: World) -> None:
    _, deep = deep_project(world)
    sh = world.start()
    sh.cd(deep)
    outer = agrees(sh, world.projects)
    sh.cd("/")
    assert key(sh) is None
    sh.cd(deep)
    assert key(sh) == outer
    gone = deep / "gone"
    gone.mkdir()
    sh.cd(gone)
    gone.rmdir()
    (deep / ".python-version").write_text(f"{PY_B}\n")
    sh.run(noop(world.shell))
    # Where nothing is, nothing changes; the walk resumes once the shell stands somewhere real.
    sh.cd(deep)
    assert agrees(sh, world.projects) not in (None, outer)


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_a_long_lived_shell_remembers_a_bounded_number_of_directories(
    shell: str, tmp_path: pathlib.Path
) -> None:
    """5,000 directories walked from: the walk remembers at most 4,096 directories, and 8 walks; and the
    test of each slot's walk (__autovenv_wt<slot>) names the directories of its last walk only, also after
    a shorter walk (from /) replaced a longer one, and no variable of a walk recorded before stays."""
    usable_shell(shell)
    top = tmp_path / "many"
    for i in range(5000):
        (top / f"d{i:04d}").mkdir(parents=True)
    hook = subprocess.run(
        [autovenv_command(), "hook", shell], capture_output=True, text=True, check=True
    ).stdout
    (tmp_path / "hook").write_text(hook)
    size = "${#__autovenv_seen[@]}" if shell == "bash" else "${#__autovenv_seen}"
    # Each slot's test names its directories once each, as `-nt` terms (n), some as variables (m) of
    # their own (zsh writes relative ones into the code); no other such variable stays.
    if shell == "bash":
        body = "$(declare -f __autovenv_wt$i 2>/dev/null)"
        named = "k=$(compgen -v | grep -cE '^__autovenv_wl[0-9]+_[0-9]+$')"
    else:
        body = "${functions[__autovenv_wt$i]-}"
        named = "k=${#${(M)${(k)parameters}:#__autovenv_wl<->_<->}}"
    held = (
        f"n=0 m=0; for i in 0 1 2 3 4 5 6 7 8; do t={body}; u=${{t//-nt /}}; v=${{t//\\$__autovenv_wl/}}; "
        "n=$((n + (${#t} - ${#u}) / 4)) m=$((m + (${#t} - ${#v}) / 14)); done"
    )
    script = (
        f"source {tmp_path / 'hook'}\n"
        f'for d in {top}/d*; do cd "$d" && __autovenv_hook; done\n'
        f'echo "{size} ${{#__autovenv_wp[@]}}"\n'
        "cd / && __autovenv_hook\n"
        f"{held}\n"
        's=0; for x in "${__autovenv_wsize[@]}"; do s=$((s + x)); done\n'
        f"{named}\n"
        'echo "$n $s $m $k ${__autovenv_wsize[*]}"\n'
    )
    out = subprocess.run(
        [shell, "-c", script], capture_output=True, text=True, check=True, timeout=300
    ).stdout
    first, last = out.splitlines()
    seen, walks = (int(x) for x in first.split())
    assert 0 < seen <= 4097
    assert walks == 8
    terms, sizes, referenced, named, *each = (int(x) for x in last.split())
    assert 1 in each, last  # the walk from / replaced a longer one
    assert terms == sizes, last
    assert referenced == named, last


def zsh_stamp_descriptors(sh: InteractiveShell, pid: str = "$$") -> list[str]:
    """The stamp files the process holds open (its /proc fd links into the stamps directory)."""
    out = sh.run(f"for f in /proc/{pid}/fd/*(N); do print -r -- ${{f:A}}; done")
    return [line for line in out.splitlines() if "/stamps/zsh-" in line]


def test_zsh_tests_a_long_walk_against_its_stamp_held_open(tmp_path: pathlib.Path) -> None:
    """zsh holds each stamp slot's file open (close-on-exec) and names the stamp /dev/fd/N in a long
    walk's test while `-ef` finds that descriptor to be the file the stamp's name gives. A number that
    came to name a newer file of the user's is not trusted (a pin made deep inside before that file was
    written still shows) nor closed; a stamp file removed is opened again, its old descriptor closed."""
    world = World(usable_shell("zsh"), tmp_path)
    try:
        proj, deep = deep_project(world)
        sh = world.start()
        sh.cd(deep)
        outer = agrees(sh, world.projects)
        sh.cd(proj)
        sh.cd(deep)
        held = zsh_stamp_descriptors(sh)
        assert held, "no stamp held open"
        # No command started from the shell inherits them.
        assert not [line for line in sh.run("ls -l /proc/self/fd/").splitlines() if "/stamps/zsh-" in line]
        fd = sh.run("print -r -- ${__autovenv_sfd[${__autovenv_stamp##*-}+1]}").strip()
        assert fd.isdigit()
        pin = chain(proj, DEPTH // 2) / ".python-version"
        pin.write_text(f"{PY_B}\n")
        newer = world.projects / "newer"
        newer.write_text("")
        # The current stamp's descriptor now names the user's newer file.
        sh.run(
            f"zmodload zsh/system; n={fd}; exec {{n}}<&-; "
            f"while sysopen -r -u x {newer} && (( x < {fd} )); do :; done; print -r -- $x"
        )
        assert sh.run("print -r -- $x").strip() == fd
        inside = agrees(sh, world.projects)
        assert inside not in (None, outer)
        assert sh.run(f"print -r -- /proc/$$/fd/{fd}(:A)").strip() == str(newer)
        sh.run("exec {n}<&-")
        pin.unlink()
        sh.cd(proj)
        sh.cd(deep)
        assert agrees(sh, world.projects) == outer
        # The stamp files removed: the next walk tests still see a pin, and no descriptor leaks.
        stamps = pathlib.Path(held[0]).parent
        for stamp in stamps.glob("zsh-*"):
            stamp.unlink()
        for _ in range(10):
            sh.cd(proj)
            sh.cd(deep)
        pin.write_text(f"{PY_B}\n")
        sh.run("true")
        assert agrees(sh, world.projects) == inside
        assert len(zsh_stamp_descriptors(sh)) <= 8
        assert not [line for line in zsh_stamp_descriptors(sh) if line.endswith("(deleted)")]
    finally:
        world.close()
