"""Finding, checking and binding the native library (``libtaptalk``) with ctypes.

Search order:

1. the library bundled inside this package (what ``pip install`` ships);
2. ``TAPTALK_LIBRARY``, if set: the path of a ``libtaptalk`` to use. If it is set but
   cannot be loaded, that is an error (never silently replaced by another copy);
3. a development build under ``target/`` (``$CARGO_TARGET_DIR``, then a ``target/``
   directory in this package's parent directories; the newer of ``release``/``debug``).

The library's ``tt_abi_version()`` must equal :data:`ABI_VERSION`; any other library is
refused with an ImportError saying which versions met.

Every returned string is taken as ``c_void_p`` (so ctypes does not convert and lose the
pointer), copied with :func:`ctypes.string_at`, and freed with ``tt_string_free`` in a
``finally``. Calls go through :class:`ctypes.CDLL`, which releases the GIL for the duration
of the foreign call, so threads run requests in parallel.

Every call that can wait on the network is made through its ``_cancellable`` export (a NULL
handle behaves as the plain one), so that ``_waiting`` can cancel it (``tt_cancel``).
"""

from __future__ import annotations

import ctypes
import glob
import json
import os
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence

#: The ABI version this package was written for (``TT_ABI_VERSION`` in taptalk.h).
ABI_VERSION = 1


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

if sys.platform == "darwin":
    _PLAIN_NAME = "libtaptalk.dylib"
elif sys.platform == "win32":
    _PLAIN_NAME = "taptalk.dll"
else:
    _PLAIN_NAME = "libtaptalk.so"


def bundled_candidates(package_dir: str = _PACKAGE_DIR) -> List[str]:
    """Libraries shipped inside the package: ``_libtaptalk*.so`` (setuptools-rust names
    it like an extension module) or a plain ``libtaptalk.so`` copied in by hand."""
    found: List[str] = []
    for pattern in ("_libtaptalk*.so", "_libtaptalk*.dylib", "_libtaptalk*.pyd",
                    "_libtaptalk*.dll", _PLAIN_NAME):
        found.extend(sorted(glob.glob(os.path.join(package_dir, pattern))))
    return found


def dev_candidates(package_dir: str = _PACKAGE_DIR) -> List[str]:
    """Development builds: ``$CARGO_TARGET_DIR`` and every ``target/`` above the package,
    each giving the newer of ``release`` and ``debug`` first."""
    target_dirs: List[str] = []
    env_target = os.environ.get("CARGO_TARGET_DIR")
    if env_target:
        target_dirs.append(os.path.abspath(env_target))
    here = os.path.dirname(package_dir)
    while True:
        candidate = os.path.join(here, "target")
        if os.path.isdir(candidate) and candidate not in target_dirs:
            target_dirs.append(candidate)
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    paths: List[str] = []
    for target in target_dirs:
        builds = [os.path.join(target, profile, _PLAIN_NAME) for profile in ("release", "debug")]
        builds.sort(key=_mtime, reverse=True)
        paths.extend(builds)
    return paths


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return -1.0


class Library:
    """A loaded, checked and bound ``libtaptalk``."""

    def __init__(self, cdll: ctypes.CDLL, path: str) -> None:
        self.cdll = cdll
        self.path = path
        _bind(cdll)
        self.abi_version: int = cdll.tt_abi_version()
        raw_version = cdll.tt_version()
        self.version: str = raw_version.decode("utf-8") if raw_version else ""
        self.client_new = cdll.tt_client_new
        self.client_free = cdll.tt_client_free
        # The few functions that never wait go through PyDLL, which keeps the GIL: releasing
        # and taking it back around a call of a microsecond costs more than the call when
        # dozens of threads wait for the GIL (an AsyncClient's workers, a batch's progress).
        quick = _bind_quick(ctypes.PyDLL(path))
        self.string_free = quick.tt_string_free
        #: The library's operation table (``tt_operations()``): one dict per operation with
        #: ``name``, ``export``, ``summary``, ``product``, ``method``, ``path``,
        #: ``may_repeat`` and ``repeat_reason``.
        self.operation_table: List[Dict[str, Any]] = operation_table(cdll)
        #: Each operation's name to its bound C function.
        self.operations: Dict[str, ForeignFunction] = {
            row["name"]: getattr(cdll, row["export"]) for row in self.operation_table}
        self.call_by_name = cdll.tt_call
        self.set_log_callback = cdll.tt_set_log_callback
        self.set_tls_verifier = cdll.tt_set_tls_verifier
        _bind_request_and_cursor(cdll)
        self.request = cdll.tt_request
        self.cursor_new = cdll.tt_case_cursor_new
        self.cursor_free = cdll.tt_case_cursor_free
        self.cursor_next_case = cdll.tt_case_cursor_next_case
        self.cursor_state = cdll.tt_case_cursor_state
        self.cursor_request = cdll.tt_case_cursor_request
        self.cursor_feed = cdll.tt_case_cursor_feed
        _bind_cancel_and_batch(cdll)
        self.cancel_new = quick.tt_cancel_new
        self.cancel = quick.tt_cancel
        self.cancel_free = quick.tt_cancel_free
        self.request_cancellable = cdll.tt_request_cancellable
        self.cursor_next_case_cancellable = cdll.tt_case_cursor_next_case_cancellable
        self.cursor_next_page_cancellable = cdll.tt_case_cursor_next_page_cancellable
        self.call_many = cdll.tt_call_many_cancellable
        self._call_cancellable = cdll.tt_call_cancellable

    def take_string(self, pointer: Optional[int]) -> bytes:
        """Copies a string returned by the library and frees it, whatever happens."""
        if not pointer:
            raise MemoryError("the taptalk library returned NULL (out of memory)")
        try:
            return ctypes.string_at(pointer)
        finally:
            self.string_free(pointer)

    def call(self, operation: str, client: int, request: bytes,
             options: Optional[bytes] = None, cancel: Optional[int] = None) -> bytes:
        """Runs one operation (GIL released) and returns the envelope's bytes.

        A known name without ``options`` or ``cancel`` calls its own export; anything else
        goes through ``tt_call_cancellable``, which takes per-call options (``{"retry":
        {...}}`` as JSON) and a cancellation handle, and answers an unknown name with its
        90001 envelope, so the library decides what is known.
        """
        export = self.operations.get(operation) if options is None and cancel is None else None
        if export is not None:
            return self.take_string(export(client, request))
        name = operation.encode("utf-8")
        return self.take_string(self._call_cancellable(client, name, request, options, cancel))


def _bind(cdll: ctypes.CDLL) -> None:
    """Declares argtypes/restype for every function (strings we free come as c_void_p)."""
    cdll.tt_abi_version.argtypes = []
    cdll.tt_abi_version.restype = ctypes.c_uint32
    cdll.tt_version.argtypes = []
    cdll.tt_version.restype = ctypes.c_char_p  # static: never freed
    cdll.tt_client_new.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    cdll.tt_client_new.restype = ctypes.c_void_p
    cdll.tt_client_free.argtypes = [ctypes.c_void_p]
    cdll.tt_client_free.restype = None
    cdll.tt_string_free.argtypes = [ctypes.c_void_p]
    cdll.tt_string_free.restype = None
    for row in operation_table(cdll):
        function = getattr(cdll, row["export"])
        function.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        function.restype = ctypes.c_void_p
    cdll.tt_call.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
    cdll.tt_call.restype = ctypes.c_void_p
    cdll.tt_set_log_callback.argtypes = [LOG_CALLBACK, ctypes.c_void_p, ctypes.c_int32]
    cdll.tt_set_log_callback.restype = None
    cdll.tt_set_tls_verifier.argtypes = [TLS_VERIFY_CALLBACK, ctypes.c_void_p]
    cdll.tt_set_tls_verifier.restype = None


def operation_table(cdll: ctypes.CDLL) -> List[Dict[str, Any]]:
    """The library's own operation table, from ``tt_operations()`` (static JSON, never
    freed): the methods of this package are checked against it by the tests."""
    cdll.tt_operations.argtypes = []
    cdll.tt_operations.restype = ctypes.c_char_p
    table = json.loads(cdll.tt_operations().decode("utf-8"))
    if not isinstance(table, list):  # pragma: no cover - the library never does this
        raise ImportError("taptalk: tt_operations() did not return a JSON array")
    return table


def _bind_request_and_cursor(cdll: ctypes.CDLL) -> None:
    """Raw requests (``tt_request``) and the case cursor (``tt_case_cursor_*``)."""
    text, pointer = ctypes.c_char_p, ctypes.c_void_p
    cdll.tt_request.argtypes = [pointer, text, text, text, text, text]
    cdll.tt_request.restype = pointer
    cdll.tt_case_cursor_new.argtypes = [text, ctypes.POINTER(pointer)]
    cdll.tt_case_cursor_new.restype = pointer
    cdll.tt_case_cursor_free.argtypes = [pointer]
    cdll.tt_case_cursor_free.restype = None
    for name in ("tt_case_cursor_next_case", "tt_case_cursor_next_page"):
        getattr(cdll, name).argtypes = [pointer, pointer]
        getattr(cdll, name).restype = pointer
    for name in ("tt_case_cursor_state", "tt_case_cursor_request"):
        getattr(cdll, name).argtypes = [pointer]
        getattr(cdll, name).restype = pointer
    cdll.tt_case_cursor_feed.argtypes = [pointer, text]
    cdll.tt_case_cursor_feed.restype = pointer


def _bind_quick(pydll: ctypes.PyDLL) -> ctypes.PyDLL:
    """The functions called with the GIL held: none of them waits (tt_cancel takes a lock
    that is only ever held for a moment)."""
    pointer = ctypes.c_void_p
    pydll.tt_string_free.argtypes = [pointer]
    pydll.tt_string_free.restype = None
    pydll.tt_cancel_new.argtypes = []
    pydll.tt_cancel_new.restype = pointer
    for name in ("tt_cancel", "tt_cancel_free"):
        getattr(pydll, name).argtypes = [pointer]
        getattr(pydll, name).restype = None
    return pydll


def _bind_cancel_and_batch(cdll: ctypes.CDLL) -> None:
    """Cancellation handles, the ``_cancellable`` calls and ``tt_call_many_cancellable``."""
    text, pointer = ctypes.c_char_p, ctypes.c_void_p
    cdll.tt_cancel_new.argtypes = []
    cdll.tt_cancel_new.restype = pointer
    for name in ("tt_cancel", "tt_cancel_free"):
        getattr(cdll, name).argtypes = [pointer]
        getattr(cdll, name).restype = None
    cdll.tt_call_cancellable.argtypes = [pointer, text, text, text, pointer]
    cdll.tt_call_cancellable.restype = pointer
    cdll.tt_request_cancellable.argtypes = [pointer, text, text, text, text, text, pointer]
    cdll.tt_request_cancellable.restype = pointer
    for name in ("tt_case_cursor_next_case_cancellable", "tt_case_cursor_next_page_cancellable"):
        getattr(cdll, name).argtypes = [pointer, pointer, pointer]
        getattr(cdll, name).restype = pointer
    cdll.tt_call_many_cancellable.argtypes = [pointer, text, text, text, PROGRESS_CALLBACK,
                                              pointer, pointer]
    cdll.tt_call_many_cancellable.restype = pointer


#: ``TtProgressCallback``: (user_data, done, total), on the thread that runs the batch.
PROGRESS_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t)


#: ``TtLogCallback``: (user_data, level, target, message).
LOG_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int32, ctypes.c_char_p,
                                ctypes.c_char_p)


#: ``TtTlsVerifyCallback``: (user_data, certs, cert_lens, cert_count, server_name, reason,
#: reason_capacity) -> TT_TLS_TRUSTED (1) or TT_TLS_REJECTED (0).
TLS_VERIFY_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int32, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
    ctypes.POINTER(ctypes.c_size_t), ctypes.c_size_t, ctypes.c_char_p, ctypes.c_void_p,
    ctypes.c_size_t)


def check_abi(cdll: ctypes.CDLL, path: str) -> int:
    """Reads ``tt_abi_version()`` and refuses a library written for another ABI."""
    try:
        abi_function = cdll.tt_abi_version
    except AttributeError:
        raise ImportError(
            f"taptalk: {path} does not export tt_abi_version(); it is not a taptalk library"
        ) from None
    abi_function.argtypes = []
    abi_function.restype = ctypes.c_uint32
    found = int(abi_function())
    if found != ABI_VERSION:
        raise ImportError(
            f"taptalk: the native library at {path} has ABI version {found}, but this Python "
            f"package was written for ABI version {ABI_VERSION}; install matching versions "
            "(pip install ./bindings/python rebuilds both) or point TAPTALK_LIBRARY at a "
            "matching build"
        )
    return found


def load_from(path: str) -> Library:
    """Loads, checks and binds the library at ``path`` (OSError if it cannot be loaded,
    ImportError if its ABI version differs)."""
    cdll = ctypes.CDLL(path)
    check_abi(cdll, path)
    return Library(cdll, path)


def load(
    package_dir: str = _PACKAGE_DIR,
    env_path: Optional[str] = None,
    search_dev: bool = True,
) -> Library:
    """Finds and loads the library in the documented order; see the module docstring.

    ``env_path`` defaults to ``$TAPTALK_LIBRARY``.
    """
    if env_path is None:
        env_path = os.environ.get("TAPTALK_LIBRARY") or None
    tried: List[str] = []

    def attempt(paths: Sequence[str], label: str) -> Optional[Library]:
        for path in paths:
            if not os.path.exists(path):
                tried.append(f"{path} ({label}): not found")
                continue
            try:
                return load_from(path)
            except OSError as error:
                tried.append(f"{path} ({label}): cannot be loaded: {error}")
        return None

    library = attempt(bundled_candidates(package_dir), "bundled")
    if library is None and not bundled_candidates(package_dir):
        tried.append(f"{os.path.join(package_dir, '_libtaptalk*')} (bundled): not found")
    if library is not None:
        return library
    if env_path:
        library = attempt([env_path], "TAPTALK_LIBRARY")
        if library is None:
            raise ImportError(_explain(tried, "TAPTALK_LIBRARY is set but unusable"))
        return library
    tried.append("TAPTALK_LIBRARY: not set")
    if search_dev:
        dev = dev_candidates(package_dir)
        library = attempt(dev, "development build")
        if library is not None:
            return library
        if not dev:
            tried.append("target/ (development build): no target/ directory found above "
                         f"{package_dir}")
    raise ImportError(_explain(tried, "the taptalk native library was not found"))


def _explain(tried: List[str], headline: str) -> str:
    lines = "\n".join(f"  - {entry}" for entry in tried)
    return (
        f"taptalk: {headline}. Tried, in order:\n{lines}\n"
        "Install the package with `pip install ./bindings/python` (builds and bundles the "
        "library), set TAPTALK_LIBRARY to the path of libtaptalk, or run `cargo build` in "
        "the repository."
    )


_library: Optional[Library] = None


def library() -> Library:
    """The process-wide library, loaded on first use (the package loads it at import)."""
    global _library
    if _library is None:
        _library = load()
    return _library


# Type of the functions ctypes hands back, for annotations elsewhere.
ForeignFunction = Callable[..., Optional[int]]
