"""The JSON log lines and the throttle on repeated library messages (no I/O: a fake clock, a
handler that writes into memory)."""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
from collections.abc import Iterator

import pytest
import structlog

from meldcode_edge.logging import RepeatThrottle, broker_logger, configure_logging, get_logger, json_formatter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def record(
    msg: str, *args: object, name: str = "aiokafka.conn", level: int = logging.ERROR
) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_a_repeated_message_passes_once_per_interval_with_the_count_held_back() -> None:
    clock = FakeClock()
    throttle = RepeatThrottle(interval=10.0, clock=clock)
    template = "Unable connect to node with id %s: %s"

    first = record(template, 1, "Connect call failed")
    assert throttle.filter(first)
    assert not hasattr(first, "repeats_suppressed")
    passed = []
    for i in range(359):  # ~36 a second for ten seconds, from several nodes
        clock.now += 0.0278
        passed.append(throttle.filter(record(template, i % 3, "Connect call failed")))
    assert not any(passed)

    clock.now = 1010.0
    after = record(template, 2, "Connect call failed")
    assert throttle.filter(after)
    assert after.repeats_suppressed == 359

    clock.now += 1
    assert not throttle.filter(record(template, 1, "Connect call failed"))
    clock.now += 9
    quiet_again = record(template, 1, "Connect call failed")
    assert throttle.filter(quiet_again)
    assert quiet_again.repeats_suppressed == 1


def test_other_templates_loggers_and_levels_are_counted_apart() -> None:
    clock = FakeClock()
    throttle = RepeatThrottle(interval=10.0, clock=clock)
    assert throttle.filter(record("Unable to update metadata from %r", 1))
    assert throttle.filter(record("Unable connect to node with id %s: %s", 1, "x"))
    assert throttle.filter(record("Unable to update metadata from %r", 1, name="aiokafka.cluster"))
    assert throttle.filter(record("Unable to update metadata from %r", 1, level=logging.WARNING))
    assert not throttle.filter(record("Unable to update metadata from %r", 2))


def test_structlog_events_are_never_throttled() -> None:
    throttle = RepeatThrottle(interval=10.0, clock=FakeClock())
    for _ in range(5):
        event = record("placeholder")
        event.msg = {"event": "event_processed", "event_id": "e1"}
        assert throttle.filter(event)


def test_the_key_table_stays_bounded_when_a_library_puts_values_into_its_messages() -> None:
    clock = FakeClock()
    throttle = RepeatThrottle(interval=10.0, clock=clock, max_keys=10)
    for i in range(100):
        assert throttle.filter(record(f"connection {i} lost"))
    assert len(throttle._windows) <= 10


@pytest.fixture
def json_lines() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(RepeatThrottle(interval=10.0, clock=FakeClock()))
    logger = logging.getLogger("test_logging.library")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def test_standard_library_records_become_json_without_tracebacks(
    json_lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = json_lines
    structlog.contextvars.bind_contextvars(service="signals")
    try:
        logger.warning("Unable to update metadata from %r", 3)
        logger.warning("Unable to update metadata from %r", 3)
        try:
            raise ValueError("Jansen, 2012-03-04")  # a message that may hold personal data
        except ValueError:
            logger.exception("Task failed")
    finally:
        structlog.contextvars.unbind_contextvars("service")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 2
    assert lines[0]["event"] == "Unable to update metadata from 3"
    assert lines[0]["level"] == "warning"
    assert lines[0]["logger"] == "test_logging.library"
    assert lines[0]["service"] == "signals"
    assert lines[0]["timestamp"].endswith("Z")
    assert lines[1]["event"] == "Task failed"
    assert lines[1]["error_type"] == "ValueError"
    assert "Jansen" not in stream.getvalue()
    assert "Traceback" not in stream.getvalue()


@pytest.fixture
def configured(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """For a test that runs `configure_logging` as a service does: the process-wide state is put
    back afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_hooks = (sys.excepthook, threading.excepthook)
    saved_structlog = structlog.get_config()
    try:
        yield capsys
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
        sys.excepthook, threading.excepthook = saved_hooks
        structlog.configure(**saved_structlog)
        structlog.contextvars.clear_contextvars()
        logging.captureWarnings(False)


def test_faststream_aiokafka_and_structlog_all_write_json_lines(
    configured: pytest.CaptureFixture[str],
) -> None:
    configure_logging("signals", "INFO")
    broker_logger().error("Exception", extra={"topic": "t.meldcode.casework.events.v1", "group_id": "g"})
    logging.getLogger("faststream").warning("faststream's own warning")
    for _ in range(40):
        logging.getLogger("aiokafka.conn").error("Unable connect to node with id %s: %s", 1, "refused")
    logging.getLogger("aiokafka.consumer").info("an info line of a quiet library")
    get_logger("meldcode_servicekit.consuming").info("event_processed", event_id="e1")
    output = configured.readouterr()
    assert output.err == ""
    lines = [json.loads(line) for line in output.out.splitlines()]
    assert [(line["logger"], line["event"]) for line in lines] == [
        ("faststream.broker", "Exception"),
        ("faststream", "faststream's own warning"),
        ("aiokafka.conn", "Unable connect to node with id 1: refused"),
        ("meldcode_servicekit.consuming", "event_processed"),
    ]
    assert lines[0]["topic"] == "t.meldcode.casework.events.v1"
    assert all(line["service"] == "signals" for line in lines)
    assert lines[3]["event_id"] == "e1"
