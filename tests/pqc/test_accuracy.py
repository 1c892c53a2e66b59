"""Scanner accuracy on the labelled corpus: precision and recall per language and asset type."""

from __future__ import annotations

import pytest

from qtqms.pqc.scanner.matchers import hyperscan_available
from tests.pqc.accuracy import counts, evaluate

MATCHERS = [
    "aho-corasick",
    pytest.param("hyperscan", marks=pytest.mark.skipif(not hyperscan_available(), reason="no hyperscan")),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return evaluate(tmp_path_factory.mktemp("corpus"), matcher="aho-corasick")


def test_corpus_has_at_least_150_labelled_cases_across_languages(report):
    per_language = counts(report.expected)
    assert sum(per_language.values()) >= 150
    assert {"python", "java", "go", "c", "javascript", "rust", "config", "manifest", "keys"} <= set(per_language)


def test_python_precision_and_recall_reach_095(report, capsys):
    with capsys.disabled():
        print("\n" + report.table())
    python = report.by_language["python"]
    assert python.precision >= 0.95, report.false_alarms
    assert python.recall >= 0.95, report.misses


def test_overall_precision_and_recall_reach_090(report):
    assert report.overall.precision >= 0.90, report.false_alarms
    assert report.overall.recall >= 0.90, report.misses


@pytest.mark.parametrize("matcher", MATCHERS)
def test_every_matcher_finds_the_same_things(report, matcher, tmp_path):
    assert evaluate(tmp_path, matcher=matcher).found == report.found
