"""A run's reports, written from its Recorder: JUnit XML and Cucumber JSON for CI systems,
and the HTML certificate for people."""
from __future__ import annotations

from .certificate import write_certificate
from .cucumber import write_cucumber
from .junit import write_junit


def write_reports(recorder, options, out) -> None:
    for path, write in ((options.junitxml, write_junit), (options.cucumberjson, write_cucumber),
                        (options.html, write_certificate)):
        if path:
            write(recorder, options, path)
            out.write(f"report: {path}\n")
