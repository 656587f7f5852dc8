# SPDX-License-Identifier: MIT
# The `wintun` Python package, built for /usr/bin/python3 (Debian's
# python3-dev and python3-setuptools) by python/setup.py, the one build
# recipe (pip and the Debian package use it too):
#   make python        build/python/wintun/ (PYTHONPATH=build/python to use it)
#   make bench-python  packets per second echoed by a Python loop, beside C
# The extension links liblintun statically, so nothing needs installing;
# PY_LINK=shared links it against $(B)/liblintun.so (the Debian package).
# `make install` also installs the package (install-extra), when python3-dev
# is there.

PYTHON ?= /usr/bin/python3
PYTHON_CONFIG ?= $(PYTHON)-config
PY_SRC := python/wintun
PY_OUT := $(B)/python/wintun
PY_LINK ?= static
PY_STAMP := $(PY_OUT)/.built-$(PY_LINK)
PY_SITEDIR ?= $(PREFIX)/lib/python3/dist-packages
# setup.py runs from python/: every path it is given is absolute.
PY_SETUP = cd python && LINTUN_BUILD=$(abspath $(B)) LINTUN_LINK=$(PY_LINK) \
	CC="$(CC)" CFLAGS="$(CFLAGS) $(WARN) -Wno-missing-field-initializers" \
	LDFLAGS="$(LDFLAGS)" $(PYTHON) setup.py -q

.PHONY: python bench-python python-install
python: $(PY_STAMP)

$(PY_STAMP): $(wildcard $(PY_SRC)/*) python/setup.py python/pyproject.toml include/wintun.h \
		$(B)/liblintun.a $(if $(filter shared,$(PY_LINK)),$(B)/liblintun.so) mk/python.mk
	@$(PYTHON_CONFIG) --includes >/dev/null 2>&1 || { \
		echo "python: $(PYTHON_CONFIG) is missing: apt-get install python3-dev" >&2; exit 1; }
	@$(PYTHON) -c 'import setuptools' 2>/dev/null || { \
		echo "python: setuptools is missing: apt-get install python3-setuptools" >&2; exit 1; }
	@rm -rf $(PY_OUT) && mkdir -p $(@D)
	$(call say,SETUP,$(PY_OUT))$(PY_SETUP) build --force \
		--build-base $(abspath $(B))/python-build --build-lib $(abspath $(B))/python
	$(Q)rm -rf python/wintun.egg-info
	$(Q)touch $@

# Installed for the PREFIX given (Debian's /usr/local/lib/python3/dist-packages
# is on /usr/bin/python3's path); skipped without python3-dev.
install-extra:: python-install
python-install:
	$(Q)if $(PYTHON_CONFIG) --includes >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory python && \
		install -d $(DESTDIR)$(PY_SITEDIR)/wintun && \
		install -m 0644 $(PY_OUT)/_wintun*.so $(PY_OUT)/*.py $(PY_OUT)/*.pyi $(PY_OUT)/py.typed \
			$(DESTDIR)$(PY_SITEDIR)/wintun/; \
	else echo "install: python3-dev missing, the wintun Python package is not installed"; fi

PY_BENCH_BINS := $(B)/bench/python_echo $(B)/bench/udpflood
$(B)/bench/python_echo: bench/python_echo.c bench/bench.h bench/lintun-common.h $(B)/liblintun.a
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(B)/liblintun.a $(LDLIBS_ALL)

bench-python: lib python $(PY_BENCH_BINS)
	$(Q)if [ "$$(id -u)" != 0 ]; then echo "bench-python: needs root (network namespace)" >&2; exit 1; fi
	$(Q)QUICK="$(QUICK)" REPS="$(REPS)" unshare -n $(PYTHON) bench/python_bench.py $(B)

-include $(B)/bench/python_echo.d
