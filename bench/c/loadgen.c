// loadgen: the benchmark's load generator. One thread, epoll, non-blocking sockets, loopback only.
//
// Every byte sent follows a per-connection pattern and every echoed byte is checked against it; a mismatch
// ends the run with exit code 2. Latencies go into a log-linear histogram (64 linear buckets, then 32 per
// power of two: under 3.2 % error). Server CPU is sampled from /proc/<pid>/stat over the measured window.
// Results are printed as key=value lines for bench/run.sh.
//
// Modes:
//   pingpong  --conns N --size S --depth D   N connections, D messages of S bytes in flight on each
//   stream    --conns N --size S             full duplex, S-byte writes, up to --window bytes in flight
//   churn     --conns C [--rate R]           C slots, each: connect, send S bytes, read them back, close; with
//                                            --rate, at most R connections started a second, on a fixed schedule
//   rate      --rate R                       1 connection, R round trips a second on a fixed schedule
//   idle      --conns N --hold T             open N connections, echo 1 byte on each, measure server RSS;
//             [--ops-probe 1 --http-port P]  then time GET /connections and /metrics while they are held
//   startup   --http-port P -- CMD...        start CMD, time until GET /health/ready answers 200, idle RSS
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PATTERN_PERIOD 65521u            /* prime, so the pattern never lines up with message sizes */
#define IO_CHUNK (256u * 1024u)
#define HIST_BUCKETS 2048

static uint8_t pattern[PATTERN_PERIOD + IO_CHUNK];
static uint8_t iobuf[IO_CHUNK];

static struct {
    const char *mode;
    const char *host;
    int port, http_port;
    int conns, size, depth, src_count;
    double warmup, duration, rate, hold, settle;
    long window;
    int server_pid, ops_probe, rate_given;
    const char *child_log;
    char **child_argv;
} opt = {
    .host = "127.0.0.1", .port = 9999, .http_port = 8080, .conns = 1, .size = 64, .depth = 1,
    .src_count = 0, .warmup = 1, .duration = 5, .rate = 1000, .hold = 1, .settle = 2,
    .window = 1024 * 1024, .server_pid = 0, .child_log = "/dev/null",
};

static void die(const char *what) { fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno)); exit(1); }

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- latency histogram ---- */
static uint64_t hist[HIST_BUCKETS], hist_count, hist_max;

static int hist_index(uint64_t v) {
    if (v < 64) return (int)v;
    int e = 63 - __builtin_clzll(v);              /* e >= 6 */
    int idx = 64 + (e - 6) * 32 + (int)((v >> (e - 5)) - 32);
    return idx < HIST_BUCKETS ? idx : HIST_BUCKETS - 1;
}

static uint64_t hist_upper(int idx) {
    if (idx < 64) return (uint64_t)idx;
    int e = (idx - 64) / 32 + 6, m = (idx - 64) % 32 + 32;
    return (((uint64_t)m + 1) << (e - 5)) - 1;
}

static void hist_record(uint64_t ns) {
    hist[hist_index(ns)]++;
    hist_count++;
    if (ns > hist_max) hist_max = ns;
}

static double hist_percentile_us(double q) {
    if (hist_count == 0) return 0;
    uint64_t target = (uint64_t)(q * (double)hist_count + 0.5), seen = 0;
    if (target < 1) target = 1;
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += hist[i];
        if (seen >= target) {
            uint64_t up = hist_upper(i);
            return (double)(up < hist_max ? up : hist_max) / 1000.0;
        }
    }
    return (double)hist_max / 1000.0;
}

static void print_latency(void) {
    printf("lat_count=%llu\n", (unsigned long long)hist_count);
    printf("p50_us=%.1f\np90_us=%.1f\np99_us=%.1f\np999_us=%.1f\nmax_us=%.1f\n",
           hist_percentile_us(0.50), hist_percentile_us(0.90), hist_percentile_us(0.99),
           hist_percentile_us(0.999), (double)hist_max / 1000.0);
}

/* ---- CPU and memory of the server, CPU of ourselves ---- */
static long long proc_cpu_ticks(int pid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');                   /* the command name may hold spaces */
    if (!p) return -1;
    unsigned long long utime, stime;
    /* after ')': state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
    return (long long)(utime + stime);
}

static long proc_rss_kb(int pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kb) == 1) break;
    fclose(f);
    return kb;
}

static double self_cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Busy and total ticks of one CPU from /proc/stat: shows what else ran on the benchmark's CPUs. */
static void cpu_ticks(int cpu, unsigned long long *busy, unsigned long long *total) {
    char want[16], line[512];
    snprintf(want, sizeof want, "cpu%d ", cpu);
    *busy = *total = 0;
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, want, strlen(want)) != 0) continue;
        unsigned long long v[8] = {0};
        sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
               &v[5], &v[6], &v[7]);
        for (int i = 0; i < 8; i++) *total += v[i];
        *busy = *total - v[3] - v[4];               /* idle and iowait */
        break;
    }
    fclose(f);
}

static struct {
    uint64_t t;
    long long server_ticks;
    double self_cpu;
    unsigned long long busy[2], total[2];
} window_start;

static void window_open(void) {
    window_start.t = now_ns();
    for (int c = 0; c < 2; c++) cpu_ticks(c, &window_start.busy[c], &window_start.total[c]);
    window_start.server_ticks = opt.server_pid ? proc_cpu_ticks(opt.server_pid) : -1;
    window_start.self_cpu = self_cpu_s();
}

/* Prints the window's length, the server's and our own CPU use over it; returns its length in seconds. */
static double window_close(void) {
    double secs = (double)(now_ns() - window_start.t) / 1e9;
    if (opt.server_pid) {
        long long ticks = proc_cpu_ticks(opt.server_pid);
        if (ticks >= 0 && window_start.server_ticks >= 0)
            printf("server_cpu_pct=%.1f\n", 100.0 * (double)(ticks - window_start.server_ticks) /
                                                (double)sysconf(_SC_CLK_TCK) / secs);
    }
    printf("loadgen_cpu_pct=%.1f\n", 100.0 * (self_cpu_s() - window_start.self_cpu) / secs);
    for (int c = 0; c < 2; c++) {
        unsigned long long busy, total;
        cpu_ticks(c, &busy, &total);
        if (total > window_start.total[c])
            printf("cpu%d_busy_pct=%.1f\n", c, 100.0 * (double)(busy - window_start.busy[c]) /
                                                 (double)(total - window_start.total[c]));
    }
    printf("window_s=%.3f\n", secs);
    return secs;
}

/* ---- connections ---- */
struct conn {
    int fd;
    uint32_t seed;
    uint64_t tx, tx_want, rx;                      /* bytes sent, bytes owed to the server, bytes echoed back */
    uint64_t *sent_at;                             /* ring of send times, one per message in flight */
    int ring_head, ring_len, ring_cap;
    int want_out, churn_state;
    uint64_t started;
};

static int epfd;
static uint64_t verify_errors;

static const uint8_t *pattern_at(const struct conn *c, uint64_t offset) {
    return pattern + (offset + (uint64_t)c->seed * 7919u) % PATTERN_PERIOD;
}

static struct sockaddr_in server_addr(int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, opt.host, &a.sin_addr) != 1) { fprintf(stderr, "loadgen: bad host\n"); exit(1); }
    return a;
}

/* Source addresses 127.0.0.10 .. 127.0.0.(9+src_count), so a per-address limit sees few connections each. */
static int open_socket(int index, int nonblocking) {
    int fd = socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (opt.src_count > 0) {
        /* The port is picked at connect(), which may reuse TIME_WAIT ports (tcp_tw_reuse); bind() could not. */
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        struct sockaddr_in src = {.sin_family = AF_INET};
        src.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)(10 + index % opt.src_count));
        if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0) die("bind source address");
    }
    return fd;
}

static void conn_arm(struct conn *c, int want_out) {
    if (c->want_out == want_out) return;
    struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl mod");
    c->want_out = want_out;
}

static void conn_register(struct conn *c, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl add");
    c->want_out = (events & EPOLLOUT) != 0;
}

static int connect_blocking(struct conn *c, int index) {
    struct sockaddr_in a = server_addr(opt.port);
    c->fd = open_socket(index, 0);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0) return -1;
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    return 0;
}

/* Sends what is owed; arms EPOLLOUT when the socket is full. Returns -1 when the connection failed. */
static int conn_flush(struct conn *c) {
    while (c->tx < c->tx_want) {
        uint64_t n = c->tx_want - c->tx;
        if (n > (uint64_t)opt.size && opt.size > 0 && strcmp(opt.mode, "stream") == 0) n = (uint64_t)opt.size;
        if (n > IO_CHUNK - 1) n = IO_CHUNK - 1;
        ssize_t w = send(c->fd, pattern_at(c, c->tx), (size_t)n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN) { conn_arm(c, 1); return 0; }
            return -1;
        }
        c->tx += (uint64_t)w;
    }
    conn_arm(c, 0);
    return 0;
}

/* Reads what is there, checks every byte. Returns bytes read, 0 at EOF, -1 on error, -2 when nothing yet. */
static ssize_t conn_read(struct conn *c) {
    ssize_t r = recv(c->fd, iobuf, IO_CHUNK, 0);
    if (r < 0) return errno == EAGAIN ? -2 : -1;
    if (r == 0) return 0;
    if ((uint64_t)r > c->tx - c->rx || memcmp(iobuf, pattern_at(c, c->rx), (size_t)r) != 0) {
        verify_errors++;
        fprintf(stderr, "loadgen: connection %u: echoed bytes at offset %llu differ from what was sent\n",
                c->seed, (unsigned long long)c->rx);
        exit(2);
    }
    c->rx += (uint64_t)r;
    return r;
}

static void queue_message(struct conn *c, uint64_t t) {
    c->sent_at[(c->ring_head + c->ring_len) % c->ring_cap] = t;
    c->ring_len++;
    c->tx_want += (uint64_t)opt.size;
}

static struct conn *conns_alloc(int n, int ring) {
    struct conn *cs = calloc((size_t)n, sizeof *cs);
    if (!cs) die("calloc");
    for (int i = 0; i < n; i++) {
        cs[i].seed = (uint32_t)i + 1;
        cs[i].ring_cap = ring;
        if (ring) cs[i].sent_at = calloc((size_t)ring, sizeof(uint64_t));
    }
    return cs;
}

static void conns_connect(struct conn *cs, int n) {
    for (int i = 0; i < n; i++) {
        if (connect_blocking(&cs[i], i) < 0) die("connect");
        conn_register(&cs[i], EPOLLIN);
    }
}

/* ---- pingpong, stream and rate share one loop ---- */
static int run_traffic(void) {
    int n = opt.conns, is_stream = strcmp(opt.mode, "stream") == 0, is_rate = strcmp(opt.mode, "rate") == 0;
    if (is_rate) n = 1;
    struct conn *cs = conns_alloc(n, is_stream ? 0 : (is_rate ? 4096 : opt.depth));
    conns_connect(cs, n);

    uint64_t start = now_ns(), measure_from = start + (uint64_t)(opt.warmup * 1e9),
             stop_at = measure_from + (uint64_t)(opt.duration * 1e9), next_send = start;
    uint64_t rx_at_window = 0, msgs = 0, msgs_at_window = 0;
    int measuring = 0;

    for (int i = 0; i < n; i++) {
        if (is_stream) cs[i].tx_want = (uint64_t)opt.window;
        else if (!is_rate) for (int d = 0; d < opt.depth; d++) queue_message(&cs[i], now_ns());
        if (conn_flush(&cs[i]) < 0) die("send");
    }

    struct epoll_event evs[512];
    for (;;) {
        uint64_t t = now_ns();
        if (!measuring && t >= measure_from) {
            measuring = 1;
            window_open();
            for (int i = 0; i < n; i++) rx_at_window += cs[i].rx;
            msgs_at_window = msgs;
        }
        if (t >= stop_at) break;
        if (is_rate && t >= next_send) {
            if (cs[0].ring_len < cs[0].ring_cap) queue_message(&cs[0], t);
            if (conn_flush(&cs[0]) < 0) die("send");
            next_send += (uint64_t)(1e9 / opt.rate);
            continue;
        }

        uint64_t wake = is_rate ? next_send : stop_at;
        if (!measuring && measure_from < wake) wake = measure_from;
        struct timespec timeout = {.tv_sec = 0, .tv_nsec = 0};
        if (wake > t) { uint64_t d = wake - t; timeout.tv_sec = (time_t)(d / 1000000000ull); timeout.tv_nsec = (long)(d % 1000000000ull); }
        int k = epoll_pwait2(epfd, evs, 512, &timeout, NULL);
        if (k < 0 && errno != EINTR) die("epoll_pwait2");
        uint64_t tr = now_ns();

        for (int e = 0; e < k; e++) {
            struct conn *c = evs[e].data.ptr;
            if (evs[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                uint64_t before = c->rx;
                ssize_t r = conn_read(c);
                if (r == 0 || r == -1) { fprintf(stderr, "loadgen: server closed or reset a connection\n"); return 1; }
                if (r > 0 && !is_stream) {
                    uint64_t done = c->rx / (uint64_t)opt.size - before / (uint64_t)opt.size;
                    for (uint64_t m = 0; m < done; m++) {
                        if (measuring) hist_record(tr - c->sent_at[c->ring_head]);
                        c->ring_head = (c->ring_head + 1) % c->ring_cap;
                        c->ring_len--;
                        msgs++;
                        if (!is_rate) queue_message(c, tr);
                    }
                } else if (r > 0) {
                    c->tx_want = c->rx + (uint64_t)opt.window;
                }
            }
            if (conn_flush(c) < 0) { fprintf(stderr, "loadgen: send failed: %s\n", strerror(errno)); return 1; }
        }
    }

    double secs = window_close();
    uint64_t rx = 0;
    for (int i = 0; i < n; i++) rx += cs[i].rx;
    printf("verified_bytes=%llu\n", (unsigned long long)rx);
    printf("mib_per_s=%.1f\n", (double)(rx - rx_at_window) / secs / (1024.0 * 1024.0));
    if (!is_stream) {
        printf("msgs_per_s=%.0f\n", (double)(msgs - msgs_at_window) / secs);
        print_latency();
    }
    printf("verify_errors=%llu\n", (unsigned long long)verify_errors);
    return 0;
}

/* ---- churn: a new connection per exchange ---- */
enum { CHURN_CONNECTING = 1, CHURN_EXCHANGING };

static void churn_start(struct conn *c, int *next_index) {
    struct sockaddr_in a = server_addr(opt.port);
    c->fd = open_socket((*next_index)++, 1);
    c->tx = c->rx = 0;
    c->tx_want = (uint64_t)opt.size;
    c->started = now_ns();
    c->churn_state = CHURN_CONNECTING;
    c->seed++;
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) die("connect");
    conn_register(c, EPOLLOUT);
}

static int run_churn(void) {
    int n = opt.conns, next_index = 0, paced = opt.rate_given && opt.rate > 0, idle_count = 0;
    struct conn *cs = conns_alloc(n, 0);
    struct conn **idle = calloc((size_t)n, sizeof *idle);
    if (!idle) die("calloc");
    for (int i = 0; i < n; i++) {
        cs[i].seed = (uint32_t)i * 1000003u;
        if (paced) idle[idle_count++] = &cs[i];
        else churn_start(&cs[i], &next_index);
    }

    uint64_t start = now_ns(), measure_from = start + (uint64_t)(opt.warmup * 1e9),
             stop_at = measure_from + (uint64_t)(opt.duration * 1e9), done = 0, done_at_window = 0;
    int measuring = 0;
    struct epoll_event evs[512];
    for (;;) {
        uint64_t t = now_ns();
        if (!measuring && t >= measure_from) { measuring = 1; window_open(); done_at_window = done; }
        if (t >= stop_at) break;
        /* Paced: start what the schedule allows by now, as far as free slots go (a slow server shows as fewer). */
        while (paced && idle_count > 0 && (double)next_index < opt.rate * (double)(t - start) / 1e9)
            churn_start(idle[--idle_count], &next_index);
        int k = epoll_wait(epfd, evs, 512, paced ? 1 : 10);
        if (k < 0 && errno != EINTR) die("epoll_wait");
        for (int e = 0; e < k; e++) {
            struct conn *c = evs[e].data.ptr;
            if (c->churn_state == CHURN_CONNECTING) {
                int err = 0;
                socklen_t len = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err) { errno = err; die("connect (churn)"); }
                c->churn_state = CHURN_EXCHANGING;
                if (conn_flush(c) < 0) die("send (churn)");
                continue;
            }
            ssize_t r = conn_read(c);
            if (r == -2) { if (conn_flush(c) < 0) die("send (churn)"); continue; }
            if (r <= 0) { fprintf(stderr, "loadgen: server closed a churn connection early\n"); return 1; }
            if (c->rx == (uint64_t)opt.size) {
                uint64_t tr = now_ns();
                if (measuring) hist_record(tr - c->started);
                done++;
                close(c->fd);
                if (paced) idle[idle_count++] = c;  /* close() took the socket out of the epoll set */
                else churn_start(c, &next_index);
            }
        }
    }
    double secs = window_close();
    printf("conns_per_s=%.0f\n", (double)(done - done_at_window) / secs);
    printf("conns_started=%d\nconns_completed=%llu\n", next_index, (unsigned long long)done);
    print_latency();
    printf("verify_errors=%llu\n", (unsigned long long)verify_errors);
    return 0;
}

/* GET path on the HTTP port, read to the end; returns the milliseconds taken, or -1 unless it answered 200. */
static double http_get_ms(const char *path) {
    struct sockaddr_in a = server_addr(opt.http_port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    uint64_t t0 = now_ns();
    char req[256], head[16] = {0}, rest[65536];
    int len = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0
        && send(fd, req, (size_t)len, MSG_NOSIGNAL) == len
        && recv(fd, head, 12, MSG_WAITALL) == 12
        && strncmp(head, "HTTP/1.1 200", 12) == 0;
    ssize_t r;
    while (ok && (r = recv(fd, rest, sizeof rest, 0)) > 0) {}
    double ms = (double)(now_ns() - t0) / 1e6;
    close(fd);
    return ok ? ms : -1;
}

/* ---- idle: hold many connections, server memory per connection ---- */
static int run_idle(void) {
    if (!opt.server_pid) { fprintf(stderr, "loadgen: idle needs --server-pid\n"); return 1; }
    long before = proc_rss_kb(opt.server_pid);
    int n = opt.conns;
    struct conn *cs = conns_alloc(n, 0);
    conns_connect(cs, n);
    /* One byte each, echoed: the server's application has taken every connection, not just the kernel. */
    for (int i = 0; i < n; i++) { cs[i].tx_want = 1; if (conn_flush(&cs[i]) < 0) die("send (idle)"); }
    int echoed = 0;
    uint64_t deadline = now_ns() + 60ull * 1000000000ull;
    struct epoll_event evs[512];
    while (echoed < n && now_ns() < deadline) {
        int k = epoll_wait(epfd, evs, 512, 100);
        for (int e = 0; e < k; e++) {
            struct conn *c = evs[e].data.ptr;
            ssize_t r = conn_read(c);
            if (r == 0 || r == -1) { fprintf(stderr, "loadgen: server closed an idle connection (after %d)\n", echoed); return 1; }
            if (r > 0) echoed++;
        }
    }
    if (echoed < n) { fprintf(stderr, "loadgen: only %d of %d connections echoed\n", echoed, n); return 1; }
    struct timespec settle = {.tv_sec = (time_t)opt.hold, .tv_nsec = (long)((opt.hold - (double)(time_t)opt.hold) * 1e9)};
    nanosleep(&settle, NULL);
    long after = proc_rss_kb(opt.server_pid);
    printf("idle_conns=%d\nrss_before_kb=%ld\nrss_after_kb=%ld\n", n, before, after);
    printf("rss_per_conn_bytes=%.0f\n", (double)(after - before) * 1024.0 / n);
    if (opt.ops_probe) {
        /* The ops endpoints, answered in full while every connection is held. */
        double connections_ms = http_get_ms("/connections"), metrics_ms = http_get_ms("/metrics");
        if (connections_ms < 0 || metrics_ms < 0) { fprintf(stderr, "loadgen: /connections or /metrics did not answer 200\n"); return 1; }
        printf("connections_ms=%.1f\nmetrics_ms=%.1f\n", connections_ms, metrics_ms);
    }
    return 0;
}

/* ---- startup: process start until /health/ready answers 200 ---- */
static int http_ready(void) {
    struct sockaddr_in a = server_addr(opt.http_port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    struct timeval tv = {.tv_sec = 1};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int ok = 0;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
        static const char req[] = "GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        char resp[32] = {0};
        if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof req - 1) && recv(fd, resp, 12, MSG_WAITALL) == 12)
            ok = strncmp(resp, "HTTP/1.1 200", 12) == 0;
    }
    close(fd);
    return ok;
}

static int run_startup(void) {
    if (!opt.child_argv || !opt.child_argv[0]) { fprintf(stderr, "loadgen: startup needs -- CMD\n"); return 1; }
    uint64_t t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        int fd = open(opt.child_log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); }
        execvp(opt.child_argv[0], opt.child_argv);
        _exit(127);
    }
    uint64_t deadline = t0 + 30ull * 1000000000ull;
    int ready = 0;
    while (!ready && now_ns() < deadline) {
        if (waitpid(pid, NULL, WNOHANG) == pid) { fprintf(stderr, "loadgen: the service exited during start-up\n"); return 1; }
        ready = http_ready();
        if (!ready) usleep(1000);
    }
    uint64_t t_ready = now_ns();
    int rc = 0;
    if (ready) {
        printf("startup_ms=%.1f\n", (double)(t_ready - t0) / 1e6);
        usleep((useconds_t)(opt.settle * 1e6));
        printf("idle_rss_kb=%ld\n", proc_rss_kb(pid));
    } else {
        fprintf(stderr, "loadgen: /health/ready did not answer 200 within 30 s\n");
        rc = 1;
    }
    kill(pid, SIGTERM);
    for (int i = 0; i < 1000 && waitpid(pid, NULL, WNOHANG) != pid; i++) usleep(10000);
    if (kill(pid, 0) == 0) { kill(pid, SIGKILL); waitpid(pid, NULL, 0); }
    return rc;
}

static void usage(void) {
    fprintf(stderr,
            "usage: loadgen pingpong|stream|churn|rate|idle|startup [--host H] [--port P] [--conns N]\n"
            "       [--size S] [--depth D] [--window B] [--src-count K] [--warmup S] [--duration S] [--rate R]\n"
            "       [--hold S] [--server-pid PID] [--http-port P] [--ops-probe 1] [--settle S] [--child-log F] [-- CMD...]\n");
    exit(1);
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    opt.mode = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) { opt.child_argv = &argv[i + 1]; break; }
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(a, "--host")) opt.host = v;
        else if (!strcmp(a, "--port")) opt.port = atoi(v);
        else if (!strcmp(a, "--http-port")) opt.http_port = atoi(v);
        else if (!strcmp(a, "--ops-probe")) opt.ops_probe = atoi(v);
        else if (!strcmp(a, "--conns")) opt.conns = atoi(v);
        else if (!strcmp(a, "--size")) opt.size = atoi(v);
        else if (!strcmp(a, "--depth")) opt.depth = atoi(v);
        else if (!strcmp(a, "--window")) opt.window = atol(v);
        else if (!strcmp(a, "--src-count")) opt.src_count = atoi(v);
        else if (!strcmp(a, "--warmup")) opt.warmup = atof(v);
        else if (!strcmp(a, "--duration")) opt.duration = atof(v);
        else if (!strcmp(a, "--rate")) { opt.rate = atof(v); opt.rate_given = 1; }
        else if (!strcmp(a, "--hold")) opt.hold = atof(v);
        else if (!strcmp(a, "--settle")) opt.settle = atof(v);
        else if (!strcmp(a, "--server-pid")) opt.server_pid = atoi(v);
        else if (!strcmp(a, "--child-log")) opt.child_log = v;
        else usage();
    }
    if (opt.size <= 0 || opt.size > (int)(IO_CHUNK / 2) || opt.depth <= 0 || opt.src_count > 240) usage();
    signal(SIGPIPE, SIG_IGN);

    uint64_t x = 0x9E3779B97F4A7C15ull;            /* xorshift: a pattern no echo could fake by accident */
    for (size_t i = 0; i < sizeof pattern; i++) {
        if (i < PATTERN_PERIOD) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; pattern[i] = (uint8_t)x; }
        else pattern[i] = pattern[i - PATTERN_PERIOD];
    }
    epfd = epoll_create1(0);
    if (epfd < 0) die("epoll_create1");

    printf("mode=%s\n", opt.mode);
    int rc;
    if (!strcmp(opt.mode, "pingpong") || !strcmp(opt.mode, "stream") || !strcmp(opt.mode, "rate")) rc = run_traffic();
    else if (!strcmp(opt.mode, "churn")) rc = run_churn();
    else if (!strcmp(opt.mode, "idle")) rc = run_idle();
    else if (!strcmp(opt.mode, "startup")) rc = run_startup();
    else usage();
    fflush(stdout);
    return rc;
}
