"""What the benchmark's engines and its runner share: the failure codes in
spec order (interfaces.md §3.1; bit ``i`` of a result mask is code ``i``),
the income parts (domain.md §1), the float rounding of the float baselines,
and the masks ↔ code lists conversions."""

from __future__ import annotations

from typing import Any

import numpy as np

#: Exit failure codes in spec order; bit i of a mask = code i.
EXIT_CODES: tuple[str, ...] = (
    "not_poor",
    "new_or_returned_this_year",
    "income_below_line",
    "food",
    "clothing",
    "compulsory_education",
    "basic_medical_insurance",
    "housing_unsafe",
    "drinking_water",
)
#: Monitoring trigger codes in spec order.
TRIGGER_CODES: tuple[str, ...] = ("low_income", "rigid_expenses", "income_drop")
#: Dibao failure codes in spec order.
DIBAO_CODES: tuple[str, ...] = ("income_above_standard", "assets")
#: The parts of a household's income (domain.md §1), as column suffixes.
INCOME_PARTS: tuple[str, ...] = ("wage", "operating", "operating_cost", "property", "transfer", "dibao")


def round_fen(x: Any) -> Any:
    """Round float yuan to the fen, half away from zero (on the binary value,
    which is where the float baselines part from exact money)."""
    return np.sign(x) * np.floor(np.abs(x) * 100.0 + 0.5) / 100.0


def decode(mask: Any, codes: tuple[str, ...]) -> list[str] | None:
    """The codes whose bits are set in ``mask``, in spec order (``None`` for
    a missing mask: None or NaN)."""
    if mask is None or mask != mask:
        return None
    return [c for i, c in enumerate(codes) if int(mask) >> i & 1]


def encode(codes: Any, table: tuple[str, ...]) -> int:
    """The bitmask of a list of codes (the inverse of ``decode``)."""
    return sum(1 << table.index(c) for c in codes)


def masks(lists: Any, codes: tuple[str, ...]) -> list[int | None]:
    """Each code list (or ``None``) as its bitmask."""
    return [None if v is None else encode(v, codes) for v in lists]
