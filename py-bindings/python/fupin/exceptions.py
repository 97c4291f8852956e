"""The exceptions fupin raises.

Every error fupin raises derives from :class:`FupinError`. A Rust panic never
reaches Python as ``PanicException``: it becomes :class:`InternalError`.
Messages never contain an unmasked identity number or name.
"""

from __future__ import annotations

__all__ = ["FupinError", "ValidationError", "PolicyError", "InternalError"]


class FupinError(Exception):
    """Base class of every fupin error.

    Attributes:
        code: the stable snake_case code (``"invalid_money"``, ``"unknown_parameter"`` …).
        record_id: the id of the record concerned, if any.
        field: the dotted path of the field concerned (``"members[2].birth_date"``), if any.
    """

    code: str | None
    record_id: str | None
    field: str | None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        record_id: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.record_id = record_id
        self.field = field


class ValidationError(FupinError, ValueError):
    """An input record could not be read as the shapes of the interface.

    ``errors()`` lists every problem found as dicts with ``code``,
    ``record_id``, ``field`` and ``message``, in the order of the record
    (``Household.from_dict`` and ``Claim.from_dict`` list them all); the
    exception's own ``code``, ``record_id`` and ``field`` are the first's,
    the problem the command line reports for the same record.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        record_id: str | None = None,
        field: str | None = None,
        errors: list[dict[str, str | None]] | None = None,
    ) -> None:
        super().__init__(message, code=code, record_id=record_id, field=field)
        self._errors = errors if errors is not None else [
            {"code": code, "record_id": record_id, "field": field, "message": message}
        ]

    def errors(self) -> list[dict[str, str | None]]:
        """Every problem found, in the order found."""
        return [dict(e) for e in self._errors]


class PolicyError(FupinError):
    """A policy could not be loaded, or a parameter has no value on a date.

    Attributes:
        parameter: the parameter named by the error, if any.
    """

    parameter: str | None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        parameter: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=parameter)
        self.parameter = parameter


class InternalError(FupinError):
    """A bug in fupin (a Rust panic was caught). Please report it."""
