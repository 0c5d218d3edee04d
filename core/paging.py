"""Rows whose number is already known, for Django's and DRF's paginators.

A paginator counts its rows with `COUNT(*)` before it slices a page. When the page's caller
has just counted them anyway (the review queue counts every tab in one aggregate query), that
second count is a second pass over the same rows; `CountedRows` hands the paginator the known
number instead."""

from django.db.models import QuerySet


class CountedRows:
    """A queryset and its row count: `count()` answers the known number, slicing reads the
    queryset (only the page's rows)."""

    def __init__(self, queryset: QuerySet, count: int):
        self.queryset = queryset
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self.queryset[index]

    def __iter__(self):
        return iter(self.queryset)

    @property
    def ordered(self) -> bool:  # the paginator warns about unordered rows
        return self.queryset.ordered
