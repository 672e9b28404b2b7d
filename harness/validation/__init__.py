"""Judging messages: safe intake, schema level, and (from the next levels on) the rules."""
from .findings import Finding, Level, Verdict
from .rules import RULES, Context, ContractProduct, RuleError
from .schemas import BuiltinSchemas, DirectorySchemas, SchemaError
from .validator import judge, judge_file

__all__ = ["Finding", "Level", "Verdict", "RULES", "Context", "ContractProduct", "RuleError", "BuiltinSchemas", "DirectorySchemas", "SchemaError",
           "judge", "judge_file"]
