"""`q` + Enter on stdin, checked without blocking: how a learner stops `rabbit watch`.

Only whole lines count, so a stray key does nothing until Enter. Full-width ｑ (typed with a
Japanese input method on) counts too, and so does Ctrl-D on a terminal. At the end of piped
input (a closed pipe, /dev/null) the key stops looking at stdin and only waits, so a watch
with no terminal neither spins nor quits; Ctrl-C still stops it. A background job never reads its terminal (that would stop it).
"""

from __future__ import annotations

import os
import select
import sys
import time

from quiz.typed import nfkc

QUIT = "quit"
OTHER = "other"


class QuitKey:
    def __init__(self, fd: int | None = None):
        if fd is None:
            try:
                fd = sys.stdin.fileno()
            except (AttributeError, OSError, ValueError):  # no stdin at all (a daemon, a test runner)
                fd = None
        self.fd = fd if os.name == "posix" else None
        self._pending = b""

    def _is_tty(self) -> bool:
        try:
            return os.isatty(self.fd)
        except OSError:
            return False

    def _may_read(self) -> bool:
        if self.fd is None:
            return False
        if not self._is_tty():
            return True
        try:
            return os.tcgetpgrp(self.fd) == os.getpgrp()  # in the foreground of its terminal
        except OSError:  # a terminal that is not ours to control (a pty given as stdin)
            return True

    def wait(self, seconds: float) -> str | None:
        """Wait up to `seconds`; QUIT for a `q` line, OTHER for any other line, else None."""
        deadline = time.monotonic() + seconds
        if not self._may_read():
            time.sleep(seconds)
            return None
        try:
            ready, _, _ = select.select([self.fd], [], [], seconds)
            chunk = os.read(self.fd, 4096) if ready else None
        except (BlockingIOError, InterruptedError):
            return None
        except (OSError, ValueError):  # stdin went away: stop looking at it
            chunk = b""
        if chunk is None:
            return None
        if not chunk:  # end of input: Ctrl-D on a terminal quits; a pipe that ended is only waited on
            if self._is_tty():
                return QUIT
            self.fd = None
            time.sleep(max(0.0, deadline - time.monotonic()))
            return None
        *lines, self._pending = (self._pending + chunk).split(b"\n")
        words = [nfkc(line.decode("utf-8", "replace")).lower() for line in lines]
        if any(w in ("q", "quit", "exit") for w in words):
            return QUIT
        return OTHER if any(words) else None
