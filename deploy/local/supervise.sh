#!/usr/bin/env bash
# The local suite's processes under supervisord (from PyPI; ADR 13): a process that dies is
# restarted (with a growing pause while it keeps failing to start) and logged in supervisord.log;
# the rest of the suite stays up.
#   supervise.sh start "name|command|replicas|autostart" ...   write the config, start supervisord
#   supervise.sh ctl ARGS...                                    supervisorctl (status, restart signals, ...)
#   supervise.sh status | running | stop
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

run="$MELDCODE_RUN_DIR/supervisor"
logs="$MELDCODE_RUN_DIR/logs"
conf="$run/supervisord.conf"
pidfile="$run/supervisord.pid"
bin="$(dirname "$MELDCODE_PYTHON")"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

write_config() {
  mkdir -p "$run" "$logs"
  cat > "$conf" <<CONF
[unix_http_server]
file=$run/supervisor.sock
chmod=0700

[supervisord]
logfile=$logs/supervisord.log
pidfile=$pidfile
childlogdir=$logs
directory=$MELDCODE_ROOT
nodaemon=false

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$run/supervisor.sock
CONF
  local spec name command replicas autostart process_name
  for spec in "$@"; do
    IFS='|' read -r name command replicas autostart <<<"$spec"
    process_name="%(program_name)s"
    [ "$replicas" -gt 1 ] && process_name="%(program_name)s-%(process_num)d"
    cat >> "$conf" <<CONF

[program:$name]
command=$command
process_name=$process_name
numprocs=$replicas
directory=$MELDCODE_ROOT
autostart=$autostart
autorestart=true
startsecs=3
startretries=20
stopsignal=TERM
stopwaitsecs=25
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile=$logs/$process_name.log
stdout_logfile_maxbytes=50MB
stdout_logfile_backups=3
CONF
  done
}

start() {
  if running; then echo "supervisord: already running; stop it first (make run stops it on Ctrl-C)" >&2; exit 1; fi
  write_config "$@"
  "$bin/supervisord" -c "$conf"
  for _ in $(seq 1 50); do [ -S "$run/supervisor.sock" ] && running && return 0; sleep 0.1; done
  echo "supervisord did not start; see $logs/supervisord.log" >&2; exit 1
}

stop() {
  running || return 0
  local pid; pid=$(cat "$pidfile")
  "$bin/supervisorctl" -c "$conf" shutdown >/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  ctl) shift; "$bin/supervisorctl" -c "$conf" "$@" ;;
  status) "$bin/supervisorctl" -c "$conf" status ;;
  running) running ;;
  *) echo "usage: $0 start SPEC... | ctl ARGS... | status | running | stop" >&2; exit 2 ;;
esac
