"""The generated shape holds the documented proportions, in every step, at any scale."""

from __future__ import annotations

from datetime import date

import pytest

from meldcode_swv_generator.schools import register
from meldcode_swv_generator.shape import STAGES, brin, generate
from meldcode_swv_generator.steps import STEPS_OF_STAGE, walk

TODAY = date(2026, 12, 7)


def test_scale_one_is_the_documented_samenwerkingsverband() -> None:
    counts = generate(1, today=TODAY).counts()
    assert (counts["schools"], counts["pupils"]) == (40, 12_000)
    assert counts["pupils_with_signals"] == 960
    assert 2_000 <= counts["signals"] <= 3_000  # 2.5 a pupil on average
    assert counts["cases"] == 384
    assert all(counts[f"cases_{name}"] > 0 for name, _ in STAGES)  # cases in every step


@pytest.mark.parametrize("scale", [0.1, 1, 10])
def test_the_shares_follow_the_scale(scale: float) -> None:
    counts = generate(scale, today=TODAY).counts()
    assert counts["pupils"] == round(12_000 * scale)
    assert counts["schools"] == round(40 * scale)
    assert sum(counts[f"cases_{name}"] for name, _ in STAGES) == counts["cases"]
    for name, share in STAGES:
        assert abs(counts[f"cases_{name}"] - share * counts["cases"]) < 1


def test_signals_are_observed_on_school_days_within_two_years_never_in_the_future() -> None:
    days = [s.observed_on for p in generate(0.1, today=TODAY).pupils for s in p.signals]
    assert min(days) >= date(2024, 12, 7) and max(days) <= TODAY
    assert all(d.weekday() < 5 for d in days)


def test_the_same_seed_gives_the_same_shape_and_brins_are_never_the_demo_schools() -> None:
    assert generate(0.1, today=TODAY) == generate(0.1, today=TODAY)
    assert generate(0.1, today=TODAY, seed=1) != generate(0.1, today=TODAY)
    codes = {brin(i) for i in range(400)}
    assert len(codes) == 400 and not {"12AB", "34CD"} & codes


def test_every_stage_walks_to_its_step() -> None:
    school = generate(0.01, today=TODAY).schools[0]
    assert [path for _, path, _ in walk("closed_no_suspicion", school, [])][-1] == "close"
    assert [path for _, path, _ in walk("closed_after_report", school, ["s"])][-1] == "close"
    assert walk("opened", school, []) == []
    assert set(STEPS_OF_STAGE) | {"closed_no_suspicion"} == {name for name, _ in STAGES}


def test_the_school_register_keeps_the_demo_schools_and_names_every_generated_school_once() -> None:
    base = {"swv-zuid": [{"brin": "12AB", "name": "Basisschool De Regenboog"}], "swv-noord": []}
    merged = register(base, 0.5)
    generated = [s for s in merged["swv-zuid"] if s["brin"] != "12AB"]
    assert merged["swv-zuid"][0] == base["swv-zuid"][0] and merged["swv-noord"] == []
    assert [s["brin"] for s in generated] == [s.brin for s in generate(0.5, today=date(2026, 12, 7)).schools]
    assert len({s["name"] for s in generated}) == len(generated) == 20
    assert register(merged, 0.5) == merged  # writing it again adds nothing
