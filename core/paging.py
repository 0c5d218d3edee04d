"""Counting for Django's and DRF's paginators: counts that stop at a cap, and rows whose
number is already known.

`CappedPaginator` stops counting at `LIST_COUNT_CAP`; the API's lists and the long lists of
the browser (the portfolio, notifications, audit trails, delivery logs; not the drill-downs,
whose heading shows their exact count) page
with it, the browser's through `capped_page`.

A paginator counts its rows with `COUNT(*)` before it slices a page. When the page's caller
has just counted them anyway (the review queue counts every tab in one aggregate query), that
second count is a second pass over the same rows; `CountedRows` hands the paginator the known
number instead."""

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


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


class CappedPaginator(Paginator):
    """Django's paginator, counting at most `cap` rows of a queryset.

    `COUNT(*)` reads every row a list could show: a million audit events are read to say how
    many pages there are, on every page. Here the count stops at `cap` (one more row is read
    to know there are more): beyond it `capped` is true, `count` is the cap, any page number
    is accepted, and whether a next page exists is known from one extra row of the page
    itself. The last page, once reached, knows the exact count. Lists that know their count
    (`CountedRows`, *My work*) answer it themselves."""

    def __init__(self, object_list, per_page, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        # Any `cap + 1` rows answer "more than the cap": no ordering, no sort of all rows.
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    def validate_number(self, number):
        if self.count and self.capped:
            try:
                number = int(number)
            except (TypeError, ValueError):
                raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
            if number < 1:
                raise EmptyPage(self.error_messages["min_page"])
            return number
        return super().validate_number(number)

    def page(self, number):
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        more = len(rows) > self.per_page
        if not more:  # the last page: now the whole count is known
            self.count = bottom + len(rows)
            self.capped = False
            self.__dict__.pop("num_pages", None)
        return CappedPage(rows[: self.per_page], number, self, more)

    def get_page(self, number):
        """Django's forgiving page: not a number gives the first page, a number past the end
        (or below 1) the last. Above the cap where the end is cannot be known without
        counting: only then is it counted."""
        try:
            return self.page(self.validate_number(number))
        except PageNotAnInteger:
            return super().get_page(1)
        except EmptyPage:
            self.capped = False
            self.count = self.object_list.count()
            self.__dict__.pop("num_pages", None)
            return super().get_page(number)


class CappedPage(Page):
    def __init__(self, object_list, number, paginator, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1


def capped_page(rows, per_page: int, number) -> Page:
    """The page `number` (any text from the query string) of `rows`, counted up to
    `LIST_COUNT_CAP`: the browser's long lists. `includes/pagination.html` shows "more than
    …" while the count is capped."""
    return CappedPaginator(rows, per_page, cap=settings.LIST_COUNT_CAP).get_page(number)
