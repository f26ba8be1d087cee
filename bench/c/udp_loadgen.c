// udp_loadgen: UDP ping-pong for bench/udp.sh. One thread, epoll, non-blocking connected sockets, loopback only.
//
// Each of --conns sockets sends one datagram of --size bytes and waits for its reply before sending the next; a reply
// that does not come within --timeout-ms counts as lost and the socket sends the next one. Every datagram carries its
// sequence number (first 8 bytes) and a per-socket pattern, and every reply is checked: a wrong byte or length ends
// the run with exit code 2; a late reply (to a datagram already counted lost) is counted, in the measured window, and
// skipped. Latencies go into the same log-linear histogram as loadgen.c. Results are key=value lines:
//   datagrams_per_s (replies in the measured window a second), sent, replies, lost, late, p50_us, p90_us, p99_us, max_us
//
//   udp_loadgen --port P [--conns N] [--size S] [--warmup S] [--duration S] [--timeout-ms T] [--src-count K]
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HIST_BUCKETS 2048
#define MAX_SIZE 65507

static struct {
    int port, conns, size, src_count;
    double warmup, duration, timeout_ms;
} opt = { .port = 9999, .conns = 1, .size = 64, .src_count = 0, .warmup = 1, .duration = 5, .timeout_ms = 200 };

struct sock {
    int fd;
    uint64_t seq;         /* the datagram in flight, from 1 */
    uint64_t sent_at;
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- latency histogram (as loadgen.c: 64 linear buckets, then 32 per power of two) ---- */
static uint64_t hist[HIST_BUCKETS], hist_count, hist_max;

static int hist_index(uint64_t v) {
    if (v < 64) return (int)v;
    int e = 63 - __builtin_clzll(v);
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

/* ---- datagrams ---- */
static void fill(uint8_t *out, int socket_index, uint64_t seq) {
    memcpy(out, &seq, sizeof seq);
    for (int i = (int)sizeof seq; i < opt.size; i++) out[i] = (uint8_t)(socket_index * 31 + seq * 7 + (uint64_t)i);
}

static uint64_t measure_from, stop_at, sent, replies, lost, late;
static uint8_t expected[MAX_SIZE], received[MAX_SIZE + 1];

static void send_next(struct sock *s, int index, uint64_t now) {
    s->seq++;
    s->sent_at = now;
    fill(expected, index, s->seq);
    if (send(s->fd, expected, (size_t)opt.size, 0) != opt.size) {
        fprintf(stderr, "udp_loadgen: send on socket %d: %s\n", index + 1, strerror(errno));
        exit(1);
    }
    if (now >= measure_from && now < stop_at) sent++;
}

static void usage(void) {
    fprintf(stderr, "usage: udp_loadgen --port P [--conns N] [--size S] [--warmup S] [--duration S] [--timeout-ms T] [--src-count K]\n");
    exit(2);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(a, "--port")) opt.port = atoi(v);
        else if (!strcmp(a, "--conns")) opt.conns = atoi(v);
        else if (!strcmp(a, "--size")) opt.size = atoi(v);
        else if (!strcmp(a, "--warmup")) opt.warmup = atof(v);
        else if (!strcmp(a, "--duration")) opt.duration = atof(v);
        else if (!strcmp(a, "--timeout-ms")) opt.timeout_ms = atof(v);
        else if (!strcmp(a, "--src-count")) opt.src_count = atoi(v);
        else usage();
    }
    if (opt.conns < 1 || opt.conns > 10000 || opt.size < 8 || opt.size > MAX_SIZE || opt.duration <= 0 || opt.timeout_ms <= 0
        || opt.src_count < 0 || opt.src_count > 240) usage();

    struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int ep = epoll_create1(0);
    struct sock *socks = calloc((size_t)opt.conns, sizeof *socks);
    for (int i = 0; i < opt.conns; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (fd < 0) { perror("udp_loadgen: socket"); return 1; }
        if (opt.src_count > 0) {
            /* Source addresses 127.0.0.10 onwards, as loadgen.c: a per-address guard sees few sockets each. */
            struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)(10 + i % opt.src_count)) };
            if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0) { perror("udp_loadgen: bind"); return 1; }
        }
        if (connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0) { perror("udp_loadgen: connect"); return 1; }
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        socks[i].fd = fd;
    }

    uint64_t start = now_ns(), timeout_ns = (uint64_t)(opt.timeout_ms * 1e6);
    measure_from = start + (uint64_t)(opt.warmup * 1e9);
    stop_at = measure_from + (uint64_t)(opt.duration * 1e9);
    for (int i = 0; i < opt.conns; i++) send_next(&socks[i], i, start);

    struct epoll_event events[256];
    uint64_t now = start;
    while (now < stop_at) {
        int n = epoll_wait(ep, events, 256, 1);
        now = now_ns();
        for (int e = 0; e < n; e++) {
            int i = (int)events[e].data.u32;
            struct sock *s = &socks[i];
            for (;;) {
                ssize_t got = recv(s->fd, received, sizeof received, 0);
                if (got < 0) {
                    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                    fprintf(stderr, "udp_loadgen: recv on socket %d: %s%s\n", i + 1, strerror(errno),
                            errno == ECONNREFUSED ? " (nothing listens on that UDP port)" : "");
                    return 1;
                }
                uint64_t seq = 0;
                if (got >= 8) memcpy(&seq, received, sizeof seq);
                if (got != opt.size || seq == 0 || seq > s->seq) {
                    fprintf(stderr, "udp_loadgen: socket %d, datagram %llu: a %zd-byte reply that is not one we sent\n", i + 1,
                            (unsigned long long)s->seq, got);
                    return 2;
                }
                fill(expected, i, seq);
                if (memcmp(expected, received, (size_t)opt.size) != 0) {
                    fprintf(stderr, "udp_loadgen: socket %d, datagram %llu: wrong bytes\n", i + 1, (unsigned long long)seq);
                    return 2;
                }
                if (seq < s->seq) {
                    if (now >= measure_from) late++;
                    continue;
                }
                now = now_ns();
                if (s->sent_at >= measure_from && now < stop_at) {
                    replies++;
                    hist_record(now - s->sent_at);
                }
                if (now < stop_at) send_next(s, i, now);
                else s->sent_at = UINT64_MAX;       /* nothing more in flight to time out */
            }
        }
        for (int i = 0; i < opt.conns && now < stop_at; i++) {
            if (socks[i].sent_at != UINT64_MAX && now - socks[i].sent_at > timeout_ns) {
                if (socks[i].sent_at >= measure_from) lost++;
                send_next(&socks[i], i, now);
            }
        }
    }

    printf("conns=%d\nsize=%d\nduration_s=%.3f\n", opt.conns, opt.size, opt.duration);
    printf("datagrams_per_s=%.0f\nsent=%llu\nreplies=%llu\nlost=%llu\nlate=%llu\n", (double)replies / opt.duration,
           (unsigned long long)sent, (unsigned long long)replies, (unsigned long long)lost, (unsigned long long)late);
    printf("p50_us=%.1f\np90_us=%.1f\np99_us=%.1f\nmax_us=%.1f\n", hist_percentile_us(0.50), hist_percentile_us(0.90),
           hist_percentile_us(0.99), (double)hist_max / 1000.0);
    return 0;
}
