"""Safe intake: malformed and hostile input is refused at level xml, with a clear reason."""
import pytest

from harness.standard import release
from harness.standard.sample import build, to_bytes
from harness.validation import Level, judge, judge_file
from harness.validation.intake import MAX_BYTES, parse

VALID = to_bytes(build(release("iwmo-3.2"), release("iwmo-3.2").message("305")))


def refused(data: bytes, rule: str) -> str:
    verdict = judge(data, "in.xml")
    assert not verdict.accepted and verdict.level is Level.XML
    assert verdict.retourcodes == [] and verdict.message is None
    [finding] = verdict.findings
    assert finding.rule == rule and finding.path == "/"
    return finding.text


def test_valid_sample_passes_intake():
    assert parse(VALID).root is not None and judge(VALID).accepted


def test_doctype_with_internal_entity_is_refused():
    text = refused(b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "XML-DOCTYPE")
    assert "remove the <!DOCTYPE" in text


def test_billion_laughs_is_refused_without_expansion():
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
                      for i in range(1, 10))
           + b']><lolz>&lol9;</lolz>')
    refused(lol, "XML-DOCTYPE")


def test_external_entity_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("geheim")
    xxe = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]><x>&s;</x>'
    assert "geheim" not in refused(xxe.encode(), "XML-DOCTYPE")


def test_doctype_after_comment_is_still_refused():
    refused(b'<?xml version="1.0"?><!-- hallo --><!DOCTYPE x SYSTEM "http://example.org/x.dtd"><x/>',
            "XML-DOCTYPE")


def test_doctype_after_a_long_prolog_is_caught_after_parsing():
    data = b"<!--" + b"x" * 100_000 + b'--><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    refused(data, "XML-DOCTYPE")


def test_undeclared_entity_is_not_well_formed():
    text = refused(b"<x>&onbekend;</x>", "XML-SYNTAX")
    assert "line 1" in text


def test_utf8_bom_is_refused():
    assert "without BOM" in refused(b"\xef\xbb\xbf" + VALID, "XML-BOM")


def test_utf16_is_refused():
    data = VALID.decode().replace("UTF-8", "UTF-16").encode("utf-16")
    assert "UTF-16" in refused(data, "XML-ENCODING")


def test_declared_latin1_is_refused():
    data = VALID.replace(b"encoding='UTF-8'", b"encoding='ISO-8859-1'")
    assert "ISO-8859-1" in refused(data, "XML-ENCODING")


def test_invalid_utf8_bytes_are_refused():
    data = VALID.replace(b"Voorbeeld", b"Voorb\xe9eld", 1)
    refused(data, "XML-ENCODING")


def test_truncated_file_names_the_line():
    text = refused(VALID[: len(VALID) // 2], "XML-SYNTAX")
    assert "not well-formed XML at line" in text


@pytest.mark.parametrize("data", [b"", b"   \n", b"geen xml"])
def test_empty_or_non_xml(data):
    refused(data, "XML-SYNTAX")


def test_oversized_bytes_are_refused_before_parsing():
    data = b"<x>" + b"a" * (MAX_BYTES + 1) + b"</x>"
    assert "25 MB" in refused(data, "XML-SIZE")


def test_oversized_file_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "groot.xml"
    with open(big, "wb") as f:  # a sparse 30 MB file: stat says 30 MB, nothing is read
        f.truncate(30 * 1024 * 1024)
    verdict = judge_file(big)
    assert verdict.level is Level.XML and verdict.findings[0].rule == "XML-SIZE"
    assert "31,457,280 bytes" in verdict.findings[0].text


def test_deep_nesting_is_refused_not_crashing():
    depth = 300_000
    refused(b"<a>" * depth + b"</a>" * depth, "XML-SYNTAX")


def test_unknown_namespace_is_schema_level():
    verdict = judge(b'<Bericht xmlns="urn:iets-anders"/>', "x.xml")
    assert verdict.level is Level.XSD and verdict.message is None
    assert "not a known iWmo/iJw message" in verdict.findings[0].text
    assert judge(b"<Bericht/>").level is Level.XSD


def test_layout_between_elements_is_dropped_but_a_blank_value_is_kept():
    root = parse(b"<a>\n  <b>  </b>\n  <c>x</c>\n</a>").root
    assert root.text is None and root[0].tail is None  # the layout
    assert root[0].text == "  "  # an element holding only whitespace keeps it


def test_dropping_the_layout_changes_no_schema_verdict(official_schemas):
    """The mutation corpus, pretty-printed: the official XSD gives the same verdict on our
    intake's tree (layout dropped) as on lxml's plain parse of the same bytes."""
    from lxml import etree

    from .mutants import corpus

    differ, judged = [], 0
    for m in corpus():
        schema = official_schemas.get(etree.QName(m.root).namespace)
        if schema is None:
            continue
        data = etree.tostring(m.root, pretty_print=True)
        judged += 1
        if schema.validate(etree.fromstring(data)) != schema.validate(parse(data).root):
            differ.append(m.what)
    assert judged > 10_000 and differ == []
