"""Traceability (Inferno's requirement traceability is the model): per role a run certifies,
every rule that role must enforce (`certificering.must_enforce`, the count the certification
suites are held to) with the scenarios that exercise it and what they proved.

A scenario exercises a rule for a role when it names the rule's id in a tag and the role
receives the message the rule judges in the scenario's chain (@301-302: the 301, received by
the aanbieder). A rule is proven by a passed scenario, failed by a failed one (a failure
outweighs a pass), read otherwise when its scenarios passed only with a warning that the
system reads the rule otherwise than ketentest chose to (a `keuze` rule: not proven, and a
failure with --strict), not run when its scenarios were left out or skipped, not playable
when a system under test cannot play any of its cases (`certificering.NOT_PLAYABLE`: they
run with both parties simulated), and not exercisable when the role's suite can have no case
for it (the reason is the suite's: no retour message to carry the code, or the exchange or the
schema refuses the message first). A rule not exercisable is listed, not counted: "N of M rules
proven" counts the M rules the role can show it enforces."""
from __future__ import annotations

from dataclasses import dataclass

from harness.standard import registry
from harness.standard.codes import ROLES
from harness.validation import RULES

from ..certificering import Requirement, must_enforce

RESULTS = ("proven", "failed", "read otherwise", "not run", "not playable", "not exercisable")


def roles(sut: str) -> tuple[str, ...]:
    """The roles a run certifies: its system under test's, both in a self-test."""
    return ("aanbieder", "gemeente") if sut == "none" else (sut,)


def receivers(record, rule: str, release: str) -> set[str]:
    """The roles that receive a message `rule` judges in the scenario's chain (or, for a
    scenario outside the chains, in any message it judges); a certification suite's scenario
    is its own role's."""
    rel = registry.release(release)
    judged = {m for r in RULES.values() if r.id == rule and rel.name in r.releases
              for m in r.messages}
    chain = {t.split("-")[0] for t in record.chain_tags}
    found = {rel.message(m).receiver for m in (judged & chain or judged)}
    suite = {role for role in ROLES if f"certificering-{role}" in record.tags}
    return found & suite if suite else found


@dataclass
class Row:
    requirement: Requirement
    scenarios: list  # ScenarioRecords that exercise the rule for the role
    result: str

    @property
    def rule(self) -> str:
        return self.requirement.rule


def _result(requirement: Requirement, scenarios, playing: bool = False) -> str:
    if not requirement.in_suite:  # a chain scenario tagged with it proves the sender's part
        return "not exercisable"
    statuses = {r.status for r in scenarios}
    if "failed" in statuses:
        return "failed"
    if "passed" in statuses:
        warned = any(requirement.rule in w["rule"].split("/") for r in scenarios
                     for w in getattr(r, "warnings", ()) if w["kind"] == "keuze")
        return "read otherwise" if warned else "proven"
    if playing and requirement.unplayable:
        return "not playable"
    return "not run"


def matrix(records, release: str, role: str, playing: bool = False) -> list[Row]:
    """A row per rule `role` must enforce in `release`, in rule order; `playing`: the role is
    a system under test's (not simulated)."""
    rows = []
    for requirement in must_enforce(release, role):
        scenarios = [r for r in records if requirement.rule in r.rule_ids
                     and role in receivers(r, requirement.rule, release)]
        rows.append(Row(requirement, scenarios, _result(requirement, scenarios, playing)))
    return rows


def matrices(records, release: str, sut: str) -> dict[str, list[Row]]:
    return {role: matrix(records, release, role, playing=sut == role) for role in roles(sut)}


def proven(rows: list[Row]) -> tuple[int, int]:
    """(rules proven, rules the role must enforce and can show it does)."""
    return (sum(r.result == "proven" for r in rows),
            sum(r.result != "not exercisable" for r in rows))


def summary_line(found: dict[str, list[Row]]) -> str:
    """`rules proven: aanbieder N/M, gemeente N/M`, the run's last line."""
    return "rules proven: " + ", ".join(
        "{} {}/{}".format(role, *proven(rows)) for role, rows in found.items())


def as_record(found: dict[str, list[Row]]) -> dict:
    """The matrices as the run record keeps them."""
    return {role: {
        "proven": proven(rows)[0], "rules": proven(rows)[1],
        "not_exercisable": sum(r.result == "not exercisable" for r in rows),
        "matrix": [{"rule": r.rule, "messages": list(r.requirement.messages),
                    "retourcodes": list(r.requirement.retourcodes), "result": r.result,
                    "reason": {"not exercisable": r.requirement.reason,
                               "not playable": r.requirement.unplayable}.get(r.result),
                    "scenarios": [{"name": s.name, "status": s.status} for s in r.scenarios]}
                   for r in rows]}
        for role, rows in found.items()}
