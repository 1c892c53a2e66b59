"""`qtqms evidence list|add|show|download`: any record's evidence from the command line; bad input exits 2 in one
line. (`verify` and a refused download: test_integrity.py.)"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from qtqms.app.cli import app

runner = CliRunner()


def qtqms(*args: str):
    return runner.invoke(app, list(args))


def test_add_list_show_and_download(desk, tmp_path, monkeypatch):
    report = tmp_path / "report.txt"
    report.write_bytes(b"interoperability test report")
    added = qtqms("evidence", "add", "product", "QKD-LINK", "--file", str(report), "--valid-until", "2999-12-31")
    assert added.exit_code == 0, added.output
    assert "added to product QKD-LINK (sha256 " in added.output
    link = json.loads(qtqms("evidence", "add", "control", "CTL-KEYS", "--title", "Wiki", "--url",
                            "https://example.org/w", "--json").stdout)  # fmt: skip
    assert (link["kind"], link["added_by"]) == ("url", "admin")
    listed = json.loads(qtqms("evidence", "list", "--json", "--subject-type", "product").stdout)
    assert [(e["title"], e["current"]) for e in listed] == [("report.txt", True)]
    shown = qtqms("evidence", "show", str(listed[0]["id"]))
    assert "product QKD-LINK" in shown.output and "added:" in shown.output and "by admin" in shown.output
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path / "out")
    assert qtqms("evidence", "download", str(listed[0]["id"])).exit_code == 0
    assert (tmp_path / "out" / "report.txt").read_bytes() == b"interoperability test report"
    again = qtqms("evidence", "download", str(listed[0]["id"]))
    assert again.exit_code == 2 and "exists" in again.output  # never overwritten unless --force


def test_bad_input_exits_2_with_one_line_and_adds_nothing(desk, tmp_path):
    record = tmp_path / "r.txt"
    record.write_text("x")
    cases = [
        (("evidence", "add", "control", "CTL-NONE", "--file", str(record)), "control 'CTL-NONE' not found"),
        (("evidence", "add", "gate", "G-1", "--file", str(record)), "subject_type 'gate'"),
        (("evidence", "add", "control", "CTL-KEYS", "--file", str(tmp_path / "none.txt")), "no such file"),
        (("evidence", "add", "control", "CTL-KEYS", "--file", str(record), "--valid-from", "2026-05-01",
          "--valid-until", "2026-01-01"), "valid_until"),
        (("evidence", "add", "control", "CTL-KEYS", "--valid-from", "tomorrow", "--url", "https://e.org"),
         "--valid-from 'tomorrow'"),
        (("evidence", "add", "control", "CTL-KEYS", "--url", "https://e.org"), "title"),
        (("evidence", "add", "control", "CTL-KEYS"), "give either --file or --url"),
        (("evidence", "show", "999"), "evidence 999 not found"),
    ]  # fmt: skip
    for args, words in cases:
        result = qtqms(*args)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output and result.output.strip().count("\n") <= 1, (args, result.output)
    assert json.loads(qtqms("evidence", "list", "--json").stdout) == []
