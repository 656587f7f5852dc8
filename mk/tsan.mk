# SPDX-License-Identifier: MIT
# ThreadSanitizer over the concurrency tests. `make tsan-build` builds the
# tests named in TSAN_TESTS (and the library under them) with
# -fsanitize=thread into build-tsan/; tests/tsan.sh (run by `make check`)
# builds and runs them and fails on any TSan report. Suppressions, if ever
# needed, go in tests/tsan.supp with a justification for each.

TSAN_B := build-tsan
TSAN_TESTS := session-allocation-order session-wait-event session-eof-on-delete \
	stress-concurrent fault-end-session-wait fault-delete-mid-traffic fault-ring-full-long \
	fault-link-down fault-sigkill-creator session-release-wakes-waiter
TSAN_BINS := $(addprefix $(TSAN_B)/tests/,$(TSAN_TESTS))

.PHONY: tsan-build tsan-list
tsan-build:
	$(Q)$(MAKE) --no-print-directory B=$(TSAN_B) CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=thread" $(TSAN_BINS)

tsan-list:
	@echo $(TSAN_TESTS)
