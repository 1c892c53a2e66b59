"""The scanner as a library: what it reads, what it skips and why, and that it never crashes on a tree."""

from __future__ import annotations

import inspect
import os

import pytest

from qtqms.pqc.scanner.engine import Scanner, ScanOptions, scan

HASHING = "import hashlib\n\ndef digest(data):\n    return hashlib.sha256(data).hexdigest()\n"


def labels(findings) -> set[tuple[str, str]]:
    return {(f.path, f.label) for f in findings}


def test_scan_streams_findings_and_fills_the_summary(tmp_path):
    (tmp_path / "a.py").write_text(HASHING)
    scanner = Scanner()
    stream = scanner.scan(tmp_path)
    assert inspect.isgenerator(stream)
    assert labels(stream) == {("a.py", "SHA-256")}
    assert scanner.summary.files_scanned == 1
    assert scanner.summary.findings == 1


def test_gitignore_and_excludes_are_honoured(tmp_path):
    (tmp_path / ".gitignore").write_text("build/\n*.generated.py\n")
    for name in ("build/out.py", "x.generated.py", "vendor/lib.py", "src/app.py", "src/nested/keep.py"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HASHING)
    (tmp_path / "src" / ".gitignore").write_text("nested/\n")
    findings, summary = scan(tmp_path, ScanOptions(excludes=("vendor/",)))
    assert labels(findings) == {("src/app.py", "SHA-256")}
    assert summary.skipped["ignored"] == 4
    everything, _ = scan(tmp_path, ScanOptions(respect_gitignore=False))
    assert len(everything) == 5


def test_binaries_large_files_and_unknown_kinds_are_skipped_and_counted(tmp_path):
    (tmp_path / "blob.py").write_bytes(b"import hashlib\x00\x01hashlib.md5()")
    (tmp_path / "huge.py").write_text(HASHING + "#" * 5000)
    (tmp_path / "README.md").write_text("Call hashlib.md5() to compute RSA-2048 keys")
    findings, summary = scan(tmp_path, ScanOptions(max_file_size=1000))
    assert findings == []
    assert summary.skipped["binary"] == 1
    assert summary.skipped["too large"] == 1
    assert ("huge.py", "too large") in summary.problems
    assert summary.skipped["not a source, config, manifest or key file"] == 1


def test_unreadable_file_is_reported_not_fatal(tmp_path, monkeypatch):
    (tmp_path / "ok.py").write_text(HASHING)
    (tmp_path / "secret.py").write_text(HASHING)
    original = os.open

    def deny(path, *args, **kwargs):  # tests run as root, whom file modes do not stop
        if str(path).endswith("secret.py"):
            raise PermissionError(13, "Permission denied")
        return original(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    findings, summary = scan(tmp_path)
    assert labels(findings) == {("ok.py", "SHA-256")}
    assert summary.skipped["unreadable"] == 1
    assert summary.problems == [("secret.py: Permission denied", "unreadable")]


def test_undecodable_text_is_read_with_replacement_and_reported(tmp_path):
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + HASHING.encode())
    findings, summary = scan(tmp_path)
    assert labels(findings) == {("latin.py", "SHA-256")}
    assert summary.problems[0][0] == "latin.py"


def test_python_that_does_not_parse_is_reported(tmp_path):
    (tmp_path / "py2.py").write_text('import hashlib\nprint "x", hashlib.md5("a").hexdigest()\n')
    findings, summary = scan(tmp_path)
    assert findings == []
    assert summary.problems == [("py2.py", "python syntax error (not analysed)")]


@pytest.mark.parametrize("follow", [False, True])
def test_symlink_loops_end(tmp_path, follow):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(HASHING)
    os.symlink(tmp_path, tmp_path / "pkg" / "loop")
    os.symlink(tmp_path / "missing", tmp_path / "dangling.py")
    findings, summary = scan(tmp_path, ScanOptions(follow_symlinks=follow))
    assert labels(findings) == {("pkg/a.py", "SHA-256")}
    if follow:
        assert summary.skipped["symlink loop"] == 1
        assert summary.skipped["broken symlink"] == 1
    else:
        assert summary.skipped["symlink"] == 2


def test_scanner_fixture_directories_are_skipped_below_the_root(tmp_path):
    fixtures = tmp_path / "tests" / "fixtures"
    fixtures.mkdir(parents=True)
    (fixtures / "weak.py").write_text(HASHING)
    (fixtures / ".pqc-scan-ignore").write_text("crypto scanner fixtures\n")
    findings, summary = scan(tmp_path)
    assert findings == []
    assert summary.skipped["scanner fixture directory"] == 1
    assert labels(scan(fixtures)[0]) == {("weak.py", "SHA-256")}


def test_a_single_file_can_be_scanned(tmp_path):
    path = tmp_path / "one.py"
    path.write_text(HASHING)
    assert labels(scan(path)[0]) == {("one.py", "SHA-256")}


def test_private_key_material_never_reaches_the_output(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(65537, 2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    (tmp_path / "server.key").write_text(pem)
    (tmp_path / "config.py").write_text(f'KEY = """{pem}"""\n')
    findings, _ = scan(tmp_path)
    assert {f.label for f in findings} == {"related-crypto-material:RSA-2048"}
    body = pem.splitlines()[1]
    assert all(body not in str(f.to_dict()) for f in findings)


def _der(tag: int, body: bytes) -> bytes:
    assert len(body) < 128
    return bytes([tag, len(body)]) + body


def test_a_der_key_of_an_algorithm_cryptography_cannot_load_stops_no_scan(tmp_path):
    """A PKCS#8 key whose algorithm OID `cryptography` does not know raised UnsupportedAlgorithm (issue 13)."""
    unknown_oid = _der(0x06, bytes([0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x06, 0x22]))  # 1.3.6.1.5.5.7.6.34
    key = _der(0x30, _der(0x02, b"\0") + _der(0x30, unknown_oid) + _der(0x04, b"\x04\x20" + b"k" * 32))
    (tmp_path / "device.der").write_bytes(key)
    findings, summary = scan(tmp_path)
    assert summary.files_scanned == 1
    assert [f.detail("state") for f in findings] == ["unparsed"]
