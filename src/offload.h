/* SPDX-License-Identifier: MIT */
/*
 * Segmentation offload: pure functions over bytes, no I/O, no allocation, no
 * global state. Safe to call from any thread; each call only touches the
 * buffers it is given. Every function treats its input as hostile.
 */
#ifndef LINTUN_OFFLOAD_H
#define LINTUN_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_net.h>

/* UDP segmentation offload (USO); older uapi headers lack the name. */
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

/* Bytes of struct virtio_net_hdr in front of each packet (no num_buffers). */
#define OFFLOAD_VNET_HDR_LEN 10u

/* Room for one packet of any size a TUN queue passes: an IP packet's 16-bit
 * length, plus slack (the split's scratch buffer). */
#define OFFLOAD_SCRATCH_LEN 0x10000u

/* Room for one read or one write of a TUN queue: header and packet. */
#define OFFLOAD_SUPER_LEN (OFFLOAD_VNET_HDR_LEN + OFFLOAD_SCRATCH_LEN)

/*
 * offload_split - turn what one read() of a TUN queue with IFF_VNET_HDR gave
 * into standard IP packets.
 * @hdr: the virtio_net_hdr that preceded the packet (little-endian fields,
 *   as the kernel writes them on x86).
 * @pkt, @len: the packet after the header (an IPv4 or IPv6 packet, possibly a
 *   TSO/USO super-packet, possibly with only a partial checksum).
 * @emit: called once per output packet with a pointer into @scratch (or into
 *   @pkt when no change is needed) and its length; returns 0 to go on, or a
 *   negative value to stop (offload_split returns that value). The buffer
 *   passed to emit is only valid during the call.
 * @scratch, @scratch_len: room for one output packet (65535 bytes always
 *   suffice; a smaller buffer that cannot hold one segment gives -EINVAL).
 *   Not needed (may be NULL) for gso_type NONE without NEEDS_CSUM.
 * Each output is a complete packet: lengths, IPv4 header checksum, IPv4 ID
 * (incremented per segment), TCP sequence numbers, TCP flags (FIN/PSH only on
 * the last segment, CWR only on the first), UDP length, and a full L4
 * checksum where the header asked for one (VIRTIO_NET_HDR_F_NEEDS_CSUM) or
 * the packet was segmented.
 * gso_type NONE without NEEDS_CSUM: @pkt is emitted as it is (any bytes,
 * even not IP; the caller may check offload_packet_valid()). The header's
 * hdr_len, gso_size, csum_start and csum_offset are never trusted: headers are
 * parsed from the packet; csum_start/csum_offset (NONE with NEEDS_CSUM) must
 * lie inside the IP-declared length, after the IP header. Bytes after the IP
 * total/payload length are dropped. GSO packets must be IPv4 without
 * fragmentation or IPv6 without extension headers; the ECN bit (0x80) in
 * gso_type is accepted. A GSO type may carry payload <= gso_size (one
 * segment, checksums completed).
 * Returns the number of packets emitted (>= 1), the emit callback's negative
 * value (packets before it were emitted), or -EINVAL when the input is
 * malformed or @scratch too small (nothing emitted in that case: the caller
 * drops and counts it). Never reads past pkt + len.
 */
int offload_split(const struct virtio_net_hdr *hdr, const uint8_t *pkt, size_t len,
                  int (*emit)(void *arg, const uint8_t *p, size_t n), void *arg, uint8_t *scratch,
                  size_t scratch_len);

/*
 * offload_split_to - offload_split() that builds each output packet straight
 * where the caller will keep it, with no scratch copy: @slot is called with
 * the packet's exact length before the packet is built, and returns room for
 * it (a ring slot), or NULL to stop. The same packets and checks as
 * offload_split(); the L4 checksums are summed while the payload is copied.
 * Returns the number of packets built, -EINVAL when the input is malformed
 * (checked before the first slot is asked for: nothing built), or -ENOSPC
 * when @slot returned NULL (the packets before it were built).
 */
int offload_split_to(const struct virtio_net_hdr *hdr, const uint8_t *pkt, size_t len,
                     uint8_t *(*slot)(void *arg, size_t n), void *arg);

/*
 * Coalescing of sent packets into one super-packet (GRO in reverse).
 *
 * struct offload_coalescer holds one super-packet being built in a caller-
 * owned buffer. offload_coalesce_add() appends a packet when it continues the
 * one being built and keeps the stream byte-identical after the kernel
 * segments it again: TCP (IPv4 without options or fragments, or IPv6 without
 * extension headers), same addresses, ports, IP fields (TOS/traffic class,
 * TTL/hop limit, DF), same TCP header apart from sequence number and
 * checksum (same ACK, window, options, flags that allow merging: ACK, and PSH
 * only on the last segment added), sequence numbers adjacent, every segment
 * the same payload size except a smaller last one, valid checksums on input.
 * UDP datagrams of one flow of equal size may be merged when allow_udp is set.
 *
 * Precisely, following the kernel's GRO (tools/testing/selftests/net/lib/
 * gro.c) where a TUN write can give the same segments back, and stricter
 * where it cannot: IPv4 IDs follow one pattern per super-packet, first_id +
 * index (mod 2^16) as the kernel's segmentation writes them, or, for UDP
 * with DF set only (an atomic datagram, whose ID has no meaning, RFC 6864),
 * first_id on every datagram, which comes back renumbered first_id + index,
 * the one field not given back as it was; a packet that breaks the pattern
 * starts the next super-packet. Fixed IDs without DF, and fixed-ID TCP
 * (which the kernel gives back only with SKB_GSO_TCP_FIXEDID, which a TUN
 * write cannot ask for), never merge. No SYN/RST/URG, and no CWR (GRO ends a
 * merge where CWR changes, and a TUN write's segmentation clears CWR after
 * the first segment); a PSH/FIN or short segment is the last one (the
 * coalescer is then closed); checksums must not only verify but equal the
 * value the kernel's segmentation writes (0x0000 rather than 0xffff for TCP,
 * 0xffff for a UDP 0), and UDP must carry a checksum; total IP length <=
 * 65535 and <= cap. Packets are never reordered: a packet that does not
 * continue the super-packet ends it.
 * With these rules, offload_coalesce_finish() followed by the kernel's
 * segmentation (or offload_split()) gives back the added packets byte for
 * byte, apart from the renumbered IDs of fixed-ID UDP (and so the IPv4
 * header checksum).
 *
 * Ownership: a coalescer made by offload_coalescer_init() keeps no pointer
 * to the packets given to add (their payloads are copied into @buf). One
 * made by offload_coalescer_init_gather() copies only the headers of the
 * first segment into its buffer and keeps a pointer to each segment's
 * payload, which the caller keeps valid until the super-packet is written
 * (offload_coalesce_iov() gives the pieces to write, in order); it reads
 * the payloads once, to check their checksums, and never writes them. Either
 * writes only into @buf. One coalescer belongs to one thread; there is no
 * locking.
 */
/* Segments of a gathered super-packet, at most (as many as the kernel's GRO
 * merges into one packet). */
#define OFFLOAD_GATHER_MAX 64u
/* Room for the buffer of a gathering coalescer: virtio_net_hdr and headers. */
#define OFFLOAD_GATHER_HDR_LEN 136u

struct offload_coalescer {
    uint8_t *buf; /* caller's buffer: 65535 + 10 bytes, or OFFLOAD_GATHER_HDR_LEN (gather) */
    size_t cap;
    size_t len;            /* bytes of the super-packet: virtio_net_hdr + packet */
    unsigned int segments; /* packets merged so far (0: empty) */
    /* private state below */
    bool gather;
    const uint8_t *seg[OFFLOAD_GATHER_MAX]; /* gather: each segment's payload */
    uint16_t seg_len[OFFLOAD_GATHER_MAX];
    uint16_t gso_size;
    uint8_t gso_type;
    uint16_t l3_len;
    uint16_t l4_off;
    uint16_t hdr_len; /* headers of one segment (IP + TCP/UDP) */
    bool closed;      /* last segment was short or had PSH/FIN */
    bool id_fixed;    /* IPv4: every segment has the first one's ID (UDP with DF) */
};

void offload_coalescer_init(struct offload_coalescer *c, uint8_t *buf, size_t cap);
/* A coalescer that gathers payloads where they are; @hdr_buf has
 * OFFLOAD_GATHER_HDR_LEN bytes. */
void offload_coalescer_init_gather(struct offload_coalescer *c, uint8_t *hdr_buf);

enum offload_add_result {
    OFFLOAD_MERGED,         /* packet appended to the current super-packet */
    OFFLOAD_STARTED,        /* coalescer was empty; packet is now its first segment */
    OFFLOAD_FLUSH_FIRST,    /* does not fit: flush the current one, then add again */
    OFFLOAD_NOT_COALESCABLE /* write this packet on its own (coalescer untouched);
                               to keep the order of a flow, finish and write the
                               current super-packet first */
};

/* Offer a packet; see the result codes. @allow_udp enables UDP (USO). */
enum offload_add_result offload_coalesce_add(struct offload_coalescer *c, const uint8_t *pkt,
                                             size_t len, bool allow_udp);

/*
 * Finish the super-packet: fill in the virtio_net_hdr at c->buf (gso_type,
 * gso_size, hdr_len, csum_start/offset with NEEDS_CSUM and the pseudo-header
 * checksum in place when segments > 1; a plain header with no flags when
 * segments == 1 and the packet is unchanged), fix the IP total/payload
 * length. Returns the number of bytes to
 * write (c->len: header + packet, 0 when empty); the caller writes them from
 * c->buf in one write() and then calls offload_coalescer_reset() before
 * adding again.
 */
size_t offload_coalesce_finish(struct offload_coalescer *c);
/*
 * After offload_coalesce_finish(): the super-packet as pieces to write in
 * order (writev), at most OFFLOAD_GATHER_MAX + 1: the header buffer, then
 * each segment's payload (gather), or the whole of @buf. Returns how many.
 */
struct iovec;
unsigned int offload_coalesce_iov(const struct offload_coalescer *c, struct iovec *iov);
void offload_coalescer_reset(struct offload_coalescer *c);

/*
 * Is this a well-formed IPv4/IPv6 packet to send? IPv4: version 4, at least
 * 20 bytes, IHL >= 5, header and total length within the packet. IPv6:
 * version 6, at least 40 bytes, 40 + payload length within the packet.
 */
bool offload_packet_valid(const uint8_t *pkt, size_t len);

/*
 * Internet checksum helpers (RFC 1071), exposed for tests. offload_csum_add
 * adds big-endian 16-bit words to @sum (when chaining, only the last chunk
 * may have an odd length); offload_csum_fold folds carries into 16 bits
 * without inverting.
 */
uint32_t offload_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t offload_csum_fold(uint32_t sum);
/* offload_csum_add() over @src that also copies the @len bytes to @dst, in
 * one pass (the buffers must not overlap). */
uint32_t offload_csum_copy(uint32_t sum, void *dst, const void *src, size_t len);

/*
 * A TCP segment with at least OFFLOAD_BULK_TCP_PAYLOAD bytes of payload (IPv4
 * or IPv6 without extension headers): what a bulk transfer looks like when
 * the kernel cannot hand it over as super-packets.
 */
#define OFFLOAD_BULK_TCP_PAYLOAD 512u
bool offload_bulk_tcp(const uint8_t *pkt, size_t len);

#endif
