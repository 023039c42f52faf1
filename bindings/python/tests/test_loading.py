"""Finding and checking the native library: order, clear ImportErrors, the ABI check, and
ctypes declarations on every function. Import-time behaviour runs in fresh interpreters."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import taptalk
from taptalk import _native

from conftest import PACKAGE_ROOT

PROBE = "import taptalk; print(taptalk.library_path); print(taptalk.library_version)"


def run_python(code, cwd, env_updates):
    env = {k: v for k, v in os.environ.items()
           if k not in ("TAPTALK_LIBRARY", "CARGO_TARGET_DIR", "PYTHONPATH")}
    env.update(env_updates)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def package_copy(tmp_path):
    """The package's Python files alone, far from any target/ directory."""
    root = tmp_path / "site"
    shutil.copytree(os.path.join(PACKAGE_ROOT, "taptalk"), root / "taptalk",
                    ignore=shutil.ignore_patterns("*.so", "*.dylib", "*.dll", "*.pyd",
                                                  "__pycache__"))
    return root


def compile_library(tmp_path, name, source):
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not installed")
    c_file = tmp_path / f"{name}.c"
    c_file.write_text(textwrap.dedent(source))
    library = tmp_path / f"lib{name}.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(library), str(c_file)], check=True)
    return str(library)


@pytest.fixture
def wrong_abi_library(tmp_path):
    return compile_library(tmp_path, "wrongabi", """
        #include <stdint.h>
        uint32_t tt_abi_version(void) { return 999; }
        const char *tt_version(void) { return "9.9.9"; }
    """)


def test_no_library_anywhere_is_a_clear_import_error(package_copy):
    result = run_python(PROBE, package_copy, {})
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "the taptalk native library was not found" in result.stderr
    assert "(bundled): not found" in result.stderr
    assert "TAPTALK_LIBRARY: not set" in result.stderr
    assert "target/" in result.stderr
    assert "pip install ./bindings/python" in result.stderr


def test_taptalk_library_naming_a_missing_file(package_copy, tmp_path):
    missing = str(tmp_path / "nowhere" / "libtaptalk.so")
    result = run_python(PROBE, package_copy, {"TAPTALK_LIBRARY": missing})
    assert result.returncode != 0
    assert "TAPTALK_LIBRARY is set but unusable" in result.stderr
    assert missing in result.stderr


def test_taptalk_library_naming_a_file_that_is_not_a_library(package_copy, tmp_path):
    junk = tmp_path / "libtaptalk.so"
    junk.write_text("not an ELF file")
    result = run_python(PROBE, package_copy, {"TAPTALK_LIBRARY": str(junk)})
    assert result.returncode != 0
    assert "cannot be loaded" in result.stderr and str(junk) in result.stderr


def test_taptalk_library_is_used_when_nothing_is_bundled(package_copy):
    result = run_python(PROBE, package_copy, {"TAPTALK_LIBRARY": taptalk.library_path})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == taptalk.library_path


def test_a_wrong_abi_version_is_refused(package_copy, wrong_abi_library):
    result = run_python(PROBE, package_copy, {"TAPTALK_LIBRARY": wrong_abi_library})
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "ABI version 999" in result.stderr
    assert "written for ABI version 1" in result.stderr
    assert wrong_abi_library in result.stderr


def test_a_library_without_tt_abi_version_is_refused(package_copy, tmp_path):
    other = compile_library(tmp_path, "other", "int something(void) { return 1; }\n")
    result = run_python(PROBE, package_copy, {"TAPTALK_LIBRARY": other})
    assert result.returncode != 0
    assert "does not export tt_abi_version" in result.stderr


def test_the_bundled_library_comes_first(package_copy, wrong_abi_library):
    shutil.copy(taptalk.library_path, package_copy / "taptalk" / "_libtaptalk.abi3.so")
    result = run_python(PROBE, package_copy, {"TAPTALK_LIBRARY": wrong_abi_library})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith("_libtaptalk.abi3.so")


def test_a_bundled_library_with_a_wrong_abi_is_refused(package_copy, wrong_abi_library):
    shutil.copy(wrong_abi_library, package_copy / "taptalk" / "_libtaptalk.abi3.so")
    result = run_python(PROBE, package_copy, {"TAPTALK_LIBRARY": taptalk.library_path})
    assert result.returncode != 0
    assert "ABI version 999" in result.stderr


def test_a_development_build_under_target_is_found(tmp_path, package_copy):
    target = tmp_path / "target" / "debug"
    target.mkdir(parents=True)
    shutil.copy(taptalk.library_path, target / "libtaptalk.so")
    result = run_python(PROBE, package_copy, {})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == str(target / "libtaptalk.so")


def test_cargo_target_dir_is_searched(tmp_path, package_copy):
    target = tmp_path / "elsewhere" / "release"
    target.mkdir(parents=True)
    shutil.copy(taptalk.library_path, target / "libtaptalk.so")
    result = run_python(PROBE, package_copy,
                        {"CARGO_TARGET_DIR": str(tmp_path / "elsewhere")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == str(target / "libtaptalk.so")


def test_load_from_checks_the_abi_in_process(wrong_abi_library):
    with pytest.raises(ImportError, match="ABI version 999"):
        _native.load_from(wrong_abi_library)


def test_every_function_has_argtypes_and_restype():
    library = _native.library()
    names = ["tt_abi_version", "tt_version", "tt_client_new", "tt_client_free",
             "tt_string_free"] + [row["export"] for row in library.operation_table]
    for name in names:
        function = getattr(library.cdll, name)
        assert function.argtypes is not None, name
    for name in ["tt_client_new"] + [row["export"] for row in library.operation_table]:
        # Pointers we must free come back as c_void_p, never as c_char_p (which would copy
        # the string and lose the pointer).
        assert getattr(library.cdll, name).restype is ctypes.c_void_p, name
    assert library.cdll.tt_string_free.restype is None
    assert library.cdll.tt_abi_version.restype is ctypes.c_uint32
    assert isinstance(library.cdll, ctypes.CDLL) and not isinstance(library.cdll,
                                                                    ctypes.PyDLL)


def test_take_string_frees_even_when_copying_fails(monkeypatch):
    library = _native.library()
    freed = []
    real_free = library.string_free
    monkeypatch.setattr(library, "string_free", lambda p: (freed.append(p), real_free(p)))

    def broken_copy(pointer):
        raise RuntimeError("copy failed")

    pointer = library.operations["sendtalk_get_status"](None, b"{}")
    monkeypatch.setattr(ctypes, "string_at", broken_copy)
    with pytest.raises(RuntimeError):
        library.take_string(pointer)
    assert freed == [pointer]
