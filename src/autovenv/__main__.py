"""``python -m autovenv``."""

from __future__ import annotations

import sys

from autovenv._entry import main

sys.exit(main())
