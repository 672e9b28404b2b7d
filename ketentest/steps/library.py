"""The Dutch step library: what a tester writes in a scenario, and what it does. One module per
chain, as `features/` has a folder per chain; this module registers them all with pytest.

Every step names its party (de gemeente, de aanbieder). A party that is simulated acts at
once; a party that is the system under test is asked to (its trigger, or a person) and its
message awaited. Steps that send a deliberately faulty message can only be played by a
simulated party (`common.send_faulty`): with that party under test the scenario is skipped,
saying why.

`ketentest steps` lists these steps with their docstrings (the first line is the phrase) and
the action each asks of a system under test.
"""
from __future__ import annotations

MODULES = ("keten", "toewijzing", "start", "stop", "verzoek_om_toewijzing",
           "verzoek_om_wijziging", "antwoord", "declaratie", "termijnen", "certificering",
           "regio")

pytest_plugins = [f"{__package__}.{m}" for m in MODULES]


def pytest_configure(config) -> None:
    """A step matches whatever keyword precedes it (Gegeven, Als, Dan, En, Maar): a tester
    writes `En de maand is om` after a `Dan` as well as after an `Als`. pytest-bdd ties a step
    to the keyword it was declared with; the phrases of this library are unique across the
    keywords, so the tie is dropped for every step of the library."""
    from pytest_bdd.steps import step_function_context_registry

    for context in list(step_function_context_registry.values()):
        if context.step_func.__module__.startswith(f"{__package__}."):
            context.type = None
