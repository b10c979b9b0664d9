from eventsourcing.utils import Environment

from meldcode_servicekit.eventstore import TARGET_SESSION_ATTRS, FailFastFactory, postgres_env


def test_the_event_store_is_given_both_servers_and_asks_for_the_writable_one() -> None:
    env = postgres_env(
        "postgresql://meldcode_signals@127.0.0.1:15521,127.0.0.1:15522/signals?target_session_attrs=read-write"
    )

    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("127.0.0.1,127.0.0.1", "15521,15522")
    assert (env["POSTGRES_DBNAME"], env["POSTGRES_USER"]) == ("signals", "meldcode_signals")
    assert env[TARGET_SESSION_ATTRS] == "read-write"


def test_one_server_gives_the_settings_as_before() -> None:
    env = postgres_env("postgresql://postgres@127.0.0.1:15432/signals")

    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env[TARGET_SESSION_ATTRS]) == (
        "127.0.0.1",
        "15432",
        "",
    )


def test_the_event_store_pool_connects_only_to_a_server_that_accepts_writes() -> None:
    url = "postgresql://postgres@127.0.0.1:1,127.0.0.1:2/signals?target_session_attrs=read-write"
    factory = FailFastFactory(Environment(env=postgres_env(url)))

    kwargs = factory.datastore.pool.kwargs
    assert isinstance(kwargs, dict)
    assert (kwargs["host"], kwargs["port"], kwargs["target_session_attrs"]) == (
        "127.0.0.1,127.0.0.1",
        "1,2",
        "read-write",
    )
