"""Loads libtinker through Python's ctypes (dlopen, no headers, no build step) and runs calls.

Usage: ctypes_load.py PATH_TO_LIBTINKER
Checks that the library resolves all of its dependencies on its own, and the basics of the C
contract as an FFI sees it: static strings, the per-thread error record (never NULL, reset by
every status-returning call) and out-parameters.
"""
import ctypes
import re
import sys


def main(path):
    lib = ctypes.CDLL(path)

    lib.tinker_version_string.restype = ctypes.c_char_p
    lib.tinker_version_string.argtypes = []
    version = lib.tinker_version_string()
    assert version is not None, "tinker_version_string returned NULL"
    version = version.decode("ascii")
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "unexpected version string %r" % version

    lib.tinker_version_number.restype = ctypes.c_int
    lib.tinker_version_number.argtypes = []
    major, minor, patch = (int(x) for x in version.split("."))
    number = lib.tinker_version_number()
    assert number == major * 10000 + minor * 100 + patch, (number, version)

    lib.tinker_status_str.restype = ctypes.c_char_p
    lib.tinker_status_str.argtypes = [ctypes.c_int]
    name = lib.tinker_status_str(3)
    assert name == b"TINKER_E_INVALID_ARGUMENT", name

    lib.tinker_last_error.restype = ctypes.c_void_p
    lib.tinker_last_error.argtypes = []
    lib.tinker_error_code.restype = ctypes.c_int
    lib.tinker_error_code.argtypes = [ctypes.c_void_p]
    lib.tinker_error_message.restype = ctypes.c_char_p
    lib.tinker_error_message.argtypes = [ctypes.c_void_p]

    err = lib.tinker_last_error()
    assert err, "tinker_last_error() returned NULL"
    assert lib.tinker_error_code(err) == 0, "fresh thread: error code %d" % lib.tinker_error_code(err)

    # A failing call leaves its detail in the record ...
    lib.tinker_future_wait.restype = ctypes.c_int
    lib.tinker_future_wait.argtypes = [ctypes.c_void_p, ctypes.c_int64]
    status = lib.tinker_future_wait(None, 0)
    assert status == 3, "tinker_future_wait(NULL) gave %d, want TINKER_E_INVALID_ARGUMENT" % status
    err = lib.tinker_last_error()
    assert err and lib.tinker_error_code(err) == 3
    assert lib.tinker_error_message(err), "error message is empty"

    # ... and the next successful status-returning call clears it; out-params work through FFI.
    lib.tinker_client_options_new.restype = ctypes.c_int
    lib.tinker_client_options_new.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    lib.tinker_client_options_free.restype = None
    lib.tinker_client_options_free.argtypes = [ctypes.c_void_p]
    options = ctypes.c_void_p()
    assert lib.tinker_client_options_new(ctypes.byref(options)) == 0
    assert options.value, "tinker_client_options_new gave a NULL handle"
    assert lib.tinker_error_code(lib.tinker_last_error()) == 0
    lib.tinker_client_options_free(options)

    print("libtinker %s loaded through ctypes from %s" % (version, path))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: ctypes_load.py PATH_TO_LIBTINKER")
    main(sys.argv[1])
