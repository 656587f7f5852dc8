# SPDX-License-Identifier: MIT
# lintun - the Wintun API on Linux. `make demo` runs the main job, `make check` the tests.

# The release version is written once, in include/wintun.h.
version_part = $(shell sed -n 's/^\#define LINTUN_VERSION_$(1) \([0-9][0-9]*\)$$/\1/p' include/wintun.h)
VERSION := $(call version_part,MAJOR).$(call version_part,MINOR).$(call version_part,PATCH)
ifneq ($(words $(subst ., ,$(VERSION))),3)
$(error could not read LINTUN_VERSION_MAJOR/MINOR/PATCH from include/wintun.h)
endif
# The ABI, not the release: the soname's number and the symbol version node
# (src/liblintun.map) change only when the ABI breaks, together with the
# baseline in abi/ (README, "Changing the ABI").
SOVERSION := 0
SONAME := liblintun.so.$(SOVERSION)

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
EXAMPLEDIR ?= $(PREFIX)/share/doc/lintun/examples
DESTDIR ?=

CC ?= cc
OBJCOPY ?= objcopy
CFLAGS ?= -O2 -g
B ?= build
SAN ?=

WARN := -Wall -Wextra -Wmissing-prototypes -Wshadow -Wstrict-prototypes -Wformat=2 \
        -Wno-unused-parameter
CPPFLAGS_ALL := -D_GNU_SOURCE -Iinclude -Isrc $(CPPFLAGS)
CFLAGS_ALL := -std=gnu11 -pthread -MMD -MP $(WARN) $(CFLAGS) $(SAN)
LIB_CFLAGS := $(CFLAGS_ALL) -fPIC -fvisibility=hidden
LDLIBS_ALL := -lmnl -luring -pthread

ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

LIB_SRCS := $(wildcard src/*.c)
LIB_OBJS := $(LIB_SRCS:src/%.c=$(B)/obj/%.o)
# Tests live in folders by what they need (tests/README.md): pure/ (no root,
# no kernel) and kernel/ (root, /dev/net/tun, a network namespace); their
# helpers in lib/. Every binary lands in $(B)/tests/ under the file's name.
TEST_SRCS := $(wildcard tests/pure/*.c tests/kernel/*.c)
TEST_BINS := $(addprefix $(B)/tests/,$(basename $(notdir $(TEST_SRCS))))
EXAMPLE_SRCS := $(wildcard examples/*.c)
EXAMPLE_BINS := $(EXAMPLE_SRCS:examples/%.c=$(B)/examples/%)
# Installed as source, for users to read and copy (EXAMPLEDIR).
EXAMPLE_FILES := $(EXAMPLE_SRCS) $(wildcard examples/*.py)
TOOL_BINS := $(B)/lintun

.PHONY: all lib deps check check-only test test-asan demo install uninstall clean help
.DEFAULT_GOAL := all

# `make` only builds: with something missing it names the package and stops.
all: deps-verify lib $(TOOL_BINS) $(EXAMPLE_BINS)

lib: $(B)/$(SONAME) $(B)/liblintun.so $(B)/liblintun.a $(B)/lintun.pc

help:
	@echo "make            build the library, the lintun tool and the examples"
	@echo "make deps       install (apt-get, as root) what building and testing need"
	@echo "make demo       build and run the demo in a network namespace of its own"
	@echo "make check      build and run every test (also under ASan/UBSan)"
	@echo "make check-under-load  make check RUNS=10 times beside stress-ng --cpu 2"
	@echo "make bench      benchmarks against the alternatives (QUICK=1 for a short run)"
	@echo "make install    install (PREFIX=$(PREFIX), DESTDIR; examples' sources in EXAMPLEDIR)"
	@echo "make deb        Debian packages in build-deb/, checked by lintian (deb-check: also installed)"
	@echo "make abi-check  compare the library's ABI with abi/ (part of make check)"
	@echo "make format     rewrite the C files as .clang-format says (format-check: part of make check)"
	@echo "make symbols    add new exports to debian/liblintun0.symbols"

# Dependencies are installed by the project's own script (apt-get as root on
# Debian/Ubuntu; otherwise it prints the command to run). `make deps`,
# `make demo`, `make check` and `make bench` install; plain `make` only
# verifies and names what is missing.
.PHONY: deps-verify deps-check
deps-verify:
	$(Q)sh scripts/deps.sh build --no-install
deps: deps-check
deps-check:
	$(Q)sh scripts/deps.sh check

$(B)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CPPFLAGS_ALL) $(LIB_CFLAGS) -c -o $@ $<

$(B)/$(SONAME): $(LIB_OBJS) src/liblintun.map
	$(call say,LD,$@)$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/liblintun.map \
		-Wl,-z,defs -Wl,-z,now $(SAN) $(LDFLAGS) -o $@ $(LIB_OBJS) $(LDLIBS_ALL)

$(B)/liblintun.so: $(B)/$(SONAME)
	$(Q)ln -sf $(SONAME) $@

# The installed archive holds one relocatable object in which every symbol but
# the exports (LINTUN_EXPORT) is local: internals such as log_msg or nl_close
# cannot collide with a program's own (tests/scripts/static-link-no-collision.sh).
$(B)/liblintun.o: $(LIB_OBJS)
	$(call say,LD,$@)$(LD) -r -o $@.tmp $(LIB_OBJS) && $(OBJCOPY) --localize-hidden $@.tmp $@ \
		&& rm -f $@.tmp

$(B)/liblintun.a: $(B)/liblintun.o
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $<

# Tests and benchmarks that call internal functions link this one; never installed.
$(B)/liblintun-internal.a: $(LIB_OBJS)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

# The pkg-config file is written again at install time, for the PREFIX given then.
PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|'
$(B)/lintun.pc: lintun.pc.in Makefile include/wintun.h
	$(Q)mkdir -p $(@D) && $(PC_SED) $< > $@

# Tests link the internal archive: they may call internal functions.
# Their helpers are included by name ("harness.h") from tests/lib.
TEST_BUILD = @mkdir -p $(@D)
TEST_LINK = $(call say,CC,$<)$(CC) $(CPPFLAGS_ALL) -Itests/lib $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< \
	$(B)/liblintun-internal.a $(LDLIBS_ALL)
$(B)/tests/%: tests/pure/%.c $(B)/liblintun-internal.a tests/lib/harness.h
	$(TEST_BUILD)
	$(TEST_LINK)
$(B)/tests/%: tests/kernel/%.c $(B)/liblintun-internal.a tests/lib/harness.h
	$(TEST_BUILD)
	$(TEST_LINK)

$(B)/examples/%: examples/%.c $(B)/liblintun.a
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(B)/liblintun.a \
		$(LDLIBS_ALL)

# The CLI is built as a user would build it: the public header and library only.
$(B)/lintun: $(wildcard tools/*.c) include/wintun.h $(B)/liblintun.a
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) -Iinclude $(CPPFLAGS) $(CFLAGS_ALL) $(LDFLAGS) -o $@ \
		$(wildcard tools/*.c) $(B)/liblintun.a $(LDLIBS_ALL)

tests-build: lib $(B)/liblintun-internal.a $(TEST_BINS) $(TOOL_BINS) $(EXAMPLE_BINS)
.PHONY: tests-build

# `make check`: install what is missing, check the C files' formatting
# (mk/format.mk), build, compare the library's ABI with abi/ (mk/abi.mk), run
# every test, then the whole suite again under AddressSanitizer and
# UndefinedBehaviorSanitizer.
check: deps-check
	$(Q)$(MAKE) --no-print-directory check-only

check-only: format-check all tests-build abi-check
	$(Q)$(MAKE) --no-print-directory B=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" tests-build
	$(Q)LINTUN_BUILD=$(B) LINTUN_ASAN_BUILD=build-asan sh tests/run.sh

# `make check-under-load`: `make check` RUNS times (default 10) on this tree
# while stress-ng keeps both cores busy; stops at the first failure and
# prints each run's time (scripts/check-under-load.sh).
RUNS ?= 10
check-under-load: deps-check
	$(Q)sh scripts/deps.sh load
	$(Q)RUNS=$(RUNS) sh scripts/check-under-load.sh
.PHONY: check-under-load

test: tests-build
	$(Q)LINTUN_BUILD=$(B) sh tests/run.sh

install: lib $(TOOL_BINS)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BINDIR)
	install -m 0755 $(B)/$(SONAME) $(DESTDIR)$(LIBDIR)/liblintun.so.$(VERSION)
	ln -sf liblintun.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/liblintun.so
	install -m 0644 $(B)/liblintun.a $(DESTDIR)$(LIBDIR)/liblintun.a
	install -m 0644 include/wintun.h $(DESTDIR)$(INCLUDEDIR)/wintun.h
	$(PC_SED) lintun.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/lintun.pc
	install -m 0755 $(B)/lintun $(DESTDIR)$(BINDIR)/lintun
	install -d $(DESTDIR)$(EXAMPLEDIR)
	install -m 0644 $(EXAMPLE_FILES) $(DESTDIR)$(EXAMPLEDIR)/
	$(Q)$(MAKE) --no-print-directory install-extra

uninstall: uninstall-extra
	rm -f $(DESTDIR)$(LIBDIR)/liblintun.so* $(DESTDIR)$(LIBDIR)/liblintun.a \
		$(DESTDIR)$(INCLUDEDIR)/wintun.h $(DESTDIR)$(PKGCONFIGDIR)/lintun.pc $(DESTDIR)$(BINDIR)/lintun
	rm -f $(addprefix $(DESTDIR)$(EXAMPLEDIR)/,$(notdir $(EXAMPLE_FILES)))
	-rmdir $(DESTDIR)$(EXAMPLEDIR)

# Other makefiles (mk/*.mk) add to install-extra and bring their own targets.
.PHONY: install-extra uninstall-extra
install-extra::
	@:
uninstall-extra::
	@:

demo:
	$(Q)sh scripts/deps.sh demo
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh scripts/demo.sh $(B)

clean:
	rm -rf build build-asan build-tsan build-fuzz build-deb

-include mk/*.mk
-include $(LIB_OBJS:.o=.d) $(TEST_BINS:=.d)
