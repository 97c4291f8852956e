"""fupin: the rules of China's 2014-2020 poverty-alleviation register, exact.

Quick start::

    import fupin
    policy = fupin.Policy.builtin("ningxia-2020")
    policy.parameter("backstop.annual_self_pay_cap", on="2020-06-30")  # Decimal('5000')

Every error fupin raises derives from :class:`fupin.FupinError`.
"""

from __future__ import annotations

from fupin._fupin import Policy, __version__
from fupin.exceptions import FupinError, InternalError, PolicyError, ValidationError

__all__ = [
    "__version__",
    "FupinError",
    "InternalError",
    "Policy",
    "PolicyError",
    "ValidationError",
]
