#!/usr/bin/env bash
# `make bench`: throughput and latency of the API on real PostgreSQL and Redis, each scenario beside two floors
# measured in the same run and served the same way (uvicorn, $WORKERS workers each): the same-work floor
# (bench/floor_app.py: bare Litestar doing the same SQL/Redis work) and the raw floor (bench/raw_floor_app.py: bare
# Litestar + asyncpg, one query returning 20 event rows, no ORM, no auth).
#
#   bash bench/run.sh                              # every scenario; table in bench/results/latest.md
#   QUICK=1 bash bench/run.sh                      # 3 s + 1 s per run, no CHECKPOINT between runs: for iterating
#   SCENARIOS="feed detail" bash bench/run.sh      # "feed" = feed-cold, feed-cached, feed20-cold, feed20-cached
#   RUSH_CONNECTIONS=2000 SCENARIOS=rush bash bench/run.sh   # every rush guest at once
#   DURATION=15 CONNECTIONS=64 WORKERS=2 bash bench/run.sh
#   PROFILE=1 QUICK=1 SCENARIOS="feed-cold door" bash bench/run.sh   # + where the API's CPU goes (py-spy), per scenario
#
# Scenarios (docs/benchmarks.md explains each): verify-otp, profile, feed-cold, feed-cached, feed20-cold,
# feed20-cached, detail-cold, detail-cached, door, door-repeat, rush, pay (the paid rush: 2,000 buyers ordering
# 500 seats, then PayU's success callback of every order held).
#
# What it does, every run from scratch (re-runnable):
#   1. a new public schema in the database $BENCH_DB (loopin_bench; never `test`), `loopin db upgrade`, FLUSHDB Redis
#      db 14 ($BENCH_REDIS_DB);
#   2. bench/seed.py: $BENCH_MEMBERS active members with profiles (+ one bearer token each, JwtSessionTokens) and
#      $BENCH_OTPS OTP challenges per server with known codes (KeyedDigest under the SECRET_KEY of this run);
#      bench/seed_events.py (when an events or attendance scenario is selected): venues, events, invitations,
#      accepted requests and tickets through the project's domain objects and SQL repositories;
#   3. the raw floor (:18084) for the whole run; per phase, `uv run loopin serve --workers $WORKERS` and the floor,
#      started when the phase begins and stopped when it ends; waits for /health/ready, checks one request per
#      route and server (must be 200), then measures the raw floor. Phase "cache on" (:18080/:18081) runs with the
#      default EVENT_CACHE_TTL_SECONDS, phase "cache off" (the *-cold scenarios; :18082/:18083) with
#      EVENT_CACHE_TTL_SECONDS=0;
#   4. per scenario and server: wrk warm-up ($WARMUP s) then the measured run ($DURATION s), each bounded by
#      `timeout` (the API's cached reads once more at $LATENCY_CONNECTIONS connections, for their p99); VACUUM +
#      CHECKPOINT between runs. The rush is a one-shot burst instead (bench/lua/rush.lua):
#      a warm-up burst on its own event, then every rush guest's confirmation once, $RUSH_CONNECTIONS at a time;
#   5. bench/report.py: the Markdown table; exit 1 if any response was not 2xx (or a socket error/timeout), or
#      the rush sold other than exactly its seats, answered a 5xx, or left going_count off the seats held.
#
# Needs: uv, wrk, curl; PostgreSQL and Redis reachable at the URLs below. Servers are killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL=${BENCH_PG_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432}  # server, without the database
BENCH_DB=${BENCH_DB:-loopin_bench}
REDIS_BASE=${BENCH_REDIS_URL:-redis://127.0.0.1:6379}
REDIS_DB=${BENCH_REDIS_DB:-14}
ALL_SCENARIOS="verify-otp profile feed-cached feed20-cached detail-cached door door-repeat rush pay feed-cold feed20-cold \
detail-cold"
SCENARIOS=${SCENARIOS:-$ALL_SCENARIOS}
QUICK=${QUICK:-}                 # QUICK=1: 3 s measured + 1 s warm-up per run, fewer OTPs (iteration, not figures)
if [[ -n $QUICK ]]; then
  DURATION=${DURATION:-3} WARMUP=${WARMUP:-1} BENCH_OTPS=${BENCH_OTPS:-30000}
  export BENCH_CHECKPOINT=${BENCH_CHECKPOINT:-0}  # bench/settle.py: no CHECKPOINT between runs
fi
DURATION=${DURATION:-8}          # seconds measured per scenario and server
WARMUP=${WARMUP:-2}              # seconds of warm-up before each measured run (same connections)
CONNECTIONS=${CONNECTIONS:-64}
WORKERS=${WORKERS:-2}            # worker processes of every server (API, same-work floor, raw floor)
LATENCY_CONNECTIONS=${LATENCY_CONNECTIONS:-8}  # the API's latency runs of the cached reads (p99 budget)
THREADS=${THREADS:-1}
WRK_TIMEOUT=${WRK_TIMEOUT:-10}   # seconds before wrk counts a request as timed out (an error: fails the run)
BENCH_MEMBERS=${BENCH_MEMBERS:-10000}
BENCH_OTPS=${BENCH_OTPS:-120000}  # per server; single use, so >= (warm-up + measured) * the fastest req/s
RUSH_GUESTS=${RUSH_GUESTS:-2000}  # members confirming once each, as fast as they can ...
RUSH_SEATS=${RUSH_SEATS:-500}     # ... for this many seats of a free event ...
PAY_SEATS=${PAY_SEATS:-500}       # the paid rush: the same guests order this many seats of a paid event
RUSH_CONNECTIONS=${RUSH_CONNECTIONS:-500}  # ... this many at a time (2000: every guest at once; see docs)
PROFILE=${PROFILE:-}             # PROFILE=1: py-spy samples the API's workers in each measured run (bench/results/profiles/)
PROFILE_RATE=${PROFILE_RATE:-97} # samples per second and process (py-spy's own CPU skews the figures: a separate run)
RUSH_LIMIT=${RUSH_LIMIT:-150}     # seconds the rush may take before it counts as failed
DOOR_GUESTS=${DOOR_GUESTS:-2000}  # tickets per door event (6 events): >= (warm-up + measured) * check-ins/s
APP_PORT=${APP_PORT:-18080}      # phase "cache on"; phase "cache off" serves on these + 2
FLOOR_PORT=${FLOOR_PORT:-18081}
RAW_PORT=${RAW_PORT:-18084}      # the raw floor (bench/raw_floor_app.py), one server for the whole run
# 2 cores: wrk (1 thread) on the last core; the servers, PostgreSQL and Redis are free to use both.
NCPU=$(nproc)
WRK_CPUS=${WRK_CPUS:-$((NCPU - 1))}
SERVER_CPUS=${SERVER_CPUS:-0-$((NCPU - 1))}

RESULTS=bench/results
RAW=$RESULTS/raw
PROFILES=$RESULTS/profiles
EVENTS=$RESULTS/events
APP_PHONE_BASE=9800000000    # as bench/seed.py
FLOOR_PHONE_BASE=9810000000

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench [+${SECONDS}s]: $*" >&2; }

[[ "$BENCH_DB" == *bench* ]] || die "BENCH_DB must be a dedicated *bench* database (got $BENCH_DB)"
[[ "$REDIS_DB" != 0 && "$REDIS_DB" != 15 ]] || die "BENCH_REDIS_DB must not be 0 (default) or 15 (tests)"
UV_BIN=${UV_BIN:-$(command -v uv 2>/dev/null || echo .tools/bin/uv)}  # as the Makefile finds it
[[ -x $UV_BIN ]] || die "uv is not installed (make install puts it into .tools/)"
for tool in wrk curl timeout; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done
# "feed" and "detail" name both variants
selected=" "
for name in $SCENARIOS; do
  case $name in
    feed) selected+="feed-cold feed-cached feed20-cold feed20-cached " ;;
    detail) selected+="detail-cold detail-cached " ;;
    verify-otp | profile | feed-cold | feed-cached | feed20-cold | feed20-cached | detail-cold | detail-cached | door \
      | door-repeat | rush | pay)
      selected+="$name " ;;
    *) die "unknown scenario $name (known: $ALL_SCENARIOS, feed, detail)" ;;
  esac
done
wants() { [[ "$selected" == *" $1 "* ]]; }
wants_any() { local n; for n in "$@"; do wants "$n" && return 0; done; return 1; }
(( DURATION + WARMUP <= 20 )) || log "warning: WARMUP + DURATION = $((DURATION + WARMUP)) s exceeds the 20 s budget"
# Every rush guest at once (RUSH_CONNECTIONS=2000) needs a descriptor per socket in wrk and in the servers.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) > RUSH_CONNECTIONS + 1000 )) || log "warning: ulimit -n is $(ulimit -n); RUSH_CONNECTIONS=$RUSH_CONNECTIONS \
may run out of descriptors"
SERVER_PIN=() WRK_PIN=()
if command -v taskset >/dev/null 2>&1; then
  SERVER_PIN=(taskset -c "$SERVER_CPUS") WRK_PIN=(taskset -c "$WRK_CPUS")
else
  log "taskset not found: nothing pinned"
fi

UV=("$UV_BIN" run --frozen --quiet)
export UV_LINK_MODE=${UV_LINK_MODE:-copy}
export DATABASE_URL="$PG_URL/$BENCH_DB"
export REDIS_URL="$REDIS_BASE/$REDIS_DB"
export ENVIRONMENT=development LOG_LEVEL=WARNING LOG_JSON=false
# Per worker process, for every server alike: 2 cores gain nothing past ~10 database connections, and the
# machine's PostgreSQL (max_connections 100) is shared with other work.
export DB_POOL_SIZE=${DB_POOL_SIZE:-5} DB_MAX_OVERFLOW=${DB_MAX_OVERFLOW:-10}
export SECRET_KEY
# A real random key, new every run; BENCH_SECRET_KEY fixes it, so bench/cpu_per_request.py can reuse the seeded data.
SECRET_KEY=${BENCH_SECRET_KEY:-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')}
export MEDIA_ROOT=$RESULTS/media
export PYTHONDONTWRITEBYTECODE=1

mkdir -p "$RAW" "$MEDIA_ROOT" "$EVENTS" "$PROFILES"
rm -f "$RAW"/*.txt "$RESULTS"/*.log "$EVENTS"/* "$PROFILES"/*.txt

SERVER_PIDS=()
stop_pids() { # pid...: each server's whole process group, TERM then KILL
  local pid
  for pid in "$@"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
}
stop_servers() {
  stop_pids "${SERVER_PIDS[@]}"
  SERVER_PIDS=()
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

start_server() { # name command...: own session (the whole tree can be killed), pinned, logged; sets LAST_PID
  local name=$1; shift
  setsid "${SERVER_PIN[@]}" "$@" >>"$RESULTS/$name.log" 2>&1 </dev/null &
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

run_wrk() { # out seconds url script args... (WRK_CONNECTIONS overrides CONNECTIONS)
  local out=$1 seconds=$2 url=$3 script=$4 connections=${WRK_CONNECTIONS:-$CONNECTIONS}; shift 4
  # -d bounds the run; timeout is the backstop (wrk ignores a dead server only after --timeout per request).
  if ! timeout --signal=INT --kill-after=3 $((seconds + WRK_TIMEOUT + 4)) "${WRK_PIN[@]}" \
      wrk -t"$THREADS" -c"$connections" -d"${seconds}s" --timeout "${WRK_TIMEOUT}s" --latency -s "$script" "$url" \
      -- "$@" >"$out" 2>&1; then
    cat "$out" >&2
    die "wrk failed or overran its time bound ($out)"
  fi
  grep -q '^BENCH_JSON ' "$out" || { cat "$out" >&2; die "no BENCH_JSON line in $out"; }
}

settle() { "${UV[@]}" python bench/settle.py "$@"; }

PROFILER_PID=
profile_start() { # target name [seconds]: with PROFILE=1, py-spy on this phase's API (its workers) in the background
  PROFILER_PID=
  [[ -n $PROFILE && $1 == api ]] || return 0
  local session=${PHASE_PIDS[$PHASE]%% *} master
  master=$(pgrep -s "$session" -f "bin/loopin serve" | head -n 1 || true)
  [[ -n $master ]] || { log "profile: no API process in session $session"; return 0; }
  "${UV[@]}" py-spy record --nonblocking --subprocesses --format raw --rate "$PROFILE_RATE" \
    --duration "${3:-$DURATION}" --pid "$master" --output "$PROFILES/$2.txt" >"$PROFILES/$2.log" 2>&1 &
  PROFILER_PID=$!
}
profile_stop() { # [now]: wait for py-spy's own --duration, or with "now" stop it (it writes what it sampled)
  [[ -n $PROFILER_PID ]] || return 0
  [[ ${1:-} == now ]] && kill -INT "$PROFILER_PID" 2>/dev/null
  wait "$PROFILER_PID" || true
  PROFILER_PID=
}  # [--door-events ids --door-state going|checked_in]

# Phase "on": the default EVENT_CACHE_TTL_SECONDS; phase "off": EVENT_CACHE_TTL_SECONDS=0 (feed-cold, detail-cold).
phase_scenarios() { # phase: the selected scenarios it runs, in order
  local scenario
  for scenario in $ALL_SCENARIOS; do
    wants "$scenario" || continue
    if [[ $1 == off && $scenario == *-cold ]] || [[ $1 == on && $scenario != *-cold ]]; then echo "$scenario"; fi
  done
}
phase_offset() { if [[ $1 == off ]]; then echo 2; else echo 0; fi; }
target_port() { # target (api|floor), for the current $PHASE
  local base=$FLOOR_PORT
  [[ $1 == api ]] && base=$APP_PORT
  echo $((base + $(phase_offset "$PHASE")))
}

declare -A READY_PIDS=()
declare -A PHASE_PIDS=()
start_servers() { # phase: both servers of the phase, in the background (wait_servers waits for them)
  local phase=$1 suffix="" ttl=(env -u EVENT_CACHE_TTL_SECONDS) offset
  offset=$(phase_offset "$phase")
  if [[ $phase == off ]]; then suffix=-cold ttl=(env EVENT_CACHE_TTL_SECONDS=0); fi
  log "starting the API (:$((APP_PORT + offset))) and the floor (:$((FLOOR_PORT + offset))) with the event cache \
$phase, cpus $SERVER_CPUS"
  start_server "api$suffix" "${ttl[@]}" "${UV[@]}" loopin serve --host 127.0.0.1 --port $((APP_PORT + offset)) \
    --workers "$WORKERS"
  READY_PIDS["api$suffix"]="$LAST_PID http://127.0.0.1:$((APP_PORT + offset))/health/ready"
  PHASE_PIDS[$phase]=$LAST_PID
  start_server "floor$suffix" "${ttl[@]}" "${UV[@]}" uvicorn --app-dir bench --factory floor_app:create_app \
    --host 127.0.0.1 --port $((FLOOR_PORT + offset)) --workers "$WORKERS" --no-access-log --log-level warning \
    --timeout-keep-alive 30
  READY_PIDS["floor$suffix"]="$LAST_PID http://127.0.0.1:$((FLOOR_PORT + offset))/health/ready"
  PHASE_PIDS[$phase]+=" $LAST_PID"
}

start_raw() { # the raw floor: bare Litestar + asyncpg, one query of 20 event rows, served as the API is
  log "starting the raw floor (:$RAW_PORT), $WORKERS workers"
  start_server raw "${UV[@]}" uvicorn --app-dir bench --factory raw_floor_app:create_app --host 127.0.0.1 \
    --port "$RAW_PORT" --workers "$WORKERS" --no-access-log --log-level warning --timeout-keep-alive 30
  READY_PIDS[raw]="$LAST_PID http://127.0.0.1:$RAW_PORT/health/ready"
}

run_raw() { # label: one raw floor run (warm-up + measured), at the start of each phase: two samples per run
  settle
  log "raw floor ($1): ${WARMUP}s warm-up + ${DURATION}s, -t$THREADS -c$CONNECTIONS"
  run_wrk "$RAW/raw.$1.warmup.txt" "$WARMUP" "http://127.0.0.1:$RAW_PORT/api/events" bench/lua/profile.lua \
    "$RESULTS/tokens.txt" 0
  run_wrk "$RAW/raw.$1.txt" "$DURATION" "http://127.0.0.1:$RAW_PORT/api/events" bench/lua/profile.lua \
    "$RESULTS/tokens.txt" 0
}

wait_servers() {
  local name
  for name in "${!READY_PIDS[@]}"; do
    # shellcheck disable=SC2086
    wait_ready "$name" ${READY_PIDS[$name]}
  done
  READY_PIDS=()
  log "servers ready; wrk on cpu $WRK_CPUS"
}

smoke() { # one request per selected route and server; each must be 200
  local target port base token feed_token event_id
  token=$(head -n 1 "$RESULTS/tokens.txt")
  for target in api floor; do
    port=$(target_port "$target")
    if wants verify-otp && [[ -z ${SMOKED_OTP:-} ]]; then
      if [[ $target == api ]]; then base=$APP_PHONE_BASE; else base=$FLOOR_PHONE_BASE; fi
      expect_200 "$target verify-otp" -X POST -H 'Content-Type: application/json' \
        -d "$(otp_body "$base" 0)" "http://127.0.0.1:$port/api/auth/verify-otp"
    fi
    if wants profile; then
      expect_200 "$target profile" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/auth/profile"
    fi
    if wants_any feed-cold feed-cached detail-cold detail-cached; then
      feed_token=$(head -n 1 "$EVENTS/feed_tokens.txt") event_id=$(head -n 1 "$EVENTS/detail_ids.txt")
      expect_200 "$target feed" -H "Authorization: Bearer $feed_token" "http://127.0.0.1:$port/api/events"
      expect_200 "$target detail" -H "Authorization: Bearer $feed_token" "http://127.0.0.1:$port/api/events/$event_id"
    fi
  done
  SMOKED_OTP=1  # each OTP index is single use: index 0 was the smoke request, the runs start at 1
}

prime() { # out url script args...: each request of the script once (its "once" mode), all 2xx, in PRIME_LIMIT s
  local out=$1 url=$2 script=$3 limit=${PRIME_LIMIT:-90}; shift 3
  if ! timeout --signal=INT --kill-after=3 $((limit + 10)) "${WRK_PIN[@]}" wrk -t1 -c"$CONNECTIONS" -d"${limit}s" \
      --timeout "${WRK_TIMEOUT}s" -s "$script" "$url" -- "$@" >"$out" 2>&1 \
      || ! grep -q '^BENCH_JSON .*"non2xx":0,' "$out"; then
    cat "$out" >&2
    die "priming the cache failed ($out)"
  fi
}

run_pair() { # scenario: the API then its floor, each warm-up + measured
  local scenario=$1 target port url index out seconds phase
  for target in api floor; do
    port=$(target_port "$target")
    case $scenario in
      door) settle --door-events "$DOOR_EVENTS" --door-state going ;;  # every scan checks a guest in
      door-repeat) settle --door-events "$DOOR_EVENTS" --door-state checked_in ;;  # every scan a repeat
      *) settle ;;
    esac
    log "$scenario on $target: ${WARMUP}s warm-up + ${DURATION}s, -t$THREADS -c$CONNECTIONS"
    case $scenario in
      verify-otp | door | door-repeat)
        if [[ $scenario == verify-otp ]]; then
          url="http://127.0.0.1:$port/api/auth/verify-otp" script=bench/lua/verify_otp.lua index=1
          if [[ $target == api ]]; then base=$APP_PHONE_BASE; else base=$FLOOR_PHONE_BASE; fi
          args=("$base")
        else
          url="http://127.0.0.1:$port/" script=bench/lua/door.lua index=0 args=("$EVENTS/door.txt")
        fi
        for phase in warmup measured; do
          out=$RAW/$scenario.$target.txt seconds=$DURATION
          if [[ $phase == warmup ]]; then out=$RAW/$scenario.$target.warmup.txt seconds=$WARMUP; fi
          [[ $phase == measured ]] && profile_start "$target" "$scenario"
          run_wrk "$out" "$seconds" "$url" "$script" "${args[@]}" "$index" "$THREADS"
          profile_stop
          index=$(next_index "$out")
        done
        if [[ $scenario == verify-otp ]]; then
          ((index <= BENCH_OTPS)) || die "verify-otp used $index codes but only $BENCH_OTPS were seeded: raise BENCH_OTPS"
        elif [[ $scenario == door ]]; then
          ((index <= DOOR_TICKETS)) || die "door scanned $index codes but only $DOOR_TICKETS tickets were seeded (some \
scans were repeats): raise DOOR_GUESTS"
        fi
        ;;
      profile | feed-cold | feed-cached | feed20-cold | feed20-cached)
        if [[ $scenario == profile ]]; then
          url="http://127.0.0.1:$port/api/auth/profile" tokens=$RESULTS/tokens.txt
        elif [[ $scenario == feed20-* ]]; then
          url="http://127.0.0.1:$port/api/events?limit=20" tokens=$EVENTS/feed_tokens.txt
        else
          url="http://127.0.0.1:$port/api/events" tokens=$EVENTS/feed_tokens.txt
        fi
        if [[ $scenario == *-cached ]]; then  # a page per cache class in the cache first: the scenario measures hits
          prime "$RAW/$scenario.$target.prime.txt" "$url" bench/lua/profile.lua "$EVENTS/feed_prime_tokens.txt" 0 once
          # then every reader once: what the feed knows of each (their snapshot) is kept too, else the first
          # seconds of the run measure 1,000 members' first reads, not hits
          PRIME_LIMIT=300 prime "$RAW/$scenario.$target.prime-readers.txt" "$url" bench/lua/profile.lua "$tokens" 0 once
        elif [[ $scenario == profile && $target == api ]]; then  # each member's profile kept first: hits
          PRIME_LIMIT=300 prime "$RAW/$scenario.$target.prime.txt" "$url" bench/lua/profile.lua "$tokens" 0 once
        fi
        run_wrk "$RAW/$scenario.$target.warmup.txt" "$WARMUP" "$url" bench/lua/profile.lua "$tokens" 0
        profile_start "$target" "$scenario"
        run_wrk "$RAW/$scenario.$target.txt" "$DURATION" "$url" bench/lua/profile.lua "$tokens" 5000
        profile_stop
        if [[ $target == api && $scenario != *-cold ]]; then  # latency at a light load, not at saturation
          WRK_CONNECTIONS=$LATENCY_CONNECTIONS run_wrk "$RAW/$scenario.api.latency.txt" "$DURATION" "$url" \
            bench/lua/profile.lua "$tokens" 7000
        fi
        ;;
      detail-cold | detail-cached)
        url="http://127.0.0.1:$port/"
        if [[ $scenario == detail-cached ]]; then  # every detail in the cache first: the scenario measures hits
          prime "$RAW/$scenario.$target.prime.txt" "$url" bench/lua/event_detail.lua "$EVENTS/feed_tokens.txt" \
            "$EVENTS/detail_ids.txt" 0 once
        fi
        run_wrk "$RAW/$scenario.$target.warmup.txt" "$WARMUP" "$url" bench/lua/event_detail.lua \
          "$EVENTS/feed_tokens.txt" "$EVENTS/detail_ids.txt" 0
        profile_start "$target" "$scenario"
        run_wrk "$RAW/$scenario.$target.txt" "$DURATION" "$url" bench/lua/event_detail.lua \
          "$EVENTS/feed_tokens.txt" "$EVENTS/detail_ids.txt" 5000
        profile_stop
        if [[ $target == api && $scenario == detail-cached ]]; then
          WRK_CONNECTIONS=$LATENCY_CONNECTIONS run_wrk "$RAW/$scenario.api.latency.txt" "$DURATION" "$url" \
            bench/lua/event_detail.lua "$EVENTS/feed_tokens.txt" "$EVENTS/detail_ids.txt" 7000
        fi
        ;;
    esac
  done
}

run_burst() { # out guests-file event-id url [mode [price]] (bench/lua/rush.lua)
  local out=$1 file=$2 event=$3 url=$4 connections
  connections=$(grep -c . "$file")
  ((connections <= RUSH_CONNECTIONS)) || connections=$RUSH_CONNECTIONS
  # One thread; each guest's confirmation sent once; rush.lua stops wrk (SIGINT to itself) once all are answered.
  if ! timeout --signal=INT --kill-after=3 $((RUSH_LIMIT + 10)) "${WRK_PIN[@]}" \
      wrk -t1 -c"$connections" -d"${RUSH_LIMIT}s" --timeout "${RUSH_LIMIT}s" --latency -s bench/lua/rush.lua "$url" \
      -- "$file" "$event" "${@:5}" >"$out" 2>&1; then
    cat "$out" >&2
    die "wrk failed or overran its time bound ($out)"
  fi
  grep -q '^BENCH_JSON ' "$out" || { cat "$out" >&2; die "no BENCH_JSON line in $out"; }
}

run_rush() {
  local target port upper
  for target in api floor; do
    port=$(target_port "$target") upper=${target^^}
    settle
    local warm_event=RUSH_EVENT_WARM_$upper event=RUSH_EVENT_$upper
    log "rush on $target: warm-up burst (event ${!warm_event}), then $RUSH_GUESTS guests for $RUSH_SEATS seats \
(event ${!event}), $RUSH_CONNECTIONS connections"
    run_burst "$RAW/rush.$target.warmup.txt" "$EVENTS/rush.warm-$target.txt" "${!warm_event}" \
      "http://127.0.0.1:$port/"
    if [[ $target == api ]]; then  # the guests opened the app first: its launch reads (and keeps) each profile
      cut -d' ' -f1 "$EVENTS/rush.$target.txt" >"$EVENTS/rush.$target.tokens.txt"
      prime "$RAW/rush.$target.prime.txt" "http://127.0.0.1:$port/api/auth/profile" bench/lua/profile.lua \
        "$EVENTS/rush.$target.tokens.txt" 0 once
    fi
    settle
    profile_start "$target" rush "$RUSH_LIMIT"
    run_burst "$RAW/rush.$target.txt" "$EVENTS/rush.$target.txt" "${!event}" "http://127.0.0.1:$port/"
    profile_stop now
    settle rush-check --event-id "${!event}" >"$RAW/rush.$target.check.txt"
  done
}

run_pay() { # the paid rush, then PayU's success callback of every order it held
  local target port upper
  for target in api floor; do
    port=$(target_port "$target") upper=${target^^}
    local warm=PAY_EVENT_WARM_$upper event=PAY_EVENT_$upper
    settle
    log "paid rush on $target: warm-up (event ${!warm}), then $RUSH_GUESTS buyers for $PAY_SEATS seats (event \
${!event}), $RUSH_CONNECTIONS connections"
    run_burst "$RAW/pay.$target.warmup.txt" "$EVENTS/pay.warm-$target.txt" "${!warm}" "http://127.0.0.1:$port/" \
      order "$PAY_PRICE"
    if [[ $target == api ]]; then  # the buyers opened the app first, as in the rush: their profiles are kept
      cut -d' ' -f1 "$EVENTS/pay.$target.txt" >"$EVENTS/pay.$target.tokens.txt"
      prime "$RAW/pay.$target.prime.txt" "http://127.0.0.1:$port/api/auth/profile" bench/lua/profile.lua \
        "$EVENTS/pay.$target.tokens.txt" 0 once
    fi
    settle
    run_burst "$RAW/pay.$target.txt" "$EVENTS/pay.$target.txt" "${!event}" "http://127.0.0.1:$port/" order "$PAY_PRICE"
    settle pay-check --event-id "${!event}" >"$RAW/pay.$target.held.txt"
    "${UV[@]}" python bench/pay_notices.py --event-id "${!event}" --base-url "http://127.0.0.1:$port" \
      --out "$EVENTS/pay.callbacks.$target.txt"
    settle
    log "callbacks on $target: every held order's success notice once"
    run_burst "$RAW/paycb.$target.txt" "$EVENTS/pay.callbacks.$target.txt" "${!event}" "http://127.0.0.1:$port/" callback
    settle pay-check --event-id "${!event}" >"$RAW/pay.$target.check.txt"
  done
}

# 1-2. database, Redis, data
started=$(date +%s)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "scenarios:$selected"
log "database $BENCH_DB and redis db $REDIS_DB: reset, migrate, seed"
"${UV[@]}" python bench/seed.py reset
"${UV[@]}" loopin db upgrade >/dev/null
# The servers start while the data is seeded (they need only the schema). Each phase has its own pair, started
# when the phase begins and stopped when it ends: PostgreSQL's connections (100 by default, shared with whatever
# else runs on the machine) hold the pools of three servers at a time, not five.
for phase in on off; do
  if [[ -n $(phase_scenarios "$phase") ]]; then start_servers "$phase"; break; fi
done
start_raw
"${UV[@]}" python bench/seed.py seed --members "$BENCH_MEMBERS" --otps "$BENCH_OTPS" --tokens "$RESULTS/tokens.txt"
if wants_any feed-cold feed-cached feed20-cold feed20-cached detail-cold detail-cached door door-repeat rush pay; then
  "${UV[@]}" python bench/seed_events.py --out "$EVENTS" --rush "$RUSH_GUESTS" --rush-seats "$RUSH_SEATS" \
    --pay-seats "$PAY_SEATS" --door-guests "$DOOR_GUESTS"
  # shellcheck disable=SC1091
  source "$EVENTS/env.sh"
fi

wait_servers

# 3-4. phase "cache on" (the default TTL), then phase "cache off" (EVENT_CACHE_TTL_SECONDS=0)
for PHASE in on off; do
  scenarios=$(phase_scenarios "$PHASE")
  [[ -n $scenarios ]] || continue
  log "phase: the event cache $PHASE"
  if [[ -z ${PHASE_PIDS[$PHASE]:-} ]]; then start_servers "$PHASE"; wait_servers; fi
  smoke
  run_raw "$PHASE"
  for scenario in $scenarios; do
    if [[ $scenario == rush ]]; then run_rush; elif [[ $scenario == pay ]]; then run_pay; else run_pair "$scenario"; fi
  done
  # shellcheck disable=SC2086
  stop_pids ${PHASE_PIDS[$PHASE]}
done
stop_servers
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# 5. the table
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src 2>/dev/null || commit="$commit+dirty"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
pg=$("${UV[@]}" python -c 'import asyncio, asyncpg, os
async def v():
    c = await asyncpg.connect(os.environ["DATABASE_URL"].replace("+asyncpg", ""))
    print((await c.fetchval("show server_version")).split()[0]); await c.close()
asyncio.run(v())' 2>/dev/null || echo "?")
dataset="$BENCH_MEMBERS members (profile rotates over their tokens), every verify-otp a distinct phone and valid code."
if [[ -n ${DATASET_EVENTS:-} ]]; then
  dataset+=" Events: $DATASET_EVENTS by $DATASET_HOSTS hosts at $DATASET_VENUES venues ($DATASET_PRIVATE private, \
$DATASET_DRAFT draft, $DATASET_PAST past, $DATASET_DELETED deleted; $DATASET_LISTED in a member's feed, \
$DATASET_VISIBLE visible by id); feed/detail rotate over $FEED_MEMBERS members ($FEED_HOSTS hosts, $FEED_INVITED \
invited to private events); door: $DOOR_TICKETS tickets over 6 events; rush: $RUSH_GUESTS guests, $RUSH_SEATS seats."
fi
"${UV[@]}" python bench/report.py "$RAW" "$RESULTS/latest.md" \
  "## Loopin bench — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit" \
  "" \
  "$NCPU × ${cpu:-unknown cpu}; PostgreSQL $pg (db $BENCH_DB), Redis db $REDIS_DB;" \
  "\`loopin serve --workers $WORKERS\` vs the same-work floor (\`bench/floor_app.py\`) and the raw floor" \
  "(\`bench/raw_floor_app.py\`), each uvicorn with $WORKERS workers, on cpus $SERVER_CPUS;" \
  "\`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency\` on cpu $WRK_CPUS after ${WARMUP}s warm-up" \
  "(latency runs: -c$LATENCY_CONNECTIONS; the rush: one burst of $RUSH_GUESTS confirmations over $RUSH_CONNECTIONS" \
  "connections); load average (1/5/15 min) before the run: $LOAD_BEFORE, after: $LOAD_AFTER." \
  "$dataset" \
  || status=$?
profiles=("$PROFILES"/*.txt)
if [[ -n $PROFILE && -e ${profiles[0]} ]]; then
  "${UV[@]}" python bench/profile_report.py "${profiles[@]}" >"$RESULTS/profiles.md" || true
  log "profiles: $RESULTS/profiles.md (py-spy's collapsed stacks in $PROFILES)"
elif [[ -n $PROFILE ]]; then
  log "no profiles: PROFILE samples the wrk scenarios; the rush and pay bursts are not sampled"
fi
log "done in $(($(date +%s) - started)) s; raw wrk output in $RAW, server logs in $RESULTS/*.log"
exit "${status:-0}"
