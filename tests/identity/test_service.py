from datetime import timedelta

import pytest
from sqlalchemy import text

from qtqms.db.uow import UnitOfWork
from qtqms.identity import service
from qtqms.identity.schemas import TokenCreate, UserCreate, UserUpdate
from qtqms.kernel.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied, TooManyAttempts
from qtqms.models.identity import ApiToken
from tests.builders import PASSWORD, api_token, make_org, make_user


def test_passwords_are_stored_as_argon2_hashes(db):
    make_org(db)
    with db.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM user_account WHERE username='admin'")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_duplicate_user_is_a_conflict_and_nothing_is_written(db):
    admin = make_org(db)
    make_user(db, admin, "kim", "viewer")
    with UnitOfWork(db, write=True, actor=admin) as uow, pytest.raises(Conflict, match="user 'kim' already exists"):
        service.create_user(uow, admin, UserCreate(username="kim", role="viewer"))


def test_unknown_role_and_weak_password_are_refused(db):
    admin = make_org(db)
    with UnitOfWork(db, write=True, actor=admin) as uow:
        with pytest.raises(InvalidInput, match="unknown role 'boss'"):
            service.create_user(uow, admin, UserCreate(username="kim", role="boss"))
        with pytest.raises(InvalidInput, match="at least 12"):
            service.create_user(uow, admin, UserCreate(username="kim", role="viewer", password="short1"))


def test_only_admins_create_users(db):
    admin = make_org(db)
    engineer = make_user(db, admin, "eng", "engineer")
    with UnitOfWork(db, write=True, actor=engineer) as uow, pytest.raises(PermissionDenied):
        service.create_user(uow, engineer, UserCreate(username="kim", role="admin"))


def test_the_last_admin_cannot_be_demoted_or_disabled(db):
    admin = make_org(db)
    with UnitOfWork(db, write=True, actor=admin) as uow:
        with pytest.raises(Conflict, match="last active admin"):
            service.update_user(uow, admin, "admin", UserUpdate(role="viewer"))
        with pytest.raises(Conflict, match="last active admin"):
            service.update_user(uow, admin, "admin", UserUpdate(disabled=True))


def test_wrong_password_fails_and_repeated_failures_are_throttled(db):
    make_org(db)
    for _ in range(5):
        with UnitOfWork(db, write=True) as uow:
            outcome = service.authenticate(uow, "admin", "not-the-password")
            uow.commit()
        assert not outcome.ok and outcome.error == "wrong username or password"
    with UnitOfWork(db, write=True) as uow, pytest.raises(TooManyAttempts, match="too many failed logins"):
        service.authenticate(uow, "admin", PASSWORD)


def test_a_password_typed_again_counts_with_logins_even_when_its_use_case_rolls_back(db):
    admin = make_org(db)
    with UnitOfWork(db, write=True, actor=admin) as uow:
        service.reauthenticate(uow, admin, PASSWORD)  # right: counts as a success, and nothing is refused
    for _ in range(5):
        with UnitOfWork(db, write=True, actor=admin) as uow, pytest.raises(NotAuthenticated, match="does not match"):
            service.reauthenticate(uow, admin, "not-the-password")
    with UnitOfWork(db, write=True) as uow, pytest.raises(TooManyAttempts, match="too many failed logins"):
        service.authenticate(uow, "admin", PASSWORD)
    with UnitOfWork(db, write=True, actor=admin) as uow, pytest.raises(TooManyAttempts, match="password attempts"):
        service.reauthenticate(uow, admin, PASSWORD)


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(db):
    make_org(db)
    with UnitOfWork(db, write=True) as uow:
        assert service.authenticate(uow, "nobody", "whatever-123").error == "wrong username or password"


def test_disabled_user_cannot_log_in_or_use_tokens(db):
    admin = make_org(db)
    kim = make_user(db, admin, "kim", "engineer")
    secret = api_token(db, kim)
    with UnitOfWork(db, write=True, actor=admin) as uow:
        service.update_user(uow, admin, "kim", UserUpdate(disabled=True))
        uow.commit()
    with UnitOfWork(db, write=True) as uow:
        assert service.authenticate(uow, "kim", PASSWORD).error == "this account is disabled"
        with pytest.raises(NotAuthenticated, match="disabled"):
            service.resolve_token(uow, secret)


def test_tokens_are_stored_hashed_and_refused_when_revoked_or_expired(db):
    admin = make_org(db)
    secret = api_token(db, admin, "ci")
    with db.connect() as connection:
        stored = connection.execute(text("SELECT token_hash FROM api_token")).scalar()
    assert secret not in stored and len(stored) == 64
    with UnitOfWork(db, write=True, actor=admin) as uow:
        assert service.resolve_token(uow, secret).username == "admin"
        token = uow.session.get(ApiToken, service.list_tokens(uow, admin)[0].id)
        token.expires_at = token.created_at - timedelta(seconds=1)
        uow.commit()
    with UnitOfWork(db) as uow, pytest.raises(NotAuthenticated, match="expired"):
        service.resolve_token(uow, secret)
    other = api_token(db, admin, "other")
    with UnitOfWork(db, write=True, actor=admin) as uow:
        token_id = [t for t in service.list_tokens(uow, admin) if t.name == "other"][0].id
        service.revoke_token(uow, admin, token_id)
        uow.commit()
    with UnitOfWork(db) as uow, pytest.raises(NotAuthenticated, match="revoked"):
        service.resolve_token(uow, other)


def test_users_cannot_revoke_other_users_tokens(db):
    admin = make_org(db)
    kim = make_user(db, admin, "kim", "engineer")
    api_token(db, admin, "admin-token")
    with UnitOfWork(db, write=True, actor=kim) as uow:
        with pytest.raises(NotFound):
            service.revoke_token(uow, kim, 1)
        created, _ = service.create_token(uow, kim, TokenCreate(name="mine", expires_in_days=None))
        assert created.expires_at is None


def test_token_use_is_recorded_without_an_audit_event(db):
    admin = make_org(db)
    secret = api_token(db, admin, "ci")
    with db.connect() as connection:
        events_before = connection.execute(text("SELECT count(*) FROM audit_event")).scalar()
    with UnitOfWork(db, write=True) as uow:
        service.resolve_token(uow, secret)
        uow.commit()
    with db.connect() as connection:
        assert connection.execute(text("SELECT last_used_at FROM api_token")).scalar() is not None
        assert connection.execute(text("SELECT count(*) FROM audit_event")).scalar() == events_before


def test_names_and_tokens_are_only_those_of_the_scopes_organisation(world):
    from qtqms.kernel.errors import NotFound
    from qtqms.kernel.rbac import Permission, authorize

    ids = [world.admin.user_id, world.other_admin.user_id]
    with UnitOfWork(world.db) as uow:
        assert service.usernames(uow, ids, authorize(world.admin, Permission.READ)) == {world.admin.user_id: "admin"}
        assert service.usernames(uow, ids, authorize(world.other_admin, Permission.READ)) == {
            world.other_admin.user_id: "olga"
        }
    api_token(world.db, world.admin, "ci")
    token_id = world.read(world.admin, service.list_tokens)[0].id
    with (
        UnitOfWork(world.db, write=True, actor=world.other_admin) as uow,
        pytest.raises(NotFound, match=f"token {token_id} not found"),
    ):
        service.revoke_token(uow, world.other_admin, token_id)
