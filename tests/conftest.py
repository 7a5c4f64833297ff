"""Test configuration: on CI (``CI`` set), hypothesis replays a fixed sequence of examples.

Locally every run draws new examples (and the database replays past failures); on CI the same
examples run every time, so a red build always points at a change, never at a new draw.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
