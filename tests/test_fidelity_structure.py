"""The project's schemas declare exactly what the official ones declare: element by element
the same names, order, cardinality, built-in base and every facet along the type chain.
Read with xmlschema's introspection on both sides."""
import pytest
import xmlschema

from harness.standard import all_releases
from harness.standard.xsd import xsd_files

XSD_NS = "{http://www.w3.org/2001/XMLSchema}"

MESSAGES = [(r.name, m.id) for r in all_releases() for m in r.messages.values()]


def simple_signature(t):
    """Base built-in plus the facets of every restriction step, innermost first."""
    steps = []
    while t is not None and not (t.name or "").startswith(XSD_NS):
        steps.append((t.min_length, t.max_length, getattr(t, "min_value", None),
                      getattr(t, "max_value", None),
                      tuple(t.patterns.regexps) if t.patterns else (),
                      tuple(t.enumeration or ())))
        t = t.base_type
    # equal facets merged over steps: a narrowed type may split them differently
    merged = tuple(sorted({f for s in steps for f in [s]}, key=repr))
    return (t.local_name if t is not None else None, merged)


def signature(el, path=""):
    path = f"{path}/{el.local_name}"
    out = [(path, el.min_occurs, el.max_occurs)]
    if el.type.is_simple():
        out.append((path, simple_signature(el.type)))
    else:
        for child in el.type.content.iter_elements():
            out.extend(signature(child, path))
    return out


@pytest.fixture(scope="module")
def own_schemas(tmp_path_factory):
    out = {}
    for rel in all_releases():
        folder = tmp_path_factory.mktemp(rel.name)
        for name, data in xsd_files(rel).items():
            (folder / name).write_bytes(data)
        for m in rel.messages.values():
            out[(rel.name, m.id)] = xmlschema.XMLSchema(str(folder / f"{m.name}.xsd"))
    return out


@pytest.mark.parametrize("release_name,message_id", MESSAGES)
def test_structure_equals_official(release_name, message_id, own_schemas, official_xsd_paths):
    ours = own_schemas[(release_name, message_id)]
    namespace = ours.target_namespace
    official = xmlschema.XMLSchema(str(official_xsd_paths[namespace]))
    mine = signature(ours.elements["Bericht"])
    theirs = signature(official.elements["Bericht"])
    assert [s for s in mine if s not in theirs] == [] and [s for s in theirs if s not in mine] == []
    assert mine == theirs  # also the same order
