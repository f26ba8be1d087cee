# bench/lib.sh: what the bench scripts share. Sourced, never run: `source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" NAME`,
# NAME being the script's name for its messages (bench/run.sh). Servers run on CPU 0, load on CPU 1; only PIDs a script
# started itself are ever signalled (SERVER_PID, LOADGEN_PID), and every wait is bounded.

BENCH_NAME=${1:?lib.sh: source it with the script name}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
BUILD=$BENCH/.build
SERVER_CPU=0
LOADGEN_CPU=1
SERVER_PID=
LOADGEN_PID=

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

fail() { echo "$BENCH_NAME: $*" >&2; exit 1; }

# ---- what a run needs ---------------------------------------------------------------------------------
APT_UPDATED=0
apt_install() {
    if [[ $APT_UPDATED == 0 ]]; then apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
need() { command -v "$1" >/dev/null 2>&1 || { log "installing $2"; apt_install "$2"; }; }  # command package

# The .NET SDK and two CPUs: every script pins its server and its load apart.
need_machine() {
    command -v dotnet >/dev/null || fail "the .NET 10 SDK is required (see README)"
    if (( $(nproc) < 2 )); then fail "needs 2 CPUs (server on CPU $SERVER_CPU, load on CPU $LOADGEN_CPU)"; fi
}

# --quick (and nothing else) -> QUICK=1; $1 is the usage line.
parse_quick() {
    local usage=$1 arg
    shift
    QUICK=0
    for arg in "$@"; do
        case $arg in
            --quick) QUICK=1 ;;
            *) echo "usage: $usage" >&2; exit 2 ;;
        esac
    done
}

# ---- a network namespace of its own ----------------------------------------------------------------------
# On this kind of machine loopback passes through the host's netfilter connection tracking (podman's NAT rules load
# it): every churned connection keeps an entry for 120 s in one machine-wide table, and a full table drops SYNs (the
# churn stalls of 2026-11-25). `in_own_netns "$0" "$@"`, called once a script has built what it needs, runs the
# script again in a fresh network namespace as root, with BENCH_NETNS=1: its only interface is its own `lo`, it has
# no rules, so nothing is tracked (no entries, no stalls, no tracking cost on any server's packets), and it goes
# away with the script. Without root the script goes on on the host's loopback.
in_own_netns() {  # script args...
    if [[ -n ${BENCH_NETNS:-} ]]; then
        ip link set lo up
        return 0
    fi
    if [[ $(id -u) == 0 ]] && command -v unshare >/dev/null; then
        need ip iproute2
        log "measuring in a network namespace of its own (unshare --net): loopback without connection tracking"
        BENCH_NETNS=1 exec unshare --net -- bash "$@"
    fi
}

# ---- builds -------------------------------------------------------------------------------------------
build_c() {  # name: bench/c/<name>.c -> $BUILD/<name>
    mkdir -p "$BUILD"
    gcc -O2 -Wall -Wextra -Werror -o "$BUILD/$1" "$BENCH/c/$1.c"
}

publish_aot() {  # the service, Native AOT, in $BUILD/aot
    mkdir -p "$BUILD"
    dotnet publish "$ROOT/src/KestrelEcho" -c Release -o "$BUILD/aot" -nologo -v q >/dev/null
}

# ---- processes ----------------------------------------------------------------------------------------
cleanup() {
    local pid
    for pid in $LOADGEN_PID $SERVER_PID; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh port pair for each start, so no run meets the last one's sockets: next_ports ECHO_BASE HTTP_BASE.
PORT_SEQ=0
next_ports() { PORT_SEQ=$(( (PORT_SEQ + 1) % 5000 )); ECHO_PORT=$(($1 + PORT_SEQ)); HTTP_PORT=$(($2 + PORT_SEQ)); }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_ready() { curl -sf -o /dev/null "http://127.0.0.1:$1/health/ready"; }

# Whether a UDP socket is bound to the port (any address), from the kernel's tables: UDP has no handshake to try.
udp_bound() {
    local hex
    hex=$(printf '%04X' "$1")
    awk -v port=":$hex" 'NR > 1 && substr($2, length($2) - 4) == port { found = 1 } END { exit !found }' /proc/net/udp /proc/net/udp6
}

# start_server NAME LOG DIR READY_CHECK CMD...: runs CMD from DIR on the server CPU, output to LOG; sets SERVER_PID
# and polls READY_CHECK (a command, e.g. "http_ready 8080") for up to 30 s.
start_server() {
    local name=$1 out=$2 dir=$3 ready=$4 i
    shift 4
    # The subshell execs taskset, which execs the server: $! is the server's own PID.
    ( cd "$dir" && exec taskset -c "$SERVER_CPU" "$@" ) >"$out" 2>&1 &
    SERVER_PID=$!
    for i in $(seq 1 1500); do
        $ready && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.02
    done
    echo "$BENCH_NAME: $name did not start; its output:" >&2
    cat "$out" >&2
    exit 1
}

stop_server() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 500); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.02
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

# run_load BINARY ARGS...: a load generator from $BUILD on the load CPU; its key=value lines on stdout.
run_load() {
    local binary=$1
    shift
    taskset -c "$LOADGEN_CPU" "$BUILD/$binary" "$@" &
    LOADGEN_PID=$!
    local rc=0
    wait "$LOADGEN_PID" || rc=$?
    LOADGEN_PID=
    return "$rc"
}

# ---- connection tracking ------------------------------------------------------------------------------
# Loopback connections pass through netfilter's connection tracking when anything on the machine loaded it (here:
# podman's NAT rules). A closed connection keeps its entry for nf_conntrack_tcp_timeout_time_wait (120 s); with
# nf_conntrack_max entries in the table every new SYN is dropped ("nf_conntrack: table full, dropping packet") and
# connects stall on SYN retransmits (1 s, 2 s, 4 s ...). The table is machine-wide: other runs fill it too.
conntrack_count() { cat /proc/sys/net/netfilter/nf_conntrack_count 2>/dev/null || echo 0; }
conntrack_max() { cat /proc/sys/net/netfilter/nf_conntrack_max 2>/dev/null || echo 0; }

conntrack_drops() {  # packets dropped because the table was full, since boot (the drop column, summed over CPUs)
    local fields column=-1 i total=0
    [[ -r /proc/net/stat/nf_conntrack ]] || { echo 0; return; }
    {
        read -r -a fields
        for i in "${!fields[@]}"; do [[ ${fields[i]} == drop ]] && column=$i; done
        while read -r -a fields; do (( column < 0 )) || total=$(( total + 16#${fields[column]} )); done
    } </proc/net/stat/nf_conntrack
    echo "$total"
}

# wait_for_conntrack_room NEED: waits until the table has room for NEED more entries, at most as long as a closed
# connection's entry lives (plus 10 s); prints the seconds waited. No table (no conntrack): no wait.
wait_for_conntrack_room() {
    local need=$1 max limit waited=0
    max=$(conntrack_max)
    limit=$(( $(cat /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait 2>/dev/null || echo 120) + 10 ))
    while (( max > 0 && $(conntrack_count) + need > max && waited < limit )); do
        sleep 1
        waited=$(( waited + 1 ))
    done
    echo "$waited"
}

timewait_count() { ss -Htan state time-wait 2>/dev/null | wc -l; }

# ---- figures ------------------------------------------------------------------------------------------
value() { sed -n "s/^$1=//p" "$2" | tail -1; }  # key file

median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
