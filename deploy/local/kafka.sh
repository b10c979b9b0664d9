#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft, combined broker+controller) as a local process.
#   kafka.sh fetch | start | stop | status | address
# Jars come from Maven Central via deploy/local/kafka/pom.xml into $MELDCODE_CACHE_DIR.
# If KAFKA_BOOTSTRAP_SERVERS is set, that broker is used and nothing is started.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

libs="$MELDCODE_CACHE_DIR/kafka-$MELDCODE_KAFKA_VERSION/libs"
run="$MELDCODE_RUN_DIR/kafka"
pidfile="$run/kafka.pid"
address="127.0.0.1:$MELDCODE_KAFKA_PORT"

fetch() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  echo "kafka: fetching Apache Kafka $MELDCODE_KAFKA_VERSION jars into $libs" >&2
  rm -rf "$libs"
  mvn -q -B -f "$MELDCODE_ROOT/deploy/local/kafka/pom.xml" dependency:copy-dependencies \
    -Dkafka.version="$MELDCODE_KAFKA_VERSION" -DincludeScope=runtime -DoutputDirectory="$libs" >&2
  touch "$libs/.complete"
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

wait_ready() {
  # Ask the broker itself (metadata request through a real client), do not sleep-and-hope.
  "$MELDCODE_PYTHON" "$MELDCODE_ROOT/deploy/local/wait_kafka.py" "$1" "${2:-90}"
}

start() {
  if [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
    echo "kafka: using the broker at KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS" >&2
    wait_ready "$KAFKA_BOOTSTRAP_SERVERS"; return
  fi
  if running; then wait_ready "$address"; echo "kafka: already running at $address" >&2; return; fi
  fetch
  mkdir -p "$run/data" "$run/logs"
  cat > "$run/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$MELDCODE_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$MELDCODE_KAFKA_PORT,CONTROLLER://127.0.0.1:$MELDCODE_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$MELDCODE_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$run/data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
log.retention.ms=-1
PROPS
  local cp="$libs/*"
  if [ ! -f "$run/data/meta.properties" ]; then
    java -cp "$cp" -Dlog4j2.configurationFile="$MELDCODE_ROOT/deploy/local/kafka/log4j2.properties" \
      -Dkafka.logs.dir="$run/logs" kafka.tools.StorageTool format \
      -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
      -c "$run/server.properties" >"$run/logs/format.log" 2>&1
  fi
  nohup java -Xms"$MELDCODE_KAFKA_HEAP" -Xmx"$MELDCODE_KAFKA_HEAP" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$MELDCODE_ROOT/deploy/local/kafka/log4j2.properties" \
    -Dkafka.logs.dir="$run/logs" -cp "$cp" kafka.Kafka "$run/server.properties" \
    >"$run/logs/stdout.log" 2>&1 &
  echo $! > "$pidfile"
  if ! wait_ready "$address"; then
    echo "kafka: broker did not become ready; last lines of $run/logs/server.log:" >&2
    tail -n 30 "$run/logs/server.log" "$run/logs/stdout.log" >&2 || true
    exit 1
  fi
  echo "kafka: ready at $address" >&2
}

stop() {
  if ! running; then rm -f "$pidfile"; return 0; fi
  local pid; pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  echo "kafka: stopped" >&2
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running at $address"; else echo "stopped"; exit 3; fi ;;
  address) echo "${KAFKA_BOOTSTRAP_SERVERS:-$address}" ;;
  *) echo "usage: $0 fetch|start|stop|status|address" >&2; exit 2 ;;
esac
