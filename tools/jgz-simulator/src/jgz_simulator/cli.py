"""meldcode-jgz-simulator: placeholder until the simulator lands."""


def main() -> None:
    raise SystemExit("not yet")
