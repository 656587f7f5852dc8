/* SPDX-License-Identifier: MIT */
/*
 * IPv4 UDP sockets for the tests and the benchmarks (the kernel's side of
 * the traffic through a session): bind, send, receive with a timeout. Not
 * part of the library.
 */
#ifndef LINTUN_COMMON_UDP_H
#define LINTUN_COMMON_UDP_H

#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>

/* A UDP socket bound to addr:port (IPv4 text), or exit(1). */
static inline int udp4_bind(const char *addr, int port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, addr, &sin.sin_addr);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        perror("udp4_bind");
        exit(1);
    }
    return fd;
}

/* udp4_bind() with a receive buffer of @bytes (SO_RCVBUFFORCE), for bursts. */
static inline int udp4_bind_deep(const char *addr, int port, int bytes)
{
    int fd = udp4_bind(addr, port);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes));
    return fd;
}

static inline int udp4_send(int fd, const char *addr, int port, const void *p, size_t n)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, addr, &sin.sin_addr);
    return (int)sendto(fd, p, n, 0, (struct sockaddr *)&sin, sizeof(sin));
}

/* Receive with a timeout in ms: length, or -1 on timeout. */
static inline ssize_t recv_timeout(int fd, void *buf, size_t n, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, ms) != 1)
        return -1;
    return recv(fd, buf, n, 0);
}

#endif
