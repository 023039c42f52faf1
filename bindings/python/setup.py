"""Builds libtaptalk with cargo (setuptools-rust, no-binding mode) and bundles it as
taptalk/_libtaptalk.abi3.so; the Python code loads it with ctypes.

The Rust crate is the repository root (two directories up), so build from a checkout:
``pip install ./bindings/python``. Set SETUPTOOLS_RUST_CARGO_PROFILE=dev for a faster
debug build.
"""

import os

from setuptools import setup
from setuptools_rust import Binding, RustExtension

HERE = os.path.dirname(os.path.abspath(__file__))
CARGO_TOML = os.path.relpath(os.path.join(HERE, "..", "..", "Cargo.toml"))

setup(
    rust_extensions=[
        RustExtension(
            "taptalk._libtaptalk",
            path=CARGO_TOML,
            binding=Binding.NoBinding,
            # The library has no Python ABI dependency: one wheel serves every Python 3.
            py_limited_api=True,
        )
    ],
    options={"bdist_wheel": {"py_limited_api": "cp38"}},
)
