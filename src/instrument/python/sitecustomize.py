# Trace Explorer's Python runtime: a debug launch puts this folder first on PYTHONPATH when the interpreter has
# the OpenTelemetry distro. Python imports `sitecustomize` at startup: this one starts the distro's
# auto-instrumentation (what `opentelemetry-instrument` does), adds code locations to every span, then runs the
# next sitecustomize on the path (the user's own), as if this one were not there.
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))


def _log(message):
    if os.environ.get("TRACE_EXPLORER_QUIET") != "1":
        sys.stderr.write("trace-explorer: %s\n" % message)


def _start():
    try:
        from opentelemetry.instrumentation.auto_instrumentation import initialize
    except Exception as e:  # no distro in this environment: run untraced, say why once
        _log("tracing is off: the OpenTelemetry distro is not importable (%s)" % e)
        return
    try:
        initialize()
        from opentelemetry import trace
        from trace_explorer_code import CodeLocationProcessor

        add = getattr(trace.get_tracer_provider(), "add_span_processor", None)
        if add is None:
            _log("tracing %s without code locations: the tracer provider takes no span processors"
                 % os.environ.get("OTEL_SERVICE_NAME", "this program"))
            return
        add(CodeLocationProcessor())
        _log("tracing %s → %s" % (os.environ.get("OTEL_SERVICE_NAME", "this program"),
                                   os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "the OTLP default endpoint")))
    except Exception as e:  # never stop the program
        _log("tracing is off: %s: %s" % (type(e).__name__, e))


def _chain():
    # the next sitecustomize on the path, if any (this folder hides it)
    import importlib.util

    for entry in sys.path:
        if not entry or os.path.abspath(entry) == _here:
            continue
        candidate = os.path.join(entry, "sitecustomize.py")
        if os.path.isfile(candidate):
            spec = importlib.util.spec_from_file_location("_trace_explorer_next_sitecustomize", candidate)
            if spec and spec.loader:
                try:
                    spec.loader.exec_module(importlib.util.module_from_spec(spec))
                except Exception as e:
                    _log("your sitecustomize (%s) failed: %s" % (candidate, e))
            return


if _here not in sys.path:
    sys.path.insert(0, _here)
_start()
_chain()
