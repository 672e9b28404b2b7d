"""`validate --retour-dir`: the answer a receiver would send, written per heen file, never
over another answer of the same run, and a reason for every file that gets none."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from harness.standard.sample import to_bytes
from harness.validation import Verdict
from harness.validation.retour import answer, no_answer


@dataclass
class Written:
    """What became of one file's answer: the file written, or why there is none."""
    file: Path | None = None
    reason: str | None = None
    replaced: bool = False  # a file of that name was there before this run
    renamed_from: Path | None = None  # the plain name was taken by an answer of this run

    def as_dict(self) -> dict:
        if self.file is None:
            return {"file": None, "reason": self.reason}
        return {"file": str(self.file), "replaced": self.replaced}

    def text(self) -> str:
        if self.file is None:
            return f"no answer written: {self.reason}"
        note = ""
        if self.renamed_from:
            note = f" ({self.renamed_from.name} holds the answer to an earlier file of this run)"
        elif self.replaced:
            note = " (replaced the file that was there)"
        return f"answer written: {self.file}{note}"


@dataclass
class AnswerWriter:
    folder: Path
    today: date
    taken: set[Path] = field(default_factory=set)

    def target(self, verdict: Verdict) -> tuple[Path, Path | None]:
        """<stem>-retour.xml, or <stem>-retour-2.xml ... when an answer of this run has it."""
        stem = Path(verdict.file).stem if verdict.file != "<stdin>" else "stdin"
        plain = self.folder / f"{stem}-retour.xml"
        if plain not in self.taken:
            return plain, None
        n = 2
        while (self.folder / f"{stem}-retour-{n}.xml") in self.taken:
            n += 1
        return self.folder / f"{stem}-retour-{n}.xml", plain

    def write(self, verdict: Verdict) -> Written:
        reason = no_answer(verdict)
        root = None if reason else answer(verdict, verdict.rel, self.today)
        if root is None:
            return Written(reason=reason or "the standard has no answer to it")
        self.folder.mkdir(parents=True, exist_ok=True)
        target, renamed_from = self.target(verdict)
        replaced = target.exists()
        target.write_bytes(to_bytes(root))
        self.taken.add(target)
        return Written(target, replaced=replaced, renamed_from=renamed_from)
