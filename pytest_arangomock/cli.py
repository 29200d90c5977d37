"""The ``arangomock`` command line."""

from __future__ import annotations

import argparse
import asyncio
import errno
import signal
import sys


def _serve(args: argparse.Namespace) -> int:
    from .emulator import Emulator
    from .serve import port_in_use_message, run_server

    backend = Emulator(
        root_password=args.root_password,
        jwt_secret=args.jwt_secret,
        authentication=not args.no_auth,
    )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):  # pragma: no cover - non-POSIX
                pass
        print(
            f"arangomock: ArangoDB 3.12 emulator listening on http://{args.host}:{args.port}",
            flush=True,
        )
        await run_server(backend, args.host, args.port, stop=stop)
        print("arangomock: stopped", flush=True)

    try:
        asyncio.run(main())
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES) or "address already in use" in str(exc):
            print(port_in_use_message(args.host, args.port), file=sys.stderr)
            return 2
        raise
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arangomock", description="In-memory ArangoDB 3.12.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the emulator over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8529)
    serve.add_argument("--root-password", default="")
    serve.add_argument("--jwt-secret", default=None)
    serve.add_argument("--no-auth", action="store_true", help="accept requests without credentials")
    serve.set_defaults(func=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
