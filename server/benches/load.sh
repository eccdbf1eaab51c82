#!/usr/bin/env bash
# Load test of POST /v1/score on loopback, and the same documents scored by spawning the
# command once per document, in one run. Needs wrk (Debian package) and GNU time.
#   server/benches/load.sh [seconds (10)] [connections (32)]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-10}"
connections="${2:-32}"
cargo build --quiet --release -p health-equity-assessment-server -p health-equity-assessment-cli
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
/usr/bin/time -v "$bin/equity-assess-server" --addr "127.0.0.1:$port" 2>"$work/server.log" &
timer=$!
for _ in $(seq 100); do
  if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; then break; fi
  sleep 0.1
done
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("examples/heoa-baseline.json", "rb")
wrk.body = f:read("*a")
f:close()
LUA
echo "== wrk: POST /v1/score, ${connections} connections, ${seconds} s, 2 threads"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/v1/score" | tee "$work/wrk.txt"
pkill -TERM -P "$timer"
wait "$timer" || true
echo "== server peak RSS"
grep "Maximum resident" "$work/server.log"
echo "== the command spawned once per document (500 documents, 2 at a time)"
start=$(date +%s.%N)
seq 500 | xargs -P 2 -I{} "$bin/equity-assess" score examples/heoa-baseline.json > /dev/null
end=$(date +%s.%N)
python3 - "$start" "$end" "$work/wrk.txt" <<'PY'
import re, sys
start, end, wrk = float(sys.argv[1]), float(sys.argv[2]), open(sys.argv[3]).read()
spawned = 500 / (end - start)
served = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
print(f"spawning the command: {spawned:.0f} documents/s")
print(f"the service:          {served:.0f} documents/s ({served / spawned:.1f}x)")
PY
