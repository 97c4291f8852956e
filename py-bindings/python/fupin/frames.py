"""pandas DataFrames built from the plain lists and dicts the compiled module
returns (``Registry.errors``/``summary``/``evaluate``/``audit``,
``Policy.show``).

pandas is imported inside each function, never at module level, so that
``import fupin`` does not import pandas (interfaces.md §6).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "DECISION_COLUMNS",
    "audit_frame",
    "decisions_frame",
    "errors_frame",
    "parameters_frame",
    "summary_frame",
]

#: The columns of ``Registry.evaluate()``: the decision of interfaces.md §3.1
#: flattened with ``_``, in order, then the error columns.
DECISION_COLUMNS: tuple[str, ...] = (
    "household_id",
    "as_of",
    "size",
    "net_income",
    "per_capita_income",
    "poverty_line",
    "exit_eligible",
    "exit_failed",
    "monitoring_category",
    "monitoring_triggers",
    "dibao_eligible",
    "dibao_monthly_benefit",
    "dibao_failed",
    "identification_excluded",
    "identification_reasons",
    "entitlements_insurance_premiums",
    "entitlements_elderly_allowance",
    "entitlements_veterans_allowance",
    "entitlements_education_aid",
    "entitlements_total",
    "credit_eligible",
    "credit_max_new_loan",
    "credit_failed",
    "findings",
    "error_code",
    "error_message",
)

ERROR_COLUMNS: tuple[str, ...] = ("table", "row", "column", "value", "message")
AUDIT_COLUMNS: tuple[str, ...] = ("household_id", "code", "person_id", "field")
PARAMETER_COLUMNS: tuple[str, ...] = ("name", "value", "since", "status", "unit", "source")


def _frame(columns: Sequence[str], values: dict[str, list[Any]]) -> Any:
    """A DataFrame of `columns`; a column holding ``None`` (or Decimal, lists,
    dicts, dates) keeps its Python objects (dtype ``object``) so ``None`` is
    not turned into NaN and money stays exact."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    data = {}
    for name in columns:
        col = values[name]
        plain = all(isinstance(v, (bool, int, str)) for v in col)
        data[name] = pd.Series(col, dtype=None if plain and col else object)
    return pd.DataFrame(data, columns=list(columns))


def _columns(rows: Sequence[Sequence[Any]], columns: Sequence[str]) -> dict[str, list[Any]]:
    return {name: [row[i] for row in rows] for i, name in enumerate(columns)}


def errors_frame(rows: list[dict[str, Any]]) -> Any:
    """``Registry.errors``: table, row, column, value, message."""
    return _frame(ERROR_COLUMNS, {c: [r[c] for r in rows] for c in ERROR_COLUMNS})


def parameters_frame(rows: list[dict[str, Any]]) -> Any:
    """``Policy.show``: name, value, since, status, unit, source."""
    return _frame(PARAMETER_COLUMNS, {c: [r[c] for r in rows] for c in PARAMETER_COLUMNS})


def summary_frame(dimensions: list[str], rows: list[tuple[list[str], int, int]]) -> Any:
    """``Registry.summary``: the dimension column(s), households, persons."""
    columns = [*dimensions, "households", "persons"]
    flat = [(*key, households, persons) for key, households, persons in rows]
    return _frame(columns, _columns(flat, columns))


def audit_frame(rows: list[tuple[str, str, str | None, str]]) -> Any:
    """``Registry.audit``: household_id, code, person_id, field."""
    return _frame(AUDIT_COLUMNS, _columns(rows, AUDIT_COLUMNS))


def _flatten(decision: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in decision.items():
        if key in ("explanation", "trace"):
            continue
        if isinstance(value, dict):
            for sub, v in value.items():
                flat[f"{key}_{sub}"] = v
        else:
            flat[key] = value
    return flat


def decisions_frame(
    rows: list[tuple[dict[str, Any] | None, str | None, str | None, str | None]],
) -> Any:
    """``Registry.evaluate``: one row per household row (decision dict, or
    record id, error code and message of a bad row)."""
    values: dict[str, list[Any]] = {c: [] for c in DECISION_COLUMNS}
    for decision, record_id, code, message in rows:
        flat = _flatten(decision) if decision is not None else {"household_id": record_id}
        flat["error_code"] = code
        flat["error_message"] = message
        for c in DECISION_COLUMNS:
            values[c].append(flat.get(c))
    return _frame(DECISION_COLUMNS, values)
