# SPDX-License-Identifier: MIT
# Debian packages from this tree (debian/), and the checks on them:
#   make deb-deps    install the packaging tools and debian/control's
#                    Build-Depends (apt-get, as root)
#   make deb         dpkg-buildpackage -us -uc -b on a copy of the tree in
#                    $(DEB_B)/ (the .debs land there), then lintian, which
#                    fails on any error
#   make deb-test    install those .debs in a throwaway root and use them
#                    (tests/deb/installed-packages.sh); needs root
#   make deb-check   both (CI)
#   make symbols     add new exports to debian/liblintun0.symbols, with
#                    version $(VERSION) (SINCE=X.Y.Z for another)
# The copy keeps the packaging's clean and build steps out of your build/.

DEB_B := build-deb
DEB_SRC := $(DEB_B)/lintun-$(VERSION)

.PHONY: deb deb-deps deb-test deb-check symbols
deb-deps:
	$(Q)sh scripts/deps.sh deb

deb:
	$(Q)sh scripts/deps.sh deb --no-install
	$(Q)rm -rf $(DEB_B) && mkdir -p $(DEB_SRC)
	$(Q)if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z -co --exclude-standard | tar --null --ignore-failed-read -T - -cf -; \
	else tar --exclude=./.git --exclude=./build --exclude='./build-*' -cf - .; fi | tar -xf - -C $(DEB_SRC)
	@echo "  DEB     $(DEB_B)/ (log: $(DEB_B)/build.log)"
	$(Q)cd $(DEB_SRC) && DEB_BUILD_OPTIONS="parallel=2 $(DEB_BUILD_OPTIONS)" \
		dpkg-buildpackage -us -uc -b >../build.log 2>&1 || { tail -n 60 ../build.log; exit 1; }
	$(Q)grep -E '^(PASS|FAIL|tests:|import wintun)' $(DEB_B)/build.log | sed 's/^/    /'
	$(Q)cd $(DEB_B) && ls -1 *.deb | sed 's/^/    /'
	@echo "  LINTIAN $(DEB_B)/*.changes"
	$(Q)lintian -I --fail-on error $(DEB_B)/*.changes >$(DEB_B)/lintian.log 2>&1; rc=$$?; \
		sed 's/^/    /' $(DEB_B)/lintian.log; exit $$rc

deb-test:
	$(Q)sh tests/deb/installed-packages.sh $(DEB_B)

deb-check: deb
	$(Q)$(MAKE) --no-print-directory deb-test

symbols: $(B)/$(SONAME)
	$(Q)sh scripts/symbols.sh update $(B)/$(SONAME) debian/liblintun0.symbols $(or $(SINCE),$(VERSION))
