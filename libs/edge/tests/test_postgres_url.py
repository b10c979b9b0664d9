from meldcode_edge.postgres_url import parse, with_database, with_user
from meldcode_edge.roles import role_of, with_role

PAIR = (
    "postgresql://postgres@127.0.0.1:15521,127.0.0.1:15522/meldcode_signals?target_session_attrs=read-write"
)


def test_a_url_naming_a_primary_and_its_standby_gives_both_servers_in_order() -> None:
    address = parse(PAIR)

    assert address.hosts == (("127.0.0.1", 15521), ("127.0.0.1", 15522))
    assert (address.host_list, address.port_list) == ("127.0.0.1,127.0.0.1", "15521,15522")
    assert address.database == "meldcode_signals"
    assert address.option("target_session_attrs") == "read-write"


def test_a_single_server_url_reads_as_before() -> None:
    address = parse("postgresql://meldcode_signals:geheim@db.local/meldcode_signals")

    assert address.hosts == (("db.local", 5432),)
    assert (address.user, address.password) == ("meldcode_signals", "geheim")
    assert address.option("target_session_attrs") is None


def test_another_role_or_database_keeps_every_server_and_the_options() -> None:
    assert with_role(PAIR, "meldcode_signals_owner") == PAIR.replace(
        "//postgres@", "//meldcode_signals_owner@"
    )
    assert role_of(with_user(PAIR, "meldcode_casework")) == "meldcode_casework"
    assert with_database(PAIR, "meldcode_keys") == PAIR.replace("/meldcode_signals?", "/meldcode_keys?")
