"""Fixtures of the in-process harness (real PostgreSQL, real SMTP server) for these tests."""

from .harness import harness, smtp

__all__ = ["harness", "smtp"]
