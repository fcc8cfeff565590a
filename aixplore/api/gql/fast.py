"""Plain objects completed in one pass: the executor without per-field overhead where none is due.

graphql-core executes every field on its own (resolve info, resolver call, awaitable check,
completion by type): about 500 fields for a page of 50 solutions, which costs more than the
page's SQL. Most of those fields are plain attributes of objects built already (a solution's
slug, its publisher's handle, a rating's count). :class:`PlainExecution` completes an object
whose selected fields are all plain attributes (strawberry's default resolver: no resolver
function, no field extension, no permission), down through nested objects and lists, by
reading the attributes and serializing the leaves with the same scalars graphql-core uses.
Anything else (a field with a resolver or arguments, an interface or union, ``@defer``, a
middleware, a value graphql-core would refuse such as a null in a non-null field) takes
graphql-core's own path for that object, so answers and errors are the same either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from math import isfinite
from typing import Any, cast

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    is_leaf_type,
)
from graphql.execution.collect_fields import DeferUsage, FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path
from graphql.pyutils.awaitable_or_value import AwaitableOrValue
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.cast import TYPE_CAST_ATTRIBUTE as _CAST


class _NotPlain(Exception):
    """This object needs graphql-core's full execution."""


Complete = Callable[[Any], Any]

# Compiled top selections kept across operations, by shape (PlainExecution._shared_plan).
MAX_SHARED = 256
_SHARED: dict[tuple[Any, ...], tuple[Any, Complete | None]] = {}


class PlainExecution(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, with plain objects completed in one pass.

    Each selection's completion is compiled once per operation into small functions (the 50
    solutions of a page share one), kept by the identity of graphql-core's memoized field
    sets, which live as long as the operation.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As strawberry's, with this operation's compiled selections."""
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[str, int], Complete | None] = {}

    def execute_collected_subfields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path,
        grouped_field_set: GroupedFieldSet,
        new_defer_usages: Sequence[DeferUsage],
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        """Complete ``source_value`` at once when it is plain, else as graphql-core does."""
        middleware = self.middleware_manager
        if not new_defer_usages and (middleware is None or not middleware._middleware_resolvers):
            plan = self._shared_plan(parent_type, grouped_field_set)
            if plan is not None:
                try:
                    return plan(source_value)
                except _NotPlain:
                    pass
        return super().execute_collected_subfields(
            parent_type, source_value, path, grouped_field_set, new_defer_usages, position_context
        )

    def build_response(self, data: dict[str, Any] | None) -> Any:
        """The answer; the compiled selections go now (later work compiles them again).

        graphql-core's executor lives in reference cycles, which only the garbage collector
        frees: the compiled selections, about a hundred small objects a page, would wait in
        them (with them a page left 342 objects to the collector, without 241).
        """
        self._plans.clear()
        return super().build_response(data)

    def _shared_plan(
        self, parent_type: GraphQLObjectType, fields: GroupedFieldSet
    ) -> Complete | None:
        """:meth:`_plan`, kept across operations of the same document and variables.

        A selection's shape is its type, each response name's field nodes (the parsed
        document is the parser cache's, so a repeated query brings the same nodes) and the
        variables (``@skip``/``@include`` may depend on them); compiling it again cost a page
        a tenth of its completion. An entry holds its nodes and type, so no id in its key can
        be another object's while it is kept.
        """
        try:
            variables = tuple(sorted(self.variable_values.coerced.items()))
            hash(variables)
        except TypeError:  # a list or input object among them: compiled for this operation
            return self._plan(parent_type, fields)
        nodes = tuple((name, tuple(d.node for d in details)) for name, details in fields.items())
        shape = (id(parent_type), tuple((n, tuple(map(id, f))) for n, f in nodes), variables)
        kept = _SHARED.get(shape)
        if kept is not None:
            return kept[1]
        plan = self._plan(parent_type, fields)
        if len(_SHARED) >= MAX_SHARED:
            del _SHARED[next(iter(_SHARED))]  # the oldest entry
        _SHARED[shape] = ((parent_type, nodes), plan)
        return plan

    def _plan(self, parent_type: GraphQLObjectType, fields: GroupedFieldSet) -> Complete | None:
        """The compiled completion of ``fields`` of ``parent_type`` (None: not plain)."""
        key = (parent_type.name, id(fields))
        if key in self._plans:
            return self._plans[key]
        self._plans[key] = None  # a cycle through this selection is not plain
        steps: list[tuple[str, str, type, Complete]] = []
        for response_name, details in fields.items():
            name = details[0].node.name.value
            if name == "__typename":
                # Every object has a class, never of type _Never: the name is always the answer.
                steps.append((response_name, "__class__", _Never, _constant(parent_type.name)))
                continue
            field = parent_type.fields.get(name)
            definition = field.extensions.get("strawberry-definition") if field else None
            if field is None or definition is None or not getattr(field.resolve, "_is_default", 0):
                return None
            compiled = self._compile(field.type, details)
            if compiled is None:
                return None
            steps.append((response_name, definition.python_name, *compiled))

        plan = _generated(steps)
        self._plans[key] = plan
        return plan

    def _compile(
        self, kind: GraphQLOutputType, details: FieldDetailsList
    ) -> tuple[type, Complete] | None:
        """How to complete a value of ``kind`` (None: not plain): the Python type whose
        values are their own serialization (:class:`_Never` when none), and the completion
        of any other value (None included)."""
        required = isinstance(kind, GraphQLNonNull)
        if required:
            kind = kind.of_type  # type: ignore[union-attr]
        if isinstance(kind, GraphQLList):
            inner = self._compile(kind.of_type, details)
            if inner is None:
                return None
            same, item = inner

            def items(value: Any) -> Any:
                if value is None:
                    return _null(required)
                if type(value) is not list and (
                    isinstance(value, str | bytes | dict) or not isinstance(value, Iterable)
                ):
                    raise _NotPlain
                return [v if type(v) is same else item(v) for v in value]

            fast: tuple[type, Complete] | None = getattr(item, "fast", None)
            if fast is not None:  # a list of objects: those of the exact type at once
                origin, plan = fast

                def objects(value: Any) -> Any:
                    if type(value) is not list:
                        return items(value)
                    return [
                        plan(v)
                        if type(v) is origin and getattr(v, _CAST, None) is None
                        else item(v)
                        for v in value
                    ]

                return _Never, objects
            return _Never, items
        if is_leaf_type(kind):
            serialize = kind.serialize  # type: ignore[union-attr]
            in_range = _IN_RANGE.get(serialize)

            def leaf(value: Any) -> Any:
                if value is None:
                    return _null(required)
                if in_range is not None and in_range(value):
                    return value  # what serialize would answer, without its checks
                try:
                    found = serialize(value)
                except Exception as exc:  # graphql-core words the error
                    raise _NotPlain from exc
                if found is None:
                    raise _NotPlain
                return found

            return _SELF_SERIALIZED.get(serialize, _Never), leaf
        if not isinstance(kind, GraphQLObjectType):
            return None  # interfaces and unions resolve their type first
        subfields, defer_usages, _forbidden = self.collect_subfields(kind, details)
        if defer_usages:
            return None
        plan = self._plan(kind, subfields)
        if plan is None:
            return None
        is_type_of = kind.is_type_of

        def child(value: Any) -> Any:
            if value is None:
                return _null(required)
            if is_type_of is not None and not is_type_of(value, None):  # type: ignore[arg-type]
                raise _NotPlain
            return plan(value)

        # An object of exactly the type's class and not cast to another is of the type
        # (strawberry's is_type_of): its plan may run without a call to check it.
        definition = kind.extensions.get("strawberry-definition")
        origin = getattr(definition, "origin", None)
        if isinstance(origin, type) and getattr(definition, "concrete_of", None) is None:
            child.fast = (origin, plan)  # type: ignore[attr-defined]
        return _Never, child


def _generated(steps: list[tuple[str, str, type, Complete]]) -> Complete:
    """One function that completes an object of these steps: straight-line attribute reads
    and one dict display (a loop over the steps, with its tuple unpacking and stores, cost
    twice as much for the 200 objects of a page).

    A value of its leaf's own Python type (a str for a String) is its own serialization:
    taken as it is, without a call; anything else goes through its step's completion. An
    attribute the object lacks reads as None, as graphql-core's default resolver finds it.
    """
    scope: dict[str, Any] = {"_NotPlain": _NotPlain}
    reads: list[str] = []
    items: list[str] = []
    for n, (response, attr, same, complete) in enumerate(steps):
        if attr == "__class__":  # __typename: the type's name whatever the object
            scope[f"k{n}"] = complete(None)
            items.append(f"{response!r}: k{n}")
            continue
        if not attr.isidentifier():  # a Python name always is; else the general reader
            return _looped(steps)
        scope[f"c{n}"] = complete
        reads.append(f"    v{n} = getattr(source, {attr!r}, None)")
        fast = getattr(complete, "fast", None)
        if fast is not None:  # an object: of exactly its type, completed by its plan
            scope[f"o{n}"], scope[f"p{n}"] = fast
            items.append(
                f"{response!r}: p{n}(v{n}) if type(v{n}) is o{n} and "
                f"getattr(v{n}, {_CAST!r}, None) is None else c{n}(v{n})"
            )
        elif same is _Never:
            items.append(f"{response!r}: c{n}(v{n})")
        else:
            scope[f"t{n}"] = same
            items.append(f"{response!r}: v{n} if type(v{n}) is t{n} else c{n}(v{n})")
    source = "\n".join(["def plan(source):", *reads, f"    return {{{', '.join(items)}}}"])
    exec(compile(source, "<aixplore.api.gql.fast plan>", "exec"), scope)  # noqa: S102
    return cast(Complete, scope["plan"])


def _looped(steps: list[tuple[str, str, type, Complete]]) -> Complete:
    """The same completion as :func:`_generated`, as a loop over the steps."""

    def plan(source: Any) -> dict[str, Any]:
        found = {}
        for response, attr, same, complete in steps:
            value = getattr(source, attr, None)
            found[response] = value if type(value) is same else complete(value)
        return found

    return plan


class _Never:
    """No value is of this type: every value of such a field is completed by a call."""


# Leaves whose serialization returns a value of exactly this Python type unchanged (a bool
# is not a str, and not an int for ``type(value) is``). Int and Float check a range and
# finiteness first (``_IN_RANGE``).
_SELF_SERIALIZED: dict[Callable[[Any], Any], type] = {
    GraphQLString.serialize: str,
    GraphQLID.serialize: str,
    GraphQLBoolean.serialize: bool,
}


# Leaves that answer some values of one Python type unchanged: a plain int within 32 bits
# (GraphQL's Int), a finite float. Any other value takes the scalar's own serialization.
_IN_RANGE: dict[Callable[[Any], Any], Callable[[Any], bool]] = {
    GraphQLInt.serialize: lambda v: type(v) is int and GRAPHQL_MIN_INT <= v <= GRAPHQL_MAX_INT,
    GraphQLFloat.serialize: lambda v: type(v) is float and isfinite(v),
}


def _null(required: bool) -> None:
    """A null where the field allows one; else graphql-core reports it (nulling the parent)."""
    if required:
        raise _NotPlain
    return None


def _constant(value: Any) -> Complete:
    return lambda _ignored: value
