"""Organisation use cases: the organisation, its management-system scope and jurisdictions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from qtqms.db.scoping import add_unique
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, authorize, system_scope
from qtqms.kit.subjects import Subject
from qtqms.models.org import Jurisdiction, Organisation, Product, ScopeExclusion, Site
from qtqms.org import domain
from qtqms.org import repository as repo
from qtqms.org.schemas import (
    ExclusionCreate,
    ExclusionRead,
    JurisdictionCreate,
    JurisdictionRead,
    OrganisationRead,
    OrganisationUpdate,
    ProductCreate,
    ProductRead,
    ScopeRead,
    SiteCreate,
    SiteRead,
)

SCOPE_ITEMS: dict[str, type[Site] | type[Product] | type[ScopeExclusion] | type[Jurisdiction]] = {
    "site": Site,
    "product": Product,
    "exclusion": ScopeExclusion,
    "jurisdiction": Jurisdiction,
}
READS: dict[type, type[BaseModel]] = {
    Site: SiteRead,
    Product: ProductRead,
    ScopeExclusion: ExclusionRead,
    Jurisdiction: JurisdictionRead,
}


def create_organisation(uow: UnitOfWork, *, name: str, is_demo: bool = False, **fields: Any) -> OrganisationRead:
    """Bootstrap only (qtqms init): there is no actor before the first organisation exists."""
    organisation = add_unique(uow.session, Organisation(name=name, is_demo=is_demo, **fields), f"organisation '{name}'")
    uow.flush()
    return OrganisationRead.model_validate(organisation)


def get_organisation(uow: UnitOfWork, actor: Actor) -> OrganisationRead:
    return OrganisationRead.model_validate(repo.organisation(uow.session, authorize(actor, Permission.READ)))


def update_organisation(uow: UnitOfWork, actor: Actor, data: OrganisationUpdate) -> OrganisationRead:
    organisation = repo.organisation(uow.session, authorize(actor, Permission.ORG_EDIT))
    for key, value in data.model_dump(exclude_none=True).items():
        setattr(organisation, key, value)
    uow.flush()
    return OrganisationRead.model_validate(organisation)


def get_scope(uow: UnitOfWork, actor: Actor) -> ScopeRead:
    scope = authorize(actor, Permission.READ)
    lists = {
        plural: repo.items(uow.session, model, scope)
        for plural, model in (
            ("sites", Site),
            ("products", Product),
            ("exclusions", ScopeExclusion),
            ("jurisdictions", Jurisdiction),
        )
    }
    organisation = OrganisationRead.model_validate(repo.organisation(uow.session, scope))
    return ScopeRead.model_validate({"organisation": organisation, **lists})


def _add(uow: UnitOfWork, actor: Actor, model: type, describe: str, **fields: Any) -> Any:
    scope = authorize(actor, Permission.ORG_EDIT)
    row = add_unique(uow.session, model(organisation_id=scope.organisation_id, **fields), describe)
    uow.flush()
    return READS[model].model_validate(row)


def add_site(uow: UnitOfWork, actor: Actor, data: SiteCreate) -> SiteRead:
    fields = data.model_dump()
    fields["country"] = domain.check_jurisdiction_code(data.country.upper())
    return _add(uow, actor, Site, f"site '{data.name}'", **fields)


def add_product(uow: UnitOfWork, actor: Actor, data: ProductCreate) -> ProductRead:
    fields = data.model_dump()
    fields["key"] = domain.check_product_key(data.key)
    fields["technology"] = domain.parse_technology(data.technology).value
    return _add(uow, actor, Product, f"product '{data.key}'", **fields)


def add_exclusion(uow: UnitOfWork, actor: Actor, data: ExclusionCreate) -> ExclusionRead:
    return _add(uow, actor, ScopeExclusion, f"exclusion of '{data.requirement_ref}'", **data.model_dump())


def add_jurisdiction(uow: UnitOfWork, actor: Actor, data: JurisdictionCreate) -> JurisdictionRead:
    fields = data.model_dump()
    fields["code"] = domain.check_jurisdiction_code(data.code.upper())
    return _add(uow, actor, Jurisdiction, f"jurisdiction '{fields['code']}'", **fields)


def remove_scope_item(uow: UnitOfWork, actor: Actor, kind: str, item_id: int) -> None:
    scope = authorize(actor, Permission.ORG_EDIT)
    repo.delete_item(uow.session, SCOPE_ITEMS[kind], scope, item_id, kind)
    uow.flush()


def get_product(uow: UnitOfWork, actor: Actor, key: str) -> ProductRead:
    return ProductRead.model_validate(repo.product_by_key(uow.session, authorize(actor, Permission.READ), key))


def list_products(uow: UnitOfWork, actor: Actor) -> list[ProductRead]:
    scope = authorize(actor, Permission.READ)
    return [ProductRead.model_validate(p) for p in repo.items(uow.session, Product, scope)]


def scope_counts(uow: UnitOfWork, actor: Actor) -> dict[str, int]:
    scope = authorize(actor, Permission.READ)
    return {kind: repo.count_items(uow.session, model, scope) for kind, model in SCOPE_ITEMS.items()}


def initialise(
    uow: UnitOfWork, *, organisation_name: str, admin_username: str, is_demo: bool = False, **fields: Any
) -> tuple[OrganisationRead, str]:
    """First run: the organisation and its first admin; returns the admin's generated password."""
    from qtqms.identity import service as identity_service

    organisation = create_organisation(uow, name=organisation_name, is_demo=is_demo, **fields)
    # No user exists yet to authorise the first admin: the set-up itself is the authority, within the new
    # organisation only. The trail names it; the name grants nothing (no role).
    uow.actor = Actor(user_id=0, username="qtqms-init", role="", organisation_id=organisation.id)
    password = identity_service.create_first_admin(uow, system_scope(organisation.id), admin_username, is_demo=is_demo)
    return organisation, password


def is_initialised(uow: UnitOfWork) -> bool:
    """Whether any organisation exists yet: the first-run check of `qtqms init`, before anyone can log in."""
    return repo.count_organisations(uow.session) > 0


def find_products(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> dict[str, Subject]:
    """Products by key, as other slices cite them (evidence of a product's tests)."""
    found = repo.products_by_keys(uow.session, authorize(actor, Permission.READ), keys)
    return {p.key: Subject("product", p.key, p.name, "/org") for p in found}
