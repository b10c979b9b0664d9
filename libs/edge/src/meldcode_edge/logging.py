"""Every line a service writes is one JSON object, rendered by structlog.

structlog's own events and the standard library's records (aiokafka, FastStream, uvicorn,
eventsourcing, asyncpg, psycopg, asyncio, warnings) go through one handler on stdout whose
`ProcessorFormatter` renders both alike (`foreign_pre_chain`). FastStream's brokers get a plain
standard-library logger (`broker_logger`) instead of their coloured default handlers.

Never pass personal data to a logger: log ids (pupil_id, case_id, event_id), never names,
descriptions or dates of birth. Tracebacks are never written (their locals and messages can hold
personal data); the error type is. A library that repeats one message (aiokafka writes "Unable
connect to node" dozens of times a second while a broker is down) is written once per
interval, with the number of repeats left out (`RepeatThrottle`).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import threading
import time
from collections.abc import Callable, MutableMapping
from types import TracebackType
from typing import Any

import structlog

REPEAT_INTERVAL_SECONDS = 10.0
QUIET_LIBRARIES = ("aiokafka", "kafka", "faststream", "uvicorn.access", "eventsourcing", "psycopg", "asyncpg")


def _exception_type_only(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    exc_info = event_dict.pop("exc_info", None)
    if exc_info:
        if isinstance(exc_info, BaseException):
            error: BaseException | None = exc_info
        else:
            error = exc_info[1] if isinstance(exc_info, tuple) else sys.exc_info()[1]
        if error is not None:
            event_dict["error_type"] = type(error).__name__
    event_dict.pop("stack_info", None)
    return event_dict


class RepeatThrottle(logging.Filter):
    """Lets a library's message through once per `interval` per (logger, level, message template);
    the first one let through after the interval carries `repeats_suppressed`, the number held back.

    Only records of the standard library are throttled: the template (`record.msg`, before its
    arguments are filled in) says which records repeat each other. structlog's own events are
    left alone: the services log each of them on purpose, with ids that must not be lost.
    """

    def __init__(
        self,
        interval: float = REPEAT_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 1000,
    ) -> None:
        super().__init__()
        self._interval = interval
        self._clock = clock
        self._max_keys = max_keys
        self._windows: dict[tuple[str, int, str], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, dict):  # structlog's own event (`wrap_for_formatter`)
            return True
        key = (record.name, record.levelno, str(record.msg))
        now = self._clock()
        with self._lock:
            window = self._windows.get(key)
            if window is not None and now - window[0] < self._interval:
                self._windows[key] = (window[0], window[1] + 1)
                return False
            if window is not None and window[1]:
                record.repeats_suppressed = window[1]
            if len(self._windows) >= self._max_keys:
                self._forget_expired(now)
            self._windows[key] = (now, 0)
        return True

    def _forget_expired(self, now: float) -> None:
        for key, (start, _) in list(self._windows.items()):
            if now - start >= self._interval:
                del self._windows[key]
        if len(self._windows) >= self._max_keys:  # a library that puts values into its template
            self._windows.clear()


def _shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def json_formatter() -> structlog.stdlib.ProcessorFormatter:
    """Renders structlog's events and the standard library's records as the same JSON lines."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            *_shared_processors(),
            structlog.stdlib.ExtraAdder(allow=("repeats_suppressed", "topic", "group_id", "message_id")),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _exception_type_only,
            structlog.processors.JSONRenderer(),
        ],
    )


def broker_logger() -> logging.Logger:
    """The logger to give a FastStream broker (`logger=`): a plain one that propagates to the JSON
    handler, where FastStream's default would add its own coloured plain-text handler."""
    return logging.getLogger("faststream.broker")


def _log_uncaught(
    kind: type[BaseException], error: BaseException, _: TracebackType | None, *, where: str
) -> None:
    get_logger("meldcode").critical("uncaught_exception", error_type=kind.__name__, where=where)


def configure_logging(service: str, level: str = "INFO") -> None:
    numeric_level = logging.getLevelName(level.upper())
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(json_formatter())
    handler.addFilter(RepeatThrottle())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric_level)
    for quiet in QUIET_LIBRARIES:
        logging.getLogger(quiet).setLevel(max(logging.WARNING, numeric_level))
    # FastStream's module logger comes with a coloured stderr handler and does not propagate; it is
    # made on import, so import it before taking the handler away. The edge does not depend on
    # FastStream (the portal has none): only where it is installed (a service) is it tamed.
    if importlib.util.find_spec("faststream") is not None:
        importlib.import_module("faststream")
    for name in ("faststream", "faststream.access.kafka"):
        library = logging.getLogger(name)
        for old in list(library.handlers):
            library.removeHandler(old)
        library.propagate = True
    logging.captureWarnings(True)
    sys.excepthook = lambda kind, error, tb: _log_uncaught(kind, error, tb, where="main")
    threading.excepthook = lambda args: _log_uncaught(
        args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback, where="thread"
    )
    structlog.configure(
        processors=[
            *_shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
