"""Organisation use cases: the organisation, its management-system scope and jurisdictions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError

from qtqms.db.uow import UnitOfWork
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, NotFound
from qtqms.kernel.rbac import Permission, authorize
from qtqms.kit.subjects import Subject
from qtqms.models.org import Jurisdiction, Organisation, Product, ScopeExclusion, Site
from qtqms.org import domain
from qtqms.org import repository as repo
from qtqms.org.schemas import (
    ExclusionCreate,
    JurisdictionCreate,
    OrganisationRead,
    OrganisationUpdate,
    ProductCreate,
    ScopeRead,
    SiteCreate,
)

SCOPE_ITEMS: dict[str, type[Site] | type[Product] | type[ScopeExclusion] | type[Jurisdiction]] = {
    "site": Site,
    "product": Product,
    "exclusion": ScopeExclusion,
    "jurisdiction": Jurisdiction,
}


def create_organisation(uow: UnitOfWork, *, name: str, is_demo: bool = False, **fields: Any) -> Organisation:
    """Bootstrap only (qtqms init): there is no actor before the first organisation exists."""
    if repo.organisation_by_name(uow.session, name) is not None:
        raise Conflict(f"organisation '{name}' already exists")
    organisation = Organisation(name=name, is_demo=is_demo, **fields)
    uow.session.add(organisation)
    uow.flush()
    return organisation


def get_organisation(uow: UnitOfWork, actor: Actor) -> Organisation:
    authorize(actor, Permission.READ)
    organisation = repo.organisation(uow.session, actor.organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {actor.organisation_id} not found")
    return organisation


def update_organisation(uow: UnitOfWork, actor: Actor, data: OrganisationUpdate) -> Organisation:
    authorize(actor, Permission.ORG_EDIT)
    organisation = get_organisation(uow, actor)
    for key, value in data.model_dump(exclude_none=True).items():
        setattr(organisation, key, value)
    uow.flush()
    return organisation


def get_scope(uow: UnitOfWork, actor: Actor) -> ScopeRead:
    organisation = get_organisation(uow, actor)
    lists = {
        plural: repo.items(uow.session, model, actor.organisation_id)
        for plural, model in (
            ("sites", Site),
            ("products", Product),
            ("exclusions", ScopeExclusion),
            ("jurisdictions", Jurisdiction),
        )
    }
    return ScopeRead.model_validate({"organisation": OrganisationRead.model_validate(organisation), **lists})


def _add(uow: UnitOfWork, actor: Actor, model: type, describe: str, **fields: Any):
    authorize(actor, Permission.ORG_EDIT)
    row = model(organisation_id=actor.organisation_id, **fields)
    uow.session.add(row)
    try:
        with uow.session.begin_nested():
            uow.session.flush()
    except IntegrityError:
        raise Conflict(f"{describe} already exists") from None
    uow.flush()
    return row


def add_site(uow: UnitOfWork, actor: Actor, data: SiteCreate) -> Site:
    fields = data.model_dump()
    fields["country"] = domain.check_jurisdiction_code(data.country.upper())
    return _add(uow, actor, Site, f"site '{data.name}'", **fields)


def add_product(uow: UnitOfWork, actor: Actor, data: ProductCreate) -> Product:
    fields = data.model_dump()
    fields["key"] = domain.check_product_key(data.key)
    fields["technology"] = domain.parse_technology(data.technology).value
    return _add(uow, actor, Product, f"product '{data.key}'", **fields)


def add_exclusion(uow: UnitOfWork, actor: Actor, data: ExclusionCreate) -> ScopeExclusion:
    return _add(uow, actor, ScopeExclusion, f"exclusion of '{data.requirement_ref}'", **data.model_dump())


def add_jurisdiction(uow: UnitOfWork, actor: Actor, data: JurisdictionCreate) -> Jurisdiction:
    fields = data.model_dump()
    fields["code"] = domain.check_jurisdiction_code(data.code.upper())
    return _add(uow, actor, Jurisdiction, f"jurisdiction '{fields['code']}'", **fields)


def remove_scope_item(uow: UnitOfWork, actor: Actor, kind: str, item_id: int) -> None:
    authorize(actor, Permission.ORG_EDIT)
    model = SCOPE_ITEMS[kind]
    row = repo.item(uow.session, model, actor.organisation_id, item_id)
    if row is None:
        raise NotFound(f"{kind} {item_id} not found")
    uow.session.delete(row)
    uow.flush()


def get_product(uow: UnitOfWork, actor: Actor, key: str) -> Product:
    authorize(actor, Permission.READ)
    product = repo.product_by_key(uow.session, actor.organisation_id, key)
    if product is None:
        raise NotFound(f"product '{key}' not found")
    return product


def list_products(uow: UnitOfWork, actor: Actor) -> list[Product]:
    authorize(actor, Permission.READ)
    return repo.items(uow.session, Product, actor.organisation_id)


def scope_counts(uow: UnitOfWork, actor: Actor) -> dict[str, int]:
    authorize(actor, Permission.READ)
    return {kind: repo.count_items(uow.session, model, actor.organisation_id) for kind, model in SCOPE_ITEMS.items()}


def initialise(
    uow: UnitOfWork, *, organisation_name: str, admin_username: str, is_demo: bool = False, **fields: Any
) -> tuple[Organisation, str]:
    """First run: the organisation and its first admin; returns the admin's generated password."""
    from qtqms.identity import service as identity_service
    from qtqms.identity.schemas import UserCreate

    organisation = create_organisation(uow, name=organisation_name, is_demo=is_demo, **fields)
    bootstrap = Actor(user_id=0, username="qtqms-init", role="admin", organisation_id=organisation.id)
    uow.actor = bootstrap
    _, password = identity_service.create_user(
        uow,
        bootstrap,
        UserCreate(username=admin_username, role="admin", display_name="Administrator"),
        is_demo=is_demo,
    )
    assert password is not None
    return organisation, password


def is_initialised(uow: UnitOfWork) -> bool:
    """Whether any organisation exists yet: the first-run check of `qtqms init`, before anyone can log in."""
    return repo.count_organisations(uow.session) > 0


def find_products(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> dict[str, Subject]:
    """Products by key, as other slices cite them (evidence of a product's tests)."""
    authorize(actor, Permission.READ)
    found = repo.products_by_keys(uow.session, actor.organisation_id, keys)
    return {p.key: Subject("product", p.key, p.name, "/org") for p in found}
