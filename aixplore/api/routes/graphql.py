"""``POST /api/graphql``: the GraphQL face of the read API, next to REST.

POST only (no queries over GET, so a link or an image cannot run one with the visitor's
cookies), no subscriptions; GraphiQL is a page of its own (``routes/graphiql.py``: strawberry's
loads from a CDN). The caller is resolved as REST resolves it (API key or OAuth access token)
and counted in the same read rate limit; the route stays out of the OpenAPI document, which
describes REST.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from strawberry.fastapi import GraphQLRouter

from aixplore.api.auth import principal
from aixplore.api.gql.common import Context
from aixplore.api.gql.schema import schema
from aixplore.domain.apikeys.models import KeyPrincipal


async def _context(caller: Annotated[KeyPrincipal | None, Depends(principal)]) -> Context:
    return Context(caller=caller)


router: GraphQLRouter[Context, None] = GraphQLRouter(
    schema,
    path="/api/graphql",
    graphql_ide=None,
    allow_queries_via_get=False,
    subscription_protocols=(),
    context_getter=_context,
    include_in_schema=False,
)
