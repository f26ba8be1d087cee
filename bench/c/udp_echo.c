// udp_echo: the UDP reference for bench/udp.sh. One thread, a blocking recvfrom/sendto loop: every datagram goes back
// to its sender unchanged, as RFC 862 asks. No guard, no flows, no metrics: the floor the service is compared with.
//
//   udp_echo PORT [ADDRESS]      ADDRESS defaults to 127.0.0.1
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: udp_echo PORT [ADDRESS]\n");
        return 2;
    }
    struct sockaddr_in self = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
    if (inet_pton(AF_INET, argc == 3 ? argv[2] : "127.0.0.1", &self.sin_addr) != 1) {
        fprintf(stderr, "udp_echo: not an IPv4 address: %s\n", argv[2]);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&self, sizeof self) != 0) {
        fprintf(stderr, "udp_echo: bind: %s\n", strerror(errno));
        return 1;
    }
    static char buffer[65536];
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t peer_len = sizeof peer;
        ssize_t n = recvfrom(fd, buffer, sizeof buffer, 0, (struct sockaddr *)&peer, &peer_len);
        if (n < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "udp_echo: recvfrom: %s\n", strerror(errno));
            return 1;
        }
        // A full socket buffer on the sender's side drops the reply, as the kernel would for any UDP server.
        if (sendto(fd, buffer, (size_t)n, 0, (struct sockaddr *)&peer, peer_len) < 0 && errno != EAGAIN && errno != ENOBUFS
            && errno != ECONNREFUSED) {
            fprintf(stderr, "udp_echo: sendto: %s\n", strerror(errno));
            return 1;
        }
    }
}
