"""ketentest: conformance harness and mock exchange for the iWmo and iJw message standards.

Three floors, imports one way: `ketentest` (this package: the CLI, runs, the step library,
reports, the exchange's client and the agent that plays a simulated party over HTTP) ->
`mock_gateway` (the exchange) -> `harness` (the standard).
"""
from harness import __version__

__all__ = ["__version__"]
