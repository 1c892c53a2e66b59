"""The confirm stage reads comments and strings only around candidate lines, and still knows when a line sits
inside a comment or string opened many lines before."""

from __future__ import annotations

from qtqms.pqc.scanner.engine import scan
from tests.pqc.accuracy import CORPUS

FILLER = "    int counter_{n} = compute(counter, {n}); /* update the counter */\n"


def found(tmp_path, name: str, source: str) -> list[tuple[int, int, str]]:
    (tmp_path / name).write_text(source)
    findings, _ = scan(tmp_path)
    return [(f.line, f.column, f.label) for f in findings]


def test_crypto_named_in_block_comments_and_strings_is_not_a_finding(tmp_path):
    source = """/**
 * Old code used Cipher.getInstance("DES") here;
 * see also MessageDigest.getInstance("MD5").
 */
public class Crypt {
    /* a comment that starts here
       Cipher c0 = Cipher.getInstance("RC4");
    */
    Cipher c1 = Cipher.getInstance("AES/GCM/NoPadding");
    String s = "Cipher.getInstance(\\"DES\\") in a string";
    String url = "http://example.org"; Cipher c2 = Cipher.getInstance("DESede/CBC/PKCS5Padding");
}
"""
    assert found(tmp_path, "Crypt.java", source) == [(9, 17, "AES-GCM"), (11, 52, "3DES-CBC")]


def test_a_comment_opened_far_above_the_first_candidate_line_still_hides_it(tmp_path):
    commented = "".join(FILLER.format(n=n) for n in range(300))  # each line opens and closes a comment
    plain = "".join(FILLER.format(n=n).split(" /*")[0] + "\n" for n in range(300))
    source = f'class A {{\n{commented}/* retired:\n{plain}    Cipher c = Cipher.getInstance("RC4");\n*/\n'
    source += '    Cipher d = Cipher.getInstance("AES/GCM/NoPadding");\n}\n'
    assert found(tmp_path, "A.java", source) == [(605, 16, "AES-GCM")]
    source = source.replace("/* retired:\n", "/* retired: */\n")
    assert found(tmp_path, "A.java", source) == [(603, 16, "RC4"), (605, 16, "AES-GCM")]


def test_template_literals_and_continued_strings_span_lines(tmp_path):
    javascript = "const crypto = require('crypto');\nconst doc = `\n  crypto.createHash('md5')\n`;\n"
    javascript += "const h = crypto.createHash('sha256');\n"
    assert found(tmp_path, "tmpl.js", javascript) == [(5, 18, "SHA-256")]
    c = '#include <openssl/evp.h>\nconst char *s = "EVP_md5() \\\nEVP_sha1()";\nconst EVP_MD *m = EVP_sha256();\n'
    assert found(tmp_path, "cont.c", c) == [(4, 19, "SHA-256"), (5, 18, "SHA-256")]


def test_code_that_only_names_pem_markers_holds_no_key_but_an_embedded_certificate_counts(tmp_path):
    parser = '_SK_START = b"-----BEGIN OPENSSH PRIVATE KEY-----"\n_SK_END = b"-----END OPENSSH PRIVATE KEY-----"\n'
    template = """const certPem = [
  "-----BEGIN CERTIFICATE-----",
  // Split the base64 string into lines of 64 characters
  certificate.toString("base64").match(/.{1,64}/g).join("\\n"),
  "-----END CERTIFICATE-----",
].join("\\n");
"""
    assert found(tmp_path, "ssh_format.py", parser) == []
    assert found(tmp_path, "pem.js", template) == []
    pem = (CORPUS / "keys" / "server-rsa2048.crt").read_text()
    literals = "".join(f'    "{line}\\n" +\n' for line in pem.splitlines())
    embedded = f'static final String CERT =\n{literals}    "";\n'
    assert [label for _, _, label in found(tmp_path, "Pinned.java", embedded)] == ["certificate:RSA-2048"]
