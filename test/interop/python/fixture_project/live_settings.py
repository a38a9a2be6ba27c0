"""Settings for live interop runs (serve.py): the recorded fixture's settings, plus a few knobs.

Everything the golden recording depends on stays in settings.py. This module only lets a live
test shorten the MWT lifetime (FIXTURE_MWT_TTL, seconds) to exercise token refresh, and seeds
passwords with a fast hasher (nothing logs in by password; sessions are seeded by key), which
takes a second off every backend start.
"""
import os

from .settings import *  # noqa: F401,F403
from .settings import IZANA_MWT_TTL as _RECORDED_MWT_TTL

IZANA_MWT_TTL = int(os.environ.get("FIXTURE_MWT_TTL", _RECORDED_MWT_TTL))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
