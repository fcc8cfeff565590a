"""The one-pass completion of plain objects answers exactly as graphql-core's own execution."""

from __future__ import annotations

import asyncio
from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from aixplore.api.gql.common import Context
from aixplore.api.gql.fast import PlainExecution
from aixplore.api.gql.schema import schema
from aixplore.core.db import session_scope
from aixplore.domain.reviews import services as reviews
from tests.factories import actor_for, make_member, make_small_catalog, sign_in

QUERIES = [
    # Aliases, __typename, fragments, directives, nested plain objects and scalar lists.
    """query($yes: Boolean!, $no: Boolean!) { solutions(first: 3) { totalCount
      pageInfo { hasNextPage endCursor startCursor }
      edges { cursor n: node { __typename ...Card rating { average count }
        also: slug @include(if: $yes) not: name @skip(if: $yes) hidden: tags @include(if: $no)
        publisher { handle displayName __typename } } } } }
    fragment Card on Solution { id slug name tagline category pricing tags }""",
    # A field with a resolver inside (reviews): that object takes graphql-core's path.
    """{ solutions(first: 2) { edges { node { slug reviews(first: 2) {
      id rating title createdAt reply { body } } } } } }""",
    # Through the Node interface, with an inline fragment.
    """query($id: ID!) { node(id: $id) { id __typename ... on Solution { slug rating { count } } } }""",
]


def _run(query: str, variables: dict[str, Any], plain: bool) -> Any:
    schema.execution_context_class = (
        PlainExecution if plain else StrawberryGraphQLCoreExecutionContext
    )
    try:
        found = asyncio.run(
            schema.execute(query, variable_values=variables, context_value=Context(None))
        )
    finally:
        schema.execution_context_class = PlainExecution
    return found.data, [str(e) for e in found.errors or []]


def test_plain_completion_answers_as_graphql_core_does() -> None:
    slug = make_small_catalog()["ocr"]
    with session_scope() as db:
        reviews.do_write_review(
            db,
            actor_for(sign_in(make_member(name="Reviewer").email)),
            slug,
            {"rating": 4, "title": "Good OCR", "body": "Works well here."},
        )
    first, _ = _run("{ solutions(first: 1) { edges { node { id } } } }", {}, True)
    variables = {"yes": True, "no": False, "id": first["solutions"]["edges"][0]["node"]["id"]}
    for query in QUERIES:
        fast = _run(query, variables, True)
        assert fast == _run(query, variables, False)
        assert fast[0] is not None and not fast[1]
