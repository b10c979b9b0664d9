"""Root conftest: the real-infrastructure fixtures of meldcode_testkit for every test in the repo."""

pytest_plugins = ["meldcode_testkit"]
