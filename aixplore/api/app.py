"""The REST face of AiXplore, mounted in front of Reflex's backend with ``api_transformer``."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from aixplore.api.auth import RateLimitHeaders, rate_limit
from aixplore.api.forwarded import ForwardedClient
from aixplore.api.metrics import MetricsMiddleware
from aixplore.api.routes import (
    audit,
    docs,
    event_writes,
    events,
    forums,
    gdpr,
    github_oauth,
    graphiql,
    graphql,
    health,
    messages,
    oauth,
    orders,
    profiles,
    social_login,
    solutions,
    sso,
    sso_link,
    streams,
    stripe_webhook,
    webhooks,
    writes,
)
from aixplore.api.schemas import Problem
from aixplore.api.writes import PayloadTooLarge
from aixplore.core.errors import (
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    Throttled,
    ValidationFailed,
)
from aixplore.core.outage import outage_of
from aixplore.core.settings import get_settings

log = logging.getLogger("aixplore.api")


def _problem(status: int, title: str, detail: str = "") -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


# The HTTP status of each domain refusal; any other DomainError is a plain 400.
DOMAIN_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    ValidationFailed: 422,
    PermissionDenied: 403,
    NotAuthenticated: 401,
    Throttled: 429,
    Conflict: 409,
    ServiceUnavailable: 503,
    PayloadTooLarge: 413,
}


def domain_problem(exc: DomainError) -> JSONResponse:
    """A domain refusal as RFC 9457 problem details; its message is safe to show."""
    status = next((code for cls, code in DOMAIN_STATUS.items() if isinstance(exc, cls)), 400)
    body: dict[str, object] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": exc.message,
        "code": exc.code,
    }
    if exc.field:
        body["field"] = exc.field
    headers: dict[str, str] = {}
    if isinstance(exc, Throttled):
        headers["Retry-After"] = str(exc.retry_after)
        headers.update(getattr(exc, "headers", {}))
    if isinstance(exc, NotAuthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="aixplore"'
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _document_problems(api: FastAPI) -> None:
    """Say in the OpenAPI document what errors really are: problem details, for any 4xx/5xx.

    FastAPI documents its 422 as ``application/json`` with its own shape; every error here is
    an RFC 9457 ``application/problem+json`` body (see the exception handlers below).
    """
    build = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema:
            return api.openapi_schema
        doc = build()
        components = doc.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = Problem.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        for operations in doc.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code in list(responses):
                    if code[0] in "45":
                        responses[code]["content"] = PROBLEM_CONTENT
                responses.setdefault(
                    "4XX",
                    {"description": "Refused: see the problem details", "content": PROBLEM_CONTENT},
                )
        api.openapi_schema = doc
        return doc

    api.openapi = openapi  # type: ignore[method-assign]


def build_api() -> FastAPI:
    """Create the API application with its routes and error handling."""
    api = FastAPI(
        title="AiXplore API",
        version="1",
        docs_url=None,  # a self-contained page instead (Swagger UI would load from a CDN)
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    _document_problems(api)
    api.include_router(health.router)
    reads = [Depends(rate_limit("read"))]
    api.include_router(solutions.router, dependencies=reads)
    api.include_router(events.router, dependencies=reads)
    api.include_router(profiles.router, dependencies=reads)
    api.include_router(messages.router, dependencies=reads)
    api.include_router(forums.router, dependencies=reads)
    api.include_router(graphql.router, dependencies=reads)
    api.include_router(graphql.subscriptions)
    api.include_router(writes.router)
    api.include_router(event_writes.router)
    api.include_router(orders.router)
    api.include_router(audit.router)
    api.include_router(webhooks.router)
    api.include_router(gdpr.router)
    api.include_router(docs.router)
    api.include_router(graphiql.router)
    api.include_router(sso.router, dependencies=[Depends(rate_limit("sso"))])
    api.include_router(sso_link.router, dependencies=[Depends(rate_limit("sso"))])
    # Browser sign-in redirects like SSO's: counted per network address in the same budget.
    api.include_router(github_oauth.router, dependencies=[Depends(rate_limit("sso"))])
    api.include_router(social_login.router, dependencies=[Depends(rate_limit("sso"))])
    api.include_router(stripe_webhook.router)
    api.include_router(streams.router)  # nginx's RTMP callbacks, behind a secret path
    # Third-party apps authenticate with HTTP Basic here, which the API's limiter refuses;
    # these endpoints count in their own limits (aixplore/api/oauth_limits.py).
    api.include_router(oauth.router)
    media = get_settings().media_root
    media.mkdir(parents=True, exist_ok=True)
    api.mount("/media", StaticFiles(directory=media), name="media")

    api.add_middleware(RateLimitHeaders)
    api.add_middleware(MetricsMiddleware)
    # Outermost: every route and limit sees the client, not the proxy in front (forwarded.py).
    api.add_middleware(ForwardedClient)

    @api.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _problem(exc.status_code, str(exc.detail))

    @api.exception_handler(DomainError)
    async def _refused(_request: Request, exc: DomainError) -> JSONResponse:
        return domain_problem(exc)

    @api.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        return _problem(422, "Invalid request", str(first.get("msg", "")))

    @api.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        if (lost := outage_of(exc)) is not None:  # a restart in progress: come back shortly
            log.warning("an API request failed while %s was unreachable: %s", lost, exc)
            reply = _problem(503, "Service unavailable", "Try again in a few seconds.")
            reply.headers["Retry-After"] = "5"
            return reply
        log.error("unhandled error in an API request", exc_info=exc)
        return _problem(500, "Internal error", "Something went wrong on our side.")

    return api
