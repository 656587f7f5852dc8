# SPDX-License-Identifier: MIT
"""The one build recipe for the C extension (metadata is in pyproject.toml).

`make python` runs it (setup.py build), and so do `pip install ./python`
and the Debian package (through `make install`). liblintun comes from:
  1. LINTUN_BUILD (a build directory of the repository) or ../build beside
     this directory, after `make`: linked statically, so nothing else needs
     installing; with LINTUN_LINK=shared, linked against that build's
     liblintun.so instead (the Debian package does this);
  2. otherwise an installed liblintun found with pkg-config (`make install`).
The version is read from include/wintun.h, or from pkg-config.
"""
import glob
import os
import re
import shlex
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
HEADER = os.path.join(REPO, "include", "wintun.h")


def pkg_config(*args):
    try:
        return subprocess.run(["pkg-config", *args, "lintun"], check=True,
                              stdout=subprocess.PIPE, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        raise SystemExit("wintun: liblintun not found: run `make` in the repository "
                         "(or set LINTUN_BUILD), or install it (make install)")


def version():
    if os.path.exists(HEADER):
        with open(HEADER, encoding="utf-8") as f:
            parts = dict(re.findall(r"^#define LINTUN_VERSION_(MAJOR|MINOR|PATCH) (\d+)$",
                                    f.read(), re.M))
        return "{MAJOR}.{MINOR}.{PATCH}".format(**parts)
    return pkg_config("--modversion")


def lintun_flags():
    build = os.environ.get("LINTUN_BUILD") or os.path.join(REPO, "build")
    if os.path.exists(os.path.join(build, "liblintun.a")) and os.path.exists(HEADER):
        common = {"include_dirs": [os.path.join(REPO, "include")]}
        if os.environ.get("LINTUN_LINK") == "shared":
            return dict(common, library_dirs=[build], libraries=["lintun"],
                        extra_link_args=["-pthread"])
        return dict(common, extra_objects=[os.path.join(build, "liblintun.a")],
                    libraries=["mnl", "uring"],
                    extra_link_args=["-pthread", "-Wl,--exclude-libs,ALL"])
    flags = shlex.split(pkg_config("--cflags", "--libs"))
    return {"include_dirs": [f[2:] for f in flags if f.startswith("-I")],
            "library_dirs": [f[2:] for f in flags if f.startswith("-L")],
            "libraries": [f[2:] for f in flags if f.startswith("-l")],
            "extra_link_args": ["-pthread"]}


class BuildExt(build_ext):
    """Finds liblintun when the extension is built, not for --version."""

    def build_extensions(self):
        flags = lintun_flags()
        for ext in self.extensions:
            for key, value in flags.items():
                getattr(ext, key).extend(value)
        super().build_extensions()


os.chdir(HERE)
setup(version=version(), packages=["wintun"], include_package_data=False,
      package_data={"wintun": ["py.typed", "_wintun.pyi"]},
      cmdclass={"build_ext": BuildExt},
      ext_modules=[Extension("wintun._wintun", sorted(glob.glob("wintun/*.c")),
                             define_macros=[("_GNU_SOURCE", None)],
                             extra_compile_args=["-std=gnu11", "-pthread",
                                                 "-fvisibility=hidden"])])
