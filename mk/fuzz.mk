# SPDX-License-Identifier: MIT
# libFuzzer harnesses (fuzz/fuzz-*.c) over the pure code: offload (split,
# coalesce, packet validation), the Wintun ring (fuzz-ring) and the rtnetlink
# reply parsers (fuzz-netlink, which also links src/netlink.c and libmnl).
#   make fuzz-build             build them into $(FUZZ_B)/
#   make fuzz                   run each for FUZZ_SECONDS (default 600)
# Inputs the fuzzer finds go to $(FUZZ_B)/corpus/<name>/ (the committed seeds
# in fuzz/corpus/<name>/ are only read); crashes to $(FUZZ_B)/crash-*.

FUZZ_CC ?= clang
FUZZ_B ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_MAX_LEN ?= 66000
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_LIB_SRCS := src/offload.c src/ring.c
FUZZ_SRCS := $(wildcard fuzz/fuzz-*.c)
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=$(FUZZ_B)/%)

.PHONY: fuzz-build fuzz
fuzz-build: $(FUZZ_BINS)

$(FUZZ_B)/fuzz-%: fuzz/fuzz-%.c $(FUZZ_LIB_SRCS) src/offload.h src/ring.h
	@mkdir -p $(@D)
	$(call say,FUZZCC,$@)$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) $(WARN) -o $@ $< \
		$(FUZZ_LIB_SRCS)

# The netlink parsers need their own sources and libmnl.
$(FUZZ_B)/fuzz-netlink: fuzz/fuzz-netlink.c src/netlink.c src/netlink.h
	@mkdir -p $(@D)
	$(call say,FUZZCC,$@)$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) $(WARN) -o $@ $< \
		src/netlink.c -lmnl

fuzz: fuzz-build
	$(Q)for f in $(FUZZ_BINS); do \
		name=$${f##*/fuzz-}; mkdir -p $(FUZZ_B)/corpus/$$name; \
		echo "  FUZZ    $$name for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) -timeout=10 \
			-artifact_prefix=$(FUZZ_B)/ -print_final_stats=1 \
			$(FUZZ_B)/corpus/$$name fuzz/corpus/$$name || exit 1; \
	done
