// epoll_echo: the hardware reference. One thread, level-triggered epoll, non-blocking sockets; what a read
// returns is written back before the next read. A client that does not read makes us stop reading from it.
// Usage: epoll_echo PORT [ADDRESS]   (ADDRESS defaults to 127.0.0.1)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE (64 * 1024)

struct conn {
    int fd;
    size_t pending_off, pending_len;       /* bytes read but not yet written back */
    char buf[BUF_SIZE];
};

static int epfd;

static void arm(struct conn *c, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void drop(struct conn *c) {
    close(c->fd);
    free(c);
}

/* Writes back what is pending. Returns 1 when all is written, 0 when the socket is full, -1 on error. */
static int flush_pending(struct conn *c) {
    while (c->pending_len > 0) {
        ssize_t w = send(c->fd, c->buf + c->pending_off, c->pending_len, MSG_NOSIGNAL);
        if (w < 0) return errno == EAGAIN ? 0 : -1;
        c->pending_off += (size_t)w;
        c->pending_len -= (size_t)w;
    }
    return 1;
}

static void on_event(struct conn *c, uint32_t events) {
    if (c->pending_len > 0) {
        int f = flush_pending(c);
        if (f < 0) { drop(c); return; }
        if (f == 0) return;
        arm(c, EPOLLIN);
    }
    if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)) ) return;
    ssize_t r = recv(c->fd, c->buf, BUF_SIZE, 0);
    if (r == 0 || (r < 0 && errno != EAGAIN)) { drop(c); return; }
    if (r < 0) return;
    c->pending_off = 0;
    c->pending_len = (size_t)r;
    int f = flush_pending(c);
    if (f < 0) drop(c);
    else if (f == 0) arm(c, EPOLLOUT);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: epoll_echo PORT [ADDRESS]\n"); return 1; }
    signal(SIGPIPE, SIG_IGN);
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
    inet_pton(AF_INET, argc > 2 ? argv[2] : "127.0.0.1", &a.sin_addr);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 4096) < 0) { perror("bind/listen"); return 1; }

    epfd = epoll_create1(0);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev);
    struct epoll_event evs[512];
    for (;;) {
        int n = epoll_wait(epfd, evs, 512, -1);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == NULL) {
                int fd;
                while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *c = malloc(sizeof *c);
                    c->fd = fd;
                    c->pending_len = 0;
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            on_event(evs[i].data.ptr, evs[i].events);
        }
    }
}
