"""A time limit for one piece of Python work, on every operating system and in any thread.

    with time_limit(30, "converting content/articles/x.md"):
        html = markdown.convert(text)

raises ``TimeLimitExceeded`` in the calling thread once the limit has passed.
Not a plugin: a helper of ``body_html`` (the per-file conversion limit).

How: a timer thread raises the exception asynchronously in the calling thread
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


@contextmanager
def time_limit(seconds, what="the work"):
    """Raise TimeLimitExceeded in this thread after `seconds` (None or <= 0: no limit)."""
    if not seconds or seconds <= 0 or not enforceable():
        yield
        return
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"finished": False, "fired": False}

    def expire():
        with lock:
            if not state["finished"]:
                state["fired"] = True
                _set_async_exception(thread_id, TimeLimitExceeded)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    started = time.monotonic()
    timer.start()
    try:
        yield
    except TimeLimitExceeded:
        raise TimeLimitExceeded(f"{what} took more than {seconds:g} s") from None
    finally:
        with lock:
            state["finished"] = True
            timer.cancel()
            fired = state["fired"]
            if fired:
                _set_async_exception(thread_id, None)  # not delivered yet: never deliver it later
    if fired:  # the limit passed just as the work ended
        raise TimeLimitExceeded(f"{what} took more than {seconds:g} s ({time.monotonic() - started:.1f} s)")
