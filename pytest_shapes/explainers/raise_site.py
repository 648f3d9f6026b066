"""Who raised an error: TensorFlow/Keras (or a library they call), or the user's own code.

A diagnosis is only for errors the framework raised: a user's `raise ValueError("expected
shape (3, 4)")` is the user's message, whatever it says. The facts are the error's type
(TensorFlow's own error classes) and its innermost traceback entry. Keras and TensorFlow
filter their own frames out of tracebacks, so an error they raised may end in a user frame;
that frame is then suspended in a call (the filtered callee raised), not in a `raise`
statement of its own, and their `error_handler` frame, which re-raised it, stays in the
traceback. An error with no framework frame at all came from another library the user called.
"""

from __future__ import annotations

import opcode
import os
import sys
from types import TracebackType

FRAMEWORK_MODULES = ("tensorflow", "keras", "tf_keras")
_RAISE = opcode.opmap["RAISE_VARARGS"]


def raised_by_framework(error: BaseException) -> bool:
    if type(error).__module__.split(".", 1)[0] in FRAMEWORK_MODULES:
        return True
    entries = _entries(error.__traceback__)
    if not entries:
        return False  # never raised: nobody's error
    # the standard library raises for its caller (Keras binds call() arguments with inspect):
    # the innermost frame outside it says whose error it is
    outside = [entry for entry in entries if not _in_stdlib(entry.tb_frame.f_code.co_filename)]
    if outside and len(outside) < len(entries):
        return in_framework(outside[-1].tb_frame.f_code.co_filename)
    last = entries[-1]
    code = last.tb_frame.f_code
    if in_framework(code.co_filename):
        return True
    if not any(in_framework(entry.tb_frame.f_code.co_filename) for entry in entries):
        # no framework frame at all: user code called another library (NumPy's `array.reshape`, in C or
        # Python) directly. The framework's filtered tracebacks keep its error_handler frame.
        return False
    return not _raises_in_frame(code.co_code, last.tb_lasti)


def _entries(tb: TracebackType | None) -> list[TracebackType]:
    entries = []
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    return entries


_STDLIB = os.path.dirname(os.__file__) + os.sep


def _in_stdlib(filename: str) -> bool:
    return filename.startswith(_STDLIB) and "site-packages" not in filename


def _raises_in_frame(bytecode: bytes, offset: int) -> bool:
    """The frame stopped on its own `raise` (not on a call whose callee raised)."""
    return 0 <= offset < len(bytecode) and bytecode[offset] == _RAISE


def in_framework(filename: str) -> bool:
    return any(filename.startswith(directory) for directory in _framework_dirs())


def _framework_dirs() -> tuple[str, ...]:
    """The installed TensorFlow/Keras package directories (only those already imported)."""
    dirs = []
    for name in FRAMEWORK_MODULES:
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None) if module is not None else None
        if path:
            dirs.append(os.path.dirname(path) + os.sep)
    return tuple(dirs)
