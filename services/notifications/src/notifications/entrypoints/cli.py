"""Command line of the notifications service: `meldcode-notifications serve`."""

from meldcode_servicekit.web import service_cli

from ..bootstrap import build_app
from ..config import Settings

cli = service_cli("notifications", "tasks, reminders and notifications of the Meldcode", build_app, Settings)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
