"""The zsh and fish hooks' shortcut for a recorded walk, attacked the way the world moves directories.

A walk recorded from a physical ``$PWD`` names its lower half relative to where the shell stands (``.``,
``..``, ``../..``) once ``zstat`` finds the shell in the directory the walk started from. That holds only
while ``..`` climbs the directories the walk passed. A mount moves a tree without modifying any directory
(no mtime tells), and a new directory can get the inode of one deleted (tmpfs numbers its inodes from
the same counter in every new mount, and reuses a device number freed by an unmount). Each scenario
below makes the path the shell names lead, through a link, to a tree whose ``..`` climbs elsewhere, while
what changed is a directory on the named path: the answer must be what the hook without the shortcut
gives, the pure resolution of ``$PWD``.

Mounting needs root (as the tests of real filesystems do); without it these tests skip.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
from collections.abc import Iterator

import pytest

from tests.shells.conftest import PY_A, PY_B, World, usable_shell
from tests.shells.pty_shell import InteractiveShell
from tests.shells.test_walk import agrees, chain

pytestmark = pytest.mark.shell

DEPTH = 12


#: How deep each shell's walks go here: fish recalls a walk by its relative names from 24 directories on,
#: bash names a walk's lower half relative from 32 directories on.
DEPTHS = {"zsh": DEPTH, "fish": 30, "bash": 40}

#: The level replaced by a link or mount in each scenario (l06 in the docstrings), its parent getting the
#: pin: in bash's walk of 40 the lower, relative half reaches up to l17 (l06 is named from /).
TOP = {"zsh": 6, "fish": 6, "bash": 30}


@pytest.fixture(params=sorted(DEPTHS))
def world(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> World:
    w = World(usable_shell(request.param), tmp_path)
    request.addfinalizer(w.close)
    return w


@pytest.fixture
def zsh_world(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> World:
    w = World(usable_shell("zsh"), tmp_path)
    request.addfinalizer(w.close)
    return w


def relative_form_recorded(sh: InteractiveShell) -> bool:
    """Whether the shell's walk (zsh: its first slot; bash: any) was recorded with its relative names."""
    if sh.shell == "zsh":
        return sh.run("print -r -- ${functions[__autovenv_wt1]}").count("zstat") >= 1
    if sh.shell == "bash":
        return "fdinfo" in sh.run("for i in 0 1 2 3 4 5 6 7; do declare -f __autovenv_wt$i; done")
    return "1" in sh.run("echo $__autovenv_wrel").split()


class Mounts:
    """Mounts made by a test, each undone (lazily, so a shell standing inside cannot keep it) at its end."""

    def __init__(self) -> None:
        self.made: list[pathlib.Path] = []

    def mount(self, *args: str | os.PathLike[str]) -> pathlib.Path:
        where = pathlib.Path(args[-1])
        done = subprocess.run(["mount", *map(str, args)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot mount here: {done.stderr.strip()}")
        self.made.append(where)
        return where

    def unmount(self, where: pathlib.Path) -> None:
        subprocess.run(["umount", "-l", str(where)], check=True)
        self.made.remove(where)

    def close(self) -> None:
        for where in reversed(self.made):
            subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def mounts() -> Iterator[Mounts]:
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    made = Mounts()
    yield made
    made.close()


def identity(path: pathlib.Path) -> tuple[int, int]:
    found = os.stat(path)
    return found.st_dev, found.st_ino


def walked_from(
    world: World, proj: pathlib.Path, deep: pathlib.Path, stay: bool = False
) -> tuple[InteractiveShell, str | None]:
    """A shell that walked from ``deep`` (the walk recorded with its relative half), came back once (the
    walk recalled), and stands at ``proj`` (at ``deep`` if ``stay``); with the answer at ``deep``."""
    sh = world.start()
    sh.cd(deep)
    outer = agrees(sh, world.projects)
    assert relative_form_recorded(sh), "no relative walk recorded"
    sh.cd(proj)
    sh.cd(deep)
    if not stay:
        sh.cd(proj)
    return sh, outer


@pytest.mark.parametrize("seen", ["at the cd back", "at the next prompt"])
def test_a_walked_directory_bind_mounted_elsewhere_and_linked_back(
    world: World, mounts: Mounts, seen: str
) -> None:
    """l06 is bind-mounted at .../e06/copy, moved away, and replaced by a link to that mount; l05 gets a pin.
    Back through the link, the shell stands in the very directory the walk started from (nothing in it
    changed), but `..` from l06's mount climbs to e06, not l05: only l05 tells the walk no longer holds,
    and it is on the path the shell names, not on the one `..` climbs. (A shell that stayed inside climbs
    from where it entered, through l06 to the attic it was moved to, which that move modified.)"""
    proj = world.projects / "proj"
    deep = chain(proj, DEPTHS[world.shell])
    deep.mkdir(parents=True)
    (proj / ".python-version").write_text(f"{PY_A}\n")
    copy = chain(world.projects / "elsewhere", 6) / "copy"
    copy.mkdir(parents=True)
    attic = world.projects / "attic"
    attic.mkdir()
    before = identity(deep)
    sh, outer = walked_from(world, proj, deep, stay=seen == "at the next prompt")
    moved = chain(proj, TOP[world.shell])
    mounts.mount("--bind", moved, copy)
    os.rename(moved, attic / "l06")
    moved.symlink_to(copy)
    (chain(proj, TOP[world.shell] - 1) / ".python-version").write_text(f"{PY_B}\n")
    assert identity(deep) == before  # the same directory, reached another way
    if seen == "at the next prompt":
        sh.run("true")
    else:
        sh.cd(deep)
    inside = agrees(sh, world.projects)
    assert inside not in (None, outer)
    # At the next prompt too, and after the cd back once more (the walk recorded again).
    sh.run("true")
    assert agrees(sh, world.projects) == inside
    sh.cd(proj)
    sh.cd(deep)
    assert agrees(sh, world.projects) == inside


def test_a_deleted_walk_reborn_with_its_inode_behind_a_link(world: World, mounts: Mounts) -> None:
    """l06 is a tmpfs holding l07/.../l12, the walk recorded from l12. The tmpfs goes, l06 becomes a link to
    another tmpfs made the same way (the same device number, freed by the unmount, and the same inode
    numbers), its directories dated long ago as an archive's would be, and l05 gets a pin. The cd back
    stands in a directory with the device and inode the walk started from, in another tree."""
    proj = world.projects / "proj"
    top = chain(proj, TOP[world.shell])
    top.mkdir(parents=True)
    (proj / ".python-version").write_text(f"{PY_A}\n")
    copy = chain(world.projects / "elsewhere", 6) / "copy"
    copy.mkdir(parents=True)
    first, last = TOP[world.shell] + 1, DEPTHS[world.shell]
    below = [pathlib.Path(*[f"l{i:02d}" for i in range(first, j + 1)]) for j in range(first, last + 1)]
    mounts.mount("-t", "tmpfs", "-o", "mode=755", "none", top)
    (top / below[-1]).mkdir(parents=True)
    deep = chain(proj, DEPTHS[world.shell])
    before = identity(deep)
    sh, outer = walked_from(world, proj, deep)
    mounts.unmount(top)
    top.rmdir()
    top.symlink_to(copy)
    for _ in range(20):  # another mount made meanwhile may hold the device number for a moment
        mounts.mount("-t", "tmpfs", "-o", "mode=755", "none", copy)
        (copy / below[-1]).mkdir(parents=True)
        if identity(deep) == before:
            break
        mounts.unmount(copy)
    else:
        pytest.skip("no tmpfs got the device number back")
    for path in [*reversed(below), pathlib.Path()]:
        os.utime(copy / path, (1_000_000_000, 1_000_000_000))  # an archive's times, long before any stamp
    (chain(proj, TOP[world.shell] - 1) / ".python-version").write_text(f"{PY_B}\n")
    sh.cd(deep)
    assert agrees(sh, world.projects) not in (None, outer)


def test_a_walk_through_a_link_is_named_from_slash(world: World) -> None:
    """proj/l01/.../l09/link/l11/l12, the link leading to a directory elsewhere: `..` from where the shell
    stands climbs the link's target's parents, not l09 and above. A pin made in l09 after the walk was
    recorded shows at the next prompt and at the cd back (so the walk's lower half is not named relative
    to a $PWD with a link in it)."""
    proj = world.projects / "proj"
    holder = chain(proj, 9)
    holder.mkdir(parents=True)
    (proj / ".python-version").write_text(f"{PY_A}\n")
    real = chain(world.projects / "elsewhere", 6) / "real"
    (real / "l11" / "l12").mkdir(parents=True)
    (holder / "link").symlink_to(real)
    deep = holder / "link" / "l11" / "l12"
    sh = world.start()
    sh.cd(deep)
    outer = agrees(sh, world.projects)
    sh.cd(proj)
    sh.cd(deep)
    pin = holder / ".python-version"
    pin.write_text(f"{PY_B}\n")
    sh.run("true")
    inside = agrees(sh, world.projects)
    assert inside not in (None, outer)
    pin.unlink()
    sh.cd(proj)
    sh.cd(deep)
    assert agrees(sh, world.projects) == outer
    sh.cd(proj)
    pin.write_text(f"{PY_B}\n")
    sh.cd(deep)
    assert agrees(sh, world.projects) == inside


def tmpfs_in_walk(world: World, mounts: Mounts, depth: int) -> tuple[pathlib.Path, pathlib.Path]:
    """A project pinned to PY_A whose l06 is a tmpfs holding the rest of the chain down to ``depth``, and
    .../e06/copy elsewhere for it to move to (made now: making it later would modify the directory
    holding the project, which the walk watches): (the project, the deepest directory)."""
    proj = world.projects / "proj"
    top = chain(proj, TOP[world.shell])
    top.mkdir(parents=True)
    (chain(world.projects / "elsewhere", 6) / "copy").mkdir(parents=True)
    (proj / ".python-version").write_text(f"{PY_A}\n")
    mounts.mount("-t", "tmpfs", "-o", "mode=755", "none", top)
    deep = chain(proj, depth)
    deep.mkdir(parents=True)
    return proj, deep


def move_away_and_link_back(world: World, mounts: Mounts, proj: pathlib.Path, deep: pathlib.Path) -> None:
    """Move l06's mount (``mount --move``) to .../e06/copy, replace l06 by a link to it, pin l05 to PY_B:
    ``deep`` is still the very directory it was, and no directory ``..`` climbs from it was modified."""
    top = chain(proj, TOP[world.shell])
    copy = chain(world.projects / "elsewhere", 6) / "copy"
    before = identity(deep)
    moved = subprocess.run(
        ["mount", "--move", str(top), str(copy)], capture_output=True, text=True, check=False
    )
    if moved.returncode != 0:
        pytest.skip(f"cannot move a mount here: {moved.stderr.strip()}")
    mounts.made[mounts.made.index(top)] = copy
    top.rmdir()
    top.symlink_to(copy)
    (chain(proj, TOP[world.shell] - 1) / ".python-version").write_text(f"{PY_B}\n")
    assert identity(deep) == before


def test_a_mount_moved_with_the_shell_inside_and_linked_back(world: World, mounts: Mounts) -> None:
    """l06 is a tmpfs holding l07/.../l12, where the shell stands. The mount is moved (`mount --move`) to
    .../e06/copy, l06 replaced by a link to it, and l05 gets a pin. The shell never moved and neither did
    any directory: `..` from the tmpfs's root now climbs to e06, which nothing modified."""
    proj, deep = tmpfs_in_walk(world, mounts, DEPTHS[world.shell])
    sh, outer = walked_from(world, proj, deep, stay=True)
    move_away_and_link_back(world, mounts, proj, deep)
    sh.run("true")
    inside = agrees(sh, world.projects)
    assert inside not in (None, outer)
    sh.cd(proj)
    sh.cd(deep)
    assert agrees(sh, world.projects) == inside


@pytest.mark.parametrize("depth", [DEPTH, 30])
def test_a_fish_prompt_after_a_mount_moved_with_the_shell_inside(
    tmp_path: pathlib.Path, mounts: Mounts, depth: int
) -> None:
    """fish's prompt names the lower half of a walk relative to where the shell stands (``..``) once the
    walk's test by full names has passed. As above, l06 is a tmpfs moved away with the shell inside, l06
    replaced by a link to where it went, and l05 gets a pin: no directory the relative names reach was
    modified, so only the identity of the highest one (``-ef`` its name from /) tells."""
    world = World(usable_shell("fish"), tmp_path)
    try:
        proj, deep = tmpfs_in_walk(world, mounts, depth)
        sh = world.start()
        sh.cd(deep)
        outer = agrees(sh, world.projects)
        sh.cd(proj)
        sh.cd(deep)
        sh.run("true")
        assert "-ef" in sh.run("echo $$__autovenv_twn"), "the prompt's relative form is not in use"
        move_away_and_link_back(world, mounts, proj, deep)
        sh.run("true")
        inside = agrees(sh, world.projects)
        assert inside not in (None, outer)
    finally:
        world.close()


# How a user comes and goes: each sets $PWD its own way; the walk's relative half must hold for each.
WAYS = {
    "cd -": ("", "cd {proj}", "cd - >/dev/null"),
    "pushd and popd": ("", "pushd {proj} >/dev/null", "popd >/dev/null"),
    "autocd": ("setopt autocd", "{proj}", "{deep}"),
    "cdpath": ("cdpath=({parent})", "cd {proj}", "cd l12 >/dev/null"),
    "a cd function": ('cd() {{ builtin cd "$@" && print -n; }}', "cd {proj}", "cd {deep}"),
    "chase_links through a link": ("setopt chase_links", "cd {proj}", "cd {linked}"),
}


@pytest.mark.parametrize("way", sorted(WAYS))
def test_a_pin_made_deep_inside_while_away_shows_however_the_shell_comes_back(
    zsh_world: World, way: str
) -> None:
    world = zsh_world
    proj = world.projects / "proj"
    deep = chain(proj, DEPTH)
    deep.mkdir(parents=True)
    (proj / ".python-version").write_text(f"{PY_A}\n")
    (world.projects / "linked").symlink_to(proj)
    names = {
        "proj": proj,
        "deep": deep,
        "parent": deep.parent,
        "linked": chain(world.projects / "linked", DEPTH),
    }
    rc, away, back = (line.format(**names) for line in WAYS[way])
    sh = world.start(after=rc)
    sh.cd(deep)
    outer = agrees(sh, world.projects)
    assert relative_form_recorded(sh), "no relative walk recorded"
    pin = chain(proj, DEPTH - 2) / ".python-version"
    for _ in range(2):
        sh.run(away)
        pin.write_text(f"{PY_B}\n")
        sh.run(back)
        assert sh.env()["PWD"] == os.fsencode(deep)
        assert agrees(sh, world.projects) not in (None, outer)
        sh.run(away)
        pin.unlink()
        sh.run(back)
        assert agrees(sh, world.projects) == outer


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_back_at_a_root_whose_marker_a_mount_hid(shell: str, tmp_path: pathlib.Path, mounts: Mounts) -> None:
    """bash and zsh end a walk where it starts when $PWD is the directory where the last marker was found
    and that marker is still there. While the shell stands below, an empty directory made long ago is
    bind-mounted over the project root: nothing the shell watches was modified, and the root it comes
    back to holds no marker, so the answer is the one from above it."""
    world = World(usable_shell(shell), tmp_path)
    try:
        proj = world.projects / "proj"
        deep = chain(proj, DEPTH)
        deep.mkdir(parents=True)
        (proj / ".python-version").write_text(f"{PY_A}\n")
        empty = world.projects / "empty"
        empty.mkdir()
        os.utime(empty, (1_000_000_000, 1_000_000_000))
        sh = world.start()
        sh.cd(deep)
        sh.cd(proj)
        outer = agrees(sh, world.projects)
        assert outer is not None
        sh.cd(deep)
        mounts.mount("--bind", empty, proj)
        sh.cd(proj)
        assert agrees(sh, world.projects) != outer
    finally:
        world.close()


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_a_cd_on_the_same_line_through_a_link_to_a_branch_beside(shell: str, tmp_path: pathlib.Path) -> None:
    """Beside the walk, from the highest directory it names relative to where the shell stands, a branch
    as deep was there before the walk, dated long ago, with the walk's lower directories' names and a pin
    in one of them. l{TOP} is swapped for a link to the branch's y{TOP}, which modifies only l{TOP - 1}:
    off the path `..` climbs from the branch, which meets the walk again at its highest relative
    directory. `cd .` on a line of its own leaves $PWD as it was and stands in the branch: only the
    identity of the directory the walk started from tells."""
    world = World(usable_shell(shell), tmp_path)
    try:
        depth, top = DEPTHS[shell], TOP[shell]
        proj = world.projects / "proj"
        deep = chain(proj, depth)
        deep.mkdir(parents=True)
        (proj / ".python-version").write_text(f"{PY_A}\n")
        # The highest directory the walk names relative (half of $PWD's components, from where it stands).
        up = depth - ((len(deep.parts) - 1 + 1) // 2 - 1)
        assert up < top - 1
        branch = chain(proj, up).joinpath(*[f"y{i:02d}" for i in range(up + 1, top + 1)])
        (branch / pathlib.Path(*[f"l{i:02d}" for i in range(top + 1, depth + 1)])).mkdir(parents=True)
        (branch / f"l{top + 1:02d}" / ".python-version").write_text(f"{PY_B}\n")
        old = (1_000_000_000, 1_000_000_000)
        for path in [*branch.rglob("*"), branch, *branch.parents]:
            if path == chain(proj, up):
                break
            os.utime(path, old, follow_symlinks=False)
        sh = world.start()
        sh.cd(deep)
        outer = agrees(sh, world.projects)
        assert relative_form_recorded(sh) or shell == "zsh", "no relative walk recorded"
        sh.cd(proj)
        sh.cd(deep)
        swapped = chain(proj, top)
        os.rename(swapped, world.projects / "attic")
        swapped.symlink_to(branch)
        sh.run("cd .")
        inside = agrees(sh, world.projects)
        assert inside not in (None, outer)
    finally:
        world.close()
