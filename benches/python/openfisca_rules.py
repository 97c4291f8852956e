"""The household rules of domain.md §1–§4 (income, exit, monitoring, dibao)
as an OpenFisca tax-benefit system: the benchmark's second baseline
(benches/python/run.py). Needs ``openfisca-core`` (benches/python/setup.sh
installs it into its own virtualenv; it never runs in the test command).

Modelling, as an OpenFisca country package would do it:

* entities: ``person`` (a register member) and ``household`` with one role,
  ``member``;
* parameters: the tree of domain.md §9 for the parameters these rules read,
  with their dated values (``poverty_line.exit`` moves every year);
* variables: one input variable per column of the registry tables, one
  variable per rule (each exit criterion, each monitoring trigger, each dibao
  test), and the outputs the benchmark compares: ``size``, ``net_income``,
  ``per_capita_income``, ``exit_eligible``, ``exit_failed``,
  ``monitoring_category``, ``monitoring_triggers``, ``dibao_eligible``,
  ``dibao_monthly_benefit``, ``dibao_failed`` (code lists as bitmasks, bit
  ``i`` = the ``i``-th code in spec order, as in ``pandas_rules``);
* the period is the assessment year (``2020``) and ``as_of`` its last day
  (the benchmark's ``as_of`` is 2020-12-31); last year's income is the same
  income variables on ``period.last_year``, as OpenFisca models time.

Where it is not exact: OpenFisca's ``float`` variables are **float32**
(``openfisca_core.variables.config``), so money has about 7 significant
digits: a net income of 123 456.78 yuan is stored as 123456.78125, and a
per-capita amount can land a fen off after rounding, or move across a line
it sits on exactly. The module rounds half away from zero on the float it
has, as the spec asks; it cannot recover the decimal value.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import ETERNITY, YEAR
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

from common import DIBAO_CODES, EXIT_CODES, INCOME_PARTS, TRIGGER_CODES, round_fen

# ---- entities -----------------------------------------------------------------

Person = build_entity(
    key="person",
    plural="persons",
    label="A member of a registered household (家庭成员)",
    is_person=True,
)
Household = build_entity(
    key="household",
    plural="households",
    label="A household of the register (户)",
    roles=[{"key": "member", "plural": "members", "label": "Member"}],
)

# ---- parameters (domain.md §9, ningxia-2020; only those these rules read) ----


def _values(*pairs: tuple[str, float | int]) -> dict[str, Any]:
    return {"values": {since: {"value": value} for since, value in pairs}}


PARAMETERS = {
    "poverty_line": {
        "exit": _values(
            ("2014-01-01", 2800),
            ("2015-01-01", 2968),
            ("2016-01-01", 3146),
            ("2017-01-01", 3335),
            ("2018-01-01", 3535),
            ("2019-01-01", 3747),
            ("2020-01-01", 4000),
        ),
    },
    "monitoring": {
        "income_factor": _values(("2014-01-01", 1.5)),
        "income_drop_ratio": _values(("2014-01-01", 0.5)),
    },
    "education": {
        "compulsory_age_min": _values(("2014-01-01", 6)),
        "compulsory_age_max": _values(("2014-01-01", 15)),
    },
    "dibao": {
        "standard_annual": _values(("2014-01-01", 4560)),
        "deposit_months": _values(("2014-01-01", 24)),
    },
}

# ---- enums --------------------------------------------------------------------


class Status(Enum):
    poor = "未脱贫"
    exited = "已脱贫"
    returned = "返贫"
    unregistered = "非建档立卡户"


class Housing(Enum):
    safe = "安全"
    unsafe = "危房"
    relocated = "已搬迁"


class Schooling(Enum):
    none = "非在校生"
    preschool = "学前教育"
    primary = "小学"
    junior = "初中"
    senior = "高中"
    vocational = "中职"
    college = "大专及以上"
    dropout = "失学辍学"
    exempt = "送教上门"


class MonitoringCategory(Enum):
    none = "非监测对象"
    unstable_exited = "脱贫不稳定户"
    marginal = "边缘易致贫户"
    poor = "未脱贫"


def _bits(*flags: Any) -> Any:
    out = np.zeros(len(flags[0]), dtype=np.int32)
    for i, f in enumerate(flags):
        out |= f.astype(np.int32) << i
    return out


def _as_of(period: Any) -> np.datetime64:
    return np.datetime64(period.stop.date, "D")


# ---- input variables ------------------------------------------------------------

ABSENT_DATE = _dt.date(9999, 12, 31)


def _input(name: str, entity: Any, value_type: Any, period: Any, label: str, **extra: Any) -> type:
    attrs = {"value_type": value_type, "entity": entity, "definition_period": period, "label": label}
    attrs.update(extra)
    return type(name, (Variable,), attrs)


INPUTS: list[type] = [
    # household
    _input("status", Household, Enum, ETERNITY, "脱贫属性", possible_values=Status, default_value=Status.poor),
    _input("identified_on", Household, _dt.date, ETERNITY, "识别时间"),
    _input("returned_on", Household, _dt.date, ETERNITY, "返贫时间"),
    *[_input(f"income_{k}", Household, float, YEAR, f"income.{k}") for k in INCOME_PARTS],
    _input("income_declared", Household, bool, YEAR, "an income record exists for the year"),
    _input("rigid_expenses", Household, float, YEAR, "刚性支出"),
    _input("guarantees_food", Household, bool, YEAR, "不愁吃", default_value=True),
    _input("guarantees_clothing", Household, bool, YEAR, "不愁穿", default_value=True),
    _input(
        "guarantees_housing", Household, Enum, YEAR, "住房安全", possible_values=Housing, default_value=Housing.safe
    ),
    _input("guarantees_drinking_water", Household, bool, YEAR, "饮水安全", default_value=True),
    *[
        _input(f"assets_{k}", Household, bool, YEAR, f"assets.{k}")
        for k in ("car", "commercial_housing", "business", "public_employee")
    ],
    _input("assets_deposits", Household, float, YEAR, "存款"),
    # person
    _input("birth_date", Person, _dt.date, ETERNITY, "出生日期"),
    _input("deceased_on", Person, _dt.date, ETERNITY, "死亡日期", default_value=ABSENT_DATE),
    _input("moved_out_on", Person, _dt.date, ETERNITY, "迁出日期", default_value=ABSENT_DATE),
    _input("schooling", Person, Enum, YEAR, "在校生状况", possible_values=Schooling, default_value=Schooling.none),
    _input("medical_insurance", Person, bool, YEAR, "参加基本医疗保险", default_value=True),
    _input("dibao_covered", Person, bool, YEAR, "施保对象"),
]

# ---- formulas: persons ----------------------------------------------------------


class counted(Variable):
    value_type = bool
    entity = Person
    definition_period = YEAR
    label = "Counted toward household size on as_of (interfaces.md §2.2)"

    def formula(person, period, parameters):
        as_of = _as_of(period)
        return (
            (person("birth_date", period) <= as_of)
            * (person("deceased_on", period) > as_of)
            * (person("moved_out_on", period) > as_of)
        )


class age(Variable):
    value_type = int
    entity = Person
    definition_period = YEAR
    label = "Completed years on as_of, by (month, day) comparison"

    def formula(person, period, parameters):
        birth = person("birth_date", period)
        as_of = period.stop.date
        months = birth.astype("datetime64[M]")
        b_year = birth.astype("datetime64[Y]").astype(int) + 1970
        b_month = months.astype(int) % 12 + 1
        b_day = (birth - months.astype("datetime64[D]")).astype(int) + 1
        before_birthday = (b_month > as_of.month) | ((b_month == as_of.month) & (b_day > as_of.day))
        return as_of.year - b_year - before_birthday


# ---- formulas: income (§1) ------------------------------------------------------


class size(Variable):
    value_type = int
    entity = Household
    definition_period = YEAR
    label = "N, the members counted on as_of"

    def formula(household, period, parameters):
        return household.sum(household.members("counted", period))


class net_income(Variable):
    value_type = float
    entity = Household
    definition_period = YEAR
    label = "家庭纯收入 (R-INC-1): one-off transfers are not income"

    def formula(household, period, parameters):
        return (
            household("income_wage", period)
            + household("income_operating", period)
            - household("income_operating_cost", period)
            + household("income_property", period)
            + household("income_transfer", period)
            + household("income_dibao", period)
        )


def _per_capita(amount: Any, n: Any) -> Any:
    return round_fen(amount / np.maximum(n, 1))


class per_capita_income(Variable):
    value_type = float
    entity = Household
    definition_period = YEAR
    label = "人均纯收入 (R-INC-2)"

    def formula(household, period, parameters):
        return _per_capita(household("net_income", period), household("size", period))


class per_capita_income_excl_dibao(Variable):
    value_type = float
    entity = Household
    definition_period = YEAR
    label = "Per-capita income without dibao received (R-INC-3)"

    def formula(household, period, parameters):
        net = household("net_income", period) - household("income_dibao", period)
        return _per_capita(net, household("size", period))


# ---- formulas: exit (§2) ----------------------------------------------------------


def _exit_fail(name: str, label: str, formula: Any) -> type:
    return type(
        f"exit_fails_{name}",
        (Variable,),
        {
            "value_type": bool,
            "entity": Household,
            "definition_period": YEAR,
            "label": label,
            "formula": formula,
        },
    )


def _registered_poor(household: Any, period: Any) -> Any:
    status = household("status", period)
    return (status == Status.poor) + (status == Status.returned)


def _new_or_returned(household: Any, period: Any, parameters: Any) -> Any:
    as_of = _as_of(period)
    start = np.datetime64(period.start.date, "D")

    def in_year(d: Any) -> Any:
        return (d >= start) * (d <= as_of)

    return in_year(household("identified_on", period)) + in_year(household("returned_on", period))


def _compulsory_education(household: Any, period: Any, parameters: Any) -> Any:
    edu = parameters(period.stop).education
    age = household.members("age", period)
    schooling = household.members("schooling", period)
    out = (
        household.members("counted", period)
        * (age >= edu.compulsory_age_min)
        * (age <= edu.compulsory_age_max)
        * ((schooling == Schooling.none) + (schooling == Schooling.dropout))
    )
    return household.any(out)


def _uninsured(household: Any, period: Any, parameters: Any) -> Any:
    born = household.members("birth_date", period).astype("datetime64[Y]").astype(int) + 1970
    out = (
        household.members("counted", period)
        * np.logical_not(household.members("medical_insurance", period))
        * (born != period.start.year)
    )
    return household.any(out)


EXIT_RULES: list[type] = [
    _exit_fail("not_poor", "status is not poor or returned", lambda h, p, ps: np.logical_not(_registered_poor(h, p))),
    _exit_fail("new_or_returned_this_year", "当年新识别或返贫的不退出", _new_or_returned),
    _exit_fail(
        "income_below_line",
        "pci not above the exit line",
        lambda h, p, ps: h("per_capita_income", p) <= ps(p.stop).poverty_line.exit,
    ),
    _exit_fail("food", "不愁吃", lambda h, p, ps: np.logical_not(h("guarantees_food", p))),
    _exit_fail("clothing", "不愁穿", lambda h, p, ps: np.logical_not(h("guarantees_clothing", p))),
    _exit_fail("compulsory_education", "义务教育有保障", _compulsory_education),
    _exit_fail("basic_medical_insurance", "基本医疗有保障", _uninsured),
    _exit_fail("housing_unsafe", "住房安全有保障", lambda h, p, ps: h("guarantees_housing", p) == Housing.unsafe),
    _exit_fail("drinking_water", "饮水安全", lambda h, p, ps: np.logical_not(h("guarantees_drinking_water", p))),
]


class exit_failed(Variable):
    value_type = int
    entity = Household
    definition_period = YEAR
    label = "Failed exit criteria, bit i = EXIT_CODES[i]"

    def formula(household, period, parameters):
        return _bits(*(household(f"exit_fails_{c}", period) for c in EXIT_CODES))


class exit_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = YEAR
    label = "May exit the register this year (贫困户退出)"

    def formula(household, period, parameters):
        return household("exit_failed", period) == 0


# ---- formulas: monitoring (§3) --------------------------------------------------


class monitoring_low_income(Variable):
    value_type = bool
    entity = Household
    definition_period = YEAR
    label = "pci below 1.5 × the exit line"

    def formula(household, period, parameters):
        ps = parameters(period.stop)
        return household("per_capita_income", period) < ps.monitoring.income_factor * ps.poverty_line.exit


class monitoring_rigid_expenses(Variable):
    value_type = bool
    entity = Household
    definition_period = YEAR
    label = "rigid expenses above net income"

    def formula(household, period, parameters):
        rigid = household("rigid_expenses", period)
        return (rigid > 0) * (rigid > household("net_income", period))


class monitoring_income_drop(Variable):
    value_type = bool
    entity = Household
    definition_period = YEAR
    label = "pci at most half of last year's (last year's net over this year's N)"

    def formula(household, period, parameters):
        ratio = parameters(period.stop).monitoring.income_drop_ratio
        last_pci = _per_capita(household("net_income", period.last_year), household("size", period))
        return household("income_declared", period.last_year) * (
            household("per_capita_income", period) <= (1 - ratio) * last_pci
        )


class monitoring_triggers(Variable):
    value_type = int
    entity = Household
    definition_period = YEAR
    label = "Monitoring triggers, bit i = TRIGGER_CODES[i]; none for households on the register"

    def formula(household, period, parameters):
        bits = _bits(
            household("monitoring_low_income", period),
            household("monitoring_rigid_expenses", period),
            household("monitoring_income_drop", period),
        )
        return np.where(_registered_poor(household, period), 0, bits)


class monitoring_category(Variable):
    value_type = Enum
    possible_values = MonitoringCategory
    default_value = MonitoringCategory.none
    entity = Household
    definition_period = YEAR
    label = "防返贫监测 category"

    def formula(household, period, parameters):
        status = household("status", period)
        triggered = household("monitoring_triggers", period) > 0
        return np.select(
            [_registered_poor(household, period), (status == Status.exited) * triggered,
             (status == Status.unregistered) * triggered],
            [MonitoringCategory.poor, MonitoringCategory.unstable_exited, MonitoringCategory.marginal],
            MonitoringCategory.none,
        )


# ---- formulas: dibao (§4) ---------------------------------------------------------


class dibao_income_above_standard(Variable):
    value_type = bool
    entity = Household
    definition_period = YEAR
    label = "pci without dibao not below the dibao standard"

    def formula(household, period, parameters):
        s = parameters(period.stop).dibao.standard_annual
        return household("per_capita_income_excl_dibao", period) >= s


class dibao_assets(Variable):
    value_type = bool
    entity = Household
    definition_period = YEAR
    label = "assets exclude the household from dibao"

    def formula(household, period, parameters):
        d = parameters(period.stop).dibao
        deposits = household("assets_deposits", period) * 12 > d.deposit_months * d.standard_annual * household(
            "size", period
        )
        return (
            household("assets_car", period)
            + household("assets_commercial_housing", period)
            + household("assets_business", period)
            + household("assets_public_employee", period)
            + deposits
        )


class dibao_failed(Variable):
    value_type = int
    entity = Household
    definition_period = YEAR
    label = "Failed dibao tests, bit i = DIBAO_CODES[i]"

    def formula(household, period, parameters):
        return _bits(household("dibao_income_above_standard", period), household("dibao_assets", period))


class dibao_eligible(Variable):
    value_type = bool
    entity = Household
    definition_period = YEAR
    label = "农村低保 eligibility"

    def formula(household, period, parameters):
        return household("dibao_failed", period) == 0


class dibao_covered_persons(Variable):
    value_type = int
    entity = Household
    definition_period = YEAR
    label = "C: members flagged dibao, or N when none is"

    def formula(household, period, parameters):
        flagged = household.sum(household.members("counted", period) * household.members("dibao_covered", period))
        return np.where(flagged > 0, flagged, household("size", period))


class dibao_monthly_benefit(Variable):
    value_type = float
    entity = Household
    definition_period = YEAR
    label = "补差 per month: (S − pci_excl_dibao) × C / 12"

    def formula(household, period, parameters):
        s = parameters(period.stop).dibao.standard_annual
        gap = s - household("per_capita_income_excl_dibao", period)
        benefit = round_fen(gap * household("dibao_covered_persons", period) / 12)
        return np.where(household("dibao_eligible", period), benefit, 0)


COMPUTED: list[type] = [
    counted,
    age,
    size,
    net_income,
    per_capita_income,
    per_capita_income_excl_dibao,
    *EXIT_RULES,
    exit_failed,
    exit_eligible,
    monitoring_low_income,
    monitoring_rigid_expenses,
    monitoring_income_drop,
    monitoring_triggers,
    monitoring_category,
    dibao_income_above_standard,
    dibao_assets,
    dibao_failed,
    dibao_eligible,
    dibao_covered_persons,
    dibao_monthly_benefit,
]

OUTPUTS = (
    "size",
    "net_income",
    "per_capita_income",
    "exit_eligible",
    "exit_failed",
    "monitoring_category",
    "monitoring_triggers",
    "dibao_eligible",
    "dibao_monthly_benefit",
    "dibao_failed",
)


def tax_benefit_system() -> TaxBenefitSystem:
    """The system: two entities, the parameters, every variable."""
    tbs = TaxBenefitSystem([Person, Household])
    tbs.parameters = ParameterNode("", data=PARAMETERS)
    for variable in (*INPUTS, *COMPUTED):
        tbs.add_variable(variable)
    return tbs


# ---- from the registry frames to a simulation ------------------------------------


def _flags(col: Any, default: bool) -> Any:
    if col.dtype == bool:
        return col.to_numpy()
    text = col.astype("string").str.lower()
    return text.map({"true": True, "1": True, "false": False, "0": False}).fillna(default).to_numpy(dtype=bool)


def _date_array(col: Any, default: _dt.date | None = None) -> Any:
    import pandas as pd

    d = pd.to_datetime(col, format="ISO8601").to_numpy().astype("datetime64[D]")
    if default is not None:
        d = np.where(np.isnat(d), np.datetime64(default, "D"), d)
    else:
        d = np.where(np.isnat(d), np.datetime64("1970-01-01", "D"), d)
    return d


def evaluate(
    households: Any,
    members: Any,
    as_of: str = "2020-12-31",
    tbs: TaxBenefitSystem | None = None,
    timings: dict[str, float] | None = None,
) -> Any:
    """Builds the system (unless given) and the simulation from the two
    frames, and computes the outputs; returns a DataFrame like
    ``pandas_rules.evaluate`` (enums as text). ``timings``, when given,
    receives the seconds spent in ``system_s``, ``build_s`` (simulation and
    inputs from the frames) and ``calculate_s``."""
    import time

    import pandas as pd

    t0 = time.perf_counter()

    day = _dt.date.fromisoformat(str(as_of))
    if (day.month, day.day) != (12, 31):
        raise ValueError("this model's as_of is the last day of the assessment year")
    year = str(day.year)
    last_year = str(day.year - 1)
    tbs = tbs or tax_benefit_system()
    t1 = time.perf_counter()

    # integer ids, as survey-data users of OpenFisca do: the row positions,
    # and each member's household as a position in the households frame
    # (a hash join) rather than sorting millions of string ids
    household_of = pd.Index(households["id"]).get_indexer(members["household_id"])
    if (household_of < 0).any():
        raise ValueError("a member row names no household of the households frame")
    builder = SimulationBuilder()
    builder.create_entities(tbs)
    builder.declare_person_entity("person", np.arange(len(members)))
    hh = builder.declare_entity("household", np.arange(len(households)))
    builder.join_with_persons(hh, household_of, np.zeros(len(members), dtype=int))
    sim = builder.build(tbs)

    def money(frame: Any, col: str) -> Any:
        return frame[col].fillna(0).to_numpy(dtype=np.float64) if col in frame else np.zeros(len(frame))

    sim.set_input("status", year, households["status"].fillna("poor").to_numpy(dtype=str))
    sim.set_input("identified_on", year, _date_array(households["identified_on"]))
    sim.set_input("returned_on", year, _date_array(households["returned_on"]))
    for k in INCOME_PARTS:
        sim.set_input(f"income_{k}", year, money(households, f"income_{k}"))
        sim.set_input(f"income_{k}", last_year, money(households, f"last_year_income_{k}"))
    last_cols = [c for c in households.columns if c.startswith("last_year_income_")]
    sim.set_input("income_declared", last_year, households[last_cols].notna().any(axis=1).to_numpy())
    sim.set_input("rigid_expenses", year, money(households, "rigid_expenses"))
    for k in ("food", "clothing", "drinking_water"):
        sim.set_input(f"guarantees_{k}", year, _flags(households[f"guarantees_{k}"], True))
    sim.set_input("guarantees_housing", year, households["guarantees_housing"].fillna("safe").to_numpy(dtype=str))
    for k in ("car", "commercial_housing", "business", "public_employee"):
        sim.set_input(f"assets_{k}", year, _flags(households[f"assets_{k}"], False))
    sim.set_input("assets_deposits", year, money(households, "assets_deposits"))

    sim.set_input("birth_date", year, _date_array(members["birth_date"]))
    sim.set_input("deceased_on", year, _date_array(members["deceased_on"], ABSENT_DATE))
    sim.set_input("moved_out_on", year, _date_array(members["moved_out_on"], ABSENT_DATE))
    sim.set_input("schooling", year, members["schooling"].fillna("none").to_numpy(dtype=str))
    sim.set_input("medical_insurance", year, _flags(members["medical_insurance"], True))
    sim.set_input("dibao_covered", year, _flags(members["dibao"], False))

    t2 = time.perf_counter()

    out = {"household_id": households["id"].to_numpy()}
    for name in OUTPUTS:
        values = sim.calculate(name, year)
        out[name] = values.decode_to_str() if name == "monitoring_category" else values
    result = pd.DataFrame(out, index=households.index)
    if timings is not None:
        timings.update(system_s=t1 - t0, build_s=t2 - t1, calculate_s=time.perf_counter() - t2)
    return result
