"""``conformance serve``: run the reference target in the foreground.

The first line printed (and flushed at once) is the endpoint URL, so scripts can read it.
Ctrl-C or SIGTERM stops it cleanly.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from typing import Any

from conformance.cli import EXIT_OK, EXIT_USAGE, CliError
from conformance.cli.help import summary
from conformance.reference.faults import UnknownFault
from conformance.reference.variants import UnknownVariant


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("serve", help="serve the reference target",
                                   description=summary(__doc__))
    parser.add_argument("--host", default="127.0.0.1",
                        help="the interface to listen on (0.0.0.0: every interface)")
    parser.add_argument("--port", type=int, default=8080, help="the port; 0 picks a free one")
    parser.add_argument("--db", metavar="PATH",
                        help="SQLite file that keeps the target's state between starts "
                             "(default: in memory, fresh seed data each start)")
    parser.add_argument("--smtp", metavar="HOST:PORT",
                        help="send the mail of addMessage2/3 there (default: keep it in the "
                             "database and log it)")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME",
                        help="switch on an implementation fault (repeatable; see "
                             "`conformance faults`)")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME",
                        help="switch on a legitimate variation (repeatable, combinable); "
                             "see `conformance variants`")
    parser.add_argument("--quiet", action="store_true",
                        help="log warnings only, not every call")
    parser.add_argument("--latency", type=float, default=0.0, metavar="MS",
                        help="answer every SOAP call MS milliseconds late (a stand-in for a "
                             "remote target)")
    parser.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> int:
    from conformance.reference import ReferenceTarget, TargetConfig

    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    config = TargetConfig(host=args.host, port=args.port, db=args.db, smtp=args.smtp,
                          faults=args.fault, variants=args.variant, latency_ms=args.latency)
    try:
        target = ReferenceTarget(config)
    except (UnknownFault, UnknownVariant) as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
                       EXIT_USAGE) from None
    print(target.endpoint, flush=True)
    if args.fault:
        print(f"faults switched on: {', '.join(args.fault)}", file=sys.stderr, flush=True)
    if args.variant:
        print(f"variants switched on: {', '.join(args.variant)}", file=sys.stderr, flush=True)

    def stop(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        target.serve_forever()
    except KeyboardInterrupt:
        target.close()
    print("stopped", file=sys.stderr, flush=True)
    return EXIT_OK
