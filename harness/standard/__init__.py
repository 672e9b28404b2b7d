"""Everything about the iWmo/iJw standards: releases, message catalogue, derived schemas."""
from .model import Element, MessageDef, Release, SimpleType, TableError
from .registry import RELEASES, all_releases, find_message, identify, release

__all__ = ["Element", "MessageDef", "Release", "SimpleType", "TableError", "RELEASES",
           "all_releases", "find_message", "identify", "release"]
