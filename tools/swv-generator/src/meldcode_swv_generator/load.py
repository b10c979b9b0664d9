"""Load a generated shape through the services' HTTP APIs, as the school's own people: the IB'er
registers pupils and opens cases, the leerkracht records signals, the zorgteam weighs and decides.
At most `concurrency` requests are in flight; progress with time left goes to the console."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from meldcode_devauth.tokens import mint_token

from .shape import Pupil, School, Shape
from .steps import walk

TENANT = "swv-zuid"


@dataclass(frozen=True)
class Targets:
    signals: str
    casework: str
    issuer_key: str  # PEM of the development issuer's signing key
    tenant: str = TENANT


@dataclass
class Report:
    """What the load did."""

    requests: Counter[str] = field(default_factory=Counter)  # per kind: the answers 2xx
    already_there: int = 0  # pupils registered by an earlier run (409): skipped with their signals
    retried: int = 0  # answers 429 (write rate limit) waited out and repeated
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            **dict(self.requests),
            "already_there": self.already_there,
            "retried": self.retried,
            "seconds": round(self.seconds, 1),
        }


class Loader:
    def __init__(self, http: httpx.AsyncClient, targets: Targets, *, concurrency: int) -> None:
        self.http = http
        self.targets = targets
        self.gate = asyncio.Semaphore(concurrency)
        self.report = Report()
        self._headers: dict[tuple[str, str], dict[str, str]] = {}

    def headers(self, school: School, who: str) -> dict[str, str]:
        key = (school.brin, who)
        if key not in self._headers:
            sub, role = {
                "ib": (school.ib, "intern_begeleider"),
                "teacher": (school.teacher, "leerkracht"),
                "zorgteam": (school.zorgteam, "zorgteam"),
            }[who]
            token = mint_token(
                self.targets.issuer_key,
                sub=sub,
                role=role,
                samenwerkingsverband=self.targets.tenant,
                schools=[school.brin],
            )
            self._headers[key] = {"Authorization": f"Bearer {token}"}
        return self._headers[key]

    async def send(
        self, kind: str, url: str, headers: dict[str, str], body: dict[str, Any]
    ) -> httpx.Response:
        """One POST within the concurrency limit; a 429 is waited out as its Retry-After says."""
        while True:
            async with self.gate:
                response = await self.http.post(url, headers=headers, json=body)
            if response.status_code != 429:
                break
            self.report.retried += 1
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
        if response.is_success:
            self.report.requests[kind] += 1
        return response

    async def pupil(self, pupil: Pupil) -> tuple[str, list[str]] | None:
        """Register the pupil and record its signals: (pupil id, signal ids), None if it was there."""
        school = pupil.school
        registered = await self.send(
            "pupils",
            f"{self.targets.signals}/pupils",
            self.headers(school, "ib"),
            {
                "school": school.brin,
                "pupil_number": pupil.number,
                "given_name": pupil.given_name,
                "family_name": pupil.family_name,
                "date_of_birth": pupil.date_of_birth.isoformat(),
            },
        )
        if registered.status_code == 409:
            self.report.already_there += 1
            return None
        _expect(registered, 201, "registering a pupil")
        pupil_id = str(registered.json()["pupil_id"])
        signal_ids = []
        for signal in pupil.signals:
            recorded = await self.send(
                "signals",
                f"{self.targets.signals}/pupils/{pupil_id}/signals",
                self.headers(school, "teacher"),
                {
                    "observed_on": signal.observed_on.isoformat(),
                    "description": signal.description,
                    "source": {"kind": signal.source},
                    "categories": [signal.category],
                },
            )
            _expect(recorded, 201, "recording a signal")
            signal_ids.append(str(recorded.json()["signal_id"]))
        return pupil_id, signal_ids

    async def case(self, pupil: Pupil, pupil_id: str, signal_ids: list[str], *, timeout: float) -> None:
        """Once casework knows the pupil's signals: open the case and walk it to its stage."""
        assert pupil.stage is not None
        school, ib = pupil.school, self.headers(pupil.school, "ib")
        deadline = time.monotonic() + timeout
        while True:
            async with self.gate:
                known = await self.http.get(f"{self.targets.casework}/pupils/{pupil_id}/signals", headers=ib)
            if known.status_code == 200 and set(signal_ids) <= {s["signal_id"] for s in known.json()}:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"casework did not learn a pupil's signals within {timeout:.0f}s")
            await asyncio.sleep(0.5)
        opened = await self.send(
            "cases", f"{self.targets.casework}/cases", ib, {"pupil_id": pupil_id, "signal_ids": signal_ids}
        )
        _expect(opened, 201, "opening a case")
        case_id = opened.json()["case_id"]
        for who, path, body in walk(pupil.stage, school, signal_ids):
            answer = await self.send(
                "case_steps",
                f"{self.targets.casework}/cases/{case_id}/{path}",
                self.headers(school, who),
                body,
            )
            _expect(answer, 200, f"case step {path}")


def _expect(response: httpx.Response, status: int, what: str) -> None:
    if response.status_code != status:
        raise RuntimeError(f"{what} answered {response.status_code}: {response.text[:300]}")


async def load(
    shape: Shape,
    targets: Targets,
    *,
    concurrency: int = 8,
    console: Console | None = None,
    case_timeout: float = 120.0,
) -> Report:
    """Pupils with their signals first (all concurrently, within the limit), then the cases, each
    as soon as casework has learnt its pupil's signals from Kafka."""
    started = time.monotonic()
    cases = [p for p in shape.pupils if p.stage]
    async with httpx.AsyncClient(timeout=60) as http:
        loader = Loader(http, targets, concurrency=concurrency)
        columns = (
            TextColumn("{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("nog"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console or Console(stderr=True), transient=False) as progress:
            pupils_task = progress.add_task("leerlingen en signalen", total=len(shape.pupils))
            cases_task = progress.add_task("zaken en hun stappen", total=len(cases))
            known: dict[str, tuple[str, list[str]]] = {}

            async def one_pupil(pupil: Pupil) -> None:
                loaded = await loader.pupil(pupil)
                if loaded is not None:
                    known[pupil.number] = loaded
                progress.advance(pupils_task)

            await _all(one_pupil(p) for p in shape.pupils)

            async def one_case(pupil: Pupil) -> None:
                if pupil.number in known:
                    await loader.case(pupil, *known[pupil.number], timeout=case_timeout)
                progress.advance(cases_task)

            await _all(one_case(p) for p in cases)
    loader.report.seconds = time.monotonic() - started
    return loader.report


async def _all(work: Any) -> None:
    """Run coroutines together (the loader's semaphore limits the requests); the first failure
    cancels the rest."""
    async with asyncio.TaskGroup() as group:
        for coroutine in work:
            group.create_task(coroutine)


__all__ = ["Loader", "Report", "Targets", "load"]
