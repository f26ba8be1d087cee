#!/usr/bin/env bash
# The UDP echo (EchoUdp) against a C recvfrom/sendto echo, side by side in one run: datagrams a second at 1 and 64
# sockets, 64-byte datagrams, ping-pong (bench/c/udp_loadgen.c: one datagram in flight a socket, every reply checked).
# Then one run with the service's default guard, to show what one client gets. Writes bench/results/<date>-udp.md.
#
#   bash bench/udp.sh           3 interleaved repetitions of 1 s warm-up + 5 s (about 3 minutes after the build)
#   bash bench/udp.sh --quick   1 repetition of 0.5 s + 2 s; the page goes to bench/.build/udp-quick.md
#
# For the comparison the service's per-client guard is raised far above what the load can send
# (EchoUdp:PacketsPerSecondPerClient and EchoUdp:BytesPerSecondPerClient), so it is measured but never throttles;
# everything else of the guard stays on. Server on CPU 0, load on CPU 1; only PIDs this script started are signalled.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" bench/udp.sh
parse_quick "bench/udp.sh [--quick]" "$@"
if [[ $QUICK == 1 ]]; then REPS=1 WARMUP=0.5 DURATION=2; else REPS=3 WARMUP=1 DURATION=5; fi
SIZE=64
SOCKETS=(1 64)
# A reply slower than this is counted lost; on loopback a reply takes tens of microseconds.
TIMEOUT_MS=200
UNTHROTTLED=100000000
# Against the guard a socket must ask faster than it is answered, or the waits, not the guard, set its rate.
GUARDED_TIMEOUT_MS=5

need gcc gcc
need taskset util-linux
need curl curl
need_machine

log "building the C UDP echo and load generator, publishing KestrelEcho (Native AOT)"
build_c udp_echo
build_c udp_loadgen
publish_aot

RUN_DIR=$(mktemp -d /tmp/kestrel-echo-udp-bench.XXXXXX)

ours_ready() { http_ready "$HTTP_PORT" && udp_bound "$ECHO_PORT"; }

start() {  # ours|ours-guarded|c: the UDP echo on ECHO_PORT (the service's TCP echo on the same number, as 9999 is both)
    next_ports 22000 28000
    case $1 in
        c) start_server "the C UDP echo" "$RUN_DIR/server.log" "$BUILD" "udp_bound $ECHO_PORT" ./udp_echo "$ECHO_PORT" ;;
        ours|ours-guarded)
            local guard=()
            [[ $1 == ours ]] && guard=(--EchoUdp:PacketsPerSecondPerClient "$UNTHROTTLED" --EchoUdp:BytesPerSecondPerClient "$UNTHROTTLED")
            start_server "KestrelEcho" "$RUN_DIR/server.log" "$BUILD/aot" ours_ready \
                ./KestrelEcho --Echo:Port "$ECHO_PORT" --Echo:Address 127.0.0.1 --Http:Port "$HTTP_PORT" --Http:Address 127.0.0.1 --Echo:DrainTimeout 00:00:00 \
                --EchoUdp:Enabled true --EchoUdp:Port "$ECHO_PORT" --EchoUdp:Address 127.0.0.1 "${guard[@]}"
            ;;
    esac
}

udp_load() {  # sockets [more args] -> key=value lines
    local sockets=$1
    shift
    run_load udp_loadgen --port "$ECHO_PORT" --conns "$sockets" --size "$SIZE" --warmup "$WARMUP" --duration "$DURATION" \
        --timeout-ms "$TIMEOUT_MS" "$@"
}

declare -A RATES P99S LOSTS
for rep in $(seq 1 "$REPS"); do
    for sockets in "${SOCKETS[@]}"; do
        for server in ours c; do
            out=$RUN_DIR/$server-$sockets-$rep.txt
            start "$server"
            udp_load "$sockets" >"$out" || { tail -20 "$RUN_DIR/server.log" >&2; fail "$server at $sockets socket(s) failed"; }
            stop_server
            RATES[$server-$sockets]+="$(value datagrams_per_s "$out") "
            P99S[$server-$sockets]+="$(value p99_us "$out") "
            LOSTS[$server-$sockets]+="$(value lost "$out") "
            log "rep $rep, $sockets socket(s), $server: $(value datagrams_per_s "$out") datagrams/s, p99 $(value p99_us "$out") µs, lost $(value lost "$out")"
        done
    done
done

# One client against the default guard: one socket, so one source address and port.
log "one socket against the default guard"
start ours-guarded
guarded=$RUN_DIR/guarded.txt
udp_load 1 --timeout-ms "$GUARDED_TIMEOUT_MS" >"$guarded" || { tail -20 "$RUN_DIR/server.log" >&2; fail "the guarded run failed"; }
guard_drops=$(curl -sf "http://127.0.0.1:$HTTP_PORT/metrics" | grep -E '^kestrel_echo_[a-z_]*(udp|datagram)' | grep -v _bucket \
    || echo "(no UDP series found in /metrics)")
stop_server

rows=""
for sockets in "${SOCKETS[@]}"; do
    ours=$(median <<<"${RATES[ours-$sockets]}")
    c=$(median <<<"${RATES[c-$sockets]}")
    rows+="| $sockets | $ours | $c | **$(ratio "$ours" "$c")** | $(median <<<"${P99S[ours-$sockets]}") / $(median <<<"${P99S[c-$sockets]}") | ${RATES[ours-$sockets]}/ ${RATES[c-$sockets]}| ${LOSTS[ours-$sockets]}/ ${LOSTS[c-$sockets]}|"$'\n'
done

if [[ $QUICK == 1 ]]; then PAGE=$BUILD/udp-quick.md; else PAGE=$BENCH/results/$(date -u +%Y-%m-%d)-udp.md; fi
mkdir -p "$(dirname "$PAGE")"
cat >"$PAGE" <<PAGE
# UDP echo against a C recvfrom/sendto echo, $(date -u +%Y-%m-%d)

\`bash bench/udp.sh$([[ $QUICK == 1 ]] && echo " --quick")\` on $(nproc) CPUs ($(uname -r)): KestrelEcho Native AOT (EchoUdp on
127.0.0.1) and bench/c/udp_echo.c (one thread, blocking recvfrom/sendto) each on CPU $SERVER_CPU in turn,
bench/c/udp_loadgen.c on CPU $LOADGEN_CPU. Ping-pong: each socket sends a $SIZE-byte datagram and waits for its reply
(lost after $TIMEOUT_MS ms); every reply is checked. $REPS repetition(s) of $WARMUP s warm-up and $DURATION s measured,
servers interleaved, each started fresh. The service's per-client guard is raised to $UNTHROTTLED datagrams and bytes a
second for this table, so it is consulted on every datagram but never throttles.

| sockets | ours (datagrams/s, median) | C | ours / C | p99 µs, ours / C | each repetition, ours / C | lost, ours / C |
|---|---|---|---|---|---|---|
$rows
## One client against the default guard

One socket (one source address and port), the service's default EchoUdp settings, $DURATION s measured after $WARMUP s
(the burst is spent in the warm-up): what a single client gets. A reply is awaited $GUARDED_TIMEOUT_MS ms, so the socket
keeps asking faster than the guard answers; a reply after that is counted late, but it was answered.

| answered a second (in time + late) | sent | in time | late | lost |
|---|---|---|---|---|
| $(awk -v r="$(value replies "$guarded")" -v l="$(value late "$guarded")" -v d="$DURATION" 'BEGIN { printf "%.0f", (r + l) / d }') | $(value sent "$guarded") | $(value replies "$guarded") | $(value late "$guarded") | $(value lost "$guarded") |

The service's UDP series after that run (drops by reason among them):

\`\`\`
$guard_drops
\`\`\`
PAGE
log "wrote $PAGE"
cat "$PAGE"
