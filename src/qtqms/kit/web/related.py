"""Related-records panels: a slice shows, on another slice's record page, the records of its own that point
there (the risks a control treats), without the owning slice importing it. The composition root registers
each slice's providers from its manifest; a page asks for the panels of its subject kind."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qtqms.db.uow import UnitOfWork
from qtqms.kernel.actor import Actor


@dataclass(frozen=True)
class RelatedLink:
    ref: str
    href: str
    title: str = ""


@dataclass(frozen=True)
class Panel:
    """One slice's links for a page's records: `label` ("Treats") and, per record key, what points at it."""

    label: str
    links: dict[str, list[RelatedLink]]


Provider = Callable[[UnitOfWork, Actor, Sequence[str]], Panel]

_providers: dict[str, list[Provider]] = {}


def register(subject_kind: str, provider: Provider) -> None:
    if provider not in _providers.setdefault(subject_kind, []):
        _providers[subject_kind].append(provider)


def panels(uow: UnitOfWork, actor: Actor, subject_kind: str, keys: Sequence[str]) -> list[Panel]:
    """Every registered slice's panel for these records of the kind, in registration (slice) order."""
    return [provider(uow, actor, keys) for provider in _providers.get(subject_kind, [])]
