# SPDX-License-Identifier: MIT
# C formatting, by clang-format and .clang-format (scripts/format.sh):
#   make format        rewrite the tree's C files that differ, in place
#   make format-check  list the files that differ and fail; part of `make check`
.PHONY: format format-check
format:
	$(Q)sh scripts/format.sh apply
format-check:
	$(Q)sh scripts/format.sh check
