"""Every integer a route takes from its path or query is bounded to what the databases hold, so 2**64 is a 422
that says so, not an overflow deep in the driver (issue 17, point 5)."""

from fastapi.routing import APIRoute

from qtqms.app.web import create_app
from qtqms.kit.web.deps import MAX_RECORD_ID
from tests.builders import api_token, make_org


def _int_params(app):
    def walk(routes):
        for route in routes:
            original = getattr(route, "original_router", None)
            if original is not None:
                yield from walk(original.routes)
            elif isinstance(route, APIRoute):
                for param in (*route.dependant.path_params, *route.dependant.query_params):
                    if param.field_info.annotation in (int, int | None):
                        yield route.path, param

    yield from walk(app.routes)


def _upper_bound(param) -> int | None:
    return next((getattr(m, "le", None) for m in param.field_info.metadata if getattr(m, "le", None)), None)


def test_every_integer_parameter_of_every_route_is_bounded():
    found = list(_int_params(create_app()))
    unbounded = [(path, p.name) for path, p in found if (_upper_bound(p) or MAX_RECORD_ID + 1) > MAX_RECORD_ID]
    assert len(found) >= 10 and unbounded == []


def test_an_id_past_the_databases_integers_is_a_422_naming_the_parameter(db, client):
    admin = make_org(db)
    headers = {"Authorization": f"Bearer {api_token(db, admin)}"}
    response = client.get(f"/api/v1/evidence/{2**64}", headers=headers)
    assert response.status_code == 422
    assert "evidence_id" in response.text
