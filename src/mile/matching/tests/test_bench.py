"""`mile bench matching` runs end to end on a small world and prints its four figures."""

from __future__ import annotations

import pytest

from mile.matching.bench import main


def test_it_prints_speed_assignment_and_quality_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--people", "300", "--offers", "400", "--planted", "30"]) == 0
    out = capsys.readouterr().out
    for figure in ("1. top 10 offers", "2. top 10 both ways", "3. assignment", "4. planted"):
        assert figure in out
    # The engine finds the offers made for people that a plain skill overlap misses.
    planted = out.split("4. planted")[1]
    engine, baseline = (float(x.split("%")[0].split()[-1]) for x in planted.split(";")[:2])
    assert engine > baseline
