"""Text from error messages made safe for the terminal, CI logs, JUnit XML and JSON.

Error texts are not ours: a message may carry colour codes, OSC hyperlinks or title sequences,
NUL and other control characters, or bidirectional overrides that make a line read other than it
is. Every surface the plugin writes passes its text through `terminal_safe`; newlines and tabs stay.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erases
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: hyperlinks, window titles (to BEL or ST)
    r"|\x1b[@-Z\\-_]?"  # any other escape, or a lone ESC
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # C0 controls but tab and newline, DEL, C1 controls (\x9b is a CSI)
    r"|[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # bidirectional marks, embeddings, overrides, isolates
)


def terminal_safe(text: str) -> str:
    """`text` without escape sequences, control characters and bidirectional overrides; linear in its length."""
    return _UNSAFE.sub("", text)
