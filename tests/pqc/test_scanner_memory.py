"""Peak memory of a scan stays bounded whatever the size of one source file (issue 13).

A syntax tree takes about a hundred bytes per character of source: parsing a 5 MB module whole took a
process past 400 MB. Each case runs in a fresh interpreter that reports its own peak resident set size:
VmHWM, which starts afresh at exec (ru_maxrss would carry over the peak of the process it was started from).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

PEAK_LIMIT_MB = 150  # an interpreter with the scanner loaded is about 35 MB

CHILD = """
import json, sys
from qtqms.pqc.scanner import Scanner, ScanOptions
scanner = Scanner(ScanOptions(jobs=1))
findings = sum(1 for _ in scanner.scan(sys.argv[1]))
status = open("/proc/self/status").read().split("VmHWM:")[1]
peak_kb = int(status.split()[0])
print(json.dumps({"findings": findings, "peak_mb": peak_kb / 1024, "problems": scanner.summary.problems}))
"""


def _one_function(count: int) -> str:
    body = "".join(f"    value_{i} = hashlib.sha256(b'data{i}').hexdigest()\n" for i in range(count))
    return "import hashlib\n\n\ndef generated():\n" + body


def _statements(count: int) -> str:
    lines = (
        f"value_{i} = hashlib.sha256(b'data{i}').hexdigest()\n"
        if i % 20 == 0
        else f"value_{i} = compute_{i % 7}({i}, 'padding text for the line')\n"
        for i in range(count)
    )
    return "import hashlib\n" + "".join(lines)


def _scan_in_child(path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("source", "findings"),
    [
        pytest.param(_one_function(90_000), 0, id="one 5 MB function"),
        pytest.param(_statements(90_000), 4_500, id="5 MB of statements"),
    ],
)
def test_a_5_mb_source_file_keeps_the_peak_bounded(tmp_path, source, findings):
    path = tmp_path / "generated.py"
    path.write_text(source)
    assert path.stat().st_size > 5_000_000
    result = _scan_in_child(path)
    assert result["peak_mb"] < PEAK_LIMIT_MB
    assert result["findings"] == findings


def test_a_statement_too_large_to_parse_is_reported_with_its_line(tmp_path):
    path = tmp_path / "generated.py"
    path.write_text(_one_function(90_000))
    assert _scan_in_child(path)["problems"] == [["generated.py:4", "python statement too large to analyse"]]
