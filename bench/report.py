"""Turns bench/run.sh's raw key=value files (<case>.<server>.<rep>) into the Markdown results page."""
import os
import platform
import re
import statistics
import subprocess
import sys

raw_dir, elapsed, reps, warmup, duration, idle_conns, idle_conns_large = sys.argv[1:8]

SERVERS = ["c-epoll", "ours-jit", "ours-aot", "bare-tuned", "bare-kestrel", "go", "node"]
REFERENCE = "c-epoll"

# case -> (title, what was run, primary metric, unit, higher is better, extra metrics)
CASES = [
    ("pingpong-1", "Ping-pong, 1 connection", "64 B messages, one in flight", "msgs_per_s", "msgs/s", True,
     ["p50_us", "p99_us", "server_cpu_pct", "loadgen_cpu_pct", "others_cpu0_pct", "others_cpu1_pct"]),
    ("pingpong-100", "Ping-pong, 100 connections", "64 B messages, one in flight on each", "msgs_per_s", "msgs/s",
     True, ["p50_us", "p99_us", "server_cpu_pct", "loadgen_cpu_pct", "others_cpu0_pct", "others_cpu1_pct"]),
    ("pingpong-1000", "Ping-pong, 1,000 connections, pipeline depth 4",
     "64 B messages, four in flight on each", "msgs_per_s", "msgs/s", True,
     ["p50_us", "p99_us", "server_cpu_pct", "loadgen_cpu_pct", "others_cpu0_pct", "others_cpu1_pct"]),
    ("stream-16", "Stream, 16 connections, full duplex", "64 KiB writes, up to 1 MiB in flight on each",
     "mib_per_s", "MiB/s echoed", True, ["server_cpu_pct", "loadgen_cpu_pct", "others_cpu0_pct", "others_cpu1_pct"]),
    ("churn", "Churn: a new connection per exchange",
     "32 at a time: connect, 64 B there and back, close", "conns_per_s", "connections/s", True,
     ["p50_us", "p99_us", "server_cpu_pct", "loadgen_cpu_pct", "others_cpu0_pct", "others_cpu1_pct"]),
    ("light-1000", "Light load: 1 connection at 1,000 round trips/s", "64 B messages on a fixed schedule",
     "server_cpu_pct", "server CPU %", False, ["p50_us", "p99_us", "max_us", "others_cpu0_pct"]),
    ("idle", f"Idle: {int(idle_conns):,} connections held", "one byte echoed on each, then 2 s idle",
     "rss_per_conn_bytes", "server RSS bytes a connection", False,
     ["rss_before_kb", "rss_after_kb", "connections_ms", "metrics_ms"]),
    ("idle-large", f"Idle: {int(idle_conns_large):,} connections held", "one byte echoed on each, then 2 s idle",
     "rss_per_conn_bytes", "server RSS bytes a connection", False,
     ["rss_before_kb", "rss_after_kb", "connections_ms", "metrics_ms"]),
]
LABELS = {"p50_us": "p50 µs", "p99_us": "p99 µs", "max_us": "max µs", "server_cpu_pct": "server CPU %",
          "loadgen_cpu_pct": "loadgen CPU %",
          "others_cpu0_pct": "others on CPU 0 %", "others_cpu1_pct": "others on CPU 1 %", "rss_before_kb": "RSS before (KiB)", "rss_after_kb": "RSS after (KiB)",
          "startup_ms": "start to ready (ms)", "idle_rss_kb": "idle RSS (KiB)",
          "connections_ms": "GET /connections ms", "metrics_ms": "GET /metrics ms"}

runs = {}
for name in os.listdir(raw_dir):
    case, server, rep = name.rsplit(".", 2)
    values = {}
    with open(os.path.join(raw_dir, name)) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            try:
                values[key] = float(value)
            except ValueError:
                pass
    # What else ran on the benchmark's CPUs during the window: the machine may be shared.
    if "cpu0_busy_pct" in values and "server_cpu_pct" in values:
        values["others_cpu0_pct"] = max(0.0, values["cpu0_busy_pct"] - values["server_cpu_pct"])
    if "cpu1_busy_pct" in values and "loadgen_cpu_pct" in values:
        values["others_cpu1_pct"] = max(0.0, values["cpu1_busy_pct"] - values["loadgen_cpu_pct"])
    runs.setdefault((case, server), []).append(values)


def series(case, server, key):
    return [r[key] for r in runs.get((case, server), []) if key in r]


def fmt(v):
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:.1f}"


def med(case, server, key, spread=True):
    xs = series(case, server, key)
    if not xs:
        return None, "–"
    m = statistics.median(xs)
    if spread and len(xs) > 1:
        return m, f"{fmt(m)} [{fmt(min(xs))}–{fmt(max(xs))}]"
    return m, fmt(m)


def ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b else "–"


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


cpu_model = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
runtime = sh("dotnet --info | sed -n '/^Host:/,/^$/p' | grep -m1 Version | awk '{print $2}'")
sdk = sh("dotnet --version")
out = []
out.append(f"# KestrelEcho side-by-side benchmark, {sh('date -u +%Y-%m-%d')}\n")
out.append(f"`bash bench/run.sh` — {reps} repetition(s), each case {warmup} s warm-up + {duration} s measured, "
           f"a fresh server for every case, servers interleaved; the matrix took {int(elapsed) // 60} min "
           f"{int(elapsed) % 60} s. Values are medians with [min–max] over the repetitions. Every echoed byte "
           "was verified by the load generator (a run with one wrong byte fails).\n")
out.append("## Machine\n")
out.append(f"- {sh('nproc')} CPUs: {cpu_model}; {int(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB")
out.append(f"- Linux {platform.release()} ({sh('. /etc/os-release && echo $PRETTY_NAME')})")
out.append(f"- .NET runtime {runtime} (SDK {sdk}); {sh('go version')}; Node {sh('node --version')}; "
           f"{sh('gcc --version | head -1')}")
out.append("- Server pinned to CPU 0 (`taskset -c 0`), load generator (`bench/c/loadgen.c`) to CPU 1; loopback; "
           "load spread over 200 source addresses 127.0.0.10–209 where a case has more than one connection.")
disturbed = sum(1 for rs in runs.values() for r in rs if "attempt" in r)
total = sum(len(rs) for rs in runs.values())
out.append(f"- Runs still disturbed after 3 attempts (others above 15 % of a benchmark CPU): {disturbed} of {total}; "
           "the `others on CPU` columns show how much")
loads = [r[k] for rs in runs.values() for r in rs for k in ("loadavg_before", "loadavg_after") if k in r]
if loads:
    out.append(f"- 1-minute load average seen around the runs: {min(loads):.2f}–{max(loads):.2f} "
               "(above ~2 means something else shared the two CPUs: read the spreads with that in mind)")
out.append("")
out.append("Servers: **c-epoll** `bench/c/epoll_echo.c` (one thread, epoll, 64 KiB buffer: the hardware reference); "
           "**ours-jit** / **ours-aot** KestrelEcho with every feature at its default (`--Echo:DrainTimeout 00:00:00`, "
           "bound to 127.0.0.1, `--Echo:MaxConnections 20000` for the 18,000-connection case), JIT "
           "(`dotnet KestrelEcho.dll`) and Native AOT; **bare-tuned** `bench/BareKestrelEcho --tuned` (Native AOT, "
           "a bare ConnectionHandler loop on exactly our socket transport set-up, `EchoSocketTransport`: no registry, "
           "limits, metrics or logging — ours-aot against it is the cost of our features); **bare-kestrel** the same "
           "loop on Kestrel as it comes (JIT, default transport); **go** `bench/go/echo.go` (goroutine per "
           "connection, 32 KiB buffered copy); **node** `bench/node/echo.js` (`socket.pipe(socket)`).\n")

out.append("## Targets (issue 5)\n")
out.append("Computed from the medians below; each line says met or missed with the figures.\n")


def target(text, ok):
    out.append(f"- {'**met**' if ok else '**missed**'}: {text}")


def m(case, server, key):
    return med(case, server, key)[0]


THROUGHPUT = [(c[0], c[3]) for c in CASES if c[5]]
costs = []
for case, key in THROUGHPUT + [("light-1000", "server_cpu_pct"), ("idle", "rss_per_conn_bytes"),
                               ("idle-large", "rss_per_conn_bytes")]:
    ours, bare = m(case, "ours-aot", key), m(case, "bare-tuned", key)
    if ours and bare:
        higher = dict((c[0], c[5]) for c in CASES)[case]
        costs.append((case, ours / bare if higher else bare / ours))
if costs:
    worst = min(costs, key=lambda c: c[1])
    target("1. features cost almost nothing, ours-aot ≥ 0.95× bare-tuned in every case: "
           + ", ".join(f"{c} {r:.2f}×" for c, r in costs) + f" (worst {worst[0]})", worst[1] >= 0.95)
for case in ("pingpong-100", "pingpong-1000"):
    ours, c, go, node = (m(case, s_, "msgs_per_s") for s_ in ("ours-aot", "c-epoll", "go", "node"))
    if None not in (ours, c, go, node):
        target(f"2. {case}: ours-aot {ours:,.0f} msgs/s = {ours / c:.2f}× c-epoll (≥ 0.80), "
               f"{ours / go:.2f}× go, {ours / node:.2f}× node (> 1)", ours / c >= 0.8 and ours > go and ours > node)
ours, c = m("stream-16", "ours-aot", "mib_per_s"), m("stream-16", "c-epoll", "mib_per_s")
if ours and c:
    target(f"3. stream: ours-aot {ours:,.0f} MiB/s = {ours / c:.2f}× c-epoll (≥ 0.70)", ours / c >= 0.7)
rss, conn_ms, met_ms = (m("idle-large", "ours-aot", k) for k in ("rss_per_conn_bytes", "connections_ms", "metrics_ms"))
if None not in (rss, conn_ms, met_ms):
    target(f"4. idle: {int(idle_conns_large):,} connections at {rss / 1000:.1f} KB RSS each (≤ 4 KB); "
           f"/connections {conn_ms:.0f} ms, /metrics {met_ms:.0f} ms (< 1,000 ms)",
           rss <= 4000 and conn_ms < 1000 and met_ms < 1000)
cpu, p99, c_p99 = m("light-1000", "ours-aot", "server_cpu_pct"), m("light-1000", "ours-aot", "p99_us"), \
    m("light-1000", "c-epoll", "p99_us")
if None not in (cpu, p99, c_p99):
    target(f"5. light load: ours-aot {cpu:.1f} % of a core (≤ 10 %), p99 {p99:,.0f} µs vs c-epoll {c_p99:,.0f} µs "
           f"(≤ +50 %)", cpu <= 10 and p99 <= 1.5 * c_p99)
start = m("startup", "ours-aot", "startup_ms")
if start:
    target(f"6. Native AOT start to ready {start:.0f} ms (≤ 150 ms)", start <= 150)
out.append("")

for case, title, what, key, unit, higher, extras in CASES:
    out.append(f"## {title}\n")
    out.append(f"{what}. Main figure: {unit} ({'higher' if higher else 'lower'} is better).\n")
    header = f"| server | {unit} | vs c-epoll | " + " | ".join(LABELS[e] for e in extras) + " |"
    out.append(header)
    out.append("|" + "---|" * (3 + len(extras)))
    ref, _ = med(case, REFERENCE, key)
    for server in SERVERS:
        m, text = med(case, server, key)
        if m is None:
            continue
        cells = [med(case, server, e)[1] for e in extras]
        out.append(f"| {server} | {text} | {ratio(m, ref)} | " + " | ".join(cells) + " |")
    tuned, _ = med(case, "bare-tuned", key)
    bare, _ = med(case, "bare-kestrel", key)
    jit, _ = med(case, "ours-jit", key)
    aot, _ = med(case, "ours-aot", key)
    out.append(f"\nours-aot vs bare-tuned ({unit}, the cost of our features): {ratio(aot, tuned)}. "
               f"Ours vs Kestrel as it comes (bare-kestrel): JIT {ratio(jit, bare)}, AOT {ratio(aot, bare)}.\n")

out.append("## Start-up (KestrelEcho only: the others have no readiness endpoint)\n")
out.append("Process start (fork) to the first `GET /health/ready` answering 200, polled every millisecond; then "
           "RSS after 2 s idle.\n")
out.append("| build | start to ready (ms) | idle RSS (KiB) |")
out.append("|---|---|---|")
for server in ("ours-jit", "ours-aot"):
    out.append(f"| {server} | {med('startup', server, 'startup_ms')[1]} | {med('startup', server, 'idle_rss_kb')[1]} |")
out.append("\nIdle RSS of every server before any client: see `RSS before` in the idle table.\n")
print("\n".join(out))
