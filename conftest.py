"""Root conftest: the real-infrastructure fixtures of meldcode_testkit for every test in the repo,
and Hypothesis without its per-example deadline.

The deadline is a timing assertion (200 ms per example by default): on a shared two-core machine
under a CI run it fails now and then without any bug. Speed is measured by the benches in `bench/`,
never by a test's clock, so no property test asserts it.
"""

from hypothesis import settings

settings.register_profile("meldcode", deadline=None)
settings.load_profile("meldcode")

pytest_plugins = ["meldcode_testkit"]
