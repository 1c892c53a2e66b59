"""The shared world with the shipped catalogue loaded, and a helper that adds a control with its evidence."""

from __future__ import annotations

import pytest

from qtqms.catalog import service
from qtqms.catalog.schemas import ControlCreate, RequirementRef
from qtqms.evidence import service as evidence_service
from tests.world import World, build_world, load_catalogue


class CatalogWorld(World):
    def control(self, key: str, *refs: str, status: str = "implemented", evidence: bool = True, **dates):
        """A control linked to 'pack|requirement' refs, with one URL evidence record unless told otherwise."""
        links = [RequirementRef(framework=r.split("|")[0], requirement=r.split("|")[1]) for r in refs]
        data = ControlCreate(key=key, title=f"Control {key}", owner="admin", status=status, requirements=links)
        self.run(self.admin, service.create_control, data)
        if evidence:
            self.run(
                self.admin,
                evidence_service.add_url,
                "control",
                key,
                title=f"{key} record",
                url="https://example.org/evidence",
                **dates,
            )


@pytest.fixture
def world(db, snapshots) -> CatalogWorld:
    def build(db) -> CatalogWorld:
        world = snapshots.restore("world", build_world)
        load_catalogue(db)
        return CatalogWorld(**vars(world))

    return snapshots.restore("catalog-world", build)
