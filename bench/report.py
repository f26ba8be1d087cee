"""Turns bench/run.sh's raw key=value files (<case>.<server>.<rep>) into the Markdown results page."""
import os
import platform
import re
import statistics
import subprocess
import sys

raw_dir, elapsed, reps, warmup, duration, idle_conns, idle_conns_large = sys.argv[1:8]

# The servers bench/run.sh ran (BENCH_SERVERS), in its order; ours-epoll and bare-epoll only when it named them.
SERVERS = os.environ.get("BENCH_SERVERS", "c-epoll ours-aot ours-epoll bare-tuned bare-epoll go node").split()
REFERENCE = "c-epoll"
# Each build of ours against the bare echo on the same transport: the cost of our features.
SAME_TRANSPORT = [("ours-aot", "bare-tuned"), ("ours-epoll", "bare-epoll")]

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


def m(case, server, key):
    return med(case, server, key)[0]


def present(server):
    return any(s_ == server for (_, s_) in runs)


def kb(b):
    return f"{b / 1000:.1f} KB"


def mb(b):
    return f"{b / 1e6:.1f} MB"


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
if os.environ.get("BENCH_NETNS"):
    out.append("- Loopback of a network namespace of the run's own (`unshare --net`): no netfilter rules there, so no "
               "connection tracking (on the host's loopback it tracks every connection, and churn fills its table).")
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
           "loop on Kestrel as it comes (JIT, default transport; ours-jit and bare-kestrel only when named in BENCH_SERVERS); **go** `bench/go/echo.go` (goroutine per "
           "connection, 32 KiB buffered copy); **node** `bench/node/echo.js` (`socket.pipe(socket)`)."
           + (" **ours-epoll** / **bare-epoll**: ours-aot with `--Echo:Transport Epoll` and bare-tuned with "
              "`--epoll`, both on the opt-in epoll transport (ours-epoll against bare-epoll is the cost of our "
              "features there)." if present("ours-epoll") or present("bare-epoll") else "")
           + " Ours runs from its publish folder with its own appsettings.json: the connection history is on "
           "(SQLite, `data/history.db` there; emptied at the start of each run).\n")

HIGHER = {c[0]: c[5] for c in CASES}
MAIN = {c[0]: c[3] for c in CASES}
QUICK = int(reps) == 1 and float(duration) < 5


def history_check():
    """Whether ours really recorded closed connections during the run: rows the churn case added to the file."""
    import json
    settings = os.path.join(os.environ.get("BENCH_PUBLISH", ""), "appsettings.json")
    try:
        with open(settings) as f:
            enabled = json.load(f).get("History", {}).get("Enabled")
    except (OSError, ValueError):
        enabled = None
    parts = [f"History:Enabled is {str(enabled).lower()} in the published appsettings.json"]
    for server in ("ours-aot", "ours-epoll"):
        added = [r["history_rows_after"] - r["history_rows_before"] for r in runs.get(("churn", server), [])
                 if "history_rows_after" in r and "history_rows_before" in r]
        done = [r["conns_completed"] for r in runs.get(("churn", server), []) if "conns_completed" in r]
        if added:
            parts.append(f"{server}'s churn cases added {int(sum(added)):,} rows to data/history.db under the publish "
                         f"folder for {int(sum(done)):,} connections completed")
    return "; ".join(parts), enabled is True and all(
        r["history_rows_after"] > r["history_rows_before"] for r in runs.get(("churn", "ours-aot"), [])
        if "history_rows_after" in r)


def stalls(case="churn"):
    """Repetitions of a case whose figure is 0 or under a quarter of the same server's best: the load stalled."""
    found = []
    for server in SERVERS:
        xs = series(case, server, MAIN[case])
        if not xs:
            continue
        best = max(xs)
        found += [(server, x) for x in xs if x == 0 or x < best / 4]
    return found


out.append("## Targets (issue 14)\n")
out.append("Computed from the medians below (Native AOT, side by side in one run); each line says met or missed with "
           "the figures." + (" **A quick run** (1 short repetition, fewer idle connections): indicative only; the "
                             "targets are judged on a full run." if QUICK else "") + "\n")
missed = []


def target(number, text, ok):
    out.append(f"- {'**met**' if ok else '**missed**'}: {number}. {text}")
    if not ok:
        missed.append(number)


ours_builds = [s_ for s_ in ("ours-aot", "ours-epoll") if present(s_)]
for ours in ours_builds:
    for case in ("pingpong-100", "pingpong-1000"):
        o, c, go, node = (m(case, s_, "msgs_per_s") for s_ in (ours, "c-epoll", "go", "node"))
        if None in (o, c):
            continue
        rivals = [(n, v) for n, v in (("go", go), ("node", node)) if v]
        target(1, f"{case}: {ours} {o:,.0f} msgs/s = **{o / c:.2f}×** c-epoll (≥ 0.80×)"
               + "".join(f", {o / v:.2f}× {n}" for n, v in rivals) + " (> 1×)",
               o / c >= 0.8 and all(o > v for _, v in rivals))

history_text, history_on = history_check()
for ours, bare in SAME_TRANSPORT:
    costs = []
    for case in [c[0] for c in CASES]:
        o, b = m(case, ours, MAIN[case]), m(case, bare, MAIN[case])
        if o is None or not b:
            continue
        # The cost in the direction of the case: less throughput, or more CPU or memory.
        costs.append((case, (1 - o / b) if HIGHER[case] else (o / b - 1)))
    if costs:
        worst = max(costs, key=lambda c: c[1])
        target(2, f"features cost ≤ 3 % against {bare} (same transport) in every case, {ours}: "
               + ", ".join(f"{c} {100 * x:+.1f} %" for c, x in costs)
               + f" (worst {worst[0]}; throughput lost, or CPU % and RSS a connection added). {history_text}",
               worst[1] <= 0.03 and history_on)

for ours in ours_builds:
    rss = m("idle-large", ours, "rss_per_conn_bytes")
    if rss:
        c_rss = m("idle-large", "c-epoll", "rss_per_conn_bytes")
        target(3, f"idle: {ours} holds {int(idle_conns_large):,} connections at **{kb(rss)}** ({rss:,.0f} bytes) of RSS "
               f"each (≤ 4 KB{'; c-epoll ' + kb(c_rss) if c_rss else ''})"
               + ("" if int(idle_conns_large) >= 18000 else "; the target is at 18,000 connections"),
               rss <= 4000 and int(idle_conns_large) >= 18000)

for ours in ours_builds:
    cpu, p99, c_p99 = m("light-1000", ours, "server_cpu_pct"), m("light-1000", ours, "p99_us"), \
        m("light-1000", "c-epoll", "p99_us")
    if None not in (cpu, p99, c_p99):
        target(4, f"light load (1,000 round trips/s): {ours} **{cpu:.1f} %** of a core (≤ 10 %), p99 **{p99:,.0f} µs** "
               f"= {p99 / c_p99:.2f}× c-epoll's {c_p99:,.0f} µs (≤ 1.5×)", cpu <= 10 and p99 <= 1.5 * c_p99)

for ours in ours_builds:
    start = m("startup", ours, "startup_ms")
    if start:
        target(5, f"Native AOT start to ready, {ours}: **{start:.0f} ms** (≤ 100 ms, median of "
               f"{len(series('startup', ours, 'startup_ms'))} starts)", start <= 100)
size = next(iter(runs.get(("size", "ours-aot"), [])), {})
image = size.get("image_estimate_bytes")
if image:
    target(5, f"container image **{mb(image)}** (≤ 40 MB): our files {mb(size['app_bytes'])} on the chiseled base "
           f"estimated at {mb(size['base_estimate_bytes'])} (see Size)", image <= 40e6)

stalled = stalls()
for ours in ours_builds:
    o, c = m("churn", ours, "conns_per_s"), m("churn", "c-epoll", "conns_per_s")
    if None not in (o, c) and c:
        target(6, f"churn: {ours} {o:,.0f} connections/s = **{o / c:.2f}×** c-epoll (≥ 0.80×); "
               + ("no stalls" if not stalled else "**stalls**: " + ", ".join(f"{s_} {x:,.0f}/s" for s_, x in stalled)),
               o / c >= 0.8 and not stalled)
out.append("")

for case, title, what, key, unit, higher, extras in CASES:
    out.append(f"## {title}\n")
    out.append(f"{what}. Main figure: {unit} ({'higher' if higher else 'lower'} is better).\n")
    header = f"| server | {unit} | vs c-epoll | " + " | ".join(LABELS[e] for e in extras) + " |"
    out.append(header)
    out.append("|" + "---|" * (3 + len(extras)))
    ref, _ = med(case, REFERENCE, key)
    for server in SERVERS:
        v, text = med(case, server, key)
        if v is None:
            continue
        cells = [med(case, server, e)[1] for e in extras]
        out.append(f"| {server} | {text} | {ratio(v, ref)} | " + " | ".join(cells) + " |")
    bare, _ = med(case, "bare-kestrel", key)
    jit, _ = med(case, "ours-jit", key)
    aot, _ = med(case, "ours-aot", key)
    same = "; ".join(f"{o} vs {b} {ratio(med(case, o, key)[0], med(case, b, key)[0])}"
                     for o, b in SAME_TRANSPORT if present(o) and present(b))
    as_it_comes = (f" Ours vs Kestrel as it comes (bare-kestrel): JIT {ratio(jit, bare)}, AOT {ratio(aot, bare)}."
                   if present("bare-kestrel") else "")
    out.append(f"\nThe cost of our features ({unit}, against the bare echo on the same transport): {same}.{as_it_comes}\n")
    if case == "churn":
        paced = [r for rs in (runs.get(("churn", s_), []) for s_ in SERVERS) for r in rs if "conntrack_max" in r]
        if paced:
            waited = sum(r["churn_wait_s"] for r in paced)
            dropped = sum(r.get("conntrack_dropped", 0) for r in paced)
            peak = max(r.get("conntrack_after", 0) for r in paced)
            out.append(
                "**Pacing.** Loopback connections pass through netfilter's connection tracking on this machine "
                "(loaded by podman's NAT rules), which keeps an entry for every closed connection for 120 s "
                f"(`nf_conntrack_tcp_timeout_time_wait`) in a table of {int(paced[0]['conntrack_max']):,} "
                "(`nf_conntrack_max`, shared by the whole machine). A churn case adds one entry a connection, "
                "about 100,000 for the fastest servers; when the table is full the kernel drops every new SYN "
                "(`nf_conntrack: table full, dropping packet`) and connects stall on SYN retransmits (1 s, 2 s, 4 s): "
                "the 0 connections/s of the 2026-11-25 run. TIME_WAIT sockets and source ports were not the limit "
                "(200 source addresses; `tcp_tw_reuse` reuses loopback ports). So before each churn case the harness "
                "waits, 130 s at most, until the table has room for 1.25× the connections the server churned at "
                "its best so far (and before each idle case, room for its connections). In this run: "
                f"{waited:,.0f} s waited in all, at most {peak:,.0f} entries after a case, "
                f"{dropped:,.0f} SYNs dropped for a full table during the churn cases.\n")
        found = stalls()
        if found:
            out.append("**Stalls** (a repetition at 0 or under a quarter of the same server's best): "
                       + ", ".join(f"{s_} {x:,.0f}/s" for s_, x in found) + ".\n")

out.append("## Start-up (KestrelEcho only: the others have no readiness endpoint)\n")
out.append("Process start (fork) to the first `GET /health/ready` answering 200, polled every millisecond; then "
           "RSS after 2 s idle. Several starts a repetition, interleaved.\n")
out.append("| build | start to ready (ms) | idle RSS (KiB) | starts |")
out.append("|---|---|---|---|")
for server in [s_ for s_ in SERVERS if s_.startswith("ours-")]:
    out.append(f"| {server} | {med('startup', server, 'startup_ms')[1]} | {med('startup', server, 'idle_rss_kb')[1]} "
               f"| {len(series('startup', server, 'startup_ms'))} |")
out.append("\nIdle RSS of every server before any client: see `RSS before` in the idle table.\n")

if size:
    out.append("## Size (what a user deploys)\n")
    out.append("`bench/image-size.sh` on the Native AOT publish folder. The image is the Containerfile's runtime stage: "
               "`mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled` plus the binary, `libe_sqlite3.so` and "
               "`appsettings.json`. The base is not pulled here: its size is estimated from this machine's copies of "
               "the libraries and certificates its chisel slices hold (Debian's builds, not Ubuntu's).\n")
    out.append("| what | size |")
    out.append("|---|---|")
    rows = [("Native AOT binary `KestrelEcho`", "aot_binary_bytes"), ("`libe_sqlite3.so`", "sqlite_lib_bytes"),
            ("our files (binary, SQLite, appsettings.json)", "app_bytes"),
            (f"chiseled base, estimated ({int(size.get('base_estimate_files', 0))} files)", "base_estimate_bytes"),
            ("**image, estimated, uncompressed** (as `podman images` shows it)", "image_estimate_bytes"),
            ("image, estimated, gzip (as a registry stores it)", "image_estimate_gzip_bytes"),
            ("scratch image of `deploy/container/scratch-smoke.sh` (podman's size; no certificates)",
             "scratch_image_bytes")]
    for label, key in rows:
        if key in size:
            out.append(f"| {label} | {mb(size[key])} ({int(size[key]):,} bytes) |")
    out.append("\nFor scale: dotnet/dotnet-docker's image size report (November 2025) gives 11.60 MB compressed for "
               "a Native AOT minimal API on `runtime-deps:10.0-noble-chiseled`.\n")

out.append("## Reading these results (written by hand after the run)\n")
if missed:
    out.append("For each missed target: the profile that explains it, and what was tried (bench/TUNING.md).\n")
    names = {1: "Ping-pong", 2: "Features cost", 3: "Idle memory", 4: "Light load", 5: "Start-up and image size",
             6: "Churn"}
    for number in sorted(set(missed)):
        out.append(f"- *{number}. {names[number]}.* Profile: _to be written_. Tried: _to be written_.")
else:
    out.append("_Every target met; to be written._")
out.append("")
print("\n".join(out))
