"""A time limit for one piece of Python work, on every operating system and in any thread.

    with time_limit(30, "converting content/articles/x.md"):
        html = markdown.convert(text)

raises ``TimeLimitExceeded`` in the calling thread once the limit has passed.
Not a plugin: a helper of ``body_html`` (the per-file conversion limit).

How: a watchdog thread raises the exception asynchronously in the calling thread
(CPython's ``PyThreadState_SetAsyncExc``, through ctypes).  Unlike
``signal.alarm``/``SIGALRM`` this works on Windows as well as Linux and macOS,
and in threads other than the main one (``make serve`` rebuilds in a watcher
thread).  Like a signal handler, the exception arrives between two Python
bytecodes: a single C call that never returns (one enormous regular
expression match) is not interrupted.  That is why the content checks also
limit what makes Markdown slow before it runs (file size, nesting depth); this
limit is the backstop, generous enough that a loaded machine never hits it
with a real story.

Where ``ctypes.pythonapi`` is missing (an interpreter other than CPython), the
limit is not enforced and the work runs to its end.
"""

import ctypes
import threading
import time
from contextlib import contextmanager


class TimeLimitExceeded(Exception):
    """The work took longer than its limit."""


def _set_async_exception(thread_id, exception_type):
    """Raise `exception_type` in thread `thread_id` (None clears a pending one)."""
    setter = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)
    if setter is None:
        return False
    # No argtypes: None must reach C as NULL (clear), which py_object would not allow.
    return setter(ctypes.c_ulong(thread_id), ctypes.py_object(exception_type) if exception_type else None) == 1


def enforceable():
    return getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None) is not None


class _Watchdog:
    """One daemon thread for every limit of the process (a thread per file
    read would cost more than the reading): it sleeps until the nearest
    deadline, and is woken only when a new limit ends earlier than that."""

    def __init__(self):
        self.condition = threading.Condition()
        self.limits = {}  # token -> [deadline, thread id, finished, fired]
        self.target = float("inf")
        self.thread = None
        self.tokens = 0

    def start(self, seconds, thread_id):
        with self.condition:
            self.tokens += 1
            token = self.tokens
            deadline = time.monotonic() + seconds
            self.limits[token] = [deadline, thread_id, False, False]
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name="time-limit", daemon=True)
                self.thread.start()
            if deadline < self.target:
                self.condition.notify()
            return token

    def finish(self, token):
        """True if the limit fired; a fired exception not yet delivered never will be."""
        with self.condition:
            limit = self.limits.pop(token)
            limit[2] = True
            if limit[3]:
                _set_async_exception(limit[1], None)
            return limit[3]

    def run(self):
        with self.condition:
            while True:
                now = time.monotonic()
                for limit in self.limits.values():
                    if limit[0] <= now and not limit[3]:
                        limit[3] = True
                        _set_async_exception(limit[1], TimeLimitExceeded)
                pending = [limit[0] for limit in self.limits.values() if not limit[3]]
                self.target = min(pending, default=float("inf"))
                self.condition.wait(None if self.target == float("inf") else self.target - now)


_WATCHDOG = _Watchdog()


@contextmanager
def time_limit(seconds, what="the work"):
    """Raise TimeLimitExceeded in this thread after `seconds` (None or <= 0: no limit)."""
    if not seconds or seconds <= 0 or not enforceable():
        yield
        return
    started = time.monotonic()
    token = _WATCHDOG.start(seconds, threading.get_ident())
    fired = False
    try:
        yield
    except TimeLimitExceeded:
        fired = True
        raise TimeLimitExceeded(f"{what} took more than {seconds:g} s") from None
    finally:
        fired = _WATCHDOG.finish(token) or fired
    if fired:  # the limit passed just as the work ended
        raise TimeLimitExceeded(f"{what} took more than {seconds:g} s ({time.monotonic() - started:.1f} s)")
