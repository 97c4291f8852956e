"""Privacy sweep (interfaces.md §4 and §6): a corpus of households
whose members have valid identity numbers (GB 11643-1999 check character)
and full names goes through every API, whole and broken at or next to the
personal fields. No full identity number and no full name may appear in
any output, exception message, warning, repr or on stderr: an identity
number shows only its first 6 and last 4 characters (``640122********123X``),
a name its first character (``张**``).

The records themselves (``to_dict()`` of a household, the input files) do
carry the raw values: checking them proves the scan can see a leak."""

from __future__ import annotations

import csv
import datetime
import json
import warnings
from pathlib import Path
from typing import Any

import fupin
import pytest

# GB 11643-1999: the weights of the first 17 characters and the check
# character for each remainder mod 11.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def identity_number(region: str, birth: datetime.date, sequence: int) -> str:
    """A valid 18-character identity number (odd sequence: male)."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    total = sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return body + CHECK[total % 11]


def test_the_identity_numbers_follow_the_standard() -> None:
    # The standard's own example: 11010519491231002X.
    assert identity_number("110105", datetime.date(1949, 12, 31), 2) == "11010519491231002X"


# Names unlikely to be part of any template text or place name.
NAMES = [
    "郗慕白", "庹雨桐", "瞿思源", "禚文澜", "亓官明", "郤晚晴", "訾东篱", "阙星河",
    "郗岚", "庹峥", "瞿澈", "禚涟", "宓柯", "郦湛", "蒯渊", "钭翎",
]  # fmt: skip


def person(h: int, k: int) -> dict[str, Any]:
    """Member k of household h: a valid identity number matching birth date and sex."""
    male = (h + k) % 2 == 0
    birth = datetime.date(1950 + 3 * h + 20 * k, 1 + (h % 12), 1 + (5 * h + k) % 28)
    sequence = 100 + 2 * h + (1 if male else 0)
    number = identity_number("640122", birth, sequence)
    # Every third person gets a number whose check character is X.
    while (h + k) % 3 == 0 and not number.endswith("X"):
        sequence += 2
        number = identity_number("640122", birth, sequence)
    return {
        "id": f"P{h:02d}{k}",
        "id_number": number,
        "name": NAMES[(2 * h + k) % len(NAMES)],
        "relation": "head" if k == 0 else "spouse",
        "sex": "male" if male else "female",
        "birth_date": birth.isoformat(),
    }


def corpus() -> list[dict[str, Any]]:
    return [
        {
            "id": f"H{h:02d}",
            "town": "洪广镇",
            "village": "欣荣村",
            "income": {"wage": f"{3000 + 700 * h}.50"},
            "members": [person(h, 0), person(h, 1)],
        }
        for h in range(8)
    ]


def secrets() -> set[str]:
    out = set()
    for hh in corpus():
        for m in hh["members"]:
            out.update([m["id_number"], m["name"]])
    return out


SECRETS = secrets()
assert any(s.endswith("X") for s in SECRETS), "some check character is X"


class Seen:
    """Everything the APIs said, to scan for secrets at the end."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def add(self, what: str, value: Any) -> None:
        self.texts.append((what, value if isinstance(value, str) else repr(value)))

    def error(self, what: str, e: BaseException) -> None:
        self.add(f"{what} str", str(e))
        self.add(f"{what} repr", repr(e))
        self.add(f"{what} args", e.args)
        if isinstance(e, fupin.ValidationError):
            self.add(f"{what} errors()", e.errors())
            self.add(f"{what} attributes", (e.record_id, e.field, e.code))

    def leaks(self) -> list[str]:
        return [
            f"{what}: {s[:1]}… ({len(s)} characters)"
            for what, text in self.texts
            for s in SECRETS
            if s in text
        ]


def broken(hh: dict[str, Any], kind: int) -> dict[str, Any]:
    """A copy of `hh` broken at or next to the first member's personal fields."""
    hh = json.loads(json.dumps(hh))
    m = hh["members"][0]
    if kind == 0:
        m["id_number"] = int(m["id_number"].replace("X", "1"))  # wrong_type
    elif kind == 1:
        m["name"] = [m["name"]]  # wrong_type
    elif kind == 2:
        m["passport"] = m["id_number"]  # unknown_field
    elif kind == 3:
        m["sex"] = m["name"]  # invalid_enum, the name quoted
    elif kind == 4:
        m["birth_date"] = m["id_number"]  # invalid_date, the number quoted
    elif kind == 5:
        m["deceased_on"] = m.pop("id_number")  # a number typed in the wrong field only
    elif kind == 6:
        hh["rigid_expenses"] = m["id_number"]  # invalid_money
    elif kind == 7:
        hh["income"]["wage"] = int(m["id_number"][:17])  # money too large
    return hh


KINDS = 8


def test_every_python_api_masks_identity_numbers_and_names(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], ningxia: fupin.Policy
) -> None:
    seen = Seen()
    households = corpus()

    # The records themselves hold the raw values: the scan sees them.
    probe = Seen()
    probe.add("to_dict", fupin.Household.from_dict(households[0]).to_dict())
    assert len(probe.leaks()) == 4

    # Records, reprs, decisions.
    for hh_dict in households:
        hh = fupin.Household.from_dict(hh_dict)
        seen.add("Household repr", hh)
        for m in hh.members:
            seen.add("Member repr", m)
            seen.add("Member str", str(m))
        seen.add("Member.from_dict repr", fupin.Member.from_dict(hh_dict["members"][1]))
        d = ningxia.evaluate(hh, explain=True)
        seen.add("Decision repr", d)
        seen.add("Decision str", str(d))
        seen.add("Decision to_dict", d.to_dict())
        seen.add("Decision to_json", d.to_json())
        seen.add("Decision explain zh", d.explain("zh"))
        seen.add("Decision explain en", d.explain("en"))
        seen.add("Decision html", d._repr_html_())
        seen.add("Decision trace", d.trace)
        seen.add("Decision findings", d.findings)

    # A household whose identity number fails its checksum and disagrees
    # with birth date and sex: findings, which name the person id only.
    odd = json.loads(json.dumps(households[1]))
    odd["members"][0]["id_number"] = odd["members"][0]["id_number"][:-1] + "0"
    odd["members"][0]["birth_date"] = "1931-01-01"
    d = ningxia.evaluate(odd, explain=True)
    assert d.findings, "the broken identity number is a finding"
    for text in (repr(d), d.to_json(), d.explain("zh"), d.explain("en"), d._repr_html_()):
        seen.add("finding decision", text)
    bad_number = odd["members"][0]["id_number"]
    assert bad_number not in d.to_json() + d.explain("zh") + d.explain("en") + repr(d)

    # Broken records: every way of reading one raises ValidationError.
    errors = 0
    for kind in range(KINDS):
        bad = broken(households[kind % len(households)], kind)
        for what, call in (
            ("Household.from_dict", lambda b=bad: fupin.Household.from_dict(b)),
            ("Policy.evaluate", lambda b=bad: ningxia.evaluate(b, explain=True)),
            ("Member.from_dict", lambda b=bad: fupin.Member.from_dict(b["members"][0])),
        ):
            try:
                call()
            except fupin.ValidationError as e:
                seen.error(f"{what} kind {kind}", e)
                errors += 1
    assert errors >= 2 * KINDS, errors

    # Claims and the ledger: identity numbers typed into a claim's fields.
    ledger = fupin.Ledger()
    number = households[2]["members"][0]["id_number"]
    good_claim = {
        "id": "C1",
        "person_id": "P000",
        "admitted_on": "2020-05-01",
        "hospital_level": "county",
        "total_cost": "800000.00",
        "major_illness": True,
    }
    s = ledger.settle(good_claim, ningxia, explain=True)
    seen.add("Settlement", (repr(s), s.to_dict(), s.to_json(), s.trace))
    for i, change in enumerate(
        [{"total_cost": number}, {"admitted_on": number}, {"in_policy_cost": int(number[:17])}]
    ):
        claim = {**good_claim, "id": f"C-bad{i}", **change}
        with pytest.raises(fupin.ValidationError) as info:
            ledger.settle(claim, ningxia)
        seen.error(f"Ledger.settle {i}", info.value)
        with pytest.raises(fupin.ValidationError) as info:
            fupin.Claim.from_dict(claim)
        seen.error(f"Claim.from_dict {i}", info.value)
    with pytest.raises(fupin.ValidationError) as info:
        ningxia.settle([good_claim, {**good_claim, "id": "C9", "admitted_on": number}])
    seen.error("Policy.settle", info.value)
    with pytest.raises(fupin.ValidationError) as info:
        fupin.Ledger.from_json(json.dumps({"persons": number, "claims": [number]}))
    seen.error("Ledger.from_json", info.value)
    seen.add("Ledger", (repr(ledger), ledger.to_json()))

    # Frames: bad cells in the personal columns and next to them, and member
    # rows that join no household (a DataWarning).
    pd = pytest.importorskip("pandas")
    hh_rows = [
        {"id": h["id"], "town": h["town"], "village": h["village"], "income_wage": h["income"]["wage"]}
        for h in households
    ]
    hh_rows[3]["income_wage"] = households[3]["members"][0]["id_number"]
    mm_rows = [{"household_id": h["id"], **m} for h in households for m in h["members"]]
    mm_rows[0]["birth_date"] = mm_rows[0]["id_number"]
    mm_rows[2]["sex"] = mm_rows[2]["name"]
    mm_rows[4]["deceased_on"] = mm_rows[4]["name"]
    mm_rows[6]["birth_date"] = mm_rows[8]["id_number"]
    orphan = {**mm_rows[10], "household_id": mm_rows[10]["id_number"]}
    with pytest.warns(fupin.DataWarning) as caught:
        df = fupin.evaluate_frame(
            pd.DataFrame(hh_rows), pd.DataFrame([*mm_rows, orphan]), policy=ningxia
        )
    seen.add("DataWarning", [str(w.message) for w in caught])
    failed = df[df["error_code"].notna()]
    assert len(failed) >= 4, df[["household_id", "error_code"]]
    seen.add("evaluate_frame", df.to_string())
    seen.add("evaluate_frame messages", list(df["error_message"]))
    seen.add("evaluate_frame findings", list(df["findings"]))
    claims = pd.DataFrame(
        [good_claim, {**good_claim, "id": "C2", "total_cost": number}, {**good_claim, "id": "C3", "admitted_on": number}]
    )
    st = fupin.settle_frame(claims, policy=ningxia)
    assert st["error_code"].notna().sum() == 2
    seen.add("settle_frame", st.to_string())
    seen.add("settle_frame messages", list(st["error_message"]))

    # Registry tables: CSV and xlsx, with bad cells in and next to the
    # personal columns; errors, summary, evaluate, audit, reports.
    hh_csv, mm_csv = tmp_path / "households.csv", tmp_path / "members.csv"
    def columns(rows: list[dict[str, Any]]) -> list[str]:
        return list(dict.fromkeys(c for r in rows for c in r))

    for path, rows in ((hh_csv, hh_rows), (mm_csv, mm_rows)):
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=columns(rows))
            w.writeheader()
            w.writerows(rows)
    assert sum(s in hh_csv.read_text() + mm_csv.read_text() for s in SECRETS) == len(SECRETS)
    regs = [fupin.Registry.read_csv(hh_csv, mm_csv)]
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in (("households", hh_rows), ("members", mm_rows)):
        ws = wb.create_sheet(name)
        ws.append(columns(rows))
        for r in rows:
            ws.append([r.get(c) for c in columns(rows)])
    xlsx = tmp_path / "registry.xlsx"
    wb.save(xlsx)
    regs.append(fupin.Registry.read_excel(xlsx))
    for n, reg in enumerate(regs):
        assert len(reg.errors) >= 4, reg.errors
        seen.add(f"Registry {n} repr", reg)
        seen.add(f"Registry {n} errors", reg.errors.to_string())
        seen.add(f"Registry {n} error values", list(reg.errors["value"]) + list(reg.errors["message"]))
        seen.add(f"Registry {n} summary", reg.summary().to_string())
        ev = reg.evaluate()
        seen.add(f"Registry {n} evaluate", ev.to_string())
        seen.add(f"Registry {n} evaluate messages", list(ev["error_message"]))
        seen.add(f"Registry {n} audit", reg.audit().to_string())
        seen.add(f"Registry {n} report", reg.report())
        for ext in ("html", "json"):
            out = reg.report(out=tmp_path / f"report{n}.{ext}")
            seen.add(f"Registry {n} report {ext}", Path(out).read_text(encoding="utf-8"))
    with pytest.raises(fupin.ValidationError) as info:
        regs[0].report(out=tmp_path / f"{number}.pdf")
    seen.error("report bad out", info.value)

    # A panic inside the bindings: InternalError, nothing printed.
    from fupin import _fupin

    with pytest.raises(fupin.InternalError) as internal:
        _fupin._panic_for_tests(f"{number} {NAMES[0]}")
    seen.error("panic", internal.value)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, err = capfd.readouterr()
    seen.add("stdout", out)
    seen.add("stderr", err)
    assert seen.leaks() == []
