"""The samenwerkingsverband generator runs end to end at a tiny scale against a suite's signals
and casework: everything it planned arrives through the APIs (shape only, no timing)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from meldcode_swv_generator.shape import generate
from meldcode_swv_generator.steps import walk
from meldcode_testkit import Suite
from meldcode_vocabulary.dutch_days import dutch_today


async def test_the_generator_loads_what_it_planned_through_the_apis(suite: Suite) -> None:
    signals, casework = await suite.service("signals"), await suite.service("casework")
    scale = 0.005  # 1 school, 60 pupils, 5 with signals, 2 cases
    result = await asyncio.to_thread(
        subprocess.run,
        [
            *(sys.executable, "-m", "meldcode_swv_generator"),
            *("--signals", signals.url, "--casework", casework.url),
            *("--issuer-key", str(suite.infra.keys_dir / "issuer.key"), "--scale", str(scale)),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    planned = generate(scale, today=dutch_today()).counts()
    steps = sum(
        len(walk(p.stage, p.school, [])) for p in generate(scale, today=dutch_today()).pupils if p.stage
    )

    assert summary["planned"] == planned
    assert planned["cases"] >= 1 and planned["signals"] >= 2
    done = summary["done"]
    assert (done["pupils"], done["signals"], done["cases"]) == (
        planned["pupils"],
        planned["signals"],
        planned["cases"],
    )
    assert done.get("case_steps", 0) == steps
    assert "leerlingen en signalen" in result.stderr  # the progress the operator sees
