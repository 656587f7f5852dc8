# SPDX-License-Identifier: MIT
# The ABI gate (scripts/abi.sh, Debian's abigail-tools):
#   make abi-check      compare $(B)/$(SONAME) with the committed baseline;
#                       part of `make check`. Fails on a removed symbol, a
#                       changed signature or a changed public struct, naming
#                       it; functions added since the baseline pass.
#   make abi-baseline   write the baseline again from $(B)/$(SONAME)
# The baseline is named for the soname: a deliberate ABI break changes the
# soname, the version node (src/liblintun.map) and the baseline together
# (README, "Changing the ABI").

ABI_BASELINE := abi/$(SONAME).abi

.PHONY: abi-check abi-baseline
abi-check: $(B)/$(SONAME)
	$(Q)sh scripts/abi.sh check $(B)/$(SONAME) $(ABI_BASELINE)
	$(Q)sh scripts/symbols.sh check $(B)/$(SONAME) debian/liblintun0.symbols $(VERSION)

abi-baseline: $(B)/$(SONAME)
	$(Q)mkdir -p $(dir $(ABI_BASELINE))
	$(Q)sh scripts/abi.sh dump $(B)/$(SONAME) $(ABI_BASELINE)
