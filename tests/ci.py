"""What a test does when something it needs is missing: skip on a developer's machine, fail under CI."""

from __future__ import annotations

import os

import pytest


def under_ci() -> bool:
    """True under CI (``CI=true``), where .ci/run installs everything the tests need."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason``; under CI, where everything is installed, fail instead (never a silent skip)."""
    if under_ci():
        pytest.fail(f"required under CI: {reason}")
    else:
        pytest.skip(reason)
