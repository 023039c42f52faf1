"""Builds the taptalk wheel: the ctypes package with libtaptalk inside it, as
taptalk/_libtaptalk.abi3.so (the name _native.py looks for).

Where the library comes from, first match wins:

1. ``TAPTALK_PREBUILT_LIBRARY=/path/libtaptalk.so``: copied in as it is, and the wheel is
   tagged ``py3-none-$TAPTALK_WHEEL_PLATFORM`` (e.g. ``manylinux_2_17_x86_64.manylinux2014_x86_64``).
   scripts/release.sh builds the libraries (glibc 2.17 and musl, with cargo-zigbuild) and
   packs each one this way; nothing is compiled here.
2. ``rust/Cargo.toml`` beside this file: an sdist, which carries the crate as
   ``cargo package`` makes it. setuptools-rust builds it with cargo (release mode).
3. ``../../Cargo.toml``: a checkout (``pip install ./bindings/python``).

The package has no extension module (ctypes loads a plain C library), so every wheel is
``py3-none-<platform>``: one wheel per platform serves every Python 3. The version is the
crate's (Cargo.toml), read here so that it is written in one place.
SETUPTOOLS_RUST_CARGO_PROFILE=dev makes a faster debug build in cases 2 and 3.
"""

import os
import re
import shutil

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
SDIST_CRATE = os.path.join(HERE, "rust", "Cargo.toml")
CHECKOUT_CRATE = os.path.join(HERE, "..", "..", "Cargo.toml")
PREBUILT = os.environ.get("TAPTALK_PREBUILT_LIBRARY") or None
LIBRARY_NAME = "_libtaptalk.abi3.so"


def crate_manifest():
    for path in (SDIST_CRATE, CHECKOUT_CRATE):
        if os.path.exists(path):
            return path
    raise SystemExit(
        "taptalk: no Rust crate found (looked for rust/Cargo.toml and ../../Cargo.toml); "
        "build from a checkout or from the sdist scripts/release.sh makes"
    )


def crate_version(manifest):
    """The `version` of Cargo.toml's [package] table (a line-based read: tomllib is 3.11+)."""
    section = None
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            header = re.match(r"\s*\[([^\]]+)\]", line)
            if header:
                section = header.group(1).strip()
                continue
            found = re.match(r'\s*version\s*=\s*"([^"]+)"', line)
            if section == "package" and found:
                return found.group(1)
    raise SystemExit(f"taptalk: no [package] version in {manifest}")


class WithLibrary(Distribution):
    """The package carries a native library, so its wheel is a platform wheel (installed into
    platlib) even when that library is prebuilt rather than built by an extension."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    """py3-none-<platform>: no Python ABI is involved, only the platform's C library."""

    def get_tag(self):
        _, _, platform = super().get_tag()
        if PREBUILT:
            # Verbatim: bdist_wheel's own --plat-name would turn the dot that joins two
            # tags (manylinux_2_17_x86_64.manylinux2014_x86_64) into an underscore.
            platform = os.environ.get("TAPTALK_WHEEL_PLATFORM") or ""
            if not platform:
                raise SystemExit("taptalk: TAPTALK_PREBUILT_LIBRARY needs TAPTALK_WHEEL_PLATFORM")
        return "py3", "none", platform


class BuildPyWithPrebuilt(build_py):
    """Copies TAPTALK_PREBUILT_LIBRARY into the built package (case 1 above)."""

    def run(self):
        super().run()
        if PREBUILT:
            if not os.path.isfile(PREBUILT):
                raise SystemExit(f"taptalk: TAPTALK_PREBUILT_LIBRARY={PREBUILT} does not exist")
            target = os.path.join(self.build_lib, "taptalk", LIBRARY_NAME)
            shutil.copyfile(PREBUILT, target)
            os.chmod(target, 0o755)


class SdistWithCrate(sdist):
    """An sdist must carry the crate: one that points at ../../Cargo.toml builds nowhere
    but inside the checkout."""

    def run(self):
        if not os.path.exists(SDIST_CRATE):
            raise SystemExit(
                "taptalk: rust/Cargo.toml is missing, so this sdist could not build outside "
                "the checkout; make the sdist with scripts/release.sh, which puts the crate there"
            )
        super().run()


manifest = crate_manifest()
extra = {}
if not PREBUILT:
    from setuptools_rust import Binding, RustExtension

    extra["rust_extensions"] = [
        RustExtension(
            "taptalk._libtaptalk",
            path=os.path.relpath(manifest, HERE),
            binding=Binding.NoBinding,
            # Names the file _libtaptalk.abi3.so, as the prebuilt route does.
            py_limited_api=True,
            # The sdist's Cargo.lock pins exactly the crates THIRD-PARTY-NOTICES.md covers.
            cargo_manifest_args=["--locked"],
        )
    ]

setup(
    distclass=WithLibrary,
    version=crate_version(manifest),
    cmdclass={"bdist_wheel": PlatformWheel, "build_py": BuildPyWithPrebuilt, "sdist": SdistWithCrate},
    **extra,
)
