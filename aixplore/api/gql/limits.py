"""What one GraphQL operation may cost: depth, tokens and a cost counted before it runs.

The cost is static, read off the parsed document as GitHub's API does: every field costs 1,
and a page's selections cost ``first`` times over (``first`` as the field defaults and caps it:
:data:`CONNECTIONS`), so an alias repeating a field pays for each copy. An operation over
:data:`MAX_COST` is refused with a GraphQL error before any resolver runs; every answer carries
its cost in ``extensions.cost``.

The cost is also charged to the caller's read rate limit (the one REST reads count in): an
operation counts as ``ceil(cost / COST_PER_REQUEST)`` requests (at least one), so a page of 50
solutions with their publishers uses several requests' worth of the budget and ``{ viewer {
handle } }`` one. Past the limit the answer is HTTP 429 with ``Retry-After`` and a
``RATE_LIMITED`` GraphQL error; ``extensions.rateLimit`` says what was charged and what is left.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from starlette.requests import Request
from strawberry.extensions import SchemaExtension

from aixplore.api.auth import STATE_HEADERS, RateLimited, charge
from aixplore.core.errors import ServiceUnavailable

MAX_DEPTH = 8
MAX_COST = 1000
MAX_TOKENS = 5000
MAX_FIRST = 50
# An operation counts as one request of the read rate limit per this much cost (rounded up).
COST_PER_REQUEST = 100
# Fields that return pages: their selections are paid ``first`` times. Each one's default
# ``first`` and the most it allows (a larger one is refused by its resolver).
CONNECTIONS: dict[str, tuple[int, int]] = {
    "solutions": (MAX_FIRST, MAX_FIRST),
    "reviews": (5, 10),
    "events": (12, 12),  # a fixed page
    "orders": (20, 100),
    "notifications": (20, 100),
    "followers": (30, 100),
    "following": (30, 100),
}


def _first_of(field: FieldNode, variables: Mapping[str, Any]) -> int:
    default, most = CONNECTIONS[field.name.value]
    for argument in field.arguments or ():
        if argument.name.value != "first":
            continue
        value: Any = None
        if isinstance(argument.value, IntValueNode):
            value = int(argument.value.value)
        elif isinstance(argument.value, VariableNode):
            value = variables.get(argument.value.name.value)
        if isinstance(value, int) and not isinstance(value, bool):
            # Out-of-range values are refused by the resolver with their own message.
            return max(0, min(value, most))
    return default


def selection_cost(
    selections: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    seen: frozenset[str] = frozenset(),
) -> int:
    """The cost of a selection set (fragments expanded; a cycle costs nothing more)."""
    if selections is None:
        return 0
    total = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            inner = selection_cost(selection.selection_set, fragments, variables, seen)
            if selection.name.value in CONNECTIONS:
                inner *= _first_of(selection, variables)
            # Introspection pays too (aliased ``__schema`` copies would be a batching attack);
            # only ``__typename``, a name the server already holds, is free.
            total += 0 if selection.name.value == "__typename" else 1 + inner
        elif isinstance(selection, InlineFragmentNode):
            total += selection_cost(selection.selection_set, fragments, variables, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                total += selection_cost(fragment.selection_set, fragments, variables, seen | {name})
    return total


class QueryCost(SchemaExtension):
    """Refuses operations costing over :data:`MAX_COST`; reports the cost of the others.

    Counted when execution starts, not as a validation rule: the cost depends on the
    variables (``first: $first``), and validation results are cached per document.
    """

    def __init__(self) -> None:
        """A fresh count per operation (the schema makes the extension per request)."""
        self.cost: int | None = None
        self.rate_limit: dict[str, int] | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        """Count the operation about to run; refuse it before any resolver when too dear."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            variables = context.variables or {}
            wanted = context.operation_name
            for definition in document.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                if wanted and (definition.name is None or definition.name.value != wanted):
                    continue
                cost = selection_cost(definition.selection_set, fragments, variables)
                self.cost = max(self.cost or 0, cost)
        if (self.cost or 0) > MAX_COST:
            raise GraphQLError(
                f"Query cost {self.cost} exceeds the limit of {MAX_COST}: ask for fewer "
                "items (first), fewer fields or fewer aliases."
            )
        if self.cost is not None:
            await self._charge(self.cost)
        yield

    async def _charge(self, cost: int) -> None:
        """Charge the cost to the caller's read limit (the request itself counted one)."""
        context = self.execution_context.context
        request = getattr(context, "request", None)
        if not isinstance(request, Request):
            # Outside HTTP: tests of the schema alone, or a WebSocket, whose connection and
            # each subscription count one call (``routes/graphql.py``).
            return
        requests = charged_requests(cost)
        try:
            if requests > 1:
                headers = await charge(request, "read", requests - 1)
            else:
                headers = getattr(request.state, STATE_HEADERS, None)
        except RateLimited as exc:
            context.response.status_code = 429
            for name, value in exc.headers.items():
                context.response.headers[name] = value
            raise GraphQLError(
                f"{exc.message} This query costs {requests} requests of the limit.",
                extensions={"code": "RATE_LIMITED", "retryAfter": exc.retry_after},
            ) from exc
        except ServiceUnavailable as exc:
            context.response.status_code = 503
            context.response.headers["Retry-After"] = "5"
            raise GraphQLError(exc.message, extensions={"code": "UNAVAILABLE"}) from exc
        self.rate_limit = {"charged": requests}
        if headers:
            self.rate_limit["remaining"] = int(headers["X-RateLimit-Remaining"])

    def get_results(self) -> dict[str, Any]:
        """``extensions.cost`` and ``rateLimit`` of the answer (absent when it did not validate)."""
        if self.cost is None:
            return {}
        found: dict[str, Any] = {"cost": self.cost}
        if self.rate_limit is not None:
            found["rateLimit"] = self.rate_limit
        return found


def charged_requests(cost: int) -> int:
    """How many requests of the read rate limit an operation of ``cost`` counts as."""
    return max(1, math.ceil(cost / COST_PER_REQUEST))
