#!/usr/bin/env bash
# The connection history's completeness and cost: KestrelEcho (Native AOT) with History:Enabled true and false,
# side by side. Writes bench/results/<date>-history.md.
#
#   bash bench/history.sh           60 s of churn at 5,000 closes a second, then 3 interleaved ping-pong rounds
#                                   of 10 s with history on and off (about 5 minutes after the build)
#   bash bench/history.sh --quick   10 s of churn, 1 round of 3 s; the page goes to bench/.build/history-quick.md
#
# Completeness: every close the service counted (kestrel_echo_connections_closed_total) must be a row in the file,
# or be counted as dropped (the writer's queue was full) or failed (the database refused a batch). Cost: the echo's
# ping-pong rate with history on against off. The service runs on CPU 0, the load generator on CPU 1; only PIDs this
# script started are ever signalled. Not part of ./test.sh.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" bench/history.sh
parse_quick "bench/history.sh [--quick]" "$@"
RATE=5000
SOURCES=200

if [[ $QUICK == 1 ]]; then CHURN_S=10 ROUNDS=1 PINGPONG_S=3; else CHURN_S=60 ROUNDS=3 PINGPONG_S=10; fi

need gcc gcc
need taskset util-linux
need curl curl
need sqlite3 sqlite3
need_machine

if [[ -z ${BENCH_NETNS:-} ]]; then
    log "building the load generator, publishing KestrelEcho (Native AOT)"
    build_c loadgen
    publish_aot
fi
in_own_netns "$0" "$@"

RUN_DIR=$(mktemp -d /tmp/kestrel-echo-history-bench.XXXXXX)
start_service() {  # on|off; sets SERVER_PID, ECHO_PORT, HTTP_PORT, DB; waits for /health/ready
    next_ports 21000 27000
    DB=$RUN_DIR/$1-$PORT_SEQ/history.db
    local enabled=true; [[ $1 == off ]] && enabled=false
    start_server "the service" "$RUN_DIR/server-$PORT_SEQ.log" "$BUILD/aot" "http_ready $HTTP_PORT" \
        ./KestrelEcho --Echo:Port "$ECHO_PORT" --Http:Port "$HTTP_PORT" \
        --Echo:Address 127.0.0.1 --Http:Address 127.0.0.1 --Echo:DrainTimeout 00:00:00 \
        --History:Enabled "$enabled" --History:Path "$DB"
}

loadgen() {  # args... -> key=value lines on stdout
    run_load loadgen "$@" --port "$ECHO_PORT" --src-count "$SOURCES"
}

metric_sum() {  # Prometheus series name: the sum over its labels
    curl -sf "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v name="$1" '$1 == name || index($1, name "{") == 1 { sum += $2 } END { printf "%d\n", sum }'
}

# ---- completeness: RATE closes a second for CHURN_S seconds, history on ----------------------------------
log "churn at $RATE connections/s for $CHURN_S s, history on"
start_service on
loadgen churn --conns 64 --size 64 --rate "$RATE" --warmup 0 --duration "$CHURN_S" >"$RUN_DIR/churn.txt"
# The last connections close, and the writer catches up: bounded wait for the accounts to balance.
for _ in $(seq 1 300); do
    closed=$(metric_sum kestrel_echo_connections_closed_total)
    written=$(metric_sum kestrel_echo_history_records_written_total)
    dropped=$(metric_sum kestrel_echo_history_records_dropped_total)
    failed=$(metric_sum kestrel_echo_history_records_failed_total)
    (( closed > 0 && written + dropped + failed == closed )) && break
    sleep 0.1
done
rows=$(sqlite3 "$DB" "SELECT count(*) FROM connections")
refused_rows=$(sqlite3 "$DB" "SELECT count(*) FROM connections WHERE refused = 1")
stop_server
file_bytes=$(( $(stat -c %s "$DB") + $(stat -c %s "$DB-wal" 2>/dev/null || echo 0) ))
started=$(value conns_started "$RUN_DIR/churn.txt")
verdict="no record lost"
(( rows + dropped + failed == closed )) || verdict="MISSING $((closed - rows - dropped - failed)) records"
(( rows == written )) || verdict="$verdict; rows $rows != written $written"

# ---- cost: ping-pong with history on and off, interleaved -------------------------------------------------
declare -A RATES
for round in $(seq 1 "$ROUNDS"); do
    for mode in on off; do
        log "ping-pong, 100 connections, history $mode, round $round"
        start_service "$mode"
        loadgen pingpong --conns 100 --size 64 --warmup 1 --duration "$PINGPONG_S" >"$RUN_DIR/pingpong-$mode-$round.txt"
        RATES[$mode]+="$(value msgs_per_s "$RUN_DIR/pingpong-$mode-$round.txt") "
        stop_server
    done
done
on_rate=$(median <<<"${RATES[on]}")
off_rate=$(median <<<"${RATES[off]}")
ratio=$(ratio "$on_rate" "$off_rate")

if [[ $QUICK == 1 ]]; then PAGE=$BUILD/history-quick.md; else PAGE=$BENCH/results/$(date -u +%Y-%m-%d)-history.md; fi
mkdir -p "$(dirname "$PAGE")"
cat >"$PAGE" <<PAGE
# Connection history: completeness and cost, $(date -u +%Y-%m-%d)

\`bash bench/history.sh$([[ $QUICK == 1 ]] && echo " --quick")\` on $(nproc) CPUs ($(uname -r)), KestrelEcho Native AOT on CPU $SERVER_CPU,
bench/c/loadgen on CPU $LOADGEN_CPU, loopback, $SOURCES client addresses. The database is a real file under /tmp.

## Every close recorded

$CHURN_S s of churn at $RATE connections a second (64 slots: connect, echo 64 bytes, close), history on.

| | count |
|---|---|
| connections the load generator started | $started |
| achieved rate (completed exchanges a second) | $(value conns_per_s "$RUN_DIR/churn.txt") |
| closes the service counted (\`kestrel_echo_connections_closed_total\`) | $closed |
| rows in the file (\`sqlite3 … SELECT count(*)\`) | $rows (refused: $refused_rows) |
| \`kestrel_echo_history_records_written_total\` | $written |
| \`kestrel_echo_history_records_dropped_total\` (queue full) | $dropped |
| \`kestrel_echo_history_records_failed_total\` (database refused) | $failed |
| file size (database and WAL) | $((file_bytes / 1024)) KiB, $(( rows > 0 ? file_bytes / rows : 0 )) bytes a row |

Verdict: **$verdict** (rows + dropped + failed = closes counted).

## The echo's cost

Ping-pong, 100 connections, 64-byte messages, $PINGPONG_S s measured after 1 s of warm-up, $ROUNDS round(s), history
on and off interleaved, each run on a fresh service; median messages a second.

| history | msgs/s (each round) | median |
|---|---|---|
| on | ${RATES[on]}| $on_rate |
| off | ${RATES[off]}| $off_rate |

On / off: **$ratio**.
PAGE
log "wrote $PAGE"
cat "$PAGE"
