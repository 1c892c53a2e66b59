"""The shared world with the shipped catalogue and a control, so documents can serve requirements and controls,
and a helper that writes a document (emery writes, riley reviews, quinn approves)."""

from __future__ import annotations

import pytest

from qtqms.catalog import service as catalog_service
from qtqms.catalog.schemas import ControlCreate
from qtqms.quality.documents import service
from qtqms.quality.documents.schemas import DocumentCreate
from tests.world import World, build_world, load_catalogue

PROCEDURE = "# Control of documents\n\n1. Write a draft.\n2. Have it reviewed.\n3. Have it approved.\n"


def _quality_team(snapshots) -> World:
    def build(db) -> World:
        team = snapshots.restore("world", build_world)
        load_catalogue(db)
        control = ControlCreate(key="CTL-DOCS", title="Document control", owner="quinn")
        team.run(team.admin, catalog_service.create_control, control)
        return team

    return snapshots.restore("quality-team", build)


@pytest.fixture
def team(db, snapshots) -> World:
    return _quality_team(snapshots)


def write(team: World, **changes):
    data = {
        "kind": "procedure",
        "title": "Control of documented information",
        "content": PROCEDURE,
        "change_reason": "First issue",
        "reviewers": ["riley"],
        "approvers": ["quinn"],
        "audience": ["engineer", "risk_owner"],
        "requirements": ["iso9001-2015:7.5.3"],
        "controls": ["CTL-DOCS"],
    } | changes
    return team.run(team.engineer, service.create_document, DocumentCreate(**data))


def effective(team: World, **changes):
    """A document written, submitted, reviewed, approved and released."""
    from qtqms.quality.documents.domain import Part
    from qtqms.quality.documents.schemas import StepIn
    from tests.builders import PASSWORD

    document = write(team, **changes)
    team.run(team.engineer, service.take_step, document.ref, StepIn(action="submit"))
    team.run(team.owner, service.sign_version, document.ref, Part.REVIEWER, PASSWORD, "reads well")
    team.run(team.quality, service.sign_version, document.ref, Part.APPROVER, PASSWORD)
    return team.run(team.quality, service.take_step, document.ref, StepIn(action="release"))
