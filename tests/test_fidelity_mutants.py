"""Differential test: the project's schemas and the official XSDs accept and reject the same
mutants (wrong types, codes, patterns, lengths; missing, extra, misordered elements; wrong
namespace or BerichtCode), over all 28 messages."""
from collections import Counter

from lxml import etree

from harness.standard import identify
from harness.standard.xsd import compiled

from .mutants import corpus


def test_same_verdicts_as_official_on_the_mutation_corpus(official_schemas):
    seen, disagreements = Counter(), []
    for m in corpus():
        namespace = etree.QName(m.root).namespace
        official = official_schemas.get(namespace)
        official_ok = bool(official and official.validate(m.root))
        found = identify(namespace)
        ours_ok = bool(found and compiled(found[0], found[1].id).validate(m.root))
        seen[(m.message.name, official_ok)] += 1
        if ours_ok != official_ok:
            disagreements.append(f"{m.message.name} {m.what}: ours {ours_ok}, official {official_ok}")
    assert disagreements == []
    rejected = sum(n for (_, ok), n in seen.items() if not ok)
    accepted = sum(n for (_, ok), n in seen.items() if ok)
    assert rejected >= 300, f"only {rejected} rejected mutants"
    assert accepted >= 56  # the unchanged samples at least, full and minimal
    messages = {name for name, ok in seen if not ok}
    assert len(messages) == 28  # every message has rejected mutants
