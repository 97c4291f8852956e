"""Where ``fupin.evaluate_frame`` on pandas frames spends its time, in one
process on the same frames (the figures benches/README.md quotes):

    benches/python/.venv-openfisca/bin/python benches/python/split.py [N] [REPEAT] [MONEY]

N households (default 1 000 000; the frames cached by ``run.py`` under
``.data/``), REPEAT rounds (default 3), MONEY ``float`` (default),
``decimal`` or ``both``. Each round prints the seconds of

- ``to_arrow``: the pandas frames as Arrow tables (float columns shared,
  the rest converted by pyarrow);
- ``eval``: the compiled evaluation to Arrow, then ``+amounts``: the same
  with the ``decimal.Decimal`` amounts of the money columns as well (what a
  pandas result with ``money="decimal"`` asks for; nothing with float
  money);
- ``result``: the pandas result frame assembled from the table (and the
  amounts).

Each figure is wall-clock seconds, then in brackets the process's CPU
seconds (``time.process_time``, all threads): on a shared machine, a
single-threaded step (``+amounts``, ``result``) whose wall time is well
above its CPU time was waiting for a core.

It calls the package's private helpers on purpose: they are the steps of
``evaluate_frame`` that this split times one by one.
"""

from __future__ import annotations

import gc
import pickle
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    import registry
    from fupin import frames as F
    from fupin._fupin import Policy, _evaluate_frames

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    which = sys.argv[3] if len(sys.argv) > 3 else "float"
    monies = ("float", "decimal") if which == "both" else (F._money(which),)
    cache = registry.directory(n) / "frames.pickle"
    if not cache.exists():
        raise SystemExit(f"no cached frames at {cache}: run run.py --sizes {n} once first")
    with open(cache, "rb") as f:
        households, members = pickle.load(f)[:2]
    policy = Policy.builtin(F.DEFAULT_POLICY)
    for money in monies:
        for _ in range(repeat):
            gc.collect()
            t = [(time.perf_counter(), time.process_time())]
            hh = F._arrow_table(households, "households")
            mm = F._arrow_table(members, "members")
            t.append((time.perf_counter(), time.process_time()))
            with F._no_cyclic_gc():
                _evaluate_frames(hh, mm, policy, F.DEFAULT_AS_OF, money, False)
            t.append((time.perf_counter(), time.process_time()))
            with F._no_cyclic_gc():
                table, amounts, _, failed = _evaluate_frames(hh, mm, policy, F.DEFAULT_AS_OF, money, True)
            t.append((time.perf_counter(), time.process_time()))
            out = F._pandas_result(table, amounts, failed, households.index)
            t.append((time.perf_counter(), time.process_time()))
            (w, c) = zip(*t)

            def step(k: int, x: tuple[float, ...]) -> float:
                return x[k + 1] - x[k]

            print(
                f"{money:7}  to_arrow {step(0, w):.3f} [{step(0, c):.3f}]"
                f"  eval {step(1, w):.3f} [{step(1, c):.3f}]"
                f"  +amounts {step(2, w) - step(1, w):+.3f} [{step(2, c) - step(1, c):+.3f}]"
                f"  result {step(3, w):.3f} [{step(3, c):.3f}]"
            )
            del table, amounts, out


if __name__ == "__main__":
    main()
