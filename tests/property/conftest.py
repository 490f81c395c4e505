"""Hypothesis profiles for the property tests.

* ``ci`` (when ``CI=true``, as ``.ci/run`` sets it): derandomized, so every CI run draws the same
  examples, with fixed example counts and no example database;
* ``dev`` otherwise: random draws, and failing examples are remembered in ``.hypothesis/``.

Every test also sets ``max_examples`` itself (bounded so the directory stays well under a
minute) and ``deadline=None`` (no timing in tests).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None)

PROFILE = "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"
settings.load_profile(PROFILE)
