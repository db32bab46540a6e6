"""The built-in checks, one module per family; importing this package registers them."""

from conformance.suite.checks import (  # noqa: F401
    schema,
    status,
    notification,
    persistence,
    errors,
    robustness,
    concurrency,
    extensions,
    differential,
    stateful,
)
