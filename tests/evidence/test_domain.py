"""Evidence rules without storage: file names, the input check, currency."""

from __future__ import annotations

from datetime import date

import pytest

from qtqms.evidence import domain
from qtqms.kernel.errors import InvalidInput

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("../cert.pdf", "cert.pdf"), ("C:\\scans\\q1.pdf", "q1.pdf"), ("..", "upload"), ("a/..", "upload"),
     ("", "upload"), (" . ", "upload"), ("x" * 300, "x" * 255)],
)  # fmt: skip
def test_a_file_keeps_only_its_own_name_and_never_one_that_means_a_folder(sent, kept):
    assert domain.file_name(sent) == kept


def test_the_check_starts_validity_today_and_names_every_bad_field():
    assert domain.check(title=" Scan ", valid_from=None, valid_until=None, today=TODAY) == domain.Checked("Scan", TODAY)
    with pytest.raises(InvalidInput) as raised:
        domain.check(title="", url="javascript:alert(1)", valid_from=None, valid_until=date(2026, 1, 1), today=TODAY)
    assert [p.field for p in raised.value.problems] == ["title", "url", "valid_until"]


def test_evidence_is_current_from_its_first_to_its_last_day():
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    assert [domain.is_current(start, end, day) for day in (date(2025, 12, 31), start, end, date(2027, 1, 1))] == [
        False, True, True, False,
    ]  # fmt: skip
    assert domain.is_current(start, None, date(2999, 1, 1))
