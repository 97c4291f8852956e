"""Stubs for the compiled module ``fupin._fupin``."""

import datetime
import os
from decimal import Decimal
from typing import Any

__version__: str

ParamValue = Decimal | int | bool | datetime.date | str | dict[str, Decimal] | list[dict[str, Decimal]]

class Policy:
    """A policy: every parameter of the rules with dated values, each with its
    unit, source and status. Built-in: ``"ningxia-2020"`` and ``"national-2020"``."""

    @staticmethod
    def builtin(name: str) -> Policy:
        """A built-in policy by name.

        Raises:
            PolicyError: no built-in policy of that name.
        """

    @staticmethod
    def from_file(path: str | os.PathLike[str]) -> Policy:
        """A policy from a TOML file; ``extends`` may name a built-in or another file.

        Raises:
            PolicyError: the file is unreadable or invalid.
        """

    @property
    def name(self) -> str:
        """The policy's name."""

    def parameter(self, name: str, on: str | datetime.date | None = None) -> ParamValue:
        """The value of a parameter in force on a date (default 2020-12-31).

        Raises:
            PolicyError: unknown parameter, or no value in force on the date.
        """

    def parameters(self, on: str | datetime.date | None = None) -> list[dict[str, Any]]:
        """Every parameter in force on a date: name, value, since, status, unit, source."""

def _panic_for_tests(secret: str) -> None:
    """Panics inside the guard (tests only)."""
