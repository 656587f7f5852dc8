# SPDX-License-Identifier: MIT
"""The C extension for setuptools (metadata is in pyproject.toml).

liblintun comes, in this order, from:
  1. LINTUN_BUILD (a build directory of the repository) or ../build beside
     this directory: linked statically, as `make python` does, so nothing
     else needs installing; run `make` first;
  2. an installed liblintun found with pkg-config (`make install`).
"""
import glob
import os
import shlex
import subprocess

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def lintun_flags():
    build = os.environ.get("LINTUN_BUILD") or os.path.join(REPO, "build")
    static = os.path.join(build, "liblintun.a")
    if os.path.exists(static) and os.path.exists(os.path.join(REPO, "include", "wintun.h")):
        return {"include_dirs": [os.path.join(REPO, "include")],
                "extra_objects": [static], "libraries": ["mnl", "uring"],
                "extra_link_args": ["-pthread", "-Wl,--exclude-libs,ALL"]}
    try:
        out = subprocess.run(["pkg-config", "--cflags", "--libs", "lintun"], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        raise SystemExit("wintun: liblintun not found: run `make` in the repository "
                         "(or set LINTUN_BUILD), or install it (make install)")
    flags = shlex.split(out)
    return {"include_dirs": [f[2:] for f in flags if f.startswith("-I")],
            "library_dirs": [f[2:] for f in flags if f.startswith("-L")],
            "libraries": [f[2:] for f in flags if f.startswith("-l")],
            "extra_link_args": ["-pthread"]}


# The extension's sources, one file per concern (see wintun/_wintun.h).
SOURCES = sorted(os.path.relpath(p, HERE) for p in glob.glob(os.path.join(HERE, "wintun", "*.c")))

setup(ext_modules=[Extension("wintun._wintun", SOURCES, depends=["wintun/_wintun.h"],
                             define_macros=[("_GNU_SOURCE", None)],
                             extra_compile_args=["-std=gnu11", "-pthread"],
                             **lintun_flags())])
