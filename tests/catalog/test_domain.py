"""Pure rules of the catalogue model: tree checks, mapping checks, tree navigation."""

from datetime import date

from qtqms.catalog.domain import (
    FrameworkPack,
    Mapping,
    PackInfo,
    Relationship,
    Requirement,
    RequirementKind,
    mapping_violations,
    requirement_tree_violations,
)


def req(rid, parent=None, kind=RequirementKind.CONTROL):
    return Requirement(id=rid, kind=kind, label=f"label {rid}", parent=parent)


def pack(*requirements, pack_id="demo-1"):
    info = PackInfo(pack_id, "Demo", "1.0.0", "Us", "tests", date(2026, 11, 24), "ours")
    return FrameworkPack(info=info, edition="1", requirements=tuple(requirements))


def link(source, target):
    return Mapping(source, target, Relationship.EQUAL, 1.0, "same thing")


def test_a_sound_tree_has_no_violations():
    assert requirement_tree_violations([req("4"), req("4.1", "4"), req("4.2", "4"), req("5")]) == []


def test_duplicate_ids_are_reported_at_the_second_occurrence():
    found = requirement_tree_violations([req("4"), req("4.1", "4"), req("4.1", "4")])
    assert [(v.path, v.message) for v in found] == [(("requirements", 2, "id"), "duplicate requirement id '4.1'")]


def test_unknown_parents_are_reported_each():
    found = requirement_tree_violations([req("4"), req("4.1", "5"), req("4.2", "6")])
    assert [v.path for v in found] == [("requirements", 1, "parent"), ("requirements", 2, "parent")]
    assert "parent '5' is not a requirement of this pack" in found[0].message


def test_each_cycle_is_reported_once_at_its_first_member():
    found = requirement_tree_violations([req("r"), req("a", "c"), req("b", "a"), req("c", "b"), req("s", "s")])
    assert [(v.path, v.message) for v in found] == [
        (("requirements", 1, "parent"), "parent chain loops: a -> c -> b -> a"),
        (("requirements", 4, "parent"), "parent chain loops: s -> s"),
    ]


def test_a_chain_hanging_off_a_cycle_is_not_itself_a_cycle():
    found = requirement_tree_violations([req("a", "b"), req("b", "a"), req("x", "a"), req("y", "x")])
    assert len(found) == 1 and found[0].path == ("requirements", 0, "parent")


def test_tree_navigation():
    framework = pack(req("4", kind=RequirementKind.CLAUSE), req("5"), req("4.1", "4"), req("4.1.1", "4.1"))
    assert [r.id for r in framework.children(None)] == ["4", "5"]
    assert [r.id for r in framework.ancestors("4.1.1")] == ["4.1", "4"]
    assert [r.id for r in framework.walk()] == ["4", "4.1", "4.1.1", "5"]
    assert "4.1" in framework and "9" not in framework
    assert framework.get("4.1").parent == "4" and framework.get("9") is None


def test_mapping_rows_must_join_existing_requirements():
    packs = {"a": pack(req("1"), pack_id="a"), "b": pack(req("x"), pack_id="b")}
    found = mapping_violations("a", "b", [link("1", "x"), link("2", "x"), link("1", "y"), link("1", "x")], packs)
    assert [(v.path, v.message) for v in found] == [
        (("mappings", 1, "source"), "'2' is not a requirement of pack 'a'"),
        (("mappings", 2, "target"), "'y' is not a requirement of pack 'b'"),
        (("mappings", 3), "mapping 1 -> x appears more than once"),
    ]


def test_mapping_to_an_unknown_pack_names_the_pack_and_skips_its_rows():
    found = mapping_violations("a", "zz", [link("1", "anything")], {"a": pack(req("1"), pack_id="a")})
    assert [(v.path, v.message) for v in found] == [(("target_pack",), "no framework pack with id 'zz' is known")]
