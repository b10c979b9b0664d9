"""The image the chart runs (deploy/Dockerfile, ADR 31) holds every command the chart starts.

There is no Docker engine here, so the image is not built; its Python layer is: the Dockerfile's own
`uv sync` line is run into a fresh environment, and every command of the rendered chart (services,
portal, jobs) must answer `--help` from it, without the development tools. The pins are checked
against the project's: uv as deploy/local/setup.sh installs it, Python as pyproject requires.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.image  # the slow lane: a fresh environment and every command started

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
# as the Makefile finds it: on PATH, else where deploy/local/setup.sh installs it
UV = shutil.which("uv") or str(
    Path(os.environ.get("MELDCODE_CACHE_DIR", Path.home() / ".cache" / "meldcode")) / "uv" / "bin" / "uv"
)


def instructions() -> list[tuple[str, str]]:
    lines = [line for line in DOCKERFILE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return [(line.split(None, 1)[0], line.split(None, 1)[1]) for line in lines if line.strip()]


def the_uv_sync() -> list[str]:
    [sync] = [args for op, args in instructions() if op == "RUN" and args.startswith("uv sync")]
    return shlex.split(sync)


def commands_of(manifests: list[dict[str, Any]]) -> set[tuple[str, ...]]:
    """(program, first argument) of every container of the rendered chart."""
    found: set[tuple[str, ...]] = set()
    for doc in manifests:
        spec = doc.get("spec", {})
        pod = spec.get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec") or spec.get(
            "template", {}
        ).get("spec")
        for container in (pod or {}).get("containers", []) + (pod or {}).get("initContainers", []):
            args = container.get("command", []) + container.get("args", [])
            if args:
                found.add(tuple(args[:2]))
    return found


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    done = subprocess.run(
        [
            "bash",
            str(ROOT / "deploy" / "helm" / "validate.sh"),
            "render",
            str(ROOT / "deploy/helm/values-small.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module")
def image_environment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("image") / "venv"
    sync = the_uv_sync()
    done = subprocess.run(
        [UV, *sync[1:], "--quiet"],
        cwd=ROOT,
        env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return venv


def test_every_command_the_chart_runs_is_in_the_image(
    manifests: list[dict[str, Any]], image_environment: Path
) -> None:
    commands = commands_of(manifests)
    programs = {c[0] for c in commands}
    assert {
        "meldcode-signals",
        "meldcode-casework",
        "meldcode-notifications",
        "meldcode-reporting",
    } <= programs
    assert "meldcode-web" in programs
    for command in sorted(commands):
        done = subprocess.run(
            [str(image_environment / "bin" / command[0]), *command[1:], "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"{command}: {done.stderr[-1500:]}"


def test_the_image_has_no_development_tools(image_environment: Path) -> None:
    python = image_environment / "bin" / "python"
    for module in ("pytest", "meldcode_testkit", "meldcode_devauth", "playwright"):
        done = subprocess.run([str(python), "-c", f"import {module}"], capture_output=True, check=False)
        assert done.returncode != 0, f"{module} is a development tool, not for the image"


def test_the_image_pins_the_projects_uv_and_python_and_runs_unprivileged() -> None:
    setup = (ROOT / "deploy" / "local" / "setup.sh").read_text(encoding="utf-8")
    uv_version = re.search(r'UV_VERSION="\$\{UV_VERSION:-([0-9.]+)\}"', setup)
    assert uv_version is not None
    runs = [args for op, args in instructions() if op == "RUN"]
    assert any(f"uv=={uv_version.group(1)}" in run for run in runs)
    requires = re.search(
        r'requires-python = ">=(3\.\d+)', (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    )
    assert requires is not None
    bases = [args.split()[0] for op, args in instructions() if op == "FROM"]
    pythons = [b for b in bases if b.startswith("python:")]
    assert pythons and all(b.startswith(f"python:{requires.group(1)}.") for b in pythons), bases
    assert all(":" in b and "latest" not in b for b in bases), "every base image is pinned"
    assert "--frozen" in the_uv_sync() and "--no-dev" in the_uv_sync(), "the locked versions, no dev group"
    users = [args for op, args in instructions() if op == "USER"]
    assert users and users[-1] not in ("root", "0"), "the service runs as an unprivileged user"
