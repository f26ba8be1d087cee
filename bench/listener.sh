#!/usr/bin/env bash
# The cost of a named listener (Listeners:<name>, Mode Echo, no impairment) against the plain echo, in the same
# process and the same run: one service with both, ping-pong (bench/c/loadgen.c, every byte checked) against the echo
# port and the listener's port alternately, 1 and 100 connections of 64-byte messages. The target: within 3 %.
# Writes bench/results/<date>-listener.md.
#
#   bash bench/listener.sh           3 rounds of 1 s warm-up + 5 s per port and case (about 2 minutes after the build)
#   bash bench/listener.sh --quick   1 round of 0.5 s + 2 s; the page goes to bench/.build/listener-quick.md
#
# Service on CPU 0, load on CPU 1; only PIDs this script started are ever signalled.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" bench/listener.sh
parse_quick "bench/listener.sh [--quick]" "$@"
if [[ $QUICK == 1 ]]; then ROUNDS=1 WARMUP=0.5 DURATION=2; else ROUNDS=3 WARMUP=1 DURATION=5; fi
CONNECTIONS=(1 100)
# Spread over 200 source addresses, as bench/run.sh: under the service's default of 100 connections a client address.
SOURCES=200

need gcc gcc
need taskset util-linux
need curl curl
need_machine

log "building the load generator, publishing KestrelEcho (Native AOT)"
build_c loadgen
publish_aot

RUN_DIR=$(mktemp -d /tmp/kestrel-echo-listener-bench.XXXXXX)

both_ready() { http_ready "$HTTP_PORT" && port_open "$ECHO_PORT" && port_open "$LISTENER_PORT"; }

start_service() {  # the plain echo on ECHO_PORT and the listener "plain" on LISTENER_PORT, in one process
    next_ports 23000 29000
    LISTENER_PORT=$((ECHO_PORT + 5000))
    start_server "KestrelEcho" "$RUN_DIR/server-$PORT_SEQ.log" "$BUILD/aot" both_ready \
        ./KestrelEcho --Echo:Port "$ECHO_PORT" --Echo:Address 127.0.0.1 --Http:Port "$HTTP_PORT" --Http:Address 127.0.0.1 \
        --Echo:DrainTimeout 00:00:00 --Listeners:plain:Port "$LISTENER_PORT" --Listeners:plain:Address 127.0.0.1
}

pingpong() {  # port connections -> key=value lines
    run_load loadgen pingpong --port "$1" --conns "$2" --size 64 --src-count "$SOURCES" --server-pid "$SERVER_PID" \
        --warmup "$WARMUP" --duration "$DURATION"
}

declare -A RATES
for round in $(seq 1 "$ROUNDS"); do
    # A fresh service a round; within it the two ports take turns, the first turn alternating between rounds.
    start_service
    order=(echo listener)
    (( round % 2 == 0 )) && order=(listener echo)
    for connections in "${CONNECTIONS[@]}"; do
        for target in "${order[@]}"; do
            port=$ECHO_PORT
            [[ $target == listener ]] && port=$LISTENER_PORT
            out=$RUN_DIR/$target-$connections-$round.txt
            pingpong "$port" "$connections" >"$out" || { tail -20 "$RUN_DIR/server-$PORT_SEQ.log" >&2; fail "$target, $connections connection(s) failed"; }
            RATES[$target-$connections]+="$(value msgs_per_s "$out") "
            log "round $round, $connections connection(s), $target: $(value msgs_per_s "$out") msgs/s, p99 $(value p99_us "$out") µs"
        done
    done
    stop_server
done

rows=""
for connections in "${CONNECTIONS[@]}"; do
    echo_rate=$(median <<<"${RATES[echo-$connections]}")
    listener_rate=$(median <<<"${RATES[listener-$connections]}")
    r=$(ratio "$listener_rate" "$echo_rate")
    verdict=$(awk -v r="$r" 'BEGIN { print (r >= 0.97) ? "within 3 %" : "MORE than 3 % slower" }')
    rows+="| $connections | $echo_rate | $listener_rate | **$r** ($verdict) | ${RATES[echo-$connections]}| ${RATES[listener-$connections]}|"$'\n'
done

if [[ $QUICK == 1 ]]; then PAGE=$BUILD/listener-quick.md; else PAGE=$BENCH/results/$(date -u +%Y-%m-%d)-listener.md; fi
mkdir -p "$(dirname "$PAGE")"
cat >"$PAGE" <<PAGE
# A named listener against the plain echo, $(date -u +%Y-%m-%d)

\`bash bench/listener.sh$([[ $QUICK == 1 ]] && echo " --quick")\` on $(nproc) CPUs ($(uname -r)): one KestrelEcho (Native AOT) on CPU
$SERVER_CPU with the plain echo and \`Listeners:plain\` (Mode Echo, no impairment) side by side; bench/c/loadgen.c on CPU
$LOADGEN_CPU, ping-pong of 64-byte messages from $SOURCES source addresses, every byte checked. $ROUNDS round(s), a fresh
service each, the two ports taking turns (the first turn alternating), $WARMUP s warm-up and $DURATION s measured each.

| connections | plain echo (msgs/s, median) | named listener | listener / echo | each round, echo | each round, listener |
|---|---|---|---|---|---|
$rows
PAGE
log "wrote $PAGE"
cat "$PAGE"
