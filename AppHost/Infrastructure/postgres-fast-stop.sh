#!/usr/bin/env bash
# Runs PostgreSQL in the foreground: postgres-fast-stop.sh DATA_DIR COMMAND...
# DCP stops a resource with SIGTERM, which PostgreSQL takes as a "smart" shutdown that waits for
# every client; it would be killed before it ends and the next start would run crash recovery.
# This turns SIGTERM into SIGINT, PostgreSQL's fast shutdown, and waits for the server to end.
set -u
data="$1"
shift

# The postmaster that owns DATA_DIR, if one runs (one left by a wrapper that was killed, say).
postmaster() {
  local pid
  pid=$(head -1 "$data/postmaster.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && grep -q postgres "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

fast_stop() {
  local pid
  if pid=$(postmaster); then
    kill -INT "$pid" 2>/dev/null
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
}

fast_stop
# PostgreSQL writes every log line to stderr; as console output they are not errors.
"$@" 2>&1 &
server=$!
trap 'fast_stop; stopped=1' TERM INT
wait "$server"
status=$?
# A trapped signal ends the first wait early; the server's own exit status comes from this one.
if [ -n "${stopped:-}" ]; then
  wait "$server"
  status=$?
fi
exit "$status"
