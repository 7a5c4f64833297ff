"""Test configuration: on CI (``CI`` set), hypothesis replays a fixed sequence of examples.

Locally every run draws new examples (and the database replays past failures); on CI the same
examples run every time, so a red build always points at a change, never at a new draw.
The session-wide ``client`` fixture is a local Dask cluster of 2 workers, started once.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def client():
    """One local Dask cluster of 2 worker processes for every test that needs one."""
    from arrangement.distributed.partition import local_client

    with local_client(2) as c:
        yield c
