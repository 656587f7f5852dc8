# SPDX-License-Identifier: MIT
# Man pages, written in scdoc.
#   make man        build them into $(B)/man/
#   make install    also installs them under $(MANDIR)/man{1,3,7}
# The section 3 pages, one per function, are made from the doc comments of
# include/wintun.h by man/mkman.py (into $(B)/man/scd/), so the header is
# the one reference of the API; edit it there. Functions documented on
# another function's page (LintunSetMtu on LintunGetMtu's, the inline
# GetLastError on LintunGetLastError's) get a one-line ".so" page, which
# mkman.py lists in $(B)/man/scd/links. lintun(1) and lintun(7) are written
# by hand in man/. Building them needs python3 and scdoc (`make deps`);
# without them `make man` and `make install` stop, naming the package. The
# version in each page's title ("lintun X.Y.Z") is the one in
# include/wintun.h, whatever a hand-written source says.

SCDOC ?= scdoc
PYTHON ?= /usr/bin/python3
MAN_HAND := $(wildcard man/*.scd)
MAN_STAMP := $(B)/man/.stamp

.PHONY: man install-man uninstall-man
man: $(MAN_STAMP)

# scdoc turns hyphenation off before .TH, which turns it on again; function
# names cut in two ("Wintun-\nCloseAdapter") read badly, so turn it off after.
# A link page is one line, ".so man3/TARGET.3", resolved by man from the top
# of the manual tree.
$(MAN_STAMP): include/wintun.h man/mkman.py $(MAN_HAND) mk/man.mk
	@command -v $(SCDOC) >/dev/null 2>&1 || { \
		echo "man: $(SCDOC) is missing: apt-get install scdoc (or make deps)" >&2; exit 1; }
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
		echo "man: $(PYTHON) is missing: apt-get install python3 (or make deps)" >&2; exit 1; }
	$(Q)rm -rf $(B)/man && mkdir -p $(B)/man/scd
	$(call say,MKMAN,include/wintun.h)$(PYTHON) man/mkman.py include/wintun.h $(B)/man/scd
	$(Q)for src in $(B)/man/scd/*.scd $(MAN_HAND); do \
		page=$(B)/man/$${src##*/}; page=$${page%.scd}; \
		sed '1s/"lintun [0-9][0-9.]*"/"lintun $(VERSION)"/' "$$src" | $(SCDOC) > "$$page.tmp" && \
		sed -i '/^\.TH /a .nh' "$$page.tmp" && mv "$$page.tmp" "$$page" || exit 1; \
	done
	$(Q)grep -v '^#' $(B)/man/scd/links | while read -r link target; do \
		test -f "$(B)/man/$$target" || { echo "man: $$link points to missing $$target" >&2; exit 1; }; \
		printf '.so man%s/%s\n' "$${target##*.}" "$$target" > "$(B)/man/$$link" || exit 1; \
	done
	$(call say,SCDOC,$(B)/man/)touch $@

install-man: man
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man7
	$(Q)for f in $(B)/man/*.[1-8]; do \
		s=$${f##*.}; install -m 0644 "$$f" "$(DESTDIR)$(MANDIR)/man$$s/$${f##*/}" || exit 1; \
	done

# Removes what install-man installed: the pages named in the header and man/.
uninstall-man:
	$(Q)for f in $$($(PYTHON) man/mkman.py --list include/wintun.h) \
		$(patsubst man/%.scd,%,$(MAN_HAND)); do \
		rm -f "$(DESTDIR)$(MANDIR)/man$${f##*.}/$$f"; done

install-extra:: install-man
uninstall-extra:: uninstall-man
