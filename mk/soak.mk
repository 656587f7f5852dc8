# SPDX-License-Identifier: MIT
# `make soak`: bidirectional traffic through one session, in a network
# namespace of its own, for SOAK_SECONDS (default 600); reports resident
# memory growth, drops and packets (bench/soak.c). Needs root. Not part of
# `make check`.

SOAK_SECONDS ?= 600

.PHONY: soak
soak: $(B)/bench/soak
	$(Q)$(B)/bench/soak $(SOAK_SECONDS)

$(B)/bench/soak: bench/soak.c tests/net.h tests/harness.h tests/offload-pkt.h $(B)/liblintun-internal.a
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CPPFLAGS_ALL) -Itests $(CFLAGS_ALL) -o $@ $< $(B)/liblintun-internal.a $(LDLIBS_ALL)
