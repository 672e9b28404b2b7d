"""ketentest's floor of the standard: releases as data, judging, chain state, clock, regio
profiles, simulated parties' decisions and factories (no Flask, no HTTP)."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ketentest")  # the distribution's version, shared by its floors
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0.0.0+source"
