"""Wait until a Kafka cluster answers a metadata request naming at least BROKERS registered brokers:
`wait_kafka.py HOST:PORT[,HOST:PORT...] [SECONDS] [BROKERS]` (BROKERS 1 by default).

Authenticates with the KAFKA_SECURITY_PROTOCOL / KAFKA_SASL_* settings of the environment, if any."""

import asyncio
import logging
import sys
import time

from aiokafka.admin import AIOKafkaAdminClient

from meldcode_servicekit.settings import ServiceSettings


async def broker_answers(bootstrap: str, brokers: int) -> bool:
    kafka = ServiceSettings(kafka_bootstrap_servers=bootstrap).kafka
    admin = AIOKafkaAdminClient(**kafka.client_options(), request_timeout_ms=3000)
    try:
        await admin.start()
        await admin.list_topics()
        cluster = await admin.describe_cluster()
        return len(cluster["brokers"]) >= brokers
    except Exception:
        return False
    finally:
        await admin.close()


async def main(bootstrap: str, timeout: float, brokers: int) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await broker_answers(bootstrap, brokers):
            return 0
        await asyncio.sleep(0.5)
    print(f"kafka at {bootstrap} did not answer within {timeout:.0f}s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    logging.disable(logging.CRITICAL)  # connection refusals while the broker boots are expected
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 90.0
    brokers = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    sys.exit(asyncio.run(main(sys.argv[1], timeout, brokers)))
