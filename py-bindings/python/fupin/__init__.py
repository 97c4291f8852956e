"""fupin: the rules of China's 2014-2020 poverty-alleviation register, exact.

Quick start::

    import fupin
    print(fupin.__version__)
"""

from __future__ import annotations

from fupin._fupin import __version__
from fupin.exceptions import FupinError, InternalError, PolicyError, ValidationError

__all__ = [
    "__version__",
    "FupinError",
    "InternalError",
    "PolicyError",
    "ValidationError",
]
