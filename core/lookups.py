"""`column = ANY(%s)`: a long list of ids as one parameter.

PostgreSQL plans `IN (…)` as `= ANY(…)` anyway; passing the ids as one array spares Django
preparing and placing each of them one by one — for a reviewer's thousands of ids, compiled
into several queries a page, that was most of the page's CPU. Other databases (SQLite for
`make run`) get a plain `IN (…)`.
"""

from collections.abc import Iterable

from django.db.models import F, Lookup, Q


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, list(self.rhs)]

    def as_sqlite(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        ids = list(self.rhs)
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*params, *ids]


def among(ids: Iterable[int], column: str = "initiative_id") -> Q:
    """The rows whose `column` is one of `ids`. None of none: an empty `__in`, which Django
    knows matches nothing, so a query that needs it is not sent at all."""
    ids = list(ids)
    return Q(AnyOf(F(column), ids)) if ids else Q(**{f"{column}__in": []})
