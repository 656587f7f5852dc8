# SPDX-License-Identifier: MIT
# ThreadSanitizer over the concurrency tests: those whose marker line
# "test-rerun:" names "tsan" (tests/README.md). `make tsan-build` builds them
# (TSAN_TESTS, and the library under them) with -fsanitize=thread into
# build-tsan/; tests/scripts/tsan.sh (run by `make check`) builds and runs
# them and fails on any TSan report. Suppressions, if ever needed, go in
# tests/tsan.supp with a justification for each.

TSAN_B := build-tsan
TSAN_TESTS := $(basename $(notdir $(shell grep -lE \
	'^[[:space:]]*[*#][[:space:]]*test-rerun:.*[[:space:]]tsan([[:space:]]|$$)' $(TEST_SRCS))))
TSAN_BINS := $(addprefix $(TSAN_B)/tests/,$(TSAN_TESTS))

.PHONY: tsan-build tsan-list
tsan-build:
	$(Q)$(MAKE) --no-print-directory B=$(TSAN_B) CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=thread" $(TSAN_BINS)

tsan-list:
	@echo $(TSAN_TESTS)
