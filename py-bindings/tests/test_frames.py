"""fupin.evaluate_frame / fupin.settle_frame (interfaces.md §6): frames in,
frames out, one row per input row, the same results as the CLI and the
record path; bad cells become row errors, bad columns a ValidationError."""

from __future__ import annotations

import datetime
import json
import math
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import fupin
import pandas as pd  # type: ignore[import-untyped,unused-ignore]
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pytest
from conftest import cell_as_json, flatten, run_cli_text

MONEY = [
    "net_income",
    "per_capita_income",
    "poverty_line",
    "dibao_monthly_benefit",
    "entitlements_insurance_premiums",
    "entitlements_elderly_allowance",
    "entitlements_veterans_allowance",
    "entitlements_education_aid",
    "entitlements_total",
    "credit_max_new_loan",
]


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("frames")
    run_cli_text(["synth", "--households", "2500", "--seed", "31", "--out", str(out)])
    return out


def cli_decisions(county: Path) -> list[dict[str, Any]]:
    text = (county / "households.jsonl").read_text(encoding="utf-8")
    return [flatten(json.loads(line)) for line in run_cli_text(["evaluate"], text)]


def test_pandas_frames_from_csv_equal_the_cli(county: Path) -> None:
    # The analyst's way: pandas.read_csv of the synth tables (money float64,
    # lists ';'-separated text, NaN for empty cells).
    hh = pd.read_csv(county / "households.csv")
    mm = pd.read_csv(county / "members.csv")
    assert hh["income_wage"].dtype == "float64"
    df = fupin.evaluate_frame(hh, mm, as_of="2020-12-31")
    want = cli_decisions(county)
    assert len(df) == len(want) == 2500
    assert list(df.columns[:3]) == ["household_id", "as_of", "size"]
    assert list(df.columns[-2:]) == ["error_code", "error_message"]
    for i, w in enumerate(want):
        row = df.iloc[i]
        got = {c: cell_as_json(row[c]) for c in w}
        assert got == w, (i, {k: (got[k], w[k]) for k in w if got[k] != w[k]})
    assert df["error_code"].isna().all()
    assert isinstance(df["net_income"].iloc[0], Decimal)
    assert isinstance(df["exit_failed"].iloc[0], list)
    assert df["exit_failed"].dtype == pd.ArrowDtype(pa.list_(pa.string()))


def test_arrow_in_arrow_out_and_float_money(county: Path) -> None:
    hh = pd.read_csv(county / "households.csv")
    mm = pd.read_csv(county / "members.csv")
    pandas_out = fupin.evaluate_frame(hh, mm)
    table = fupin.evaluate_frame(pa.Table.from_pandas(hh), pa.Table.from_pandas(mm))
    assert isinstance(table, pa.Table)
    assert table.schema.field("net_income").type == pa.decimal128(18, 2)
    assert table.schema.field("exit_failed").type == pa.list_(pa.string())
    assert table.column("net_income").to_pylist() == list(pandas_out["net_income"])
    assert table.column("findings").to_pylist() == list(pandas_out["findings"])
    floats = fupin.evaluate_frame(hh, mm, money="float")
    for c in MONEY:
        assert floats[c].dtype == "float64"
        # The float nearest each exact amount: float(Decimal) is correctly rounded.
        assert list(floats[c]) == [float(v) for v in pandas_out[c]]
    arrow_floats = fupin.evaluate_frame(pa.Table.from_pandas(hh), mm, money="float")
    assert arrow_floats.schema.field("net_income").type == pa.float64()


def test_frame_result_equals_policy_evaluate(county: Path, ningxia: fupin.Policy) -> None:
    hh = pd.read_csv(county / "households.csv").head(300)
    mm = pd.read_csv(county / "members.csv")
    mm = mm[mm["household_id"].isin(hh["id"])]
    df = fupin.evaluate_frame(hh, mm, policy=ningxia, as_of=datetime.date(2020, 12, 31))
    lines = (county / "households.jsonl").read_text(encoding="utf-8").splitlines()[:300]
    for i, line in enumerate(lines):
        d = ningxia.evaluate(fupin.Household.from_dict(json.loads(line)), as_of="2020-12-31")
        row = df.iloc[i]
        assert row["household_id"] == d.household_id
        assert row["net_income"] == d.net_income
        assert row["exit_eligible"] == d.exit.eligible
        assert row["exit_failed"] == list(d.exit.failed)
        assert row["dibao_monthly_benefit"] == d.dibao.monthly_benefit
        assert row["entitlements_total"] == d.entitlements.total
        assert row["findings"] == d.findings


def one_member(hids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "household_id": hids,
            "id": [f"P{i}" for i in range(len(hids))],
            "sex": ["male"] * len(hids),
            "birth_date": ["1980-01-01"] * len(hids),
        }
    )


def test_bad_cells_fail_their_row_only() -> None:
    # Single-person households: per-capita income = wage.
    hh = pd.DataFrame(
        {
            "id": ["H1", "H2", "H3", "H4", "H5", "H6", "H7"],
            # 1234.5 exact; Decimal 1.005 has three decimals; "abc" is no
            # money; True is no money; None is absent (0); a huge int is
            # ≥ 10^13; Decimal("4000.01") exact.
            "income_wage": [
                1234.5,
                Decimal("1.005"),
                "abc",
                True,
                None,
                10**20,
                Decimal("4000.01"),
            ],
        },
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    df = fupin.evaluate_frame(hh, one_member([f"H{i}" for i in range(1, 8)]))
    assert list(df.index) == [10, 11, 12, 13, 14, 15, 16]
    assert list(df["error_code"].fillna("-")) == [
        "-",
        "invalid_money",
        "invalid_money",
        "invalid_money",
        "-",
        "invalid_money",
        "-",
    ]
    assert df.loc[10, "per_capita_income"] == Decimal("1234.50")
    assert df.loc[14, "per_capita_income"] == Decimal("0.00")
    assert df.loc[16, "per_capita_income"] == Decimal("4000.01")
    assert df.loc[11, "net_income"] is None
    # Code lists and findings are Arrow-backed columns: a failed row's cell
    # is Arrow's null, which pandas gives as pd.NA.
    assert df.loc[11, "exit_failed"] is pd.NA
    assert df.loc[11, "findings"] is pd.NA
    assert pd.isna(df.loc[11, "exit_eligible"])
    assert df.loc[11, "household_id"] == "H2"
    assert df.loc[11, "error_message"].startswith("income.wage:")
    assert df.loc[16, "exit_eligible"]  # 4000.01 > 4000


CODE_LISTS = [
    "exit_failed",
    "monitoring_triggers",
    "dibao_failed",
    "identification_reasons",
    "credit_failed",
]
FINDINGS = pa.list_(
    pa.struct(
        [
            pa.field("code", pa.string(), nullable=False),
            pa.field("person_id", pa.string()),
            pa.field("field", pa.string(), nullable=False),
        ]
    )
)


def test_result_columns_are_numpy_or_arrow_backed_and_cells_read_as_python_values(
    county: Path,
) -> None:
    # Rows of the synth county, every fifth one made to fail (a wage that is
    # no money), under an index of their own.
    hh = pd.read_csv(county / "households.csv").head(200)
    hh.index = range(1000, 1200)
    hh["income_wage"] = hh["income_wage"].astype(object)
    hh.loc[hh.index[::5], "income_wage"] = "abc"
    mm = pd.read_csv(county / "members.csv")
    mm = mm[mm["household_id"].isin(hh["id"])]
    # The same frames as Arrow tables, as evaluate_frame hands them over.
    arrow = fupin.evaluate_frame(
        fupin.frames._arrow_table(hh, "households"), pa.Table.from_pandas(mm)
    )
    for money in ("decimal", "float"):
        df = fupin.evaluate_frame(hh, mm, money=money)
        assert list(df.columns) == list(fupin.frames.DECISION_COLUMNS)
        assert list(df.index) == list(hh.index)
        failed = df["error_code"].notna().to_numpy()
        assert failed.sum() == 40 and failed[::5].all()
        # Numbers and booleans: numpy, nullable because some row failed.
        assert df["size"].dtype == pd.Int64Dtype()
        for c in ("exit_eligible", "dibao_eligible", "identification_excluded", "credit_eligible"):
            assert df[c].dtype == pd.BooleanDtype(), c
        for c in MONEY:
            assert df[c].dtype == ("float64" if money == "float" else object), c
        # Code lists and findings: Arrow-backed, no Python object a row.
        for c in CODE_LISTS:
            assert df[c].dtype == pd.ArrowDtype(pa.list_(pa.string())), c
        assert df["findings"].dtype == pd.ArrowDtype(FINDINGS)
        for i, label in enumerate(df.index):
            for c in [*CODE_LISTS, "findings"]:
                want = arrow.column(c)[i].as_py()
                cell = df.loc[label, c]
                if failed[i]:
                    assert want is None and cell is pd.NA, (label, c)
                    continue
                assert type(cell) is list and cell == want, (label, c)
                assert df[c].iloc[i] == want and df.at[label, c] == want
                if c == "findings":
                    assert all(type(f) is dict and list(f) == ["code", "person_id", "field"] for f in cell)
                else:
                    assert all(type(code) is str for code in cell)
            for c in MONEY:
                cell = df.loc[label, c]
                if failed[i]:
                    assert cell is None if money == "decimal" else math.isnan(cell), (label, c)
                elif money == "decimal":
                    assert type(cell) is Decimal and str(cell) == str(arrow.column(c)[i].as_py())
                else:
                    assert cell == float(arrow.column(c)[i].as_py())
        assert any(df.loc[label, "findings"] for label in df.index[~failed])
        assert any(df.loc[label, "exit_failed"] for label in df.index[~failed])
        # Whole columns and records give the same Python values.
        assert df["exit_failed"].tolist() == [
            pd.NA if v is None else v for v in arrow.column("exit_failed").to_pylist()
        ]
        records = df.to_dict("records")
        assert [r["findings"] for r in records] == arrow.column("findings").to_pylist()
    # Without a failed row, numbers and booleans are plain numpy columns.
    good_hh = hh[hh["income_wage"] != "abc"]
    good = fupin.evaluate_frame(good_hh, mm[mm["household_id"].isin(good_hh["id"])], money="float")
    assert good["error_code"].isna().all()
    assert good["size"].dtype == "int64"
    assert good["exit_eligible"].dtype == bool
    assert good["exit_failed"].dtype == pd.ArrowDtype(pa.list_(pa.string()))


def test_decimal_money_is_written_as_arrow_writes_it_one_object_per_amount() -> None:
    # Negative, zero, sub-yuan and large amounts; repeated amounts.
    wages = ["0", "0", "0.07", "12.30", "999999999999.99", "12.30", "0"]
    costs = ["1.06", "0", "0.01", "0.01", "0.01", "0.01", "1.06"]
    hh = pd.DataFrame(
        {
            "id": [f"H{i}" for i in range(len(wages))],
            "income_wage": [Decimal(w) for w in wages],
            "income_operating_cost": [Decimal(c) for c in costs],
        }
    )
    mm = one_member(list(hh["id"]))
    df = fupin.evaluate_frame(hh, mm)
    arrow = fupin.evaluate_frame(pa.Table.from_pandas(hh), pa.Table.from_pandas(mm))
    assert df["error_code"].isna().all()
    for c in MONEY:
        want = arrow.column(c).to_pylist()
        assert all(type(v) is Decimal for v in df[c]), c
        assert [str(v) for v in df[c]] == [str(v) for v in want], c
    assert [str(v) for v in df["net_income"]] == [
        "-1.06", "0.00", "0.06", "12.29", "999999999999.98", "12.29", "-1.06",
    ]  # fmt: skip
    # Equal amounts share one Decimal object: no Python object a row.
    assert df["net_income"].iloc[3] is df["net_income"].iloc[5]
    assert df["net_income"].iloc[0] is df["net_income"].iloc[6]
    assert df["poverty_line"].iloc[0] is df["poverty_line"].iloc[4]
    # Settlements likewise: money as Decimal (None on a failed row), the
    # year a nullable int when some row failed.
    claims = pd.DataFrame(
        {
            "id": ["C1", "C2", "C3"],
            "person_id": ["P1", "P1", "P2"],
            "admitted_on": ["2020-03-01", "2020-04-01", "2020-05-01"],
            "hospital_level": ["county"] * 3,
            "total_cost": ["1000.00", "abc", "1000.00"],
        }
    )
    st = fupin.settle_frame(claims)
    assert list(st["error_code"].fillna("-")) == ["-", "invalid_money", "-"]
    assert st["year"].dtype == pd.Int64Dtype()
    assert st.loc[1, "self_pay"] is None
    assert st.loc[0, "total_cost"] == Decimal("1000.00") and str(st.loc[0, "total_cost"]) == "1000.00"
    assert st.loc[0, "total_cost"] is st.loc[2, "total_cost"]


def test_float_column_money_is_read_from_its_repr() -> None:
    hh = pd.DataFrame({"id": ["H1", "H2", "H3"], "income_wage": [0.1 + 0.2, 4000.0, math.nan]})
    df = fupin.evaluate_frame(hh, one_member(["H1", "H2", "H3"]))
    assert list(df["error_code"].fillna("-")) == ["invalid_money", "-", "-"]
    assert "0.30000000000000004" in df["error_message"].iloc[0]
    assert df["per_capita_income"].iloc[1] == Decimal("4000.00")


def test_member_problems_name_the_member_path() -> None:
    hh = pd.DataFrame({"id": ["H1", "H2"]})
    mm = pd.DataFrame(
        {
            "household_id": ["H1", "H1", "H2"],
            "id": ["P1", "P2", "P3"],
            "sex": ["male", "female", "female"],
            "birth_date": ["1980-01-01", "1980-02-30", datetime.date(1990, 5, 5)],
        }
    )
    df = fupin.evaluate_frame(hh, mm)
    assert df["error_code"].iloc[0] == "invalid_date"
    assert df["error_message"].iloc[0].startswith("members[1].birth_date:")
    assert pd.isna(df["error_code"].iloc[1])
    assert df["size"].iloc[1] == 1


def test_lists_as_python_lists_or_text() -> None:
    hh = pd.DataFrame(
        {
            "id": ["H1", "H2", "H3"],
            "causes": [["illness", "schooling"], "disability;other", ["flood"]],
            "exit_steps": [
                ["proposed:2020-03-01", "verified:2020-03-10"],
                None,
                [{"step": "proposed", "on": "2020-03-01"}],
            ],
        }
    )
    df = fupin.evaluate_frame(hh, one_member(["H1", "H2", "H3"]))
    assert list(df["error_code"].fillna("-")) == ["-", "-", "invalid_enum"]
    assert df["error_message"].iloc[2].startswith("causes[0]:")


def test_bad_columns_raise_before_anything_is_evaluated() -> None:
    hh = pd.DataFrame({"id": ["H1"], "income_wages": [1.0], "colour": ["red"]})
    mm = one_member(["H1"]).drop(columns=["sex"])
    with pytest.raises(fupin.ValidationError) as e:
        fupin.evaluate_frame(hh, mm)
    problems = [(p["code"], p["field"]) for p in e.value.errors()]
    assert problems == [
        ("unknown_field", "income_wages"),
        ("unknown_field", "colour"),
        ("missing_field", "sex"),
    ]
    with pytest.raises(fupin.ValidationError):
        fupin.evaluate_frame(pd.DataFrame({"town": ["x"]}), one_member(["H1"]))
    with pytest.raises(fupin.ValidationError) as e2:
        fupin.evaluate_frame([{"id": "H1"}], one_member(["H1"]))
    assert e2.value.code == "wrong_type"
    with pytest.raises(fupin.ValidationError):
        fupin.evaluate_frame(pd.DataFrame({"id": ["H1"]}), one_member(["H1"]), money="yuan")


def test_orphan_members_warn_and_memberless_households_fail() -> None:
    hh = pd.DataFrame({"id": ["H1", "H2"]})
    with pytest.warns(fupin.DataWarning, match=r"1 member row\(s\).*rows 1\)"):
        df = fupin.evaluate_frame(hh, one_member(["H1", "H9"]))
    assert list(df["error_code"].fillna("-")) == ["-", "empty_members"]


def test_empty_frames_give_empty_results() -> None:
    hh = pd.DataFrame({"id": pd.Series([], dtype=str)})
    df = fupin.evaluate_frame(hh, one_member([]))
    assert len(df) == 0
    assert list(df.columns)[-1] == "error_message"
    claims = pd.DataFrame(
        {c: [] for c in ["id", "person_id", "admitted_on", "hospital_level", "total_cost"]}
    )
    assert len(fupin.settle_frame(claims)) == 0


def cli_settlements(county: Path) -> list[dict[str, Any]]:
    text = (county / "claims.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in run_cli_text(["settle"], text)]


def test_settle_frame_equals_the_cli(county: Path) -> None:
    claims = pd.read_json(county / "claims.jsonl", lines=True, dtype=False)
    st = fupin.settle_frame(claims)
    want = cli_settlements(county)
    assert len(st) == len(want) > 100
    for i, w in enumerate(want):
        row = st.iloc[i]
        got = {k: cell_as_json(row[k]) for k in w}
        assert got == w, i
    # The six components add up to the total, exactly.
    parts = [
        "basic_insurance",
        "critical_illness_insurance",
        "supplementary_insurance",
        "medical_assistance",
        "backstop",
        "self_pay",
    ]
    assert all(sum(r[p] for p in parts) == r["total_cost"] for _, r in st.iterrows())


def test_settle_frame_on_a_ledger_continues_and_refuses_repeats(county: Path) -> None:
    claims = pd.read_json(county / "claims.jsonl", lines=True, dtype=False)
    whole = fupin.settle_frame(claims)
    ledger = fupin.Ledger()
    half = len(claims) // 2
    first = fupin.settle_frame(claims.iloc[:half], ledger=ledger)
    second = fupin.settle_frame(claims.iloc[half:], ledger=ledger)
    both = pd.concat([first, second])
    assert list(both["self_pay"]) == list(whole["self_pay"])
    again = fupin.settle_frame(claims.iloc[:3], ledger=ledger)
    assert list(again["error_code"]) == ["duplicate_claim_id"] * 3
    arrow = fupin.settle_frame(pa.Table.from_pandas(claims, preserve_index=False))
    assert arrow.schema.field("backstop").type == pa.decimal128(18, 2)
    assert arrow.column("backstop").to_pylist() == list(whole["backstop"])


def test_result_lists_skip_the_young_generations_and_a_callers_freeze_is_kept() -> None:
    import gc

    from fupin.frames import _no_cyclic_gc

    # Objects made under the pause go straight to the oldest generation (2):
    # the next young collection does not walk them all. Without the move
    # they would sit in generation 0 (or 1, after one young collection).
    gc.collect()
    with _no_cyclic_gc():
        made: list[list[int]] = [[] for _ in range(5000)]
    assert any(o is made[0] for o in gc.get_objects(generation=2))
    assert not any(o is made[-1] for o in gc.get_objects(generation=0))
    # Objects a caller froze stay frozen (unfreeze would release them).
    hh = pd.DataFrame({"id": ["H1", "H2"]})
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        fupin.evaluate_frame(hh, one_member(["H1", "H2"]), money="float")
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_the_garbage_collector_state_is_restored_even_after_an_error() -> None:
    import gc

    hh = pd.DataFrame({"id": ["H1"]})
    mm = one_member(["H1"])
    for enabled in (True, False):
        gc.enable() if enabled else gc.disable()
        try:
            fupin.evaluate_frame(hh, mm)
            assert gc.isenabled() is enabled
            with pytest.raises(fupin.ValidationError):
                fupin.evaluate_frame(hh.assign(nonsense=1), mm)
            assert gc.isenabled() is enabled
        finally:
            gc.enable()


def test_arrow_tables_in_and_out_never_import_pandas(tmp_path: Path) -> None:
    # An Arrow-only caller pays no pandas import (0.5-0.8 s): pyarrow.table()
    # would ask pandas whether its argument is a DataFrame. The frames reach
    # the child as Arrow IPC, which reads without pandas.
    frames = {
        "hh": pa.Table.from_pydict({"id": ["H1"]}),
        "mm": pa.Table.from_pydict(
            {"household_id": ["H1"], "id": ["P1"], "sex": ["male"], "birth_date": ["1980-01-01"]}
        ),
    }
    for name, table in frames.items():
        with pa.ipc.new_file(str(tmp_path / f"{name}.arrow"), table.schema) as w:
            w.write_table(table)
    code = f"""
import sys, pyarrow as pa, fupin
read = lambda n: pa.ipc.open_file({str(tmp_path)!r} + "/" + n + ".arrow").read_all()
hh, mm = read("hh"), read("mm")
assert "pandas" not in sys.modules, "pandas imported before the call"
out = fupin.evaluate_frame(hh, mm)
assert isinstance(out, pa.Table) and out.column("size").to_pylist() == [1], out
batch = fupin.evaluate_frame(hh.to_batches()[0], mm)
assert batch.num_rows == 1
assert "pandas" not in sys.modules, "pandas imported"
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
