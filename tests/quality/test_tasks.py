"""Everyone's task list: what waits for each person across documents, nonconformities and risks, overdue first,
on the page, in the API and from `qtqms tasks`."""

from __future__ import annotations

import json
from datetime import timedelta

from typer.testing import CliRunner

from qtqms.app.cli import app
from qtqms.app.demo.service import DEMO_ADMIN, DEMO_USERS
from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.quality.documents import service as documents
from qtqms.quality.documents.schemas import StepIn
from qtqms.quality.nonconformity import service as nonconformities
from qtqms.quality.nonconformity.schemas import ActionIn, NonconformityCreate
from qtqms.quality.tasks import service
from tests.builders import api_token, log_in, query_counter
from tests.quality.conftest import effective, write

runner = CliRunner()


def test_every_demo_user_has_something_to_do(demo, db):
    with UnitOfWork(db) as uow:
        for username in (DEMO_ADMIN, *(name for name, _, _ in DEMO_USERS)):
            actor = identity_service.local_actor(uow, username)
            assert service.my_tasks(uow, actor).tasks, username


def test_reviews_acknowledgements_and_actions_wait_for_the_right_people_overdue_first(team):
    document = write(team, reviewers=["riley"])
    team.run(team.engineer, documents.take_step, document.ref, StepIn(action="submit"))
    nc = team.run(team.engineer, nonconformities.raise_nonconformity,
                  NonconformityCreate(title="Drift", source="incident", severity="minor"))  # fmt: skip
    today = clock.today()
    for title, days in (("Later", 9), ("Late", -2)):
        team.run(team.engineer, nonconformities.add_action, nc.ref,
                 ActionIn(title=title, owner="riley", due_on=today + timedelta(days=days)))  # fmt: skip
    riley = team.read(team.owner, service.my_tasks)
    assert [(t.kind, t.overdue) for t in riley.tasks] == [("action", True), ("action", False), ("review", False)]
    assert riley.overdue == 1
    assert [t.kind for t in team.read(team.quality, service.my_tasks).tasks] == ["approve"]
    assert team.read(team.viewer, service.my_tasks).tasks == []


def test_an_effective_document_asks_its_audience_to_acknowledge_it(team):
    document = effective(team)
    assert [t.ref for t in team.read(team.owner2, service.my_tasks).tasks] == [document.ref]
    assert team.read(team.viewer, service.my_tasks).tasks == []


def test_the_page_the_api_and_the_command_agree(client, team):
    effective(team)
    log_in(client, "robin")
    page = client.get("/quality/tasks").text
    assert "Read and acknowledge DOC-0001" in page
    found = client.get("/api/v1/quality/tasks", headers={"Authorization": f"Bearer {api_token(team.db, team.owner2)}"})
    assert [t["ref"] for t in found.json()["tasks"]] == ["DOC-0001"]
    listed = runner.invoke(app, ["--as", "robin", "tasks", "--json"])
    assert listed.exit_code == 0 and json.loads(listed.output)["tasks"][0]["kind"] == "acknowledge"
    assert "1 tasks for robin, 0 overdue" in runner.invoke(app, ["--as", "robin", "tasks"]).output


def test_the_list_shows_the_most_pressing_and_counts_the_rest_in_the_same_queries(team):
    nc = team.run(team.engineer, nonconformities.raise_nonconformity,
                  NonconformityCreate(title="Drift", source="incident", severity="minor"))  # fmt: skip
    today = clock.today()

    def add(days: int) -> None:
        team.run(team.engineer, nonconformities.add_action, nc.ref,
                 ActionIn(title=f"in {days} days", owner="riley", due_on=today + timedelta(days=days)))  # fmt: skip

    add(5)
    with query_counter(team.db) as few:
        team.read(team.owner, service.my_tasks, 2)
    for days in (-3, 1, 9, -1):
        add(days)
    with query_counter(team.db) as many:
        shown = team.read(team.owner, service.my_tasks, 2)
    assert len(few) == len(many)
    assert [t.title.split(" (")[0] for t in shown.tasks] == ["in -3 days", "in -1 days"]
    assert (shown.total, shown.overdue) == (5, 2)
