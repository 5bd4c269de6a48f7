"""One map from every error to an RFC 9457 problem detail; nothing leaks a stack trace."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import psycopg
import psycopg_pool
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ExceptionHandlersMap

from api.schemas import Health, Problem
from claims.errors import Conflict, InvalidInput, NotFound, StaleWrite, Unavailable

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
RETRY_AFTER = "5"


def problem(status: int, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> Response[Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "status": status,
        "title": HTTPStatus(status).phrase,
        "detail": detail,
        **extra,
    }
    return Response(body, status_code=status, media_type=PROBLEM, headers=headers)


def problems(*codes: int) -> dict[int, ResponseSpec]:
    """OpenAPI documentation of the problem details an operation can answer with.

    Every operation may also answer 422 (a query value holding NUL, see `refuse_unstorable_query`),
    429 (rate limit), 500 and 503 (database unreachable), so those are always listed; a client
    generated from the schema then knows every shape it gets.
    """
    return {
        code: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM,
            description=HTTPStatus(code).phrase,
            generate_examples=False,
        )
        for code in sorted({*codes, 422, 429, 500, 503})
    }


NOT_READY = {
    503: ResponseSpec(
        data_container=Health,
        description="The database is unreachable or migrations are pending",
        generate_examples=False,
    )
}


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationException) and exc.extra:
        extra["errors"] = exc.extra
    detail = exc.detail or HTTPStatus(exc.status_code).phrase
    headers = dict(exc.headers or {})
    if exc.status_code == 429:
        # The rate limiter (api/ratelimit.py) sends the draft RateLimit-* headers; clients and
        # proxies understand Retry-After, so say when the window resets in that form too.
        headers.setdefault("Retry-After", str(max(1, int(headers.get("RateLimit-Reset", "60") or 60))))
        detail = "too many requests from this address; retry after the time in Retry-After"
    if exc.status_code >= 500:
        log.error("HTTP %d on %s %s: %s", exc.status_code, request.method, request.url.path, detail)
        detail = HTTPStatus(exc.status_code).phrase
    return problem(exc.status_code, detail, headers=headers or None, **extra)


def _invalid(_: Request[Any, Any, Any], exc: InvalidInput) -> Response[Any]:
    return problem(422, str(exc))


def _not_found(_: Request[Any, Any, Any], exc: NotFound) -> Response[Any]:
    return problem(404, str(exc))


def _conflict(_: Request[Any, Any, Any], exc: Conflict) -> Response[Any]:
    return problem(409, str(exc))


def _stale(_: Request[Any, Any, Any], exc: StaleWrite) -> Response[Any]:
    return problem(412, str(exc))


def _unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return problem(503, "the database is not reachable right now; retry shortly", headers={"Retry-After": RETRY_AFTER})


def _undecodable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """msgspec raises these (not DecodeError) for invalid UTF-8 inside a JSON string and for JSON
    nested past its recursion limit; Litestar lets them through, so they were 500s."""
    log.info("undecodable body on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    reason = "is not valid UTF-8" if isinstance(exc, UnicodeDecodeError) else "is nested too deeply"
    return problem(400, f"the request body {reason}")


def _internal(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "an internal error occurred; it has been logged")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    HTTPException: _http,
    InvalidInput: _invalid,
    NotFound: _not_found,
    Conflict: _conflict,
    StaleWrite: _stale,
    Unavailable: _unavailable,
    psycopg_pool.PoolTimeout: _unavailable,
    psycopg.OperationalError: _unavailable,
    UnicodeDecodeError: _undecodable,
    RecursionError: _undecodable,
    Exception: _internal,
}
