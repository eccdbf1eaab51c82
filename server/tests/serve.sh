# Sourced by the service's test scripts (schemathesis, browser): starts the built service on a
# free loopback port that the service itself picks (`--addr 127.0.0.1:0`, read back from its
# "listening addr=..." log line, so no other process can take the port in between), exports
# BASE_URL, and stops it on exit, printing its log when the script failed.

start_service() {
  local bin="$1"
  service_log="$(mktemp)"
  RUST_LOG=info "$bin" --addr 127.0.0.1:0 2>"$service_log" &
  service_pid=$!
  trap stop_service EXIT
  local addr
  for _ in $(seq 300); do
    if ! kill -0 "$service_pid" 2>/dev/null; then
      echo "the service stopped while starting" >&2
      return 1
    fi
    addr="$(grep -o 'listening addr=[0-9.:]*' "$service_log" | head -n 1 | cut -d= -f2 || true)"
    if [ -n "$addr" ]; then
      export BASE_URL="http://$addr"
      return 0
    fi
    sleep 0.1
  done
  echo "the service did not start listening within 30 s" >&2
  return 1
}

stop_service() {
  local status=$?
  kill -TERM "$service_pid" 2>/dev/null
  wait "$service_pid" 2>/dev/null
  if [ "$status" -ne 0 ]; then
    echo "== the service's log (last 80 lines)" >&2
    tail -n 80 "$service_log" >&2
  fi
  rm -f "$service_log"
  return "$status"
}

# Fails when the service logged a panic (answered 500 and went on, but a bug all the same).
check_no_panic() {
  if grep -q "panicked" "$service_log"; then
    echo "the service logged a panic during the run:" >&2
    grep "panicked" "$service_log" >&2
    return 1
  fi
}
