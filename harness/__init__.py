"""ketentest: conformance harness and mock exchange for iWmo / iJw release 3.2."""

