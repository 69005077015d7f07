"""CLI handler for `newsworker serve`: the read API under uvicorn."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys

from worker.settings import Settings

logger = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Without NEWSWORKER_API_TOKENS the API is unauthenticated, so it may only listen on
    loopback; any other --host is refused."""
    if not settings.api_tokens:
        if not is_loopback(args.host):
            print(
                f"newsworker serve: refusing --host {args.host} without NEWSWORKER_API_TOKENS "
                "(no authentication); set tokens or bind to 127.0.0.1",
                file=sys.stderr,
            )
            return 2
        logger.warning(
            "NEWSWORKER_API_TOKENS is empty: authentication is off, listening on loopback only",
            extra={"host": args.host, "port": args.port},
        )
    return _run(args, settings)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    """One process serves the app it builds here; with --workers N uvicorn starts N
    processes that each build theirs from the environment (worker.api.app.app_from_env),
    each with its own concurrency limit and pool: N x NEWSWORKER_API_CONCURRENCY
    connections in all."""
    import uvicorn

    options = {"host": args.host, "port": args.port, "log_config": None, "access_log": False}
    logger.info(
        "serving the read API",
        extra={"host": args.host, "port": args.port, "workers": args.workers,
               "concurrency": settings.api_concurrency},
    )  # fmt: skip
    if args.workers == 1:
        from worker.api.app import create_app

        uvicorn.run(create_app(settings), **options)
    else:
        uvicorn.run("worker.api.app:app_from_env", factory=True, workers=args.workers, **options)
    return 0
