"""Python is parsed one top-level statement at a time, and only the statements that can matter: the findings
are those of the whole module, wherever the crypto sits among unrelated code."""

from __future__ import annotations

from pathlib import Path

import pytest

from qtqms.pqc.scanner.engine import scan
from tests.pqc.accuracy import prepare

FILLER = "".join(f"counter_{n} = compute_total(counter, {n})  # update the total\n" for n in range(200))
ANALYSED = [
    "harder_cases.py",
    "jose_libraries.py",
    "jwt_tokens.py",
    "liboqs_and_pqcrypto.py",
    "mutations.py",
    "negatives_lookalikes.py",
    "pyca_ec_and_pqc.py",
    "pyca_public_api.py",
    "pyca_rsa_transport.py",
    "pyca_symmetric.py",
    "pycryptodome_legacy.py",
    "pycryptodome_more.py",
    "pynacl_boxes.py",
    "pyopenssl_and_m2crypto.py",
    "references_not_uses.py",
    "stdlib_hashing.py",
    "tls_and_ssh.py",
]


def found(tmp_path: Path, source: str, name: str = "module.py") -> list[tuple[int, int, str]]:
    folder = tmp_path / "tree"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(source)
    findings, summary = scan(folder / name)
    assert not summary.problems
    return [(f.line, f.column, f.label) for f in findings]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    prepare(root)
    return root / "python"


def test_the_corpus_files_are_all_analysed(corpus):
    assert sorted(p.name for p in corpus.glob("*.py")) == sorted([*ANALYSED, "broken_syntax_py2.py"])


@pytest.mark.parametrize("name", ANALYSED)
def test_findings_do_not_depend_on_the_code_around_them(corpus, tmp_path, name):
    source = (corpus / name).read_text()
    alone = found(tmp_path, source)
    embedded = found(tmp_path, FILLER + source.rstrip("\n") + "\n" + FILLER)
    assert embedded == [(line + 200, column, label) for line, column, label in alone]


def test_crypto_in_a_string_with_code_like_lines_in_column_0_is_not_a_finding(tmp_path):
    source = 'import hashlib\n\nHELP = """\nExample:\ndigest = hashlib.md5(data)\n"""\n\nok = hashlib.sha256(b"x")\n'
    assert found(tmp_path, source) == [(8, 6, "SHA-256")]


def test_lines_in_column_0_inside_brackets_belong_to_their_statement(tmp_path):
    source = "import hashlib\n\nhandlers = dict(\nlegacy=hashlib.md5,\n)\nmodern = use(\nhashlib.sha256,\n)\n"
    assert found(tmp_path, source) == [(4, 8, "MD5"), (7, 1, "SHA-256")]


def test_decorators_else_branches_and_continued_lines_stay_with_their_statement(tmp_path):
    source = (
        "import hashlib\nfrom functools import lru_cache\n\n"
        "@lru_cache(\n    maxsize=hashlib.sha1().digest_size,\n)\n"
        "def fingerprint(data):\n    return hashlib.sha512(data)\n\n"
        "if FAST:\n    h = hashlib.md5\nelse:\n    h = hashlib.sha3_256\n\n"
        "total = 1 + \\\nhashlib.sha224().digest_size\n"
    )
    assert [label for _, _, label in found(tmp_path, source)] == [
        "SHA-1",
        "SHA-512",
        "MD5",
        "SHA3-256",
        "SHA-224",
    ]


def test_names_imported_and_assigned_far_from_their_use_are_followed(tmp_path):
    source = (
        "from cryptography.hazmat.primitives.asymmetric import rsa as r\n"
        "from cryptography.hazmat.primitives import hashes\n"
        "from cryptography.hazmat.primitives.asymmetric import padding\n"
        "KEY_BITS = 1024\n" + FILLER + "SIGNING_KEY = r.generate_private_key(65537, KEY_BITS)\n" + FILLER + "\n"
        "def sign(data):\n"
        "    return SIGNING_KEY.sign(data, padding.PKCS1v15(), hashes.SHA256())\n"
    )
    assert {(line, label) for line, _, label in found(tmp_path, source)} == {
        (205, "RSA-1024"),  # the size from a constant 201 lines above
        (408, "RSA-1024"),  # the signature, from a key made 203 lines above
        (408, "SHA-256"),
    }


def test_a_syntax_error_elsewhere_no_longer_hides_crypto_use(tmp_path):
    source = 'import hashlib\n\nprint "legacy"\n\ndigest = hashlib.md5(b"x")\n'
    assert found(tmp_path, source) == [(5, 10, "MD5")]


def test_a_syntax_error_in_the_crypto_statement_is_reported(tmp_path):
    (tmp_path / "py2.py").write_text('import hashlib\nprint "x", hashlib.md5("a").hexdigest()\n')
    findings, summary = scan(tmp_path)
    assert findings == []
    assert summary.problems == [("py2.py", "python syntax error (not analysed)")]


def test_files_with_old_mac_line_breaks_are_read_whole(tmp_path):
    assert found(tmp_path, "import hashlib\rx = 1\rdigest = hashlib.md5(b'x')\r") == [(3, 10, "MD5")]


def test_names_checked_against_listed_or_tabled_are_references_not_uses(corpus, tmp_path):
    """isinstance checks, comparisons, allow-lists, tables and annotations refer to algorithms (issue 13)."""
    source = (corpus / "references_not_uses.py").read_text()
    lines = source.splitlines()
    default = next(n for n, line in enumerate(lines, 1) if "def signer(" in line)
    assert [(line, label) for line, _, label in found(tmp_path, source)] == [(default, "SHA-256")]


@pytest.mark.parametrize(
    ("curve", "label"),
    [("Ed25519", "Ed25519"), ("ed448", "Ed448"), ("Curve25519", "X25519"), ("P-256", "EC-P-256")],
)
def test_pycryptodome_curves_that_name_another_algorithm(tmp_path, curve, label):
    source = f'from Crypto.PublicKey import ECC\nkey = ECC.generate(curve="{curve}")\n'
    assert found(tmp_path, source) == [(2, 7, label)]
