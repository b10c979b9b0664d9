"""A consumer's batch subscriber is woken by data: an empty poll is asked again at once (no sleep,
no empty batch handed on), and a stopped subscriber stops asking."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from meldcode_servicekit.consuming import DataWokenBatchSubscriber, EventConsumer
from meldcode_servicekit.settings import ServiceSettings


class FakeConsumer:
    """Answers `getmany` from a script: empty polls, then a batch."""

    def __init__(self, subscriber: DataWokenBatchSubscriber, answers: list[dict[str, list[str]]]) -> None:
        self.subscriber = subscriber
        self.answers = answers
        self.polls: list[tuple[int, int | None]] = []

    async def getmany(self, *, timeout_ms: int, max_records: int | None) -> dict[str, list[str]]:
        self.polls.append((timeout_ms, max_records))
        if not self.answers:
            self.subscriber.running = False  # stopped while waiting
            return {}
        return self.answers.pop(0)


def subscriber(poll_wait_ms: int = 500, batch_size: int = 7) -> DataWokenBatchSubscriber:
    settings = ServiceSettings(
        database_url="postgresql://unused", consumer_poll_wait_ms=poll_wait_ms, consumer_batch_size=batch_size
    )
    consumer = EventConsumer(
        settings=settings,
        service="reporting",
        topics=["meldcode.signals.events.v1"],
        handle=lambda conn, event: None,  # type: ignore[arg-type,return-value]
        pool=None,  # type: ignore[arg-type]
        dlq_producer=None,  # type: ignore[arg-type]
    )
    broker = KafkaBroker("127.0.0.1:1")
    consumer.register(broker)
    (registered,) = broker.subscribers
    assert isinstance(registered, DataWokenBatchSubscriber)
    registered.running = True
    return registered


async def test_empty_polls_are_asked_again_until_records_arrive_and_the_batch_is_all_partitions() -> None:
    sub = subscriber()
    fake = FakeConsumer(sub, [{}, {}, {"p0": ["a", "b"], "p1": ["c"]}])
    batch = await sub.get_msg(fake)  # type: ignore[arg-type]
    assert batch == ("a", "b", "c")
    assert fake.polls == [(500, 7)] * 3  # the setting's wait and batch size, three polls, no sleep between


async def test_a_stopped_subscriber_returns_nothing_instead_of_polling_on() -> None:
    sub = subscriber()
    fake = FakeConsumer(sub, [{}])
    assert await sub.get_msg(fake) == ()  # type: ignore[arg-type]
    assert len(fake.polls) == 2  # the empty poll, then the one during which it was stopped
    sub.running = False
    assert await sub.get_msg(FakeConsumer(sub, [])) == ()  # type: ignore[arg-type]
