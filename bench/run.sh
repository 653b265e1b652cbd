#!/usr/bin/env bash
# `make bench`: throughput and latency of the API on real PostgreSQL and Redis, each scenario beside a floor
# (bench/floor_app.py: bare Litestar doing the same SQL/Redis work), served the same way (uvicorn, 1 worker).
#
#   bash bench/run.sh                     # ~2 minutes; table on stdout and in bench/results/latest.md
#   DURATION=30 CONNECTIONS=64 bash bench/run.sh
#
# What it does, every run from scratch (re-runnable):
#   1. DROP/CREATE the database $BENCH_DB (loopin_bench; never `test`), `loopin db upgrade`, FLUSHDB Redis db 14;
#   2. bench/seed.py: $BENCH_MEMBERS active members with profiles (+ one bearer token each, JwtSessionTokens) and
#      $BENCH_OTPS OTP challenges per server with known codes (KeyedDigest under the SECRET_KEY of this run);
#   3. starts `uv run loopin serve --workers 1` and the floor (uvicorn, 1 worker), waits for /health/ready,
#      checks one request per route and server (must be 200);
#   4. per scenario and server: wrk warm-up ($WARMUP s) then the measured run ($DURATION s), each bounded by
#      `timeout`; VACUUM + CHECKPOINT between runs;
#   5. bench/report.py: the Markdown table; exit 1 if any response was not 2xx (or a socket error/timeout).
#
# Needs: uv, wrk, curl; PostgreSQL and Redis reachable at the URLs below. Servers are killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL=${BENCH_PG_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432}  # server, without the database
BENCH_DB=${BENCH_DB:-loopin_bench}
REDIS_BASE=${BENCH_REDIS_URL:-redis://127.0.0.1:6379}
REDIS_DB=${BENCH_REDIS_DB:-14}
DURATION=${DURATION:-15}         # seconds measured per scenario and server
WARMUP=${WARMUP:-3}              # seconds of warm-up before each measured run (same connections)
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
BENCH_MEMBERS=${BENCH_MEMBERS:-10000}
BENCH_OTPS=${BENCH_OTPS:-120000}  # per server; single use, so >= (warm-up + measured) * the fastest req/s
APP_PORT=${APP_PORT:-18080}
FLOOR_PORT=${FLOOR_PORT:-18081}
# 2 cores: wrk (1 thread) on the last core; the servers, PostgreSQL and Redis are free to use both.
NCPU=$(nproc)
WRK_CPUS=${WRK_CPUS:-$((NCPU - 1))}
SERVER_CPUS=${SERVER_CPUS:-0-$((NCPU - 1))}

RESULTS=bench/results
RAW=$RESULTS/raw
APP_PHONE_BASE=9800000000    # as bench/seed.py
FLOOR_PHONE_BASE=9810000000

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

[[ "$BENCH_DB" == *bench* ]] || die "BENCH_DB must be a dedicated *bench* database (got $BENCH_DB)"
[[ "$REDIS_DB" != 0 && "$REDIS_DB" != 15 ]] || die "BENCH_REDIS_DB must not be 0 (default) or 15 (tests)"
for tool in uv wrk curl timeout; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done
(( DURATION + WARMUP <= 20 )) || log "warning: WARMUP + DURATION = $((DURATION + WARMUP)) s exceeds the 20 s budget"
SERVER_PIN=() WRK_PIN=()
if command -v taskset >/dev/null 2>&1; then
  SERVER_PIN=(taskset -c "$SERVER_CPUS") WRK_PIN=(taskset -c "$WRK_CPUS")
else
  log "taskset not found: nothing pinned"
fi

UV=(uv run --frozen --quiet)
export UV_LINK_MODE=${UV_LINK_MODE:-copy}
export DATABASE_URL="$PG_URL/$BENCH_DB"
export REDIS_URL="$REDIS_BASE/$REDIS_DB"
export ENVIRONMENT=development LOG_LEVEL=WARNING LOG_JSON=false
export SECRET_KEY
SECRET_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')  # a real random key, new every run
export MEDIA_ROOT=$RESULTS/media
export PYTHONDONTWRITEBYTECODE=1

mkdir -p "$RAW" "$MEDIA_ROOT"
rm -f "$RAW"/*.txt "$RESULTS"/*.log

SERVER_PIDS=()
cleanup() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() { # name command...: own session (the whole tree can be killed), pinned, logged; sets LAST_PID
  local name=$1; shift
  setsid "${SERVER_PIN[@]}" "$@" >"$RESULTS/$name.log" 2>&1 </dev/null &
  LAST_PID=$!
  SERVER_PIDS+=("$LAST_PID")
}

wait_ready() { # name pid url
  local name=$1 pid=$2 url=$3
  for _ in $(seq 1 300); do
    if curl -fs -o /dev/null --max-time 2 "$url"; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$RESULTS/$name.log" >&2; die "$name exited before it was ready"; }
    sleep 0.1
  done
  tail -n 30 "$RESULTS/$name.log" >&2
  die "$name not ready after 30 s ($url)"
}

otp_body() { # phone-base index
  printf '{"phone_number":"+91%d","otp_code":"%04d"}' "$(($1 + $2))" "$((($2 * 7919 + 1234) % 10000))"
}

expect_200() { # label curl-args...
  local label=$1; shift
  local status
  status=$(curl -sS -o "$RESULTS/smoke.out" -w '%{http_code}' --max-time 10 "$@") || status=000
  if [[ "$status" != 200 ]]; then
    echo "bench: $label answered $status:" >&2
    head -c 2000 "$RESULTS/smoke.out" >&2; echo >&2
    die "$label is not 200; not benchmarking a failing route"
  fi
}

next_index() { sed -n 's/^BENCH_JSON .*"next_index":\([0-9]*\).*/\1/p' "$1"; }

run_wrk() { # out seconds url script args...
  local out=$1 seconds=$2 url=$3 script=$4; shift 4
  # -d bounds the run; timeout is the backstop (wrk ignores a dead server only after --timeout per request).
  if ! timeout --signal=INT --kill-after=3 $((seconds + 4)) "${WRK_PIN[@]}" \
      wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 5s --latency -s "$script" "$url" -- "$@" \
      >"$out" 2>&1; then
    cat "$out" >&2
    die "wrk failed or overran its time bound ($out)"
  fi
  grep -q '^BENCH_JSON ' "$out" || { cat "$out" >&2; die "no BENCH_JSON line in $out"; }
}

settle() { "${UV[@]}" python bench/seed.py settle; }

# 1-2. database, Redis, data
started=$(date +%s)
log "database $BENCH_DB and redis db $REDIS_DB: reset, migrate, seed"
"${UV[@]}" python bench/seed.py reset
"${UV[@]}" loopin db upgrade >/dev/null
"${UV[@]}" python bench/seed.py seed --members "$BENCH_MEMBERS" --otps "$BENCH_OTPS" --tokens "$RESULTS/tokens.txt"

# 3. servers
log "starting the API (:$APP_PORT) and the floor (:$FLOOR_PORT), cpus $SERVER_CPUS; wrk on cpu $WRK_CPUS"
start_server api "${UV[@]}" loopin serve --host 127.0.0.1 --port "$APP_PORT" --workers 1
app_pid=$LAST_PID
start_server floor "${UV[@]}" uvicorn --app-dir bench --factory floor_app:create_app \
  --host 127.0.0.1 --port "$FLOOR_PORT" --workers 1 --no-access-log --log-level warning --timeout-keep-alive 30
floor_pid=$LAST_PID
wait_ready api "$app_pid" "http://127.0.0.1:$APP_PORT/health/ready"
wait_ready floor "$floor_pid" "http://127.0.0.1:$FLOOR_PORT/health/ready"

token=$(head -n 1 "$RESULTS/tokens.txt")
for target in api floor; do
  if [[ $target == api ]]; then port=$APP_PORT base=$APP_PHONE_BASE; else port=$FLOOR_PORT base=$FLOOR_PHONE_BASE; fi
  expect_200 "$target verify-otp" -X POST -H 'Content-Type: application/json' \
    -d "$(otp_body "$base" 0)" "http://127.0.0.1:$port/api/auth/verify-otp"
  expect_200 "$target profile" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/auth/profile"
done

# 4. scenarios: the API then its floor, each warm-up + measured
for scenario in verify-otp profile; do
  for target in api floor; do
    if [[ $target == api ]]; then port=$APP_PORT base=$APP_PHONE_BASE; else port=$FLOOR_PORT base=$FLOOR_PHONE_BASE; fi
    settle
    log "$scenario on $target: ${WARMUP}s warm-up + ${DURATION}s, -t$THREADS -c$CONNECTIONS"
    if [[ $scenario == verify-otp ]]; then
      url="http://127.0.0.1:$port/api/auth/verify-otp"
      index=1  # 0 was the smoke request
      for phase in warmup measured; do
        out=$RAW/$scenario.$target.txt seconds=$DURATION
        if [[ $phase == warmup ]]; then out=$RAW/$scenario.$target.warmup.txt seconds=$WARMUP; fi
        run_wrk "$out" "$seconds" "$url" bench/lua/verify_otp.lua "$base" "$index" "$THREADS"
        index=$(next_index "$out")
        ((index <= BENCH_OTPS)) || die "verify-otp used $index codes but only $BENCH_OTPS were seeded: raise BENCH_OTPS"
      done
    else
      url="http://127.0.0.1:$port/api/auth/profile"
      run_wrk "$RAW/$scenario.$target.warmup.txt" "$WARMUP" "$url" bench/lua/profile.lua "$RESULTS/tokens.txt" 0
      run_wrk "$RAW/$scenario.$target.txt" "$DURATION" "$url" bench/lua/profile.lua "$RESULTS/tokens.txt" 5000
    fi
  done
done

# 5. the table
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src 2>/dev/null || commit="$commit+dirty"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
pg=$("${UV[@]}" python -c 'import asyncio, asyncpg, os
async def v():
    c = await asyncpg.connect(os.environ["DATABASE_URL"].replace("+asyncpg", ""))
    print((await c.fetchval("show server_version")).split()[0]); await c.close()
asyncio.run(v())' 2>/dev/null || echo "?")
"${UV[@]}" python bench/report.py "$RAW" "$RESULTS/latest.md" \
  "## Loopin bench — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit" \
  "" \
  "$NCPU × ${cpu:-unknown cpu}; PostgreSQL $pg (db $BENCH_DB), Redis db $REDIS_DB;" \
  "\`loopin serve --workers 1\` vs floor (\`bench/floor_app.py\`, uvicorn 1 worker) on cpus $SERVER_CPUS;" \
  "\`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency\` on cpu $WRK_CPUS after ${WARMUP}s warm-up;" \
  "$BENCH_MEMBERS members (profile rotates over their tokens), every verify-otp a distinct phone and valid code." \
  || status=$?
log "done in $(($(date +%s) - started)) s; raw wrk output in $RAW, server logs in $RESULTS/*.log"
exit "${status:-0}"
