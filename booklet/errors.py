"""Problems found in user input, collected so that one run reports all of them.

In the manner of pyxform: every problem says where (file:line:col), what is
wrong and how to fix it, in Chinese. Nothing in booklet raises a bare Python
exception at a user for a mistake in their files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from .model import Loc

ERROR = "错误"
WARNING = "警告"


@dataclass
class Problem:
    loc: Loc
    what: str                      # what is wrong
    fix: str = ""                  # how to fix it
    level: str = ERROR
    code: str = ""                 # stable id for tests and docs, e.g. "yaml-syntax"

    def format(self) -> str:
        text = f"{self.loc}: {self.level}：{self.what}"
        if self.fix:
            text += f"\n    修改方法：{self.fix}"
        return text

    def __str__(self) -> str:
        return self.format()


@dataclass
class Problems:
    """An ordered collection of problems; errors make the run fail."""
    items: list[Problem] = field(default_factory=list)

    def error(self, loc: Loc, what: str, fix: str = "", code: str = "") -> None:
        self.items.append(Problem(loc, what, fix, ERROR, code))

    def warning(self, loc: Loc, what: str, fix: str = "", code: str = "") -> None:
        self.items.append(Problem(loc, what, fix, WARNING, code))

    def extend(self, other: "Problems | Iterable[Problem]") -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == WARNING]

    def __bool__(self) -> bool:
        return bool(self.errors)

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.level != ERROR, p.loc.file,
                                                 p.loc.line, p.loc.col))

    def report(self) -> str:
        lines = [p.format() for p in self.sorted()]
        n_err, n_warn = len(self.errors), len(self.warnings)
        lines.append(f"共 {n_err} 个错误，{n_warn} 个警告。")
        return "\n".join(lines)


class BookletError(Exception):
    """Raised to stop a command because of problems in the user's input.

    The CLI catches it, prints every problem and exits 1. Anything already
    built is left as it was.
    """

    def __init__(self, problems: Problems | Problem | str, loc: Optional[Loc] = None,
                 fix: str = ""):
        if isinstance(problems, str):
            p = Problems()
            p.error(loc or Loc("booklet"), problems, fix)
            problems = p
        elif isinstance(problems, Problem):
            p = Problems()
            p.items.append(problems)
            problems = p
        self.problems = problems
        super().__init__(problems.report())
