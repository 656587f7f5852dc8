# SPDX-License-Identifier: MIT
# The `wintun` Python package, built in place for /usr/bin/python3 (Debian's
# python3-dev) without setuptools or pip:
#   make python        build/python/wintun/ (PYTHONPATH=build/python to use it)
#   make bench-python  packets per second echoed by a Python loop, beside C
# The extension links liblintun statically, so nothing needs installing.
# `make install` also installs the package (install-extra), when python3-dev
# is there. `pip install ./python` is the other way (python/pyproject.toml).

PYTHON ?= /usr/bin/python3
PYTHON_CONFIG ?= $(PYTHON)-config
PY_SRC := python/wintun
PY_OUT := $(B)/python/wintun
PY_FILES := __init__.py _wintun.pyi py.typed
PY_STAMP := $(PY_OUT)/.built
# Extension flags: the library's warnings, plus Python's headers.
PY_CFLAGS = -std=gnu11 -pthread -fPIC -fvisibility=hidden $(WARN) -Wno-missing-field-initializers \
	$(CFLAGS) $(shell $(PYTHON_CONFIG) --includes)
PY_SITEDIR ?= $(PREFIX)/lib/python3/dist-packages

.PHONY: python bench-python python-install
python: $(PY_STAMP)

# The extension uses only the public API: wintun.h and the installed archive.
PY_C_SRCS := $(wildcard $(PY_SRC)/*.c)
$(PY_STAMP): $(PY_C_SRCS) $(PY_SRC)/_wintun.h $(addprefix $(PY_SRC)/,$(PY_FILES)) \
		include/wintun.h $(B)/liblintun.a mk/python.mk
	@mkdir -p $(PY_OUT)
	@$(PYTHON_CONFIG) --includes >/dev/null 2>&1 || { \
		echo "python: $(PYTHON_CONFIG) is missing: apt-get install python3-dev" >&2; exit 1; }
	$(call say,CC,$(PY_OUT)/_wintun.so)$(CC) -D_GNU_SOURCE -Iinclude $(CPPFLAGS) $(PY_CFLAGS) -shared \
		-o $(PY_OUT)/_wintun$$($(PYTHON_CONFIG) --extension-suffix) $(PY_C_SRCS) \
		$(B)/liblintun.a $(LDLIBS_ALL) -Wl,--exclude-libs,ALL
	$(Q)cp $(addprefix $(PY_SRC)/,$(PY_FILES)) $(PY_OUT)/
	$(Q)touch $@

# Installed for the PREFIX given (Debian's /usr/local/lib/python3/dist-packages
# is on /usr/bin/python3's path); skipped without python3-dev.
install-extra:: python-install
python-install:
	$(Q)if $(PYTHON_CONFIG) --includes >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory python && \
		install -d $(DESTDIR)$(PY_SITEDIR)/wintun && \
		install -m 0644 $(PY_OUT)/_wintun*.so $(addprefix $(PY_OUT)/,$(PY_FILES)) \
			$(DESTDIR)$(PY_SITEDIR)/wintun/; \
	else echo "install: python3-dev missing, the wintun Python package is not installed"; fi

PY_BENCH_BINS := $(B)/bench/python_echo $(B)/bench/udpflood
$(B)/bench/python_echo: bench/python_echo.c bench/bench.h bench/lintun-common.h $(B)/liblintun.a
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -o $@ $< $(B)/liblintun.a $(LDLIBS_ALL)

bench-python: lib python $(PY_BENCH_BINS)
	$(Q)if [ "$$(id -u)" != 0 ]; then echo "bench-python: needs root (network namespace)" >&2; exit 1; fi
	$(Q)QUICK="$(QUICK)" REPS="$(REPS)" unshare -n $(PYTHON) bench/python_bench.py $(B)

-include $(B)/bench/python_echo.d
