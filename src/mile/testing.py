"""Loaded by pytest (``-p mile.testing``) before Django's settings, to select the test setup.

Importing it sets ``MILE_ENV=test`` unless the environment chose otherwise, so a plain
``pytest`` and ``make test`` run with fast hashing, in-memory mail and immediate tasks.
"""

import os

os.environ.setdefault("MILE_ENV", "test")
# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
