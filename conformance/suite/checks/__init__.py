"""The built-in checks, one module per family; importing this package registers them in
this order (the order of the report)."""

from conformance.suite.checks import (  # noqa: F401, I001  (registration order matters)
    schema,
    status,
    notification,
    persistence,
    roundtrip,
    limits,
    errors,
    robustness,
    concurrency,
    extensions,
    differential,
    stateful,
)
