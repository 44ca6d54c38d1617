"""Test-wide settings: results go to a throwaway store, never the user's.

Every test process and every ``clinicsim`` it starts (they inherit the
environment) keeps its task results in one temporary store for the session.
"""

from __future__ import annotations

import os
import tempfile

os.environ["CLINICSIM_STORE"] = tempfile.mkdtemp(prefix="clinicsim-test-store-")
