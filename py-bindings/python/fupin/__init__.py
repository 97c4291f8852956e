"""fupin: the rules of China's 2014-2020 poverty-alleviation register, exact.

Quick start::

    import fupin
    policy = fupin.Policy.builtin("ningxia-2020")
    policy.parameter("backstop.annual_self_pay_cap", on="2020-06-30")  # Decimal('5000')
    hh = fupin.Household.from_dict({"id": "H1", "members": [...]})
    d = policy.evaluate(hh, as_of="2020-12-31")   # d.exit.eligible, d.explain("zh")
    ledger = fupin.Ledger()
    s = ledger.settle({"id": "C1", ...}, policy)   # s.self_pay
    reg = fupin.Registry.read_csv("households.csv", "members.csv")
    reg.summary(by="town"); reg.evaluate(); reg.errors   # pandas DataFrames
    df = fupin.evaluate_frame(households_df, members_df, as_of="2020-12-31")
    st = fupin.settle_frame(claims_df)   # pandas or pyarrow in, the same kind out

pandas is imported only when a DataFrame is asked for (``fupin.frames``);
``Policy.show`` is implemented in Rust and builds its frame there too.

Every error fupin raises derives from :class:`fupin.FupinError`.
"""

from __future__ import annotations

from fupin._fupin import (
    Claim,
    CreditResult,
    Decision,
    DibaoResult,
    EntitlementsResult,
    ExitResult,
    Household,
    IdentificationResult,
    Ledger,
    Member,
    MonitoringResult,
    Policy,
    Registry,
    Settlement,
    __version__,
)
from fupin.exceptions import FupinError, InternalError, PolicyError, ValidationError
from fupin.frames import DataWarning, evaluate_frame, settle_frame

__all__ = [
    "__version__",
    "Claim",
    "CreditResult",
    "DataWarning",
    "Decision",
    "DibaoResult",
    "EntitlementsResult",
    "ExitResult",
    "FupinError",
    "Household",
    "IdentificationResult",
    "InternalError",
    "Ledger",
    "Member",
    "MonitoringResult",
    "Policy",
    "PolicyError",
    "Registry",
    "Settlement",
    "ValidationError",
    "evaluate_frame",
    "settle_frame",
]
