"""Command line of the casework service: `meldcode-casework serve` and the operator's
`meldcode-casework reconcile` (event store, topic and read model agree)."""

from meldcode_contracts import CASEWORK_EVENTS, SIGNALS_EVENTS
from meldcode_servicekit.hashchain import snapshots_table
from meldcode_servicekit.keystore import KeyStore
from meldcode_servicekit.reconcile import EventStoreOutbox, ReadModel, ReconcileTargets
from meldcode_servicekit.web import service_cli

from ..application import CaseworkApplication
from ..bootstrap import MIGRATION, build_app
from ..config import Settings
from ..translation import to_contract_event
from .consumer import make_handler


def reconcile_targets(settings: Settings, keystore: KeyStore) -> ReconcileTargets:
    """What `bootstrap` wires: the event store relayed to the casework topic, the signals consumer."""
    application = CaseworkApplication(settings.database_url, keystore=keystore, terms=settings.terms_book())
    return ReconcileTargets(
        service="casework",
        outbox=EventStoreOutbox(
            relay="casework-events",
            topic=CASEWORK_EVENTS,
            application=application,
            translate=to_contract_event,
        ),
        read_model=ReadModel(
            topics=[SIGNALS_EVENTS], handle=make_handler(keystore, snapshots_table(application))
        ),
    )


cli = service_cli(
    "casework",
    "steps 3-6 of the Meldcode",
    build_app,
    Settings,
    reconcile=reconcile_targets,
    migration=MIGRATION,
)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
