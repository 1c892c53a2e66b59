"""Records that another slice may cite by kind and reference (evidence is attached to them), without importing
the slice that owns them: each slice names, in its manifest, a finder for each kind of its records; the
composition root installs them; a citing slice asks here whether a reference names a record and how to show it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qtqms.kit.slices import Slice, resolve

if TYPE_CHECKING:
    from qtqms.db.uow import UnitOfWork
    from qtqms.kernel.actor import Actor


@dataclass(frozen=True)
class Subject:
    """A record as citing slices see it: `ref` is its reference in the one text form its slice gives it (a
    control key, "R-0042", "iso27001-2022 A.8.24"), stable for the record's life."""

    kind: str
    ref: str
    label: str
    href: str = ""


# The caller's records of the kind named by these references (as typed): the ones found, keyed by the reference
# as given, in the caller's organisation.
Finder = Callable[["UnitOfWork", "Actor", Sequence[str]], dict[str, Subject]]

_declared: dict[str, str] = {}
_loaded: dict[str, Finder] = {}


def install(slices: Iterable[Slice]) -> None:
    """Take the kinds these slices declare; each finder's module is imported the first time it is asked for."""
    for piece in slices:
        for kind, target in piece.subjects.items():
            if _declared.get(kind) != target:
                _declared[kind] = target
                _loaded.pop(kind, None)


def kinds() -> tuple[str, ...]:
    return tuple(sorted(_declared))


def finder(kind: str) -> Finder | None:
    if kind not in _declared:
        return None
    if kind not in _loaded:
        _loaded[kind] = resolve(_declared[kind])
    return _loaded[kind]
