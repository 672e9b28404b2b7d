"""Feature files read before the run: one that does not parse is reported with its file, line
and what the parser expected there, in the scenario writer's own keywords (pytest would stop
at collection with a bare "1 error during collection")."""
from __future__ import annotations

import re
from pathlib import Path

from gherkin.errors import CompositeParserException, ParserException
from gherkin.parser import Parser

from ..reports.record import feature_files

# the parser's token names, as a writer of Dutch scenarios knows them
TOKENS = {
    "#EOF": "the end of the file", "#Language": "'# language: nl'",
    "#FeatureLine": "'Functionaliteit:'", "#BackgroundLine": "'Achtergrond:'",
    "#ScenarioLine": "'Scenario:' (or 'Abstract Scenario:')", "#RuleLine": "'Regel:'",
    "#ExamplesLine": "'Voorbeelden:'", "#StepLine": "a step (Gegeven, Als, Dan, En, Maar)",
    "#TagLine": "a tag line (@...)", "#TableRow": "a table row (| ... |)",
    "#DocStringSeparator": 'a """ block', "#Comment": "a comment (# ...)",
    "#Empty": "an empty line", "#Other": "a line of description",
}
# what writers try that Gherkin's Dutch does not have
HINTS = {"scenariosjabloon": "'Scenariosjabloon' is no keyword: write 'Abstract Scenario:'"}
_ERROR = re.compile(r"^\((?P<line>\d+):(?P<col>\d+)\): (?P<text>.*)$")


def _explain(error: ParserException, path: Path) -> str:
    raw = str(error)
    m = _ERROR.match(raw)
    line = m["line"] if m else "?"
    text = m["text"] if m else raw
    expected = re.search(r"expected: (?P<tokens>.*?), got '(?P<got>.*)'$", text)
    if expected:
        wanted = [TOKENS.get(t.strip(), t.strip()) for t in expected["tokens"].split(",")]
        wanted = [w for w in wanted if w not in ("a comment (# ...)", "an empty line")]
        got = expected["got"].strip()
        text = f"found '{got}', expected {', '.join(wanted[:-1])} or {wanted[-1]}" \
            if len(wanted) > 1 else f"found '{got}', expected {wanted[0]}"
        first = got.split(":")[0].strip().lower()
        if HINTS.get(first):
            text += f" ({HINTS[first]})"
    return f"{path}:{line}: {text}"


def check(paths) -> list[str]:
    """A sentence per problem in the feature files under `paths` (empty: all parse)."""
    problems = []
    for path in feature_files(paths):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            problems.append(f"{path}: cannot be read as UTF-8 text: {e}")
            continue
        try:
            document = Parser().parse(text)
        except CompositeParserException as e:
            problems.extend(_explain(err, path) for err in e.errors)
            continue
        except ParserException as e:
            problems.append(_explain(e, path))
            continue
        if document.get("feature") is None:
            problems.append(f"{path}:1: no 'Functionaliteit:' found (a feature file starts with "
                            "'# language: nl' and 'Functionaliteit: ...')")
    return problems
