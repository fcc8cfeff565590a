"""The plain pass (``aixplore/api/gql/fast.py``) answers odd leaf values as graphql-core does.

A value of its leaf's own Python type (a ``str`` for a String) is taken without a call; every
other value (a subclass, another type, a null where none is allowed, an Int out of range)
must get graphql-core's own serialization or error, with the same path.
"""

from __future__ import annotations

import enum
from typing import Any

import strawberry
from strawberry.extensions import ParserCache
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from aixplore.api.gql.fast import PlainExecution


class Label(str):
    """A str subclass: not taken as it is, but still a String."""


class Mood(enum.Enum):
    CALM = "calm"


@strawberry.type
class Inner:
    name: str


@strawberry.type
class Leaves:
    text: str
    maybe: str | None
    flag: bool
    words: list[str]
    count: int
    ratio: float
    mood: Mood
    inner: Inner


def _leaves(**changed: Any) -> Leaves:
    values: dict[str, Any] = {
        "text": "plain",
        "maybe": None,
        "flag": False,
        "words": ["a", "b"],
        "count": 3,
        "ratio": 0.5,
        "mood": Mood.CALM,
        "inner": Inner(name="in"),
    }
    return Leaves(**{**values, **changed})


CASES: list[Leaves | None] = [
    _leaves(),
    _leaves(text=Label("sub"), maybe="there", words=[Label("x")]),
    _leaves(text=7, flag=1, count=True, ratio=2),  # coerced by the scalars
    _leaves(text=True),
    _leaves(text=None),  # a null in a non-null field: an error, the item nulled
    _leaves(flag="yes"),
    _leaves(words=["a", None]),
    _leaves(words="ab"),  # a string is not a list
    _leaves(count=2**40),
    _leaves(count=-(2**31), ratio=1e308),  # the edges of the ranges
    _leaves(count=3.0),  # a whole float is an Int
    _leaves(count=3.5),
    _leaves(ratio=float("inf")),
    _leaves(mood="calm"),
    _leaves(inner=None),
    _leaves(inner=Inner(name=None)),  # type: ignore[arg-type]
]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Leaves | None]:
        return CASES


QUERY = """{ items { __typename text maybe flag words count ratio mood
  again: text inner { name __typename } } }"""


def _run(execution: type) -> tuple[Any, list[tuple[str, Any]]]:
    schema = strawberry.Schema(query=Query, execution_context_class=execution)
    found = schema.execute_sync(QUERY)
    errors = sorted((e.message, e.path) for e in found.errors or [])
    return found.data, errors


def test_the_plain_pass_answers_every_odd_value_as_graphql_core_does() -> None:
    plain = _run(PlainExecution)
    assert plain == _run(StrawberryGraphQLCoreExecutionContext)
    data, errors = plain
    items = data["items"]
    assert items[0]["text"] == "plain" and items[0]["inner"] == {
        "name": "in",
        "__typename": "Inner",
    }
    assert items[2]["text"] == "7" and items[2]["flag"] is True and items[2]["count"] == 1
    assert items[9]["count"] == -(2**31) and items[10]["count"] == 3
    assert [item is None for item in items].count(True) == 9
    assert len(errors) == 9


class _Recorded(PlainExecution):
    made: list[PlainExecution] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.made.append(self)


def test_the_compiled_selections_go_with_the_answer() -> None:
    data, errors = _run(_Recorded)
    assert data is not None and len(errors) == 9
    assert _Recorded.made and all(not executor._plans for executor in _Recorded.made)


# The directives sit below the top selection of each item, inside the compiled plan.
SWITCHED = """query($on: Boolean!) { items { text inner { name
  also: name @skip(if: $on) again: name @include(if: $on) } } }"""


def test_a_kept_selection_follows_the_variables_of_each_operation() -> None:
    """Compiled selections are kept across operations of one document, so the same query
    with other variable values must still drop and add what ``@include``/``@skip`` say."""
    # The parser cache hands every operation the same parsed nodes, as the app's schema does.
    plain = strawberry.Schema(
        query=Query,
        execution_context_class=PlainExecution,
        extensions=[lambda: ParserCache(maxsize=8)],
    )
    core = strawberry.Schema(
        query=Query, execution_context_class=StrawberryGraphQLCoreExecutionContext
    )
    for on in (True, False, True, False):
        found = plain.execute_sync(SWITCHED, variable_values={"on": on})
        expected = core.execute_sync(SWITCHED, variable_values={"on": on})
        assert found.data is not None and found.data == expected.data
        inner = found.data["items"][0]["inner"]
        assert ("again" in inner) is on and ("also" in inner) is not on
