"""Stubs for the compiled module ``fupin._fupin``."""

import datetime
import os
from decimal import Decimal
from collections.abc import Iterable
from typing import Any, Literal, final

__version__: str
__all__ = [
    "__version__",
    "Policy",
    "Household",
    "Member",
    "Claim",
    "Decision",
    "ExitResult",
    "MonitoringResult",
    "DibaoResult",
    "IdentificationResult",
    "EntitlementsResult",
    "CreditResult",
    "Ledger",
    "Settlement",
    "Registry",
    "_evaluate_frames",
    "_settle_frames",
    "_panic_for_tests",
]

_Dimension = Literal["town", "village", "status", "attribute", "main_cause", "identified_year"]
_DataFrame = Any  # a pandas.DataFrame (pandas is imported lazily)
_ParamValue = Decimal | int | bool | datetime.date | str | dict[str, Decimal] | list[dict[str, Decimal]]

@final
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

    def parameter(self, name: str, on: str | datetime.date | None = None) -> _ParamValue:
        """The value of a parameter in force on a date (default 2020-12-31).

        Raises:
            PolicyError: unknown parameter, or no value in force on the date.
        """

    def parameters(self, on: str | datetime.date | None = None) -> list[dict[str, Any]]:
        """Every parameter in force on a date: name, value, since, status, unit, source."""

    def show(self, on: str | datetime.date | None = None) -> _DataFrame:
        """Every parameter in force on a date as a pandas DataFrame with columns
        ``name``, ``value``, ``since``, ``status``, ``unit`` and ``source``
        (the rows of ``parameters(on)``; pandas is imported only here)."""

    def evaluate(
        self,
        household: Household | dict[str, Any],
        as_of: str | datetime.date | None = None,
        *,
        explain: bool = False,
    ) -> Decision:
        """Evaluates a household on a date (default 2020-12-31), as ``fupin evaluate``.

        Args:
            household: a ``Household``, or a dict in its JSON shape.
            as_of: a ``datetime.date`` or ISO string.
            explain: include the explanation and the ``trace``.

        Raises:
            ValidationError: an invalid household, a bad ``as_of``, no member
                counted on ``as_of`` or a parameter not in force.
        """

    def settle(
        self, claims: Iterable[Claim | dict[str, Any]], *, explain: bool = False
    ) -> list[Settlement]:
        """Settles claims in order through a fresh ``Ledger``, as ``fupin settle``.

        Raises:
            ValidationError: the first invalid claim, or ``duplicate_claim_id``.
        """

@final
class Household:
    """A household of the register (interfaces.md §2.1), validated.

    ``repr`` shows only the household id and the number of members: names
    and identity numbers are never shown."""

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Household:
        """A household from a dict in the JSON shape of interfaces.md §2.1.

        Values may be ``str``, ``int``, ``bool``, ``None``, ``Decimal``,
        ``float`` (read from its shortest ``repr``: ``1234.5`` is exact,
        ``0.1 + 0.2`` is ``invalid_money``), ``datetime.date``, lists and
        dicts. Validation is exactly that of ``fupin evaluate``.

        Raises:
            ValidationError: ``errors()`` lists every problem (``code``,
                ``record_id``, ``field``, masked ``message``) in the order
                of the dict; the first, whose ``code`` and ``field`` the
                exception carries, is the one ``fupin evaluate`` reports.
        """

    @property
    def id(self) -> str:
        """The household number (户编号)."""

    @property
    def members(self) -> list[Member]:
        """The members on the household's register, in order."""

    def to_dict(self) -> dict[str, Any]:
        """Every field in the JSON shape, money as ``Decimal`` and dates as
        ``datetime.date``; ``Household.from_dict`` reads it back."""

    def __eq__(self, other: object, /) -> bool:
        """Equal records (every field)."""

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        """Pickles through ``to_dict()``."""

@final
class Member:
    """A member of a household (interfaces.md §2.2), validated. ``repr``
    masks the name and the identity number."""

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Member:
        """A member from a dict in the JSON shape of interfaces.md §2.2; a
        ``Member`` may stand in a household dict's ``members`` list.

        Raises:
            ValidationError: ``errors()`` lists every problem.
        """

    @property
    def id(self) -> str:
        """The person number."""

    def to_dict(self) -> dict[str, Any]:
        """Every field in the JSON shape, dates as ``datetime.date`` (holds
        the unmasked name and identity number)."""

    def __eq__(self, other: object, /) -> bool:
        """Equal members (every field)."""

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        """Pickles through ``to_dict()``."""

@final
class Claim:
    """A medical claim (interfaces.md §2.3), validated."""

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Claim:
        """A claim from a dict in the JSON shape of interfaces.md §2.3
        (values as for ``Household.from_dict``).

        Raises:
            ValidationError: ``errors()`` lists every problem; the first is
                the one ``fupin settle`` reports.
        """

    @property
    def id(self) -> str:
        """The claim number."""

    @property
    def person_id(self) -> str:
        """The patient's person id."""

    def to_dict(self) -> dict[str, Any]:
        """Every field in the JSON shape, money as ``Decimal`` and dates as
        ``datetime.date``; ``Claim.from_dict`` reads it back."""

    def __eq__(self, other: object, /) -> bool:
        """Equal records (every field)."""

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Any]]]:
        """Pickles through ``to_dict()``."""

@final
class ExitResult:
    """The exit decision."""

    @property
    def eligible(self) -> bool:
        """May exit in the year of ``as_of``."""

    @property
    def failed(self) -> list[str]:
        """Failed criteria in order: ``not_poor``, ``new_or_returned_this_year``,
        ``income_below_line``, ``food``, ``clothing``, ``compulsory_education``,
        ``basic_medical_insurance``, ``housing_unsafe``, ``drinking_water``."""

@final
class MonitoringResult:
    """The monitoring decision."""

    @property
    def category(self) -> str:
        """``none``, ``unstable_exited``, ``marginal`` or ``poor``."""

    @property
    def triggers(self) -> list[str]:
        """``low_income``, ``rigid_expenses``, ``income_drop`` (those that hold)."""

@final
class DibaoResult:
    """The dibao decision."""

    @property
    def eligible(self) -> bool:
        """Eligible for rural dibao."""

    @property
    def monthly_benefit(self) -> Decimal:
        """Monthly benefit (补差), ``Decimal('0.00')`` when not eligible."""

    @property
    def failed(self) -> list[str]:
        """``income_above_standard``, ``assets``."""

@final
class IdentificationResult:
    """The identification check (一票否决)."""

    @property
    def excluded(self) -> bool:
        """Any exclusion reason applies."""

    @property
    def reasons(self) -> list[str]:
        """``car``, ``commercial_housing``, ``business``, ``public_employee``, ``deposits``."""

@final
class EntitlementsResult:
    """Annual entitlements, in yuan."""

    @property
    def insurance_premiums(self) -> Decimal:
        """扶贫保 premiums paid by government."""

    @property
    def elderly_allowance(self) -> Decimal:
        """高龄津贴, a year."""

    @property
    def veterans_allowance(self) -> Decimal:
        """Veterans' living allowance, a year."""

    @property
    def education_aid(self) -> Decimal:
        """Education aid, a year."""

    @property
    def total(self) -> Decimal:
        """The sum of the four."""

@final
class CreditResult:
    """The micro-credit decision."""

    @property
    def eligible(self) -> bool:
        """Eligible for a new poverty micro-credit loan."""

    @property
    def max_new_loan(self) -> Decimal:
        """The largest new loan, ``Decimal('0.00')`` when not eligible."""

    @property
    def failed(self) -> list[str]:
        """``not_eligible_status``, ``age``, ``no_rating``, ``no_labor``, ``limit_reached``."""

@final
class Decision:
    """Everything the rules decide for one household on ``as_of``
    (interfaces.md §3.1). Made by ``Policy.evaluate``; immutable."""

    @property
    def household_id(self) -> str:
        """The household's id."""

    @property
    def as_of(self) -> datetime.date:
        """The assessment date."""

    @property
    def size(self) -> int:
        """Members counted on ``as_of``."""

    @property
    def net_income(self) -> Decimal:
        """Household net income."""

    @property
    def per_capita_income(self) -> Decimal:
        """Per-capita net income, rounded to the fen."""

    @property
    def poverty_line(self) -> Decimal:
        """The exit poverty line on ``as_of``."""

    @property
    def exit(self) -> ExitResult:
        """The exit decision."""

    @property
    def monitoring(self) -> MonitoringResult:
        """The monitoring decision."""

    @property
    def dibao(self) -> DibaoResult:
        """The dibao decision."""

    @property
    def identification(self) -> IdentificationResult:
        """The identification check."""

    @property
    def entitlements(self) -> EntitlementsResult:
        """Annual entitlements."""

    @property
    def credit(self) -> CreditResult:
        """The micro-credit decision."""

    @property
    def findings(self) -> list[dict[str, str | None]]:
        """Data-quality findings: ``code``, ``person_id`` (or None), ``field``."""

    @property
    def trace(self) -> list[dict[str, Any]] | None:
        """Each rule's ``inputs``, ``parameters`` and ``result``, in rule order;
        None unless evaluated with ``explain=True``."""

    def to_dict(self) -> dict[str, Any]:
        """The §3.1 shape, money as ``Decimal`` and ``as_of`` as ``datetime.date``
        (``explanation`` and ``trace`` only when evaluated with ``explain=True``)."""

    def to_json(self) -> str:
        """Exactly the line ``fupin evaluate`` writes (without the newline)."""

    def explain(self, lang: Literal["zh", "en"] = "zh") -> str:
        """Sentences a caseworker can read aloud (computed if not evaluated
        with ``explain=True``).

        Raises:
            ValidationError: ``lang`` is not ``"zh"`` or ``"en"``.
        """

    def _repr_html_(self) -> str:
        """A small HTML table for notebooks."""

    def __eq__(self, other: object, /) -> bool:
        """Equal results (every field, trace included)."""

    def __reduce__(self) -> tuple[Any, tuple[str, str, str]]:
        """Pickles as the decision's JSON and its explanation texts (worked
        out now if not evaluated with ``explain=True``)."""

    @staticmethod
    def _from_pickle(state: str, zh: str, en: str) -> Decision:
        """The decision ``__reduce__`` pickled (pickle calls it).

        Raises:
            ValidationError: ``invalid_json`` when ``state`` is not a decision.
        """

@final
class Settlement:
    """The settlement of one claim (interfaces.md §3.2): six components that
    add up exactly to ``total_cost``."""

    @property
    def claim_id(self) -> str:
        """The claim's id."""

    @property
    def person_id(self) -> str:
        """The patient's person id."""

    @property
    def year(self) -> int:
        """The policy year (the year of admission)."""

    @property
    def total_cost(self) -> Decimal:
        """住院总费用."""

    @property
    def basic_insurance(self) -> Decimal:
        """Layer 1, 基本医保."""

    @property
    def critical_illness_insurance(self) -> Decimal:
        """Layer 2, 大病保险."""

    @property
    def supplementary_insurance(self) -> Decimal:
        """Layer 3, 扶贫保 大病补充医疗."""

    @property
    def medical_assistance(self) -> Decimal:
        """Layer 4, 医疗救助."""

    @property
    def backstop(self) -> Decimal:
        """Layer 5, 政府兜底."""

    @property
    def self_pay(self) -> Decimal:
        """What the patient pays (out-of-policy costs included)."""

    @property
    def trace(self) -> list[dict[str, Any]] | None:
        """One step per layer, or None unless settled with ``explain=True``."""

    def to_dict(self) -> dict[str, Any]:
        """The §3.2 shape, money as ``Decimal``."""

    def to_json(self) -> str:
        """Exactly the line ``fupin settle`` writes (without the newline)."""

    def __eq__(self, other: object, /) -> bool:
        """Equal results (every field, trace included)."""

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickles as the settlement's JSON (``trace`` included)."""

    @staticmethod
    def _from_pickle(state: str) -> Settlement:
        """The settlement ``__reduce__`` pickled (pickle calls it).

        Raises:
            ValidationError: ``invalid_json`` when ``state`` is not a settlement.
        """

@final
class Ledger:
    """Year-to-date sums of every person settled so far and every claim id
    settled (a claim is never paid twice). Round-trips through
    ``to_json()``/``Ledger.from_json()`` and pickle."""

    def __init__(self) -> None:
        """An empty ledger."""

    def settle(
        self,
        claim: Claim | dict[str, Any],
        policy: Policy | None = None,
        *,
        explain: bool = False,
    ) -> Settlement:
        """Settles one claim (default policy: built-in ``ningxia-2020``).

        Raises:
            ValidationError: an invalid claim, or ``duplicate_claim_id``;
                the ledger is then unchanged.
        """

    @property
    def claims_settled(self) -> int:
        """How many claims have been settled."""

    def __contains__(self, claim_id: object, /) -> bool:
        """Whether a claim id has been settled."""

    def to_json(self) -> str:
        """The ledger as JSON (what ``fupin settle --ledger FILE`` writes)."""

    @staticmethod
    def from_json(s: str) -> Ledger:
        """A ledger from ``to_json()`` text.

        Raises:
            ValidationError: ``invalid_json`` when the text is not a ledger.
        """

    def __getstate__(self) -> str:
        """The pickled state: ``to_json()``."""

    def __setstate__(self, state: str) -> None:
        """Restores a pickled state."""

    def __eq__(self, other: object, /) -> bool:
        """Equal ledgers (the same claims and year-to-date sums)."""

@final
class Registry:
    """A county register read from the interfaces.md §4.1 tables: one entry
    per household row, the bad cells (``errors``) and the villages.
    Defaults: ``policy`` the built-in ``ningxia-2020``, ``as_of`` 2020-12-31.

    ``summary``, ``evaluate``, ``audit`` and ``report`` share one evaluation
    of the registry per policy and ``as_of``: the two most recent are kept."""

    @staticmethod
    def read_csv(
        households: str | os.PathLike[str],
        members: str | os.PathLike[str],
        villages: str | os.PathLike[str] | None = None,
    ) -> Registry:
        """Reads the household and member tables (and optionally ``villages.csv``)
        from CSV files. Bad cells do not raise: they are listed in ``errors``.

        Raises:
            OSError: a file cannot be opened.
            ValidationError: a file cannot be read as CSV at all.
        """

    @staticmethod
    def read_excel(path: str | os.PathLike[str]) -> Registry:
        """Reads one workbook with the sheets ``households``, ``members`` and,
        optionally, ``villages``.

        Raises:
            OSError: the file cannot be opened.
            ValidationError: the file is not a workbook, or a sheet is missing.
        """

    def __len__(self) -> int: ...
    @property
    def _evaluations(self) -> int:
        """How many times the registry was evaluated as a whole (tests only)."""

    @property
    def errors(self) -> _DataFrame:
        """Every bad cell and header: table, row, column, value (masked), message."""

    def summary(
        self,
        by: _Dimension | list[_Dimension] | None = None,
        as_of: str | datetime.date | None = None,
        policy: Policy | None = None,
    ) -> _DataFrame:
        """Households and persons (counted on ``as_of``) by one dimension
        (default ``town``) or several; households failing validation are left out.

        Raises:
            ValidationError: an unknown dimension.
        """

    def evaluate(
        self, as_of: str | datetime.date | None = None, policy: Policy | None = None
    ) -> _DataFrame:
        """One row per household row: the decision flattened with ``_`` (money
        as ``Decimal``), then ``error_code`` and ``error_message``."""

    def audit(
        self, as_of: str | datetime.date | None = None, policy: Policy | None = None
    ) -> _DataFrame:
        """The audit's findings: household_id, code, person_id, field."""

    def report(
        self,
        as_of: str | datetime.date | None = None,
        policy: Policy | None = None,
        out: str | os.PathLike[str] | None = None,
    ) -> str:
        """The county report: its text when ``out`` is None, else writes
        ``.html``/``.htm`` or ``.json`` and returns the path. ``.xlsx`` reports
        are written by the CLI (``fupin report --out report.xlsx``).

        Raises:
            ValidationError: ``out`` has another extension (``.xlsx`` included).
            PolicyError: the policy has no statistics parameter on ``as_of``.
        """

def _panic_for_tests(secret: str) -> None:
    """Panics inside the guard (tests only)."""

def _evaluate_frames(
    households: Any,
    members: Any,
    policy: Policy,
    as_of: str | datetime.date,
    money: str = "decimal",
    amounts: bool = False,
) -> tuple[Any, dict[str, tuple[bytes, list[Decimal | None]]], list[int], int]:
    """The bulk path of ``fupin.evaluate_frame``: Arrow tables in (anything
    with ``__arrow_c_stream__``), ``(pyarrow.Table, money columns, orphan
    member rows, failed rows)`` out. With ``amounts`` (a pandas result),
    each ``decimal128`` money column is also given as ``(places, amounts)``:
    ``amounts`` is ``None`` then one ``Decimal`` per distinct amount,
    ``places`` each row's index into it (little-endian ``uint32`` bytes)."""

def _settle_frames(
    claims: Any,
    policy: Policy,
    ledger: Ledger | None = None,
    money: str = "decimal",
    amounts: bool = False,
) -> tuple[Any, dict[str, tuple[bytes, list[Decimal | None]]], int]:
    """The bulk path of ``fupin.settle_frame``: ``(pyarrow.Table, money
    columns as for ``_evaluate_frames``, failed rows)``."""
