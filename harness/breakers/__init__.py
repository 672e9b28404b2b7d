"""Rule breakers: for every rule a receiver judges (in-message, external-data and
cross-message), on every message it applies to, in iWmo 3.2 and iJw 3.2, a message that
breaks exactly that rule, built with the factories, with the chain before it; or the reason
none can exist.

    from harness.breakers import breaker, catalogue
    case = breaker("TR019", "305", "iwmo-3.2")
    case.before        # ((bytes, day), ...): send these first, each is accepted
    case.xml           # then this: it breaks TR019 and nothing else
    case.expected      # Expected(rule='TR019', retourcode='9019', level=rules,
                       #          klasse='/Bericht/Client/StartProducten/StartProduct')
    case.judge()       # ketentest's verdict on it, in that chain
    breaker("TR019", "305", "iwmo-3.2", gemeente="0344", aanbieder="87654321")  # a session's
    catalogue("ijw-3.2")   # every (rule, message) the registry judges: breaker or reason

`Keten` (keten.py) is the vocabulary breakers are written in: the factories' messages for one
gemeente, aanbieder and client, sent through a chain state, and `basis(message)`, a correct
message of each kind with what it needs sent before it. `answer.answer_fault` tells whether
a retour message or 325 is the answer a breaker's message must get.
"""
from . import chain, inmessage  # noqa: F401  (registers the breakers)
from .catalogue import (BREAKERS, NOT_EXERCISABLE, STANDARDS, Case, Entry, Expected,
                        NotExercisable, applies, breaker, catalogue, klasse_of,
                        not_exercisable_reason, receives)
from .keten import BreakerError, Keten

__all__ = ["BREAKERS", "NOT_EXERCISABLE", "STANDARDS", "BreakerError", "Case", "Entry",
           "Expected", "Keten", "NotExercisable", "applies", "breaker", "catalogue",
           "klasse_of", "not_exercisable_reason", "receives"]
