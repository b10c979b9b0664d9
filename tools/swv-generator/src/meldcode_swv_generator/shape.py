"""What a generated samenwerkingsverband holds: schools, pupils, signals and the step each case
reaches (pure and seeded: the same scale and seed give the same shape). Proportions: the package
docstring."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

SCHOOLS_AT_1 = 40
PUPILS_AT_1 = 12_000
SHARE_WITH_SIGNALS = 0.08
SHARE_WITH_CASE = 0.40  # of the pupils with signals
SIGNALS_PER_PUPIL = (1, 1, 1, 2, 2, 2, 3, 3, 4, 6)  # drawn uniformly: 2.5 on average

STAGES: tuple[tuple[str, float], ...] = (
    ("opened", 0.12),
    ("parents_conversation", 0.12),
    ("weighed", 0.08),
    ("decided_to_report", 0.05),
    ("parents_informed", 0.03),
    ("reported", 0.06),
    ("feedback_received", 0.04),
    ("help_organised", 0.05),
    ("follow_up_planned", 0.05),
    ("closed_after_report", 0.10),
    ("closed_no_suspicion", 0.30),
)
"""The step each case stands in, with its share of the cases (sums to 1)."""

GIVEN_NAMES = (
    "Daan",
    "Emma",
    "Noah",
    "Julia",
    "Liam",
    "Mila",
    "Sem",
    "Tess",
    "Finn",
    "Saar",
    "Lucas",
    "Zoë",
    "Levi",
    "Nora",
    "Mees",
    "Yara",
    "Adam",
    "Fenna",
    "Milan",
    "Lotte",
)
FAMILY_NAMES = (
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
)
DESCRIPTIONS = (
    ("Blauwe plek op de bovenarm, zichtbaar bij de gymles.", "physical"),
    ("Komt meerdere dagen zonder ontbijt en zonder jas naar school.", "neglect"),
    ("Schrikt hevig wanneer een volwassene onverwacht de klas binnenkomt.", "emotional"),
    ("Is de laatste weken stil en teruggetrokken; speelt niet meer met anderen.", "behavioural"),
    ("Vertelt dat er thuis vaak hard geschreeuwd wordt tussen de ouders.", "domestic_violence"),
    ("Komt vaker te laat en oogt moe; vertelt dat het thuis onrustig is.", "emotional"),
)
SOURCES = ("own_observation", "own_observation", "own_observation", "pupil_said", "parent_said")


@dataclass(frozen=True)
class School:
    brin: str

    @property
    def ib(self) -> str:
        return f"ib-{self.brin.lower()}"

    @property
    def teacher(self) -> str:
        return f"leerkracht-{self.brin.lower()}"

    @property
    def zorgteam(self) -> str:
        return f"zorgteam-{self.brin.lower()}"


@dataclass(frozen=True)
class Signal:
    observed_on: date
    description: str
    category: str
    source: str


@dataclass(frozen=True)
class Pupil:
    school: School
    number: str
    given_name: str
    family_name: str
    date_of_birth: date
    signals: tuple[Signal, ...]
    stage: str | None  # the step its case reaches; None: no case


@dataclass(frozen=True)
class Shape:
    scale: float
    schools: tuple[School, ...]
    pupils: tuple[Pupil, ...]

    def counts(self) -> dict[str, int]:
        stages: dict[str, int] = {name: 0 for name, _ in STAGES}
        for p in self.pupils:
            if p.stage:
                stages[p.stage] += 1
        return {
            "schools": len(self.schools),
            "pupils": len(self.pupils),
            "pupils_with_signals": sum(1 for p in self.pupils if p.signals),
            "signals": sum(len(p.signals) for p in self.pupils),
            "cases": sum(stages.values()),
            **{f"cases_{name}": n for name, n in stages.items()},
        }


def brin(index: int) -> str:
    """Generated BRIN codes (00SA, 01SA, ... 99SA, 00SB, ...): never the demo's 12AB or 34CD."""
    return f"{index % 100:02d}S{chr(ord('A') + index // 100)}"


def school_count(scale: float) -> int:
    """How many schools a samenwerkingsverband of `scale` has (at least one)."""
    return max(1, round(SCHOOLS_AT_1 * scale))


def school_days_back(today: date, days: int) -> list[date]:
    """The school days (Monday-Friday, no summer holiday from mid-July to end of August) of the last
    `days` days, oldest first."""
    days_list = [today - timedelta(days=n) for n in range(days, -1, -1)]
    return [d for d in days_list if d.weekday() < 5 and not (d.month == 8 or (d.month == 7 and d.day > 15))]


def generate(scale: float, *, today: date, seed: int = 18) -> Shape:
    if scale <= 0:
        raise ValueError("scale must be positive")
    rng = random.Random(seed)  # noqa: S311 - a reproducible shape, not a secret
    schools = tuple(School(brin(i)) for i in range(school_count(scale)))
    total = max(len(schools), round(PUPILS_AT_1 * scale))
    with_signals = round(total * SHARE_WITH_SIGNALS)
    with_case = round(with_signals * SHARE_WITH_CASE)
    stages = _stages(with_case, rng)
    calendar = school_days_back(today, 2 * 365)
    pupils = []
    for n in range(total):
        school = schools[n % len(schools)]
        signals: tuple[Signal, ...] = ()
        if n < with_signals:
            count = rng.choice(SIGNALS_PER_PUPIL)
            first = rng.randrange(len(calendar))
            days = sorted(
                calendar[min(len(calendar) - 1, first + rng.randrange(0, 60))] for _ in range(count)
            )
            signals = tuple(Signal(d, *rng.choice(DESCRIPTIONS), rng.choice(SOURCES)) for d in days)
        pupils.append(
            Pupil(
                school=school,
                number=f"gen-{n:06d}",
                given_name=rng.choice(GIVEN_NAMES),
                family_name=rng.choice(FAMILY_NAMES),
                date_of_birth=today - timedelta(days=rng.randrange(4 * 365, 12 * 365)),
                signals=signals,
                stage=stages[n] if n < with_case else None,
            )
        )
    return Shape(scale, schools, tuple(pupils))


def _stages(cases: int, rng: random.Random) -> list[str]:
    """`cases` stages in the shares of STAGES (largest remainder, so small scales still reach the
    big stages and the totals add up), shuffled."""
    exact = [(name, share * cases) for name, share in STAGES]
    counts = {name: int(x) for name, x in exact}
    for name, _ in sorted(exact, key=lambda e: e[1] - int(e[1]), reverse=True)[
        : cases - sum(counts.values())
    ]:
        counts[name] += 1
    stages = [name for name, n in counts.items() for _ in range(n)]
    rng.shuffle(stages)
    return stages
