"""Browser tests of the portal: the real services, the development OpenID Connect issuer and the
portal as OS processes (started once per session), driven by Debian's Chromium through Playwright.

Fixtures (all async; tests are `async def` and use Playwright's async API):
- `portal` (session): `.url`, `.issuer_url`, `.suite` (testkit `Suite`), `.signals_url`,
  `.casework_url`, `.notifications_url`, `.reporting_url`, `.token(user_key)` (a bearer token of
  a demo user of deploy/local/demo-users.json, to seed data over the services' APIs),
  `.headers(user_key)` (the Authorization header for it), `.users` (the demo users by key).
  The demo users are listed in their schools' staff directories as `make run` lists them (the
  person fields are pickers and casework refuses unlisted people, rule 17); see seed.list_demo_staff.
- `browser_page`: a fresh browser context (no cookies) and page per test.
- `login`: `await login(page, "leerkracht-anna")` logs in through the real authorize page.
- `check_accessibility`: `await check_accessibility(page)` runs the vendored axe-core and fails
  on any violation tagged wcag2a/wcag2aa/wcag21a/wcag21aa; then `check_phone_width(page)` (no
  horizontal overflow at 390 px wide) and `check_dutch_only(page)` (no English event type such as
  CaseOpened and no route template such as "/audit/cases/{case_id}" or "GET /" in the visible text).
- `screenshot`: `await screenshot(page, "leerkracht-signaal-vastleggen")` writes
  docs/screenshots/<name>.png.
Every test in this directory is marked `browser`. Without /usr/bin/chromium the tests skip, unless
`CI` is set: there they must run.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from meldcode_contracts import EVENT_TYPES
from meldcode_devauth.tokens import mint_token
from meldcode_testkit import REPO_ROOT, Infrastructure, Suite

from .seed import list_demo_staff

CHROMIUM = Path("/usr/bin/chromium")
DEMO_USERS = REPO_ROOT / "deploy" / "local" / "demo-users.json"
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
AXE = REPO_ROOT / "web" / "src" / "meldcode_web" / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BROWSER_DIR = Path(__file__).parent
SERVICE_ENV = {"reporting": {"REPORTING_SCHOOLS_FILE": str(REPO_ROOT / "deploy" / "local" / "schools.json")}}
"""As `make run` starts them: the demo schools have their names."""
PHONE = {"width": 390, "height": 844}
ENGLISH_EVENT_TYPE = re.compile(r"\b(" + "|".join(sorted(EVENT_TYPES, key=len, reverse=True)) + r")\b")
ROUTE_TEMPLATE = re.compile(r"/[\w./-]*\{[a-z_]+\}|\b(?:GET|POST|PUT|PATCH|DELETE) /")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(
            "/usr/bin/chromium is missing on CI: deploy/local/setup.sh installs it (apt-get install chromium)"
        )
    pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium (run deploy/local/setup.sh)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Process:
    """A command run as an OS process, ready when `health_url` answers 200."""

    name: str
    args: list[str]
    env: dict[str, str]
    health_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    _log: Any = field(default=None, repr=False)

    def start(self, timeout: float = 60.0) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.args, env={**os.environ, **self.env}, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(self.health_url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not ready within {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log:
            self._log.close()


@dataclass
class Portal:
    """The running portal and everything behind it."""

    url: str
    issuer_url: str
    suite: Suite
    signals_url: str
    casework_url: str
    notifications_url: str
    reporting_url: str
    users: dict[str, dict[str, Any]]
    log_dir: Path

    def token(self, user_key: str) -> str:
        """A bearer token of demo user `user_key`, as the issuer would give it."""
        user = self.users[user_key]
        return mint_token(
            (self.suite.infra.keys_dir / "issuer.key").read_text(),
            sub=user["id"],
            role=user["role"],
            samenwerkingsverband=user["samenwerkingsverband"],
            schools=user.get("schools", []),
        )

    def headers(self, user_key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user_key)}"}


@pytest.fixture(scope="session")
async def portal(
    infrastructure: Infrastructure, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Portal]:
    _require_chromium()
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run deploy/local/setup.sh (npm ci + the vendor copy in web/)")
    log_dir = tmp_path_factory.mktemp("browser-logs")
    suite = Suite(infrastructure, f"b{uuid.uuid4().hex[:10]}", log_dir)
    extra: list[Process] = []
    try:
        services = {
            name: await suite.service(name, **SERVICE_ENV.get(name, {}))
            for name in ("signals", "casework", "notifications", "reporting")
        }
        issuer_port, portal_port = _free_port(), _free_port()
        issuer_url, portal_url = f"http://127.0.0.1:{issuer_port}", f"http://127.0.0.1:{portal_port}"
        issuer = Process(
            "devissuer",
            [
                *(sys.executable, "-m", "meldcode_devauth.issuer", "serve"),
                *("--key-dir", str(infrastructure.keys_dir), "--users", str(DEMO_USERS)),
                *("--port", str(issuer_port), "--issuer-url", issuer_url),
                *("--redirect-uri", f"{portal_url}/auth/callback"),
            ],
            {},
            f"{issuer_url}/health",
            log_dir / "devissuer.log",
        )
        extra.append(issuer)
        issuer.start()
        web = Process(
            "portal",
            [sys.executable, "-m", "meldcode_web.cli", "serve", "--port", str(portal_port)],
            {
                "PORTAL_SIGNALS_URL": services["signals"].url,
                "PORTAL_CASEWORK_URL": services["casework"].url,
                "PORTAL_NOTIFICATIONS_URL": services["notifications"].url,
                "PORTAL_REPORTING_URL": services["reporting"].url,
                "PORTAL_OIDC_ISSUER": issuer_url,
                "PORTAL_PUBLIC_URL": portal_url,
                "PORTAL_SESSION_SECRET": uuid.uuid4().hex * 2,
                "PORTAL_SESSION_DATABASE_URL": await infrastructure.portal_database(
                    f"{suite.isolation}_portal"
                ),
                "AUTH_PUBLIC_KEY_FILE": str(infrastructure.keys_dir / "issuer.pub"),
            },
            f"{portal_url}/health",
            log_dir / "portal.log",
        )
        extra.append(web)
        web.start()
        users = {u["id"]: u for u in json.loads(DEMO_USERS.read_text(encoding="utf-8"))["users"]}
        running = Portal(
            url=portal_url,
            issuer_url=issuer_url,
            suite=suite,
            signals_url=services["signals"].url,
            casework_url=services["casework"].url,
            notifications_url=services["notifications"].url,
            reporting_url=services["reporting"].url,
            users=users,
            log_dir=log_dir,
        )
        await list_demo_staff(running)
        yield running
    finally:
        for process in reversed(extra):
            process.stop()
        await suite.close()


@pytest.fixture(scope="session")
async def chromium(portal: Portal) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def browser_page(chromium: Any, portal: Portal) -> AsyncIterator[Any]:
    """A page in a fresh context (no session) per test, Dutch locale, desktop size."""
    context = await chromium.new_context(
        base_url=portal.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(20_000)
    page = await context.new_page()
    try:
        yield page
    finally:
        await context.close()


@pytest.fixture
def login(portal: Portal) -> Callable[[Any, str], Awaitable[None]]:
    """`await login(page, user_key)`: through the portal's /login and the issuer's authorize page."""

    async def do_login(page: Any, user_key: str) -> None:
        assert user_key in portal.users, f"{user_key} is not a demo user of {DEMO_USERS}"
        await page.goto(f"{portal.url}/login")
        await page.wait_for_url(f"{portal.issuer_url}/authorize**")
        await page.locator(f'button[data-user="{user_key}"]').click()
        await page.wait_for_url(f"{portal.url}/**")
        await page.get_by_test_id("user-name").wait_for()

    return do_login


@pytest.fixture(scope="session")
def check_accessibility() -> Callable[[Any], Awaitable[None]]:
    """`await check_accessibility(page)`: axe-core on the page as it is now; WCAG 2.1 A and AA."""
    source = AXE.read_text(encoding="utf-8") if AXE.exists() else ""

    async def check(page: Any) -> None:
        if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
            # evaluated through the DevTools protocol: the portal's Content-Security-Policy stays on
            await page.evaluate(f"() => {{ {source}\n; window.axe = axe; }}")
        result = await page.evaluate(
            "async (tags) => await window.axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            WCAG_TAGS,
        )
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(
                ", ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                for n in v["nodes"][:5]
            )
            for v in result["violations"]
        ]
        assert not violations, f"accessibility violations on {page.url}:\n" + "\n".join(violations)
        await check_phone_width(page)
        await check_dutch_only(page)

    return check


async def check_phone_width(page: Any) -> None:
    """At a phone's width (390 × 844) the page does not scroll sideways; the size is restored after."""
    size = page.viewport_size
    await page.set_viewport_size(PHONE)
    try:
        measured = await page.evaluate(
            """() => {
                const root = document.documentElement;
                const limit = root.clientWidth + 0.5;
                const name = (e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}`
                    + `${typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : ''}`;
                const wide = [...document.body.querySelectorAll('*')]
                    .filter((e) => e.getBoundingClientRect().right > limit)
                    .filter((e) => !(e.parentElement && e.parentElement.getBoundingClientRect().right > limit))
                    .map((e) => `${name(e)} (${Math.round(e.getBoundingClientRect().right)} px)`);
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                const range = document.createRange();
                while (walker.nextNode() && wide.length < 8) {
                    range.selectNodeContents(walker.currentNode);
                    const right = range.getBoundingClientRect().right;
                    if (right > limit && walker.currentNode.textContent.trim()) {
                        wide.push(`text in ${name(walker.currentNode.parentElement)} (${Math.round(right)} px):`
                            + ` "${walker.currentNode.textContent.trim().slice(0, 40)}"`);
                    }
                }
                return {scroll: root.scrollWidth, client: root.clientWidth, wide};
            }"""
        )
    finally:
        if size:
            await page.set_viewport_size(size)
    assert measured["scroll"] <= measured["client"], (
        f"{page.url} overflows at {PHONE['width']} px: {measured['scroll']} px wide; widest: {measured['wide']}"
    )


async def check_dutch_only(page: Any) -> None:
    """No English event type (a contract's name such as CaseOpened) and no route template (such as
    "/audit/cases/{case_id}" or "GET /") in the text the page shows."""
    text = await page.evaluate("() => document.body.innerText")
    found = sorted(
        {m.group(0) for m in ENGLISH_EVENT_TYPE.finditer(text)}
        | {m.group(0) for m in ROUTE_TEMPLATE.finditer(text)}
    )
    assert not found, f"English or technical words on {page.url}: {found}"


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Any, str], Awaitable[Path]]:
    """`await screenshot(page, name)` -> docs/screenshots/<name>.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    async def take(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        return path

    return take
