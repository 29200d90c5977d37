"""The ``arangomock`` command line."""

from __future__ import annotations

import argparse
import asyncio
import errno
import signal
import sys
from pathlib import Path
from typing import Any

from . import __version__


def _server_tls(args: argparse.Namespace) -> Any:
    """The TLS context ``serve`` was asked for (a PEM pair or a generated test CA), or None."""
    if args.ssl_certfile:
        from .serve import server_ssl_context

        return server_ssl_context(args.ssl_certfile, args.ssl_keyfile)
    if args.tls_self_signed:
        from .tls import make_test_ca

        ca = make_test_ca()
        ca_path, _, _ = ca.write(args.tls_self_signed)
        print(f"arangomock: clients should trust {ca_path}", flush=True)
        return ca.server_context()
    return None


def _serve(args: argparse.Namespace) -> int:
    from .emulator import Emulator
    from .serve import port_in_use_message, run_server

    # the event loop and the worker threads share one interpreter: while a query computes,
    # the loop would get to read the next request only every 5 ms (Python's default)
    sys.setswitchinterval(0.001)

    backend = Emulator(
        root_password=args.root_password,
        jwt_secret=args.jwt_secret,
        authentication=not args.no_auth,
        keep_requests=args.keep_requests,
        vector_index=args.vector_index == "true",
    )
    if args.restore:
        counts = backend.restore(args.restore)
        total = sum(counts.values())
        print(
            f"arangomock: restored {total} document(s) in {len(counts)} collection(s) "
            f"from {args.restore}",
            flush=True,
        )
    if args.allow_admin_execute and backend.javascript is not None:
        backend.javascript.allow_admin_execute = True
    ssl_context = _server_tls(args)
    if args.unix:
        where = f"http://unix:{args.unix}"
    else:
        where = f"{'https' if ssl_context else 'http'}://{args.host}:{args.port}"

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):  # pragma: no cover - non-POSIX
                pass
        print(f"arangomock: ArangoDB 3.12 emulator listening on {where}", flush=True)
        await run_server(
            backend,
            args.host,
            args.port,
            ssl_context=ssl_context,
            unix_path=args.unix,
            stop=stop,
        )
        print("arangomock: stopped", flush=True)

    try:
        asyncio.run(main())
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES) or "address already in use" in str(exc):
            print(port_in_use_message(args.host, args.port), file=sys.stderr)
            return 2
        raise
    return 0


def _load(path: str) -> Any:
    from .backends.cassette import Cassette

    return Cassette.load(path)


def _cassette_show(args: argparse.Namespace) -> int:
    """One line per interaction: position, request line, status, body sizes."""
    from .backends.replay import describe

    cassette = _load(args.path)
    out = sys.stdout
    if cassette.metadata:
        meta = ", ".join(f"{k}={v}" for k, v in cassette.metadata.items())
        out.write(f"# {args.path}: {len(cassette.interactions)} interactions ({meta})\n")
    else:
        out.write(f"# {args.path}: {len(cassette.interactions)} interactions\n")
    width = len(str(max(len(cassette.interactions) - 1, 0)))
    for position, interaction in enumerate(cassette.interactions):
        req, resp = interaction.request, interaction.response
        out.write(
            f"{position:>{width}}  {describe(req)} -> {resp.status} "
            f"({len(req.body)} B sent, {len(resp.body)} B received)\n"
        )
        if args.bodies:
            from .backends.normalize import body_text

            for label, body in (("request", req.body), ("response", resp.body)):
                if body:
                    text = body_text(body, args.limit).replace("\n", "\n      ")
                    out.write(f"    {label}: {text}\n")
    return 0


def _rules(args: argparse.Namespace) -> Any:
    """The project's redaction (its pytest ini options), plus the command line's."""
    from .backends.redact import RedactionRules
    from .settings import Redaction, ini_redaction

    ini = ini_redaction(Path.cwd())
    chosen = Redaction(
        defaults=ini.defaults and not args.no_defaults,
        headers=(*ini.headers, *args.header),
        fields=(*ini.fields, *args.field),
        patterns=(*ini.patterns, *args.pattern),
    )
    return RedactionRules.configured(chosen)


def _cassette_redact(args: argparse.Namespace) -> int:
    """Scrub secrets in place (atomically); only rewrites a file that changes."""
    from .backends.cassette import Cassette
    from .backends.redact import redact_interaction
    from .backends.verify import Progress

    rules = _rules(args)
    status = 0
    for path in args.path:
        cassette = _load(path)
        progress = Progress(f"redact {path}", len(cassette.interactions))
        total = 0
        scrubbed = []
        for position, interaction in enumerate(cassette.interactions):
            clean, count = redact_interaction(interaction, rules)
            scrubbed.append(clean)
            total += count
            progress.update(position + 1)
        if total:
            Cassette(scrubbed, cassette.metadata).save(path)
            print(f"{path}: redacted {total} value(s)")
        else:
            print(f"{path}: nothing to redact")
    return status


def _verify_directories(args: argparse.Namespace) -> int:
    """Cassettes of a real server, a directory at a time, against its known-gaps list."""
    from pathlib import Path

    from .backends.docs_verify import verify_directory

    worst = 0
    for path in args.path:
        report = verify_directory(Path(path), Path(args.gaps) if args.gaps else None)
        for name, diff in report.differ[: args.max]:
            print(f"{name}: differs from the recording\n{diff}\n")
        for name in report.fixed:
            print(f"{name}: listed as a known gap but agrees now: remove it from the list")
        print(report.summary())
        worst = max(worst, int(report.failed))
    return worst


def _cassette_verify(args: argparse.Namespace) -> int:
    """Replay a cassette's requests against a fresh emulator and report where it differs."""
    from pathlib import Path

    if any(Path(p).is_dir() for p in args.path):
        return _verify_directories(args)
    from .backends.live import create_database
    from .backends.redact import REDACTED
    from .backends.verify import Progress, drift_report, metadata_databases, replay_cassette
    from .emulator import Emulator

    worst = 0
    for path in args.path:
        cassette = _load(path)
        # recorded credentials are redacted: the emulator accepts requests as root, and
        # the redacted password is root's (so a recorded /_open/auth login succeeds)
        emulator = Emulator(authentication=False, root_password=REDACTED)
        for name in metadata_databases(cassette):
            create_database(emulator, name, REDACTED)
        progress = Progress(f"verify {path}", len(cassette.interactions))

        def report(done: int, found: int, progress: Progress = progress) -> None:
            progress.update(done, f"({found} differ)")

        drifts = replay_cassette(cassette, emulator, ignore=args.ignore, on_progress=report)
        count = len(cassette.interactions)
        if drifts:
            worst = 1
            print(f"{path}: {len(drifts)} of {count} interaction(s) differ")
            print(drift_report(drifts[: args.max], "the recording"))
            if len(drifts) > args.max:
                print(f"  ... and {len(drifts) - args.max} more (--max)")
        else:
            print(f"{path}: all {count} interaction(s) agree with the emulator")
    return worst


def _add_cassette_commands(sub: Any) -> None:
    cassette = sub.add_parser("cassette", help="inspect, scrub and check recorded cassettes")
    csub = cassette.add_subparsers(dest="cassette_command", required=True)

    show = csub.add_parser("show", help="list a cassette's interactions")
    show.add_argument("path")
    show.add_argument("--bodies", action="store_true", help="print request and response bodies")
    show.add_argument("--limit", type=int, default=500, help="characters per body (--bodies)")
    show.set_defaults(func=_cassette_show)

    redact = csub.add_parser(
        "redact",
        help="scrub credentials in place (atomically), with the project's arango_redact_* "
        "ini options plus the ones given here: what the plugin redacts and matches with",
    )
    redact.add_argument("path", nargs="+")
    redact.add_argument("--header", action="append", default=[], help="extra header to redact")
    redact.add_argument("--field", action="append", default=[], help="extra JSON field")
    redact.add_argument("--pattern", action="append", default=[], help="extra regex")
    redact.add_argument(
        "--no-defaults",
        action="store_true",
        help="skip the built-in credential rules (as arango_redact_defaults=false)",
    )
    redact.set_defaults(func=_cassette_redact)

    verify = csub.add_parser(
        "verify", help="replay against a fresh emulator and report where it differs (drift)"
    )
    verify.add_argument("path", nargs="+")
    verify.add_argument(
        "--ignore", action="append", default=[], help="JSON field whose value is not compared"
    )
    verify.add_argument("--max", type=int, default=50, help="differences shown per cassette")
    verify.add_argument(
        "--gaps",
        default=None,
        help="known differences for a directory of cassettes (default: its KNOWN_GAPS.txt)",
    )
    verify.set_defaults(func=_cassette_verify)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arangomock", description="In-memory ArangoDB 3.12.")
    parser.add_argument("--version", action="version", version=f"arangomock {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the emulator over HTTP")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--port", type=int, default=8529, help="TCP port to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--root-password",
        default="",
        help="root's password (default: empty, like a fresh ArangoDB)",
    )
    serve.add_argument(
        "--jwt-secret",
        default=None,
        help="accept HS256 superuser JWTs signed with this secret (default: none)",
    )
    serve.add_argument(
        "--no-auth",
        action="store_true",
        help="accept requests without credentials, as root (default: authentication on)",
    )
    serve.add_argument(
        "--ssl-certfile", default=None, help="serve HTTPS with this PEM certificate (default: HTTP)"
    )
    serve.add_argument(
        "--ssl-keyfile",
        default=None,
        help="private key for --ssl-certfile (default: in the certfile)",
    )
    serve.add_argument(
        "--tls-self-signed",
        metavar="DIR",
        default=None,
        help="serve HTTPS with a certificate generated now; writes ca.pem there for clients "
        "(default: off)",
    )
    serve.add_argument(
        "--unix", metavar="PATH", default=None, help="listen on a UNIX socket (default: TCP)"
    )
    serve.add_argument(
        "--vector-index",
        nargs="?",
        const="true",
        default="true",
        choices=("true", "false"),
        help="ArangoDB's --vector-index option: true (default) or false (creating a vector "
        "index then answers 400 as ArangoDB without the option)",
    )
    serve.add_argument(
        "--keep-requests",
        metavar="N",
        type=int,
        default=0,
        help="keep the last N admitted requests in memory (bodies cut to 64 KiB) (default: 0)",
    )
    serve.add_argument(
        "--restore",
        metavar="DIR",
        default=None,
        help="seed the server from an arangodump directory (collections, data, indexes, views)",
    )
    serve.add_argument(
        "--javascript.allow-admin-execute",
        dest="allow_admin_execute",
        action="store_true",
        help="allow POST /_admin/execute (as ArangoDB's option; off by default)",
    )
    serve.set_defaults(func=_serve)
    _add_cassette_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (OSError, ValueError) as exc:
        if args.command != "cassette":
            raise
        print(f"arangomock: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
