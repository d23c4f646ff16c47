"""The parts of the role × URL matrix every app's rows are written with.

``core/tests/test_url_matrix.py`` runs one table; each app keeps its rows in its own
``tests/matrix*.py`` modules (a ``ROWS`` dict) and the table collects them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mile.conftest import PERSONAS, World

A, ADM, C, CW, OPU, E, S, EV, OP = PERSONAS  # short names for the tables


@dataclass(frozen=True)
class Row:
    method: str
    kwargs: Callable[[World], dict[str, Any]]
    expected: dict[str, int]
    data: Callable[[World], dict[str, Any]] | None = None


def _all(status: int, **overrides: int) -> dict[str, int]:
    return {p: overrides.get(p, status) for p in PERSONAS}


def _signed_in(status: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    return {**_all(status, **overrides), A: anonymous}


def _none(_: World) -> dict[str, Any]:
    return {}
