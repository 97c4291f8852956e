"""Times ``fupin.evaluate_frame`` against the same rules in vectorized pandas
(``pandas_rules.py``) and in OpenFisca (``openfisca_rules.py``) on the same
synthetic registries, and checks that they agree.

    bash benches/python/setup.sh
    benches/python/.venv-openfisca/bin/python benches/python/run.py --sizes 10000,100000,1000000

For every size and engine, each repetition runs in a fresh interpreter
(``run.py --worker``) that

1. loads the registry frames (``registry.load``: ``pd.read_csv`` of the
   ``fupin synth`` tables, money float64; cached as a pickle after the
   first read so that loading is not what the run waits for);
2. collects garbage, returns freed heap to the kernel (``malloc_trim``),
   resets the kernel's peak-RSS mark (``/proc/self/clear_refs`` ← 5) and
   notes the resident size: the memory of the interpreter, pandas and the
   loaded frames, i.e. the baseline that is subtracted;
3. runs the engine from the frames to its result frame, timing the wall
   clock (``time.perf_counter``);
4. reads the peak RSS since the reset (``VmHWM``): *peak memory* in the
   table is that peak minus the baseline (where ``clear_refs`` is not
   writable, the process's whole ``ru_maxrss`` minus the baseline, which
   can only over-state it);
5. writes its per-household outputs (code lists as bitmasks, money as
   float) for the agreement check, after the clock has stopped.

Agreement: every engine is compared per household with fupin's exact
(``money="decimal"``) decisions: size, exit eligibility and failed codes,
monitoring category and triggers, dibao eligibility and failed codes, the
dibao benefit and the per-capita income within 0.005 yuan (and exactly to
the fen, counted separately), with mismatch counts and a few examples.
Households that fupin rejects (a validation error) are left out of the
comparison and counted.

``import fupin`` is timed in fresh interpreters (median of several).
Results go to stdout as Markdown and to ``benches/python/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import DIBAO_CODES, EXIT_CODES, TRIGGER_CODES, decode, masks  # noqa: E402

ENGINES = ("fupin-float", "fupin-decimal", "fupin-arrow", "pandas", "openfisca")
DESCRIPTIONS = {
    "fupin-float": 'fupin.evaluate_frame(pandas frames, money="float")',
    "fupin-decimal": 'fupin.evaluate_frame(pandas frames) (money="decimal": Decimal objects out)',
    "fupin-arrow": "fupin.evaluate_frame(pyarrow Tables, money decimal128(18,2)) (Arrow out)",
    "pandas": "pandas_rules.evaluate (vectorized pandas, float64)",
    "openfisca": "openfisca_rules.evaluate (OpenFisca 46, float32 money; system + simulation built from the frames)",
}

# ---- the worker: one engine, one size, one fresh interpreter ---------------------


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _trim() -> None:
    """Give freed heap pages back to the kernel (glibc), so the baseline is
    what the frames hold, not what loading them once needed."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _frames(n: int, arrow: bool) -> tuple[Any, Any]:
    import registry

    cache = registry.directory(n) / ("frames-arrow.pickle" if arrow else "frames.pickle")
    if cache.exists():
        with open(cache, "rb") as f:
            return pickle.load(f)
    frames = registry.load_arrow(n) if arrow else registry.load(n)
    with open(cache, "wb") as f:
        pickle.dump(frames, f, protocol=pickle.HIGHEST_PROTOCOL)
    return frames


def _normalize_fupin(out: Any) -> Any:
    """fupin's result (pandas or Arrow) as the common comparison frame."""
    import pandas as pd

    if not hasattr(out, "iloc"):  # pyarrow.Table
        out = out.to_pandas()

    def money(col: str) -> Any:
        return pd.to_numeric(out[col].map(lambda v: None if v is None else float(v)), errors="coerce")

    def lists(col: str) -> list[Any]:
        # a failed row's code list is None (Arrow) or pd.NA (pandas' Arrow-backed column)
        return [None if v is None or v is pd.NA else list(v) for v in out[col]]

    return pd.DataFrame(
        {
            "household_id": out["household_id"].astype(str).to_numpy(),
            "error": out["error_code"].notna().to_numpy(),
            "size": out["size"].to_numpy(),
            "net_income": money("net_income").to_numpy(),
            "per_capita_income": money("per_capita_income").to_numpy(),
            "exit_eligible": out["exit_eligible"].to_numpy(),
            "exit_failed": masks(lists("exit_failed"), EXIT_CODES),
            "monitoring_category": out["monitoring_category"].to_numpy(),
            "monitoring_triggers": masks(lists("monitoring_triggers"), TRIGGER_CODES),
            "dibao_eligible": out["dibao_eligible"].to_numpy(),
            "dibao_monthly_benefit": money("dibao_monthly_benefit").to_numpy(),
            "dibao_failed": masks(lists("dibao_failed"), DIBAO_CODES),
        }
    )


def worker(engine: str, n: int, out_path: str | None) -> dict[str, Any]:
    arrow = engine == "fupin-arrow"
    t_load = time.perf_counter()
    households, members = _frames(n, arrow)
    load_s = time.perf_counter() - t_load
    extra: dict[str, Any] = {}

    if engine.startswith("fupin"):
        import fupin

        policy = fupin.Policy.builtin("ningxia-2020")
        money = {"fupin-float": "float", "fupin-decimal": "decimal", "fupin-arrow": None}[engine]

        def run() -> Any:
            return fupin.evaluate_frame(households, members, policy=policy, as_of="2020-12-31", money=money)

    elif engine == "pandas":
        import pandas_rules

        def run() -> Any:
            return pandas_rules.evaluate(households, members, as_of="2020-12-31")

    elif engine == "openfisca":
        import openfisca_rules

        def run() -> Any:
            return openfisca_rules.evaluate(households, members, as_of="2020-12-31", timings=extra)

    else:
        raise SystemExit(f"unknown engine {engine}")

    gc.collect()
    _trim()
    exact_peak = _reset_peak()
    rss0 = _status_kib("VmRSS")
    t0 = time.perf_counter()
    out = run()
    wall = time.perf_counter() - t0
    if exact_peak:
        peak = _status_kib("VmHWM")
    else:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows = len(out)
    if out_path:
        if engine.startswith("fupin"):
            norm = _normalize_fupin(out)
        else:
            norm = out.assign(error=False)
            norm["household_id"] = norm["household_id"].astype(str)
        norm.reset_index(drop=True).to_pickle(out_path)
        del norm
    # a second call in the same interpreter: what is left once one-off costs
    # (lazy imports and initialisation, first touch of the frames) are paid
    del out
    gc.collect()
    t1 = time.perf_counter()
    run()
    warm = time.perf_counter() - t1
    result = {
        "engine": engine,
        "n": n,
        "wall_s": wall,
        "warm_s": warm,
        "load_s": load_s,
        "baseline_mib": rss0 / 1024,
        "peak_extra_mib": (peak - rss0) / 1024,
        "peak_exact": exact_peak,
        "rows": rows,
        **extra,
    }
    return result


# ---- the parent: measurements, agreement, report ----------------------------------


def measure(engine: str, n: int, keep: Path | None, timeout: float | None) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", engine, str(n)]
    if keep is not None:
        cmd += ["--keep", str(keep)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{engine} at {n}: worker failed\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def import_time(runs: int = 9) -> dict[str, Any]:
    code = (
        "import sys, time; t = time.perf_counter(); import fupin; d = time.perf_counter() - t; "
        "print(d, 'pandas' in sys.modules, 'pyarrow' in sys.modules)"
    )
    times, heavy = [], False
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        times.append(float(out[0]))
        heavy = heavy or out[1] == "True" or out[2] == "True"
    cold = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import fupin"], capture_output=True, text=True, check=True
    )
    total_us = 0
    for line in cold.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == "fupin":
            total_us = int(parts[1])
    return {
        "median_ms": statistics.median(times) * 1000,
        "min_ms": min(times) * 1000,
        "max_ms": max(times) * 1000,
        "runs": runs,
        "imports_pandas_or_pyarrow": heavy,
        "importtime_cumulative_ms": total_us / 1000,
    }


AGREE_FIELDS = (
    "size",
    "exit_eligible",
    "exit_failed",
    "monitoring_category",
    "monitoring_triggers",
    "dibao_eligible",
    "dibao_failed",
)
MONEY_FIELDS = ("per_capita_income", "dibao_monthly_benefit", "net_income")


def agreement(reference: Any, other: Any, examples: int = 3) -> dict[str, Any]:
    """Per-household comparison of ``other`` with fupin's exact decisions."""
    import numpy as np

    if len(reference) != len(other) or (reference["household_id"].to_numpy() != other["household_id"].to_numpy()).any():
        raise RuntimeError("the engines' outputs are not aligned household by household")
    ok = ~reference["error"].to_numpy(dtype=bool)
    ref, oth = reference[ok].reset_index(drop=True), other[ok].reset_index(drop=True)
    report: dict[str, Any] = {"compared": int(ok.sum()), "fupin_errors": int((~ok).sum()), "fields": {}}
    decoders = {"exit_failed": EXIT_CODES, "monitoring_triggers": TRIGGER_CODES, "dibao_failed": DIBAO_CODES}
    pci_off = np.rint(ref["per_capita_income"].to_numpy(dtype=np.float64) * 100) != np.rint(
        oth["per_capita_income"].to_numpy(dtype=np.float64) * 100
    )
    for field in AGREE_FIELDS:
        a = ref[field].to_numpy()
        b = oth[field].to_numpy()
        if field in ("size", "exit_failed", "monitoring_triggers", "dibao_failed"):
            a, b = a.astype(np.int64), b.astype(np.int64)
        elif field in ("exit_eligible", "dibao_eligible"):
            a, b = a.astype(bool), b.astype(bool)
        else:
            a, b = a.astype(str), b.astype(str)
        bad = np.flatnonzero(a != b)
        shown = []
        for i in bad[:examples]:
            va, vb = ref[field].iloc[i], oth[field].iloc[i]
            if field in decoders:
                va, vb = decode(va, decoders[field]), decode(vb, decoders[field])
            shown.append(
                {
                    "household_id": ref["household_id"].iloc[i],
                    "fupin": _plain(va),
                    "baseline": _plain(vb),
                    "pci fupin/baseline": f"{ref['per_capita_income'].iloc[i]:.2f} / {float(oth['per_capita_income'].iloc[i])!r}",
                }
            )
        report["fields"][field] = {
            "mismatches": int(len(bad)),
            "pci_off_by_a_fen": int(pci_off[bad].sum()),
            "examples": shown,
        }
    for field in MONEY_FIELDS:
        a = ref[field].to_numpy(dtype=np.float64)
        b = oth[field].to_numpy(dtype=np.float64)
        diff = np.abs(a - b)
        beyond = np.flatnonzero(~(diff <= 0.005))
        off_fen = np.flatnonzero(np.rint(a * 100) != np.rint(b * 100))
        shown = []
        for i in (beyond if len(beyond) else off_fen)[:examples]:
            e = {"household_id": ref["household_id"].iloc[i], "fupin": f"{a[i]:.2f}", "baseline": repr(float(b[i]))}
            if field == "per_capita_income":
                e["net/N"] = f"{ref['net_income'].iloc[i]:.2f}/{int(ref['size'].iloc[i])}"
            shown.append(e)
        entry = {
            "mismatches": int(len(beyond)),
            "off_by_a_fen_or_more": int(len(off_fen)),
            "max_abs_diff": float(diff.max()) if len(diff) else 0.0,
            "examples": shown,
        }
        if field == "per_capita_income" and len(off_fen):
            # is the exact quotient net / N exactly half a fen? (net from fupin, exact)
            cents = np.rint(ref["net_income"].to_numpy(dtype=np.float64)[off_fen] * 100).astype(np.int64)
            size = ref["size"].to_numpy(dtype=np.int64)[off_fen]
            twice = 2 * np.abs(cents)
            half = (twice % size == 0) & ((twice // size) % 2 == 1)
            entry["exact_half_fen"] = int(half.sum())
        report["fields"][field] = entry
    return report


def _plain(v: Any) -> Any:
    if hasattr(v, "item"):
        return v.item()
    return v


def machine() -> dict[str, str]:
    import importlib.metadata as md

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    versions = {}
    for name in ("fupin", "pandas", "numpy", "pyarrow", "openfisca-core"):
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        **versions,
    }


def _fmt_rate(n: int, s: float) -> str:
    return f"{n / s:,.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated household counts")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--repeat", type=int, default=3, help="fresh-process repetitions per engine and size (median)")
    ap.add_argument(
        "--openfisca-budget",
        type=float,
        default=900.0,
        help="seconds: run OpenFisca at a size only if the time extrapolated from the previous size fits (else report the extrapolation)",
    )
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"), help="where to write the Markdown report ('' for none)")
    ap.add_argument("--worker", nargs=2, metavar=("ENGINE", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--keep", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        print(json.dumps(worker(args.worker[0], int(args.worker[1]), args.keep)))
        return

    import pandas as pd

    exe = Path(sys.executable)
    shown = os.path.relpath(exe) if exe.is_relative_to(Path.cwd()) else str(exe)
    command = " ".join([shown, *sys.argv])
    sizes = [int(s) for s in args.sizes.split(",") if s]
    engines = [e for e in args.engines.split(",") if e]
    info = machine()
    print(f"machine: {info}", file=sys.stderr)

    imp = import_time()
    print(f"import fupin: median {imp['median_ms']:.1f} ms", file=sys.stderr)

    rows: list[dict[str, Any]] = []
    agree: dict[tuple[int, str], dict[str, Any]] = {}
    extrapolated: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="fupin-pybench-") as tmp:
        prev_openfisca: tuple[int, float] | None = None
        for n in sizes:
            import registry

            t = time.perf_counter()
            _frames(n, False)  # make and cache the registry before any timing
            if "fupin-arrow" in engines:
                _frames(n, True)
            print(f"[{n}] registry ready ({time.perf_counter() - t:.1f} s)", file=sys.stderr)
            outputs: dict[str, Path] = {}
            for engine in engines:
                if engine == "openfisca" and prev_openfisca is not None:
                    pn, ps = prev_openfisca
                    estimate = ps * n / pn
                    if estimate > args.openfisca_budget:
                        extrapolated[n] = estimate
                        print(f"[{n}] openfisca skipped: ~{estimate:.0f} s extrapolated > budget", file=sys.stderr)
                        continue
                reps = 1 if engine == "openfisca" else args.repeat
                keep = Path(tmp) / f"{engine}-{n}.pickle"
                results = []
                for r in range(reps):
                    res = measure(engine, n, keep if r == 0 else None, timeout=None)
                    results.append(res)
                    print(f"[{n}] {engine} run {r + 1}: {res['wall_s']:.3f} s, +{res['peak_extra_mib']:.0f} MiB", file=sys.stderr)
                walls = [r["wall_s"] for r in results]
                best = dict(results[0])
                best["wall_s"] = statistics.median(walls)
                best["wall_min_s"] = min(walls)
                best["wall_max_s"] = max(walls)
                best["warm_s"] = statistics.median(r["warm_s"] for r in results)
                best["reps"] = reps
                best["peak_extra_mib"] = statistics.median(r["peak_extra_mib"] for r in results)
                rows.append(best)
                outputs[engine] = keep
                if engine == "openfisca":
                    prev_openfisca = (n, best["wall_s"])
            if "fupin-decimal" in outputs:
                reference = pd.read_pickle(outputs["fupin-decimal"])
                for engine, path in outputs.items():
                    if engine != "fupin-decimal":
                        agree[(n, engine)] = agreement(reference, pd.read_pickle(path))
                for path in outputs.values():
                    path.unlink(missing_ok=True)

    report = render(command, info, imp, rows, agree, extrapolated, sizes)
    print(report)
    if args.out:
        Path(args.out).write_text(report)
        print(f"written to {args.out}", file=sys.stderr)


def _agree_cell(a: dict[str, Any] | None) -> str:
    if a is None:
        return "reference"
    parts = []
    for field, v in a["fields"].items():
        if v["mismatches"]:
            parts.append(f"{field} {v['mismatches']}")
    return "all agree" if not parts else "; ".join(parts)


def render(
    command: str,
    info: dict[str, str],
    imp: dict[str, Any],
    rows: list[dict[str, Any]],
    agree: dict[tuple[int, str], dict[str, Any]],
    extrapolated: dict[int, float],
    sizes: list[int],
) -> str:
    lines = ["# Python benchmark: fupin.evaluate_frame vs pandas vs OpenFisca", ""]
    lines += [
        "Produced by `benches/python/run.py` (see benches/README.md) with:",
        "",
        "```",
        command,
        "```",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()) + ".",
        "The machine is shared (other builds may run on its 2 cores): timings are",
        "the median of fresh-process repetitions and can be noisy; compare",
        "engines within one run.",
        "",
        "Wall time is from the registry frames (already loaded; pandas read with",
        "`pd.read_csv`, money float64) to the engine's result frame. Peak memory",
        "is the peak resident size during the run minus the resident size just",
        "before it (interpreter, libraries and the loaded frames): the kernel's",
        "peak mark is reset (`/proc/self/clear_refs`) after loading, each",
        "measurement in a fresh interpreter. *Second call* is the same engine run",
        "again in the same interpreter right after (median over the",
        "repetitions): the difference to the first is one-off cost (lazy",
        "imports, initialisation, first touch of the frames).",
        "",
        "## Timings",
        "",
        "| households | engine | wall s (median) | min–max s | households/s | second call s | peak memory MiB (above frames) | agreement with fupin (mismatching households) |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    by = {(r["n"], r["engine"]): r for r in rows}
    for r in rows:
        a = agree.get((r["n"], r["engine"]))
        lines.append(
            f"| {r['n']:,} | {r['engine']} | {r['wall_s']:.3f} | {r['wall_min_s']:.3f}–{r['wall_max_s']:.3f} "
            f"| {_fmt_rate(r['n'], r['wall_s'])} | {r['warm_s']:.3f} | {r['peak_extra_mib']:.0f} | {_agree_cell(a) if r['engine'] != 'fupin-decimal' else 'reference (exact)'} |"
        )
    for n, est in extrapolated.items():
        lines.append(
            f"| {n:,} | openfisca | **~{est:.0f} (extrapolated, not run)** | | ~{_fmt_rate(n, est)} | | | |"
        )
    lines += ["", "Engines:", ""]
    for e, d in DESCRIPTIONS.items():
        lines.append(f"- `{e}`: {d}")
    of = [r for r in rows if r["engine"] == "openfisca" and "build_s" in r]
    if of:
        lines += ["", "OpenFisca's time split: " + "; ".join(
            f"{r['n']:,}: system {r['system_s']:.2f} s, simulation from frames {r['build_s']:.2f} s, calculate {r['calculate_s']:.2f} s"
            for r in of
        ) + "."]

    lines += ["", "## Targets (the performance issue)", "", "| target | measured | met? |", "|---|---|---|"]
    big = max(sizes)
    ff = by.get((big, "fupin-float"))
    fd = by.get((big, "fupin-decimal"))
    pdr = by.get((big, "pandas"))
    ofr = by.get((big, "openfisca"))
    of_time = ofr["wall_s"] if ofr else extrapolated.get(big)
    label = f"{big:,} households"
    fa = by.get((big, "fupin-arrow"))
    if ff:
        lines.append(f"| evaluate_frame, money=\"float\", {label} ≤ 0.5 s | {ff['wall_s']:.2f} s | {'yes' if ff['wall_s'] <= 0.5 else '**no**'} |")
        if pdr:
            x = pdr["wall_s"] / ff["wall_s"]
            lines.append(f"| ≥ 2× faster than pandas | {x:.1f}× | {'yes' if x >= 2 else '**no**'} |")
        if of_time:
            x = of_time / ff["wall_s"]
            note = "" if ofr else " (OpenFisca time extrapolated)"
            lines.append(f"| ≥ 50× faster than OpenFisca | {x:.1f}×{note} | {'yes' if x >= 50 else '**no**'} |")
        if fd:
            x = fd["wall_s"] / ff["wall_s"]
            lines.append(f"| money=\"decimal\" ≤ 1.5× the float time | {fd['wall_s']:.2f} s = {x:.2f}× | {'yes' if x <= 1.5 else '**no**'} |")
    if fa:
        lines.append(f"| pyarrow Tables in and out, {label} ≤ 0.3 s | {fa['wall_s']:.2f} s | {'yes' if fa['wall_s'] <= 0.3 else '**no**'} |")
    lines.append(
        f"| `import fupin` ≤ 150 ms | median {imp['median_ms']:.1f} ms of {imp['runs']} fresh interpreters "
        f"(min {imp['min_ms']:.1f}, max {imp['max_ms']:.1f}; `-X importtime` {imp['importtime_cumulative_ms']:.1f} ms); "
        f"pandas/pyarrow imported: {'yes' if imp['imports_pandas_or_pyarrow'] else 'no'} | "
        f"{'yes' if imp['median_ms'] <= 150 else '**no**'} |"
    )

    lines += ["", "## Where the time goes (derived from the rows above)", ""]
    for n in sizes:
        fl, de, ar = by.get((n, "fupin-float")), by.get((n, "fupin-decimal")), by.get((n, "fupin-arrow"))
        parts = []
        if fl and ar:
            parts.append(
                f"from pandas frames (float out) {fl['wall_s']:.2f} s vs from Arrow tables "
                f"(decimal128 out) {ar['wall_s']:.2f} s (second calls {fl['warm_s']:.2f} vs {ar['warm_s']:.2f} s): "
                "the gap between the second calls is moving pandas columns to Arrow and building the "
                "pandas result, a gap between a first and a second call is one-off cost"
            )
        if fl and de:
            parts.append(f"Decimal objects out instead of float64 add {de['wall_s'] - fl['wall_s']:+.2f} s")
        o = by.get((n, "openfisca"))
        if o and "build_s" in o:
            parts.append(
                f"OpenFisca spends {o['build_s'] / o['wall_s']:.0%} of its time building the simulation "
                "from the frames (date parsing, enum encoding, inputs) and "
                f"{o['calculate_s'] / o['wall_s']:.0%} calculating"
            )
        if parts:
            lines.append(f"- {n:,} households: " + "; ".join(parts) + ".")

    lines += ["", "## Agreement", ""]
    lines += [
        "Each baseline is compared household by household with fupin's exact",
        "decisions (`money=\"decimal\"`). Money fields count a mismatch beyond",
        "0.005 yuan; 'off by a fen' counts every household whose rounded fen",
        "differs.",
        "",
    ]
    for (n, engine), a in agree.items():
        lines.append(f"### {engine}, {n:,} households ({a['compared']:,} compared, {a['fupin_errors']} rejected by fupin)")
        lines.append("")
        lines.append("| field | mismatches | detail | examples |")
        lines.append("|---|---:|---|---|")
        for field, v in a["fields"].items():
            detail = ""
            if v["mismatches"] and "pci_off_by_a_fen" in v:
                detail = f"{v['pci_off_by_a_fen']} of them on households whose per-capita income is off by a fen"
            if "off_by_a_fen_or_more" in v:
                detail = f"off by ≥ 1 fen: {v['off_by_a_fen_or_more']}; max \\|diff\\| {v['max_abs_diff']:.6f}"
                if "exact_half_fen" in v:
                    detail += f"; of the households off by a fen, {v['exact_half_fen']} have net/N exactly half a fen"
            ex = "<br>".join(json.dumps(e, ensure_ascii=False).replace("|", "\\|") for e in v["examples"])
            lines.append(f"| {field} | {v['mismatches']} | {detail} | {ex} |")
        lines.append("")
    lines += [
        "## Where float baselines differ from exact money",
        "",
        "- **pandas** keeps money as float64 (what `read_csv` gives). Sums of",
        "  2-decimal amounts carry binary representation errors (about 1e-12",
        "  yuan here), and `round_fen` (half away from zero) works on the binary",
        "  value: an amount that is exactly half a fen in decimal (e.g. a net",
        "  income of 4000.01 over 2 persons = 2000.005) may be stored a hair below",
        "  the half and round down, where fupin rounds the exact decimal up",
        "  (every per-capita mismatch above is such a quotient: see the",
        "  `net/N` of the examples). The dibao benefit inherits it through",
        "  `pci_excl_dibao` and adds its own `× C / 12` halves. A decision that",
        "  compares a rounded amount with a line it sits on then differs too:",
        "  the synthetic registries put some households exactly on the",
        "  income-drop line (`pci = 0.5 × last_pci`), so a fen's difference",
        "  in `pci`, or in `last_pci` when last year's `net / N` is an exact",
        "  half fen (the monitoring mismatches whose `pci` agrees), turns the",
        "  `income_drop` trigger (and with it `unstable_exited`) on or off.",
        "- **OpenFisca** stores `float` variables as float32 (about 7 significant",
        "  digits): incomes of tens of thousands of yuan lose their fen on input,",
        "  so net incomes are off by up to about a fen, per-capita amounts and",
        "  benefits by a fen where the rounding lands on the other side, and",
        "  decisions at a line flip: in float32 `pci <= 0.5 × last_pci` fails on",
        "  the households that sit exactly on the income-drop line (the",
        "  `monitoring_*` mismatches), and `pci > 4000` or `pci_excl_dibao <",
        "  4560` would flip the same way on a household exactly at those lines.",
        "- fupin computes in decimal and rounds once, as domain.md §0 says;",
        "  `money=\"float\"` only converts the rounded results to float64 at the",
        "  end, so it agrees exactly with `money=\"decimal\"`.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
