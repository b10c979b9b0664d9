"""Command line of the notifications service: `meldcode-notifications serve` and the operator's
`meldcode-notifications reconcile` (event outbox, topic and read model agree)."""

from meldcode_contracts import EVENT_TOPICS, NOTIFICATIONS_EVENTS
from meldcode_servicekit.keystore import KeyStore
from meldcode_servicekit.reconcile import ReadModel, ReconcileTargets, TableOutbox
from meldcode_servicekit.web import service_cli

from ..bootstrap import MIGRATION, build_app
from ..config import Settings
from .consumer import MailSettings, make_handler, utc_now


def reconcile_targets(settings: Settings, keystore: KeyStore) -> ReconcileTargets:
    """What `bootstrap` wires: the event outbox relayed to the notifications topic, the consumer of
    the signals and casework topics."""
    return ReconcileTargets(
        service="notifications",
        outbox=TableOutbox(topic=NOTIFICATIONS_EVENTS),
        read_model=ReadModel(
            topics=EVENT_TOPICS,
            handle=make_handler(
                settings.terms(),
                frozenset(settings.jgz_partners),
                utc_now,
                MailSettings(settings.portal_url, settings.mail_domain),
            ),
        ),
    )


cli = service_cli(
    "notifications",
    "tasks, reminders and notifications of the Meldcode",
    build_app,
    Settings,
    reconcile=reconcile_targets,
    migration=MIGRATION,
)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
