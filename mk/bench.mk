# SPDX-License-Identifier: MIT
# `make bench`: lintun side by side with what a user would pick instead (raw
# TUN read/write, TUN with vnet headers, the same with io_uring writes, veth).
# Reports; never passes or fails, and is never part of `make check`. QUICK=1 for a short run, REPS=N
# repetitions (default 3). See docs/benchmarks.md.

BENCH_RAW := fwd-naive fwd-vnet echo-naive udpsink udpflood nullsys tunnel-naive
BENCH_URING := fwd-vnet-uring
BENCH_LINTUN := fwd-lintun sessrx sesstx echo-lintun
BENCH_RAW_BINS := $(addprefix $(B)/bench/,$(BENCH_RAW))
BENCH_URING_BINS := $(addprefix $(B)/bench/,$(BENCH_URING))
BENCH_LINTUN_BINS := $(addprefix $(B)/bench/,$(BENCH_LINTUN))

.PHONY: bench bench-build
bench:
	$(Q)sh scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory bench-build
	$(Q)QUICK="$(QUICK)" REPS="$(REPS)" sh bench/run.sh $(B)

# The latency benchmark also runs the echo responder users copy from examples/,
# the tunnel benchmark the tunnels there (the Python one when python3-dev is
# installed: bench.py leaves lintun-py out without build/python).
bench-build: lib $(BENCH_RAW_BINS) $(BENCH_URING_BINS) $(BENCH_LINTUN_BINS) \
	$(patsubst examples/%.c,$(B)/examples/%,$(wildcard examples/echo-responder.c examples/udp-tunnel.c))
	$(Q)if $(PYTHON_CONFIG) --includes >/dev/null 2>&1; then $(MAKE) --no-print-directory python; fi

$(BENCH_RAW_BINS): $(B)/bench/%: bench/%.c bench/bench.h
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -o $@ $< -pthread

$(BENCH_URING_BINS): $(B)/bench/%: bench/%.c bench/bench.h
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< -luring -pthread

$(BENCH_LINTUN_BINS): $(B)/bench/%: bench/%.c bench/bench.h bench/lintun-common.h $(B)/liblintun.a
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -o $@ $< $(B)/liblintun.a $(LDLIBS_ALL)

-include $(BENCH_RAW_BINS:=.d) $(BENCH_URING_BINS:=.d) $(BENCH_LINTUN_BINS:=.d)
