"""Shared test configuration: hypothesis profiles.

Choose a profile with ``ENTITLEMENTS_HYPOTHESIS_PROFILE`` ("default" or "thorough").
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("ENTITLEMENTS_HYPOTHESIS_PROFILE", "default"))
