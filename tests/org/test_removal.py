"""Removing a scope item that other records cite is refused with a 409 that names them, never a database error;
nothing is removed."""

from sqlalchemy import func, select

from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.models.org import Product
from tests.builders import api_token


def test_a_product_that_risks_and_inventories_cite_is_not_removed_and_the_refusal_names_them(demo, db, client):
    with UnitOfWork(db) as uow:
        admin = identity_service.local_actor(uow, demo.admin_username)
        product_id = uow.session.scalars(select(Product.id).where(Product.key == "QPU-CLOUD")).one()
        before = uow.session.scalar(select(func.count()).select_from(Product))
    headers = {"Authorization": f"Bearer {api_token(db, admin)}"}
    refused = client.delete(f"/api/v1/org/product/{product_id}", headers=headers)
    assert refused.status_code == 409, refused.text
    message = refused.json()["error"]["message"]
    assert message.startswith("product QPU-CLOUD is still referred to by ") and "remove or move those first" in message
    with UnitOfWork(db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Product)) == before
