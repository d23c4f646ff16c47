"""Role × URL rows for the counts of what the activities reached (views/counts.py)."""

from __future__ import annotations

from mile.core.tests.matrix import E, Row, S, _none, _signed_in

ROWS: dict[str, Row] = {
    # Those who read indicators (coordinators, partner staff, evaluators) count their
    # programmes; employer contacts and stakeholders do not (403).
    "activities:counts_summary": Row("get", _none, _signed_in(200, **{E: 403, S: 403})),
}
