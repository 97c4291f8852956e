"""pandas DataFrames built from the plain lists and dicts the compiled module
returns (``Registry.errors``/``summary``/``evaluate``/``audit``,
``Policy.show``).

pandas is imported inside each function, never at module level, so that
``import fupin`` does not import pandas (interfaces.md §6).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from typing import Any

__all__ = [
    "DECISION_COLUMNS",
    "DataWarning",
    "evaluate_frame",
    "settle_frame",
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


# ---- the bulk path: evaluate_frame / settle_frame --------------------------

DEFAULT_POLICY = "ningxia-2020"
DEFAULT_AS_OF = "2020-12-31"


class DataWarning(UserWarning):
    """Some input rows were not used (member rows that join no household)."""


def _is_pandas(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] == "pandas"


def _cell_text(v: Any) -> str | None:
    """One cell of a column pyarrow could not convert as a whole, as text
    the core reads like a JSON value (absent stays absent)."""
    import datetime
    import decimal
    import math

    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return None
        return repr(v)
    if isinstance(v, (int, str)):
        return str(v)
    if isinstance(v, decimal.Decimal):
        return None if v.is_nan() else str(v)
    if isinstance(v, datetime.datetime):
        midnight = (v.hour, v.minute, v.second, v.microsecond) == (0, 0, 0, 0)
        return v.date().isoformat() if midnight else v.isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, dict) and set(v) == {"step", "on"}:
        return f"{_cell_text(v['step'])}:{_cell_text(v['on'])}"
    if isinstance(v, (list, tuple)):
        return ";".join(t for t in (_cell_text(x) for x in v) if t is not None)
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        if v is pd.NaT or v is pd.NA:
            return None
    except ImportError:  # pragma: no cover - pandas is there when a frame is
        pass
    return str(v)


def _decode(array: Any) -> Any:
    """Dictionary-encoded (categorical) columns as plain ones."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    if pa.types.is_dictionary(array.type):
        return array.cast(array.type.value_type)
    return array


def _pandas_column(series: Any) -> Any:
    """A pandas column as an Arrow array, moved by pyarrow in one call; only
    a column of mixed Python objects (which pyarrow refuses) is read cell by
    cell into text."""
    import numpy as np
    import pyarrow as pa

    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        # A numpy float column (money and years from read_csv) is shared,
        # not copied: NaN stays a float, and the compiled reader takes NaN
        # as absent exactly as it takes null (pyarrow's NaN-to-null pass
        # would copy the column and build a mask, ~5 ms a million rows).
        return pa.array(series.to_numpy(copy=False), from_pandas=False)
    try:
        return _decode(pa.Array.from_pandas(series))
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return pa.array([_cell_text(v) for v in series], type=pa.string())


def _arrow_table(frame: Any, what: str) -> Any:
    """A pandas DataFrame or any Arrow tabular object (``pyarrow.Table``,
    ``RecordBatch``, anything with ``__arrow_c_stream__``) as a
    ``pyarrow.Table`` with plain (not dictionary) columns."""
    import pyarrow as pa

    from fupin.exceptions import ValidationError

    if _is_pandas(frame) and hasattr(frame, "columns"):
        arrays = [_pandas_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
        names = [str(c) for c in frame.columns]
        if not arrays:
            return pa.table({})
        return pa.Table.from_arrays(arrays, names=names)
    if hasattr(frame, "__arrow_c_stream__") or isinstance(frame, (pa.Table, pa.RecordBatch)):
        # `pa.table` asks pandas whether the object is a DataFrame, which
        # imports pandas (0.5–0.8 s) on an Arrow-only first call.
        if isinstance(frame, pa.Table):
            table = frame
        elif isinstance(frame, pa.RecordBatch):
            table = pa.Table.from_batches([frame])
        else:
            table = pa.table(frame)
        if any(pa.types.is_dictionary(t) for t in table.schema.types):
            table = pa.Table.from_arrays(
                [_decode(c) for c in table.columns], names=table.column_names
            )
        return table
    raise ValidationError(
        f"{what} must be a pandas DataFrame or a pyarrow Table, not {type(frame).__name__}",
        code="wrong_type",
        field=what,
    )


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pauses Python's cyclic garbage collector while the compiled module
    builds a result's Python objects, and on the way out moves what it made
    straight to the oldest generation (``gc.freeze()`` then
    ``gc.unfreeze()``), as if it had survived the young collections.

    Measured when the code columns were a Python list a row (millions of
    new lists, none in a cycle), for 1 000 000 households: without the
    pause, collection after collection walked every object built so far (a
    third of those columns' time); without the move, the next young
    collection walked them all at once (0.5–1 s inside ``evaluate_frame``,
    0.7–1 s at the caller's next allocations). Those columns are Arrow
    buffers now and the ``Decimal`` amounts are objects the collector does
    not track, so little is left for it to walk; the pause stays as a guard
    that costs next to nothing (``freeze``/``unfreeze`` splice lists).

    Reference counting still frees everything; the collector's previous
    state is restored. The move is skipped when the caller has frozen
    objects of its own (``gc.get_freeze_count()``), which ``unfreeze`` would
    release."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def _money(money: str | None) -> str:
    from fupin.exceptions import ValidationError

    if money is None:
        return "decimal"
    if money not in ("decimal", "float"):
        raise ValidationError(
            f'money must be "decimal" or "float", not {money!r}',
            code="invalid_enum",
            field="money",
        )
    return money


def _pandas_result(
    table: Any, amounts: dict[str, tuple[bytes, list[Any]]], failed: int, index: Any
) -> Any:
    """The result frame, in the table's column order, without a Python
    object a row for the code lists, findings or money:

    - numbers and booleans as numpy columns through ``to_pandas`` (bool and
      int columns nullable, ``boolean``/``Int64``, only when some row failed);
      money as float64 with ``money="float"``;
    - code lists and ``findings`` as Arrow-backed columns
      (``pd.ArrowDtype``) sharing the table's buffers: a cell reads as a
      Python ``list`` of ``str`` (of dicts for ``findings``), a failed row's
      as ``pd.NA``;
    - with ``money="decimal"``, money as ``decimal.Decimal`` objects (dtype
      ``object``, ``None`` on a failed row), one object per distinct amount,
      made by the compiled module: each column is ``amounts`` taken at the
      rows' places.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    nullable = {}
    if failed:
        nullable = {pa.bool_(): pd.BooleanDtype(), pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype()}

    def mapper(arrow_type: Any) -> Any:
        if pa.types.is_list(arrow_type):
            return pd.ArrowDtype(arrow_type)
        return nullable.get(arrow_type)

    scalar = table.drop_columns(list(amounts)) if amounts else table
    df = scalar.to_pandas(types_mapper=mapper)
    data: dict[str, Any] = {}
    for name in table.column_names:
        if name in amounts:
            places, distinct = amounts[name]
            values = np.fromiter(distinct, dtype=object, count=len(distinct))
            column = values.take(np.frombuffer(places, dtype="<u4"))
            data[name] = pd.Series(column, index=df.index, dtype=object, copy=False)
        else:
            data[name] = df[name]
    # The columns are this function's own: no copy (pandas would otherwise
    # copy every column once more, ~0.1–0.2 s a million rows).
    out = pd.DataFrame(data, columns=table.column_names, copy=False)
    if index is not None and len(index) == len(out):
        out.index = index
    return out


def evaluate_frame(
    households: Any,
    members: Any,
    *,
    policy: Any = None,
    as_of: Any = None,
    money: str | None = None,
) -> Any:
    """Evaluates a whole registry given as frames (interfaces.md §6).

    Args:
        households: one row per household, columns named as the JSON fields
            with nested objects flattened by ``_`` (``income_wage``,
            ``guarantees_housing`` …); a pandas DataFrame or a
            ``pyarrow.Table``.
        members: one row per member with ``household_id``; same kinds.
        policy: a :class:`fupin.Policy` (default the built-in ``ningxia-2020``).
        as_of: the assessment date (``datetime.date`` or ISO text; default 2020-12-31).
        money: ``"decimal"`` (default: ``decimal.Decimal`` in pandas,
            ``decimal128(18, 2)`` in Arrow) or ``"float"`` (float64).

    Returns:
        One row per household row in input order (a DataFrame with the input's
        index for pandas input, a ``pyarrow.Table`` for Arrow input): the
        decision of §3.1 flattened, then ``error_code`` and ``error_message``
        (null on good rows; a bad row's decision columns are null).

        The DataFrame's columns: ``size`` int64 and the ``*_eligible`` /
        ``identification_excluded`` columns bool (``Int64`` and ``boolean``,
        which hold ``pd.NA``, when some row failed); money ``decimal.Decimal``
        objects (``None`` on a failed row) or float64 (NaN); the code lists
        (``exit_failed``, ``monitoring_triggers``, ``dibao_failed``,
        ``identification_reasons``, ``credit_failed``) and ``findings``
        Arrow-backed (``pd.ArrowDtype`` of ``list<string>`` and of
        ``list<struct<code, person_id, field>>``): a cell (``df.loc[i, c]``,
        ``df[c].iloc[i]``, ``df[c].tolist()``, ``df.to_dict("records")``)
        is a Python ``list`` of ``str`` (of dicts for ``findings``), a
        failed row's ``pd.NA``. What pandas passes through numpy gives such
        a list as a numpy array: ``df.iterrows()``, ``df.to_numpy()``,
        ``Series.map``/``apply``, ``astype(object)``, and the text of
        ``print`` and ``to_csv`` (``['a' 'b']``); ``df[c].explode()`` and
        ``df[c].list.len()`` work on the Arrow column directly.

    Raises:
        ValidationError: an unknown or duplicate column, or a missing
            required one (every such problem is listed); nothing is evaluated.

    Member rows whose ``household_id`` names no household are not evaluated;
    a :class:`DataWarning` says how many and which rows.
    """
    from fupin._fupin import Policy, _evaluate_frames

    if policy is None:
        policy = Policy.builtin(DEFAULT_POLICY)
    arrow_out = not _is_pandas(households)
    hh = _arrow_table(households, "households")
    mm = _arrow_table(members, "members")
    with _no_cyclic_gc():
        table, amounts, orphans, failed = _evaluate_frames(
            hh,
            mm,
            policy,
            DEFAULT_AS_OF if as_of is None else as_of,
            _money(money),
            not arrow_out,
        )
    if orphans:
        import warnings

        shown = ", ".join(str(r) for r in orphans[:10])
        more = " …" if len(orphans) > 10 else ""
        warnings.warn(
            DataWarning(
                f"{len(orphans)} member row(s) name no household of the households frame "
                f"and were not evaluated (rows {shown}{more})"
            ),
            stacklevel=2,
        )
    if arrow_out:
        return table
    return _pandas_result(table, amounts, failed, households.index)


def settle_frame(
    claims: Any,
    *,
    policy: Any = None,
    ledger: Any = None,
    money: str | None = None,
) -> Any:
    """Settles claims given as a frame, in row order (interfaces.md §6).

    Args:
        claims: one row per claim with the fields of §2.3 (``id``,
            ``person_id``, ``admitted_on``, ``hospital_level``,
            ``total_cost`` …); a pandas DataFrame or a ``pyarrow.Table``.
        policy: a :class:`fupin.Policy` (default the built-in ``ningxia-2020``).
        ledger: a :class:`fupin.Ledger` to settle on (claims of earlier
            frames count toward this year's sums; it is updated); default a
            new, empty ledger.
        money: ``"decimal"`` (default) or ``"float"``, as for :func:`evaluate_frame`.

    Returns:
        One row per claim row, in input order: the settlement of §3.2
        (``claim_id, person_id, year, total_cost, basic_insurance, …,
        self_pay``), then ``error_code`` and ``error_message``; ``year``
        int64 (``Int64`` when some row failed), money as for
        :func:`evaluate_frame`.

    Raises:
        ValidationError: an unknown or duplicate column, or a missing
            required one; nothing is settled.

    A frame of 65 536 claims or more on an empty ledger is settled on all
    cores, split by person (one person's claims never affect another's);
    the rows and the ledger are exactly those of one run in row order.
    """
    from fupin._fupin import Policy, _settle_frames

    if policy is None:
        policy = Policy.builtin(DEFAULT_POLICY)
    arrow_out = not _is_pandas(claims)
    claims_table = _arrow_table(claims, "claims")
    with _no_cyclic_gc():
        table, amounts, failed = _settle_frames(
            claims_table, policy, ledger, _money(money), not arrow_out
        )
    if arrow_out:
        return table
    return _pandas_result(table, amounts, failed, claims.index)
