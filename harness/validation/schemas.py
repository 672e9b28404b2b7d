"""Where XSDs come from: ketentest's own (derived from the release tables) or a folder of XSDs.

Both answer one question: which compiled schema validates a message with this root namespace.
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..standard import identify
from ..standard.xsd import compiled


class SchemaError(Exception):
    """A schema folder cannot be used (missing, unreadable, not compilable)."""


class BuiltinSchemas:
    """The project's own schemas for every release in the registry."""

    description = "built-in schemas"

    def schema_for(self, namespace: str) -> etree.XMLSchema | None:
        found = identify(namespace)
        if not found:
            return None
        rel, msg = found
        return compiled(rel, msg.id)


class DirectorySchemas:
    """Every *.xsd under a folder, e.g. the official XSD download, found by targetNamespace."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise SchemaError(f"--schemas {folder}: not a folder")
        self.description = f"schemas from {self.folder}"
        self._files: dict[str, Path] = {}
        self._compiled: dict[str, etree.XMLSchema] = {}
        parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
        for path in sorted(self.folder.rglob("*.xsd")):
            try:
                target = etree.parse(str(path), parser).getroot().get("targetNamespace")
            except (OSError, etree.XMLSyntaxError) as e:
                raise SchemaError(f"{path}: cannot read this XSD ({e})") from None
            # A message namespace belongs to one file; basisschema copies may repeat.
            if target and not target.endswith("/basisschema/schema"):
                self._files.setdefault(target, path)
        if not self._files:
            raise SchemaError(f"--schemas {folder}: no message XSDs found in this folder")

    def schema_for(self, namespace: str) -> etree.XMLSchema | None:
        if namespace not in self._compiled:
            path = self._files.get(namespace)
            if path is None:
                return None
            try:
                parser = etree.XMLParser(no_network=True, resolve_entities=False)
                self._compiled[namespace] = etree.XMLSchema(etree.parse(str(path), parser))
            except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as e:
                raise SchemaError(f"{path}: the XSD does not compile: {e}") from None
        return self._compiled[namespace]
