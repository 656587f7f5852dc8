# SPDX-License-Identifier: MIT
# Man pages, written in scdoc (man/NAME.SECTION.scd, one source per page).
#   make man        build them into $(B)/man/
#   make install    also installs them under $(MANDIR)/man{1,3,7}
# Functions documented on another function's page get a one-line ".so"
# page, listed in man/links as "LINK TARGET" (so `man LintunSetMtu` shows
# LintunGetMtu(3)). `make install` needs scdoc (apt-get install scdoc, or
# `make deps`) and stops with that message without it. The version in each
# page's title ("lintun X.Y.Z") is the one in include/wintun.h, whatever the
# source says.

SCDOC ?= scdoc
MAN_SRCS := $(wildcard man/*.scd)
MAN_PAGES := $(MAN_SRCS:man/%.scd=$(B)/man/%)
MAN_LINK_NAMES := $(shell sed -n 's/^\([A-Za-z][^ ]*\.[1-8]\) .*/\1/p' man/links 2>/dev/null)
MAN_LINK_PAGES := $(MAN_LINK_NAMES:%=$(B)/man/%)
MAN_ALL := $(MAN_PAGES) $(MAN_LINK_PAGES)

.PHONY: man install-man uninstall-man
man: $(MAN_ALL)

# scdoc turns hyphenation off before .TH, which turns it on again; function
# names cut in two ("Wintun-\nCloseAdapter") read badly, so turn it off after.
$(B)/man/%: man/%.scd include/wintun.h
	@mkdir -p $(@D)
	@command -v $(SCDOC) >/dev/null 2>&1 || { \
		echo "man: $(SCDOC) is missing: apt-get install scdoc (or make deps)" >&2; exit 1; }
	$(call say,SCDOC,$@)sed '1s/"lintun [0-9][0-9.]*"/"lintun $(VERSION)"/' $< | $(SCDOC) > $@.tmp && \
		sed -i '/^\.TH /a .nh' $@.tmp && mv $@.tmp $@

# A link page is one line, ".so manN/TARGET.N", resolved by man from the top
# of the manual tree.
$(MAN_LINK_PAGES): $(B)/man/%: man/links
	@mkdir -p $(@D)
	$(Q)t=$$(awk -v n='$*' '$$1 == n { print $$2 }' man/links); \
		test -f "man/$$t.scd" || { echo "man/links: $* points to missing $$t" >&2; exit 1; }; \
		printf '.so man%s/%s\n' "$${t##*.}" "$$t" > $@

install-man: man
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man7
	$(Q)for f in $(MAN_ALL); do \
		s=$${f##*.}; install -m 0644 "$$f" "$(DESTDIR)$(MANDIR)/man$$s/$${f##*/}" || exit 1; \
	done

uninstall-man:
	$(Q)for f in $(MAN_ALL); do rm -f "$(DESTDIR)$(MANDIR)/man$${f##*.}/$${f##*/}"; done

install-extra:: install-man
uninstall-extra:: uninstall-man
