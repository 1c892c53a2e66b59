"""Human reference numbers count per organisation, in the scope they are asked for."""

from qtqms.db.numbering import next_number
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.rbac import Permission, authorize
from tests.builders import make_org


def test_each_organisations_numbers_start_at_one(db):
    alpha = authorize(make_org(db, "Alpha", "alice"), Permission.READ)
    beta = authorize(make_org(db, "Beta", "bob"), Permission.READ)
    with UnitOfWork(db, write=True) as uow:
        numbers = [next_number(uow.session, scope, "toy") for scope in (alpha, alpha, beta, alpha)]
    assert numbers == [1, 2, 1, 3]
