"""PEP 440 versions and PEP 503 names, as the lock comparison needs them, without importing ``packaging``.

The comparison runs on the cold path, where ``packaging`` (and the ``re`` it pulls in) would cost more
than the comparison itself. This module parses versions by hand into a key that orders and compares like
``packaging.version.Version``, and evaluates the specifiers markers use (``python_version >= "3.9"``) as
``packaging.specifiers.Specifier.contains(..., prereleases=True)`` does. Tests hold both equal to
``packaging`` on generated input.
"""

from __future__ import annotations

_DIGITS = frozenset("0123456789")
_SEPARATORS = "-_."
_PRE = {"a": "a", "alpha": "a", "b": "b", "beta": "b", "c": "rc", "rc": "rc", "pre": "rc", "preview": "rc"}
_POST = ("post", "rev", "r")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


def normalize_name(name: str) -> str:
    """PEP 503: lower case, every run of ``-``, ``_`` and ``.`` one ``-``."""
    plain = name.islower() and name.replace("-", "").isalnum() and name.isascii()
    if plain and "--" not in name and name[:1] != "-" and name[-1:] != "-":
        return name  # already normal: the common case, in a lock of hundreds of names
    out: list[str] = []
    run = False
    for char in name.strip().lower():
        if char in _SEPARATORS:
            run = True
            continue
        if run and out:
            out.append("-")
        run = False
        out.append(char)
    return "".join(out)


class Version:
    """A parsed PEP 440 version: ``key`` orders like packaging's, ``public`` drops the local label."""

    __slots__ = ("dev", "epoch", "local", "post", "pre", "release")

    def __init__(
        self,
        epoch: int,
        release: tuple[int, ...],
        pre: tuple[str, int] | None,
        post: int | None,
        dev: int | None,
        local: tuple[int | str, ...] | None,
    ) -> None:
        self.epoch = epoch
        self.release = release
        self.pre = pre
        self.post = post
        self.dev = dev
        self.local = local

    def __str__(self) -> str:
        text = f"{self.epoch}!" if self.epoch else ""
        text += ".".join(str(part) for part in self.release)
        if self.pre is not None:
            text += f"{self.pre[0]}{self.pre[1]}"
        if self.post is not None:
            text += f".post{self.post}"
        if self.dev is not None:
            text += f".dev{self.dev}"
        if self.local is not None:
            text += "+" + ".".join(str(part) for part in self.local)
        return text

    def __repr__(self) -> str:
        return f"Version({str(self)!r})"

    @property
    def is_prerelease(self) -> bool:
        return self.pre is not None or self.dev is not None

    @property
    def public(self) -> Version:
        return Version(self.epoch, self.release, self.pre, self.post, self.dev, None)

    @property
    def base(self) -> tuple[int, tuple[int, ...]]:
        return self.epoch, _trim(self.release)

    def key(self) -> tuple[object, ...]:
        """The sort key of ``packaging.version._cmpkey``, with the infinities spelled as tuples."""
        release = _trim(self.release)
        # A dev release with no pre or post sorts before the pre-releases of its version.
        if self.pre is None and self.post is None and self.dev is not None:
            pre: tuple[object, ...] = (-1,)
        elif self.pre is None:
            pre = (2,)
        else:
            pre = (1, self.pre[0], self.pre[1])
        post: tuple[object, ...] = (0,) if self.post is None else (1, self.post)
        dev: tuple[object, ...] = (1,) if self.dev is None else (0, self.dev)
        if self.local is None:
            local: tuple[object, ...] = (0,)
        else:
            # Numeric segments sort after alphanumeric ones, alphanumerics by text.
            local = (
                1,
                tuple((1, part, "") if isinstance(part, int) else (0, 0, part) for part in self.local),
            )
        return (self.epoch, release, pre, post, dev, local)


def _trim(release: tuple[int, ...]) -> tuple[int, ...]:
    end = len(release)
    while end > 1 and release[end - 1] == 0:
        end -= 1
    return release[:end]


def _number(text: str, i: int) -> tuple[int | None, int]:
    start = i
    while i < len(text) and text[i] in _DIGITS:
        i += 1
    return (int(text[start:i]), i) if i > start else (None, i)


def parse(text: str) -> Version | None:
    """The version ``text`` spells (any PEP 440 spelling), or ``None`` when it is not one."""
    s = text.strip().lower()
    i = 1 if s[:1] == "v" else 0
    epoch = 0
    number, j = _number(s, i)
    if number is None:
        return None
    if j < len(s) and s[j] == "!":
        epoch = number
        number, j = _number(s, j + 1)
        if number is None:
            return None
    release = [number]
    while j + 1 < len(s) and s[j] == "." and s[j + 1] in _DIGITS:
        number, j = _number(s, j + 1)
        assert number is not None
        release.append(number)
    return _after_release(s, j, epoch, tuple(release))


def _labelled(s: str, j: int, labels: tuple[str, ...]) -> list[tuple[str, int | None, int]]:
    """Each way ``[sep] label [sep] [N]`` can be read at ``j``: (label, number, end), longest label first.

    Like packaging's regular expression, a label may be a prefix of a longer word (``1.0rdev`` is a
    post-release ``r`` then ``dev``), so every label that fits is a candidate and the caller backtracks.
    """
    found: list[tuple[str, int | None, int]] = []
    for k in (j + 1, j) if j < len(s) and s[j] in _SEPARATORS else (j,):
        found.extend(_labels_at(s, k, labels))
    return found


def _labels_at(s: str, k: int, labels: tuple[str, ...]) -> list[tuple[str, int | None, int]]:
    found: list[tuple[str, int | None, int]] = []
    for label in sorted(labels, key=len, reverse=True):
        if s.startswith(label, k):
            m = k + len(label)
            if m < len(s) and s[m] in _SEPARATORS:
                value, n = _number(s, m + 1)
                found.append((label, value, n))  # the separator is taken even without a number
            value, n = _number(s, m)
            found.append((label, value, n))
    return found


_PRE_LABELS = tuple(_PRE)


def _after_release(s: str, j: int, epoch: int, release: tuple[int, ...]) -> Version | None:
    for pre_choice in [*_labelled(s, j, _PRE_LABELS), None]:
        pre = None if pre_choice is None else (_PRE[pre_choice[0]], pre_choice[1] or 0)
        after_pre = j if pre_choice is None else pre_choice[2]
        posts: list[tuple[int | None, int]] = []
        if (
            after_pre < len(s)
            and s[after_pre] == "-"
            and after_pre + 1 < len(s)
            and s[after_pre + 1] in _DIGITS
        ):
            posts.append(_number(s, after_pre + 1))
        posts.extend((value or 0, end) for _, value, end in _labelled(s, after_pre, _POST))
        for post, after_post in [*posts, (None, after_pre)]:
            for dev_choice in [*_labelled(s, after_post, ("dev",)), None]:
                dev = None if dev_choice is None else (dev_choice[1] or 0)
                end = after_post if dev_choice is None else dev_choice[2]
                local = _local(s, end)
                if not isinstance(local, bool):
                    return Version(epoch, release, pre, post, dev, local)
    return None


def _local(s: str, j: int) -> tuple[int | str, ...] | bool | None:
    """The local label from ``j`` to the end (None: there is none); False when the text does not end so."""
    if j == len(s):
        return None
    if s[j] != "+":
        return False
    label = s[j + 1 :]
    if not label or not all(c in _LOCAL_CHARS for c in label):
        return False
    parts = label.replace("-", ".").replace("_", ".").split(".")
    if not all(parts):
        return False
    return tuple(int(p) if p.isdigit() else p for p in parts)


def same(pinned: str, installed: str) -> bool:
    """Whether an installed version satisfies an ``==`` pin (zero padding and spelling aside).

    As PEP 440 says, a pin without a local label ignores the installed version's local label
    (``==2.1.0`` accepts ``2.1.0+cu118``); a pin that cannot be parsed must match as text.
    """
    if pinned == installed:
        return True
    want = parse(pinned)
    have = parse(installed)
    if want is None or have is None:
        return pinned.strip().lower() == installed.strip().lower()
    if want.local is None:
        have = have.public
    return want.key() == have.key()


def _prefix_match(candidate: Version, spec: str) -> bool | None:
    """``==X.Y.*``: the candidate's public version, padded, starts with X.Y (None: bad spec)."""
    want = parse(spec)
    if want is None or want.local is not None:
        return None
    cand = candidate.public
    # Compare the spelled-out components, release padded with zeros to the spec's length.
    if want.epoch != cand.epoch:
        return False
    spec_parts = _components(want)
    cand_release = cand.release + (0,) * max(0, len(want.release) - len(cand.release))
    cand_parts = _components(Version(cand.epoch, cand_release, cand.pre, cand.post, cand.dev, None))
    return cand_parts[: len(spec_parts)] == spec_parts


def _components(version: Version) -> list[object]:
    parts: list[object] = list(version.release)
    if version.pre is not None:
        parts.append(version.pre)
    if version.post is not None:
        parts.append(("post", version.post))
    if version.dev is not None:
        parts.append(("dev", version.dev))
    return parts


def contains(operator: str, spec: str, candidate_text: str) -> bool | None:
    """``Specifier(operator + spec).contains(candidate, prereleases=True)``; None: not a valid specifier.

    A candidate that is not a version is never contained (as packaging 22 and later say).
    """
    spec = spec.strip()
    if operator == "===":
        return candidate_text.strip().lower() == spec.lower()
    wildcard = spec.endswith(".*")
    if wildcard and operator not in ("==", "!="):
        return None
    want = parse(spec[:-2] if wildcard else spec)
    if want is None or (
        wildcard and (want.local is not None or want.dev is not None or want.post is not None)
    ):
        return None
    if wildcard and want.pre is not None:
        return None
    if want.local is not None and operator not in ("==", "!="):
        return None
    if operator == "~=" and (len(want.release) < 2 or want.local is not None):
        return None
    candidate = parse(candidate_text)
    if candidate is None:
        return False
    if operator in ("==", "!="):
        if wildcard:
            found = _prefix_match(candidate, spec[:-2])
            if found is None:
                return None
            return found if operator == "==" else not found
        have = candidate if want.local is not None else candidate.public
        equal = have.key() == want.key()
        return equal if operator == "==" else not equal
    cand = candidate.public
    if operator == "~=":
        prefix = ".".join(str(p) for p in want.release[:-1]) + ".*"
        if want.epoch:
            prefix = f"{want.epoch}!{prefix}"
        return cand.key() >= want.key() and bool(_prefix_match(cand, prefix[:-2]))
    if operator == "<=":
        return cand.key() <= want.key()
    if operator == ">=":
        return cand.key() >= want.key()
    if operator == "<":
        if not cand.key() < want.key():
            return False
        # <V excludes the pre-releases of V itself, unless V is one.
        same_release = (cand.epoch, _trim(cand.release), cand.post) == (
            want.epoch,
            _trim(want.release),
            want.post,
        )
        return want.is_prerelease or not cand.is_prerelease or not same_release
    if operator == ">":
        if not cand.key() > want.key():
            return False
        # >V excludes the post-releases of V itself, unless V is one.
        same_release = (cand.epoch, _trim(cand.release), cand.pre) == (
            want.epoch,
            _trim(want.release),
            want.pre,
        )
        return not (want.post is None and want.dev is None and cand.post is not None and same_release)
    return None
