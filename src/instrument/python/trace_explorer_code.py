# Code locations for Python spans: at span start, the first frame that is the application's own (not the
# standard library, not site-packages, not OpenTelemetry, not this file) becomes code.file.path,
# code.line.number and code.function.name — the stable OpenTelemetry semantic-convention names.
import os
import sys
import sysconfig

_THIS = os.path.abspath(__file__)


def _library_roots():
    roots = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            p = sysconfig.get_paths().get(key)
        except Exception:
            p = None
        if p:
            roots.add(os.path.abspath(p) + os.sep)
    for p in (getattr(sys, "base_prefix", None), getattr(sys, "prefix", None)):
        if p:
            roots.add(os.path.join(os.path.abspath(p), "lib") + os.sep)
    return tuple(roots)


_ROOTS = _library_roots()
_classified = {}


def is_app_file(filename):
    hit = _classified.get(filename)
    if hit is not None:
        return hit
    ok = True
    if not filename or filename.startswith("<"):  # <frozen importlib._bootstrap>, <string>, <stdin>
        ok = False
    else:
        path = os.path.abspath(filename)
        parts = path.split(os.sep)
        if path == _THIS or "site-packages" in parts or "dist-packages" in parts or path.startswith(_ROOTS):
            ok = False
    if len(_classified) < 10000:
        _classified[filename] = ok
    return ok


def first_app_frame(frame):
    """The first application frame at or above `frame`, or None."""
    while frame is not None:
        if is_app_file(frame.f_code.co_filename):
            return frame
        frame = frame.f_back
    return None


def location_attributes(frame):
    f = first_app_frame(frame)
    if f is None:
        return None
    code = f.f_code
    return {
        "code.file.path": os.path.abspath(code.co_filename),
        "code.line.number": f.f_lineno,
        "code.function.name": getattr(code, "co_qualname", code.co_name),
    }


class CodeLocationProcessor:
    """A span processor (duck-typed: the SDK calls these four methods) that places each span in the code."""

    def on_start(self, span, parent_context=None):
        try:
            attrs = location_attributes(sys._getframe(1))
            if attrs and not (getattr(span, "attributes", None) or {}).get("code.file.path"):
                span.set_attributes(attrs)
        except Exception:
            pass  # a location is never worth breaking the program for

    def _on_ending(self, span):
        pass

    def on_end(self, span):
        pass

    def shutdown(self):
        pass

    def force_flush(self, timeout_millis=30000):
        return True
