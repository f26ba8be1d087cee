#!/usr/bin/env bash
# Side-by-side benchmark: KestrelEcho (JIT and Native AOT) against a bare Kestrel echo, a C epoll echo (the
# hardware reference), a Go echo and a Node echo, on loopback. Writes bench/results/<date>.md.
#
#   bash bench/run.sh            full matrix, 3 repetitions (about 30 minutes on 2 cores)
#   bash bench/run.sh --quick    1 repetition, short cases, fewer idle connections (about 7 minutes);
#                                its page goes to bench/.build/results-quick.md
#
# Every server is pinned to CPU 0 and the load generator to CPU 1; each server is started fresh for each
# case and stopped after it; servers are interleaved within each repetition. Only PIDs this script started
# are ever signalled.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" bench/run.sh
parse_quick "bench/run.sh [--quick]" "$@"

if [[ $QUICK == 1 ]]; then
    REPS=1 WARMUP=0.5 DURATION=2 IDLE_CONNS=2000 IDLE_CONNS_LARGE=4000 STARTS=3
else
    # 18,000 held connections: the most one process can hold here (20,000 open files) with room to spare.
    REPS=3 WARMUP=1 DURATION=5 IDLE_CONNS=10000 IDLE_CONNS_LARGE=18000 STARTS=3
fi
# Spread over 200 source addresses (127.0.0.10-209): 50 idle connections an address at most, under the
# service's default limit of 100 a client address.
SOURCES=200

# BENCH_SERVERS (names separated by spaces) picks and orders the servers. ours-epoll and bare-epoll are the ours-aot
# and bare-tuned builds on the opt-in epoll transport (--Echo:Transport Epoll, --epoll). ours-jit (the JIT build) and
# bare-kestrel (the bare loop on Kestrel as it comes) are measured when named; the default matrix leaves them out to
# stay within about 30 minutes.
read -r -a SERVERS <<<"${BENCH_SERVERS:-c-epoll ours-aot ours-epoll bare-tuned bare-epoll go node}"
for server in "${SERVERS[@]}"; do
    case $server in
        c-epoll | ours-jit | ours-aot | ours-epoll | bare-tuned | bare-epoll | bare-kestrel | go | node) ;;
        *) fail "unknown server '$server' in BENCH_SERVERS" ;;
    esac
done

# ---- what the run needs -------------------------------------------------------------------------------
need gcc gcc
need go golang-go
need node nodejs
need taskset util-linux
need curl curl
need python3 python3
need_machine

# ---- build (once: the namespace's run below finds it done) -------------------------------------------------
if [[ -z ${BENCH_NETNS:-} ]]; then
    mkdir -p "$BUILD"
    log "building the C load generator and epoll echo, the Go echo"
    build_c loadgen
    build_c epoll_echo
    (cd "$BENCH/go" && GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPROXY=off go build -o "$BUILD/go_echo" .)

    log "building KestrelEcho (Release, JIT) and BareKestrelEcho"
    dotnet build "$ROOT/src/KestrelEcho" -c Release -o "$BUILD/jit" -nologo -v q >/dev/null
    dotnet build "$BENCH/BareKestrelEcho" -c Release -o "$BUILD/bare" -nologo -v q >/dev/null
    log "publishing KestrelEcho and BareKestrelEcho (Native AOT)"
    publish_aot
    dotnet publish "$BENCH/BareKestrelEcho" -c Release -o "$BUILD/bare-aot" -nologo -v q >/dev/null
fi

# ---- a network namespace of its own (lib.sh): the build above is not repeated there --------------------------
in_own_netns "$0" "$@"

# ---- servers -------------------------------------------------------------------------------------------
# The connection limit (10,000 by default) is raised for the 18,000-connection idle case; no other case nears it.
OURS_ARGS=(--Echo:DrainTimeout 00:00:00 --Echo:Address 127.0.0.1 --Http:Address 127.0.0.1 --Echo:MaxConnections 20000)

# Each run starts with an empty connection history (History:Enabled is true in the published appsettings.json; the
# file is data/history.db under the publish folder), so the page can count what this run wrote.
rm -rf "$BUILD/aot/data" "$BUILD/jit/data"

RUN_DIR=$(mktemp -d /tmp/kestrel-echo-bench.XXXXXX)
RAW=$RUN_DIR/raw
mkdir -p "$RAW"

server_command() {  # name -> SERVER_DIR and SERVER_CMD for ECHO_PORT/HTTP_PORT
    case $1 in
        c-epoll)      SERVER_DIR=$BUILD;      SERVER_CMD=("$BUILD/epoll_echo" "$ECHO_PORT") ;;
        ours-jit)     SERVER_DIR=$BUILD/jit;  SERVER_CMD=(dotnet "$BUILD/jit/KestrelEcho.dll" --Echo:Port "$ECHO_PORT" --Http:Port "$HTTP_PORT" "${OURS_ARGS[@]}") ;;
        ours-aot)     SERVER_DIR=$BUILD/aot;  SERVER_CMD=("$BUILD/aot/KestrelEcho" --Echo:Port "$ECHO_PORT" --Http:Port "$HTTP_PORT" "${OURS_ARGS[@]}") ;;
        ours-epoll)   SERVER_DIR=$BUILD/aot;  SERVER_CMD=("$BUILD/aot/KestrelEcho" --Echo:Port "$ECHO_PORT" --Http:Port "$HTTP_PORT" "${OURS_ARGS[@]}" --Echo:Transport Epoll) ;;
        bare-tuned)   SERVER_DIR=$BUILD/bare-aot; SERVER_CMD=("$BUILD/bare-aot/BareKestrelEcho" "$ECHO_PORT" --tuned) ;;
        bare-epoll)   SERVER_DIR=$BUILD/bare-aot; SERVER_CMD=("$BUILD/bare-aot/BareKestrelEcho" "$ECHO_PORT" --epoll) ;;
        bare-kestrel) SERVER_DIR=$BUILD/bare; SERVER_CMD=(dotnet "$BUILD/bare/BareKestrelEcho.dll" "$ECHO_PORT") ;;
        go)           SERVER_DIR=$BUILD;      SERVER_CMD=("$BUILD/go_echo" "$ECHO_PORT") ;;
        node)         SERVER_DIR=$BUILD;      SERVER_CMD=(node "$BENCH/node/echo.js" "$ECHO_PORT") ;;
    esac
}

start_ours_or_other() {  # name; sets SERVER_PID, waits until it accepts (ours: until /health/ready is 200)
    next_ports 20000 26000
    server_command "$1"
    local ready="port_open $ECHO_PORT"
    [[ $1 == ours-* ]] && ready="http_ready $HTTP_PORT"
    start_server "$1" "$RUN_DIR/server.log" "$SERVER_DIR" "$ready" "${SERVER_CMD[@]}"
}

loadgen() {  # args...; runs on the load CPU with the common timing
    run_load loadgen "$@" --warmup "$WARMUP" --duration "$DURATION"
}

# The machine may be shared: a run in which other processes took more than this share of either benchmark
# CPU is run again (twice at most); the last attempt counts, and the page reports what was disturbed.
MAX_OTHERS_PCT=15
MAX_ATTEMPTS=3

disturbed() {  # raw file -> true when others used either CPU beyond MAX_OTHERS_PCT during the window
    awk -F= -v max="$MAX_OTHERS_PCT" '
        { v[$1] = $2 }
        END {
            o0 = v["cpu0_busy_pct"] - v["server_cpu_pct"]; o1 = v["cpu1_busy_pct"] - v["loadgen_cpu_pct"]
            exit !(("cpu0_busy_pct" in v && o0 > max) || ("cpu1_busy_pct" in v && o1 > max))
        }' "$1"
}

run_case() {  # case server rep
    local attempt
    for attempt in $(seq 1 "$MAX_ATTEMPTS"); do
        run_case_once "$@"
        disturbed "$RAW/$1.$2.$3" || return 0
        echo "attempt=$attempt" >>"$RAW/$1.$2.$3"
        log "$1 $2 rep $3: other processes used the benchmark CPUs (attempt $attempt)"
    done
}

# Churn leaves a conntrack entry for every connection for 120 s (lib.sh): before each churn case (and each idle case),
# wait until the table has room for this case's connections: 1.25x the most this server (else any server) churned a
# second so far, or CHURN_GUESS, over warm-up and measurement, plus what the server's start and stop take.
CHURN_GUESS=25000
declare -A CHURN_RATE=()

pace_churn() {  # server -> the pacing lines for the raw file, on stdout
    local rate=${CHURN_RATE[$1]:-0} need waited before
    (( rate > 0 )) || rate=$( (printf '%s\n' "${CHURN_RATE[@]}"; echo 0) | sort -n | tail -1)
    (( rate > 0 )) || rate=$CHURN_GUESS
    need=$(awk -v r="$rate" -v w="$WARMUP" -v d="$DURATION" 'BEGIN { printf "%d", 1.25 * r * (w + d) + 2000 }')
    before=$(conntrack_count)
    waited=$(wait_for_conntrack_room "$need")
    (( waited == 0 )) || log "churn $1: waited ${waited}s for conntrack room ($before entries, $need needed, max $(conntrack_max))"
    printf 'conntrack_max=%s\nconntrack_need=%s\nconntrack_before_wait=%s\nchurn_wait_s=%s\n' \
        "$(conntrack_max)" "$need" "$before" "$waited"
    printf 'conntrack_before=%s\ntimewait_before=%s\nconntrack_drops_before=%s\n' \
        "$(conntrack_count)" "$(timewait_count)" "$(conntrack_drops)"
}

ours_dir() { if [[ $1 == ours-jit ]]; then echo "$BUILD/jit"; else echo "$BUILD/aot"; fi; }  # server

history_rows() {  # the rows in ours' history file (History:Enabled, default path under the publish folder), or 0
    python3 -c 'import sqlite3, sys
try:
    print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("SELECT count(*) FROM connections").fetchone()[0])
except sqlite3.Error:
    print(0)' "$1/data/history.db"
}

run_case_once() {  # case server rep
    local case=$1 server=$2 rep=$3 out="$RAW/$1.$2.$3" pacing=""
    [[ $case == churn ]] && pacing=$(pace_churn "$server")
    if [[ $case == idle* ]]; then  # up to 18,000 connections held, an entry each
        local held=$IDLE_CONNS
        [[ $case == idle ]] || held=$IDLE_CONNS_LARGE
        pacing="conntrack_wait_s=$(wait_for_conntrack_room $(( held + 2000 )))"
    fi
    [[ $server != ours-* ]] || pacing+=$'\n'"history_rows_before=$(history_rows "$(ours_dir "$server")")"
    start_ours_or_other "$server"
    echo "loadavg_before=$(cut -d' ' -f1 /proc/loadavg)" >"$out"
    [[ -z $pacing ]] || echo "$pacing" >>"$out"
    local common=(--port "$ECHO_PORT" --server-pid "$SERVER_PID") ops=()
    # Ours also answers /connections and /metrics while the idle connections are held: timed.
    [[ $server == ours-* ]] && ops=(--http-port "$HTTP_PORT" --ops-probe 1)
    case $case in
        pingpong-1)    loadgen pingpong "${common[@]}" --conns 1 --size 64 ;;
        pingpong-100)  loadgen pingpong "${common[@]}" --conns 100 --size 64 --src-count "$SOURCES" ;;
        pingpong-1000) loadgen pingpong "${common[@]}" --conns 1000 --size 64 --depth 4 --src-count "$SOURCES" ;;
        stream-16)     loadgen stream "${common[@]}" --conns 16 --size 65536 ;;
        churn)         loadgen churn "${common[@]}" --conns 32 --size 64 --src-count "$SOURCES" ;;
        light-1000)    loadgen rate "${common[@]}" --rate 1000 --size 64 ;;
        idle)          loadgen idle "${common[@]}" --conns "$IDLE_CONNS" --src-count "$SOURCES" --hold 2 "${ops[@]}" ;;
        idle-large)    loadgen idle "${common[@]}" --conns "$IDLE_CONNS_LARGE" --src-count "$SOURCES" --hold 2 "${ops[@]}" ;;
    esac >>"$out" || { echo "bench/run.sh: $case on $server failed; server output:" >&2; tail -20 "$RUN_DIR/server.log" >&2; exit 1; }
    echo "loadavg_after=$(cut -d' ' -f1 /proc/loadavg)" >>"$out"
    stop_server
    if [[ $case == churn ]]; then
        echo "conntrack_after=$(conntrack_count)" >>"$out"
        echo "conntrack_dropped=$(( $(conntrack_drops) - $(value conntrack_drops_before "$out") ))" >>"$out"
        local rate
        rate=$(printf '%.0f' "$(value conns_per_s "$out")")
        (( rate <= ${CHURN_RATE[$server]:-0} )) || CHURN_RATE[$server]=$rate
    fi
    [[ $server != ours-* ]] || echo "history_rows_after=$(history_rows "$(ours_dir "$server")")" >>"$out"
    log "$case $server rep $rep: $(grep -E '^(msgs_per_s|mib_per_s|conns_per_s|rss_per_conn_bytes|server_cpu_pct)=' "$out" | tail -2 | tr '\n' ' ')"
}

run_startup() {  # server run: process start to /health/ready 200, then RSS after 2 s idle
    local server=$1 rep=$2 out="$RAW/startup.$1.$2"
    next_ports 20000 26000
    server_command "$server"
    (
        cd "$SERVER_DIR"
        exec taskset -c "$LOADGEN_CPU" "$BUILD/loadgen" startup --http-port "$HTTP_PORT" --settle 2 \
            --child-log "$RUN_DIR/server.log" -- taskset -c "$SERVER_CPU" "${SERVER_CMD[@]}"
    ) >"$out" &
    LOADGEN_PID=$!
    wait "$LOADGEN_PID" || { echo "bench/run.sh: start-up of $server failed" >&2; cat "$RUN_DIR/server.log" >&2; exit 1; }
    LOADGEN_PID=
    log "startup $server rep $rep: $(tr '\n' ' ' <"$out")"
}

CASES=(pingpong-1 pingpong-100 pingpong-1000 stream-16 churn light-1000 idle idle-large)
STARTED=$(date +%s)
log "run directory $RUN_DIR; $REPS repetition(s), ${WARMUP}s warm-up + ${DURATION}s measured a case"
for rep in $(seq 1 "$REPS"); do
    for case in "${CASES[@]}"; do
        for server in "${SERVERS[@]}"; do
            run_case "$case" "$server" "$rep"
        done
    done
    # Start-up is short and noisy: STARTS a repetition for each of ours, interleaved.
    for start in $(seq 1 "$STARTS"); do
        for server in "${SERVERS[@]}"; do
            [[ $server != ours-* ]] || run_startup "$server" "$rep-$start"
        done
    done
done
ELAPSED=$(( $(date +%s) - STARTED ))

# What a user deploys: the publish folder's files and the container image they make (bench/image-size.sh).
bash "$BENCH/image-size.sh" "$BUILD/aot" >"$RAW/size.ours-aot.1" || log "image size not measured"

# A quick run is for development: its page stays out of bench/results.
RESULT=$BENCH/results/$(date -u +%Y-%m-%d).md
[[ $QUICK == 1 ]] && RESULT=$BUILD/results-quick.md
mkdir -p "$(dirname "$RESULT")"
BENCH_SERVERS="${SERVERS[*]}" BENCH_PUBLISH="$BUILD/aot" BENCH_NETNS="${BENCH_NETNS:-}" \
    python3 "$BENCH/report.py" "$RAW" "$ELAPSED" "$REPS" "$WARMUP" "$DURATION" "$IDLE_CONNS" "$IDLE_CONNS_LARGE" >"$RESULT"
log "results: ${RESULT#"$ROOT"/} (matrix took ${ELAPSED}s)"
rm -rf "$RUN_DIR"
