# SPDX-License-Identifier: MIT
# `make soak`: bidirectional traffic through one session, in a network
# namespace of its own, for SOAK_SECONDS (default 600); reports resident
# memory growth, drops and packets (bench/soak.c). Needs root. Not part of
# `make check`.

SOAK_SECONDS ?= 600

.PHONY: soak
soak: $(B)/bench/soak
	$(Q)$(B)/bench/soak $(SOAK_SECONDS)

# The public API only, like the other benchmarks; nothing from tests/.
$(B)/bench/soak: bench/soak.c bench/bench.h $(B)/liblintun.a
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(B)/liblintun.a \
		$(LDLIBS_ALL)

-include $(B)/bench/soak.d
