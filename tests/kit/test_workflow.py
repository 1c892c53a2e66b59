"""`kit.workflow.transition` moves a record, writes its history and its trail event, or changes nothing."""

import pytest
from sqlalchemy import func, select

from qtqms.catalog import service as catalog_service
from qtqms.catalog.schemas import ControlCreate
from qtqms.db.audit import AuditEvent
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.errors import Conflict, InvalidInput, NotFound
from qtqms.kernel.rbac import Permission, authorize
from qtqms.kernel.workflow import Transition, Workflow
from qtqms.kit import workflow
from qtqms.models.catalog import Control
from qtqms.models.workflow import StatusChange
from tests.builders import make_org

CONTROL = Workflow(
    name="control",
    states=("planned", "in_progress", "implemented"),
    initial="planned",
    transitions=(
        Transition("start", frozenset({"planned"}), "in_progress", Permission.CONTROL_EDIT),
        Transition("finish", frozenset({"in_progress"}), "implemented", Permission.CONTROL_EDIT, signature="approved"),
    ),
)


@pytest.fixture
def control(db):
    admin = make_org(db)
    with UnitOfWork(db, write=True, actor=admin) as uow:
        catalog_service.create_control(uow, admin, ControlCreate(key="CTL-X", title="X", owner="admin"))
        uow.commit()
    return admin


def _control(uow):
    return uow.session.scalar(select(Control).where(Control.key == "CTL-X"))


def test_a_transition_moves_the_record_and_writes_history_and_trail(db, control):
    admin = control
    with UnitOfWork(db, write=True, actor=admin) as uow:
        uow.actor = admin
        change = workflow.transition(uow, admin, _control(uow), CONTROL, "start", reason="work began")
        uow.commit()
    with UnitOfWork(db) as uow:
        assert _control(uow).status == "in_progress"
        rows = workflow.history(uow, authorize(admin, Permission.READ), _control(uow))
        assert [(r.from_state, r.to_state, r.transition, r.reason) for r in rows] == [
            ("planned", "in_progress", "start", "work began")
        ]
        assert change.actor_id == admin.user_id
        stmt = select(AuditEvent).where(AuditEvent.entity_type == "control").order_by(AuditEvent.seq.desc())
        event = uow.session.scalars(stmt).first()
        assert event.after == {"status": "in_progress"} and event.reason == "work began"


def test_a_transition_that_needs_a_signature_is_refused_without_one(db, control):
    admin = control
    with UnitOfWork(db, write=True, actor=admin) as uow:
        workflow.transition(uow, admin, _control(uow), CONTROL, "start")
        with pytest.raises(InvalidInput, match="needs your signature"):
            workflow.transition(uow, admin, _control(uow), CONTROL, "finish")


def test_a_refused_transition_changes_nothing(db, control):
    admin = control
    with UnitOfWork(db, write=True, actor=admin) as uow, pytest.raises(Conflict):
        workflow.transition(uow, admin, _control(uow), CONTROL, "finish", signature_id=1)
    with UnitOfWork(db) as uow:
        assert _control(uow).status == "planned"
        assert uow.session.scalar(select(func.count()).select_from(StatusChange)) == 0


def test_another_organisations_record_is_not_found(db, control):
    other = make_org(db, "Other Ltd", "other-admin")
    with UnitOfWork(db, write=True, actor=other) as uow, pytest.raises(NotFound):
        workflow.transition(uow, other, _control(uow), CONTROL, "start")


def test_history_is_only_the_scopes_organisations(db, control):
    admin = control
    with UnitOfWork(db, write=True, actor=admin) as uow:
        workflow.transition(uow, admin, _control(uow), CONTROL, "start")
        uow.commit()
    other = make_org(db, "Other Ltd", "other-admin")
    with UnitOfWork(db) as uow:
        assert len(workflow.history(uow, authorize(admin, Permission.READ), _control(uow))) == 1
        assert workflow.history(uow, authorize(other, Permission.READ), _control(uow)) == []
