"""ketentest: conformance harness and mock exchange for iWmo / iJw release 3.2."""
__version__ = "0.1.0"
