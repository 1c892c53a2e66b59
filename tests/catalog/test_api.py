"""The catalogue REST API: shapes, errors with located problems, and query counts that do not grow with rows."""

from __future__ import annotations

from datetime import date

from qtqms.catalog import service
from qtqms.catalog.domain import FrameworkPack, PackInfo, Requirement, RequirementKind
from qtqms.evidence import store
from tests.builders import api_token, query_counter

P = "/api/v1/catalog"


def _bearer(world, actor=None) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(world.db, actor or world.admin)}"}


def big_framework(pack_id: str, size: int) -> FrameworkPack:
    """`size` requirements: one heading per 20, the rest assessable controls beneath it."""
    info = PackInfo(pack_id, f"Generated {size}", "1", "tests", "generated", date(2026, 11, 24), "none")
    rows = []
    for index in range(size):
        heading = f"H{index // 20}"
        if index % 20 == 0:
            rows.append(Requirement(heading, RequirementKind.CLAUSE, f"Section {index // 20}", assessable=False))
        else:
            rows.append(Requirement(f"{heading}.{index}", RequirementKind.CONTROL, f"Rule {index}", parent=heading))
    return FrameworkPack(info=info, edition="1", requirements=tuple(rows))


def test_frameworks_and_the_annex_a_counts(client, world):
    headers = _bearer(world, world.viewer)
    listed = client.get(f"{P}/frameworks", headers=headers).json()
    assert {"id", "title", "version", "requirement_count"} <= set(listed[0])
    iso = client.get(f"{P}/frameworks/iso27001-2022", headers=headers).json()
    assert sum(1 for r in iso["requirements"] if r["kind"] == "control" and r["id"].startswith("A.")) == 93
    missing = client.get(f"{P}/frameworks/iso99999", headers=headers)
    assert missing.status_code == 404 and "not loaded" in missing.json()["error"]["message"]


def test_create_control_link_evidence_and_read_readiness(client, world):
    headers = _bearer(world)
    body = {
        "key": "CTL-HS",
        "title": "Harmonized core",
        "owner": "admin",
        "status": "implemented",
        "requirements": [{"framework": "hs-2021", "requirement": "6.1"}],
    }
    assert client.post(f"{P}/controls", json=body, headers=headers).status_code == 201
    evidence = client.post(
        f"{P}/controls/CTL-HS/evidence",
        headers=headers,
        json={"title": "Minutes", "url": "https://example.org/m", "valid_until": "2999-01-01"},
    )
    assert evidence.status_code == 201 and evidence.json()["current"] is True
    result = client.get(f"{P}/readiness/iso9001-2015", headers=headers).json()
    inferred = next(r for r in result["requirements"] if r["status"] == "met")
    assert inferred["origin"] == "hs-2021 6.1" and inferred["path"][0]["mapping_set"] == "hs-2021-to-iso9001-2015"
    overall = {r["framework"]: r for r in client.get(f"{P}/readiness", headers=headers).json()}
    assert overall["hs-2021"]["met"] == 1 and 0 < overall["hs-2021"]["score"] < 1
    explain = client.get(
        f"{P}/readiness/iso9001-2015/explain", params={"requirement": inferred["requirement"]}, headers=headers
    ).json()
    assert explain["origin_controls"][0]["control"] == "CTL-HS"


def test_bad_control_input_names_each_problem(client, world):
    body = {
        "key": "CTL-X",
        "title": "x",
        "owner": "nobody",
        "requirements": [{"framework": "iso27001-2022", "requirement": "A.0"}],
    }
    response = client.post(f"{P}/controls", json=body, headers=_bearer(world))
    assert response.status_code == 422
    assert "A.0" in response.json()["error"]["message"]


def test_listing_assessments_costs_the_same_queries_for_300_or_1200_requirements(client, world):
    for pack_id, size in (("gen-small", 300), ("gen-large", 1200)):
        world.run(world.admin, service.import_pack, big_framework(pack_id, size))
    world.control("CTL-G", "gen-small|H0.1", "gen-large|H0.1", "gen-large|H59.1199")
    headers = _bearer(world, world.viewer)
    client.get(f"{P}/frameworks", headers=headers)  # the token's first use is recorded once
    counts = {}
    for pack_id in ("gen-small", "gen-large"):
        with query_counter(world.db) as statements:
            response = client.get(f"{P}/readiness/{pack_id}", headers=headers)
        assert response.status_code == 200
        counts[pack_id] = len(statements)
    large = response.json()
    assert len(large["requirements"]) == 1140 and large["met"] == 2
    assert counts["gen-small"] == counts["gen-large"]


def test_upload_an_evidence_file_then_download_it_under_a_safe_name(client, world):
    world.control("CTL-FILE", "iso27001-2022|A.8.24", evidence=False)
    name = 'scan "q1"\r\nX-Injected: 1.txt'
    uploaded = client.post(
        f"{P}/controls/CTL-FILE/evidence",
        headers=_bearer(world, world.engineer),
        files={"file": (name, b"tls scan: X25519MLKEM768", "text/plain")},
        data={"valid_until": "2999-01-01"},
    )
    assert uploaded.status_code == 201, uploaded.text
    item = uploaded.json()
    assert item["size"] == 24 and item["current"] is True and len(item["sha256"]) == 64
    assert item["title"] == item["filename"]  # no title given: the file's name
    downloaded = client.get(f"{P}/evidence/{item['id']}/file", headers=_bearer(world, world.viewer))
    assert downloaded.status_code == 200 and downloaded.content == b"tls scan: X25519MLKEM768"
    disposition = downloaded.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="') and "\r" not in disposition and "\n" not in disposition
    assert disposition.count('"') == 2 and "X-Injected" not in downloaded.headers
    assert downloaded.headers["content-type"] == "application/octet-stream"
    assert downloaded.headers["x-content-type-options"] == "nosniff"


def test_evidence_upload_refusals_name_what_is_wrong(client, world):
    world.control("CTL-BAD", "iso27001-2022|A.8.24", evidence=False)
    url = f"{P}/controls/CTL-BAD/evidence"
    headers = _bearer(world, world.engineer)
    file = {"file": ("a.txt", b"content", "text/plain")}
    viewer = client.post(url, headers=_bearer(world, world.viewer), files=file)
    assert viewer.status_code == 403 and viewer.json()["error"]["code"] == "forbidden"
    backwards = client.post(url, headers=headers, files=file,
                            data={"valid_from": "2026-05-01", "valid_until": "2026-01-01"})  # fmt: skip
    assert backwards.status_code == 422 and backwards.json()["error"]["problems"][0]["field"] == "valid_until"
    not_a_date = client.post(url, headers=headers, files=file, data={"valid_from": "2026-13-01"})
    assert not_a_date.status_code == 422 and not_a_date.json()["error"]["problems"][0]["field"] == "valid_from"
    no_file = client.post(url, headers=headers, data={"title": "x"}, files={"other": ("b.txt", b"x")})
    assert no_file.status_code == 422 and no_file.json()["error"]["problems"][0]["field"] == "file"
    empty = client.post(url, headers=headers, files={"file": ("e.txt", b"", "text/plain")})
    assert empty.status_code == 422 and "empty" in empty.json()["error"]["message"]
    huge = client.post(url, headers=headers, files={"file": ("big.bin", b"x" * (store.MAX_BYTES + 1))})
    assert huge.status_code == 422 and "larger than the limit" in huge.json()["error"]["message"]
    unknown = client.post(f"{P}/controls/CTL-NONE/evidence", headers=headers, files=file)
    assert unknown.status_code == 404
    malformed = client.post(url, headers={**headers, "content-type": "application/json"}, content=b"{nope")
    assert malformed.status_code == 400
    assert world.read(world.viewer, service.get_control, "CTL-BAD").evidence == []


def test_patch_replaces_the_links_when_given_and_null_changes_nothing_it_cannot_clear(client, world):
    world.control("CTL-PA", "iso27001-2022|A.8.24", "iso27001-2022|A.5.1")
    headers = _bearer(world, world.engineer)
    body = {"title": None, "review_date": "2027-01-31",
            "requirements": [{"framework": "iso27001-2022", "requirement": "A.8.24"},
                             {"framework": "pqc", "requirement": "FIPS 203"}]}  # fmt: skip
    patched = client.patch(f"{P}/controls/CTL-PA", json=body, headers=headers)
    assert patched.status_code == 200, patched.text
    read = patched.json()
    assert read["title"] == "Control CTL-PA" and read["review_date"] == "2027-01-31"
    assert {(r["framework"], r["requirement"]) for r in read["requirements"]} == {
        ("iso27001-2022", "A.8.24"), ("pqc", "FIPS 203")}  # fmt: skip
    cleared = client.patch(f"{P}/controls/CTL-PA", json={"review_date": None}, headers=headers).json()
    assert cleared["review_date"] is None and len(cleared["requirements"]) == 2  # links untouched when not given
    bad = {"owner": "nobody", "requirements": [{"framework": "pqc", "requirement": "X"}]}
    refused = client.patch(f"{P}/controls/CTL-PA", headers=headers, json=bad)
    problems = {(p["where"], p["field"]) for p in refused.json()["error"]["problems"]}
    assert refused.status_code == 422 and problems == {("", "owner"), ("requirements[0]", "")}
    assert len(client.get(f"{P}/controls/CTL-PA", headers=headers).json()["requirements"]) == 2
