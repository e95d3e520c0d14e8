"""Report ranges in the active language: the presets' names and why a range asked for could
not be shown. ``spendwise.periods`` is Django-free and words both in English (docs/i18n.md)."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy

from spendwise.periods import DateRange

# The presets' names, by key (``spendwise.periods.PRESET_LABELS``).
PRESET_NAMES = {
    "this_month": gettext_lazy("This budget month"),
    "last_month": gettext_lazy("Last budget month"),
    "last_3": gettext_lazy("Last 3 months"),
    "last_12": gettext_lazy("Last 12 months"),
    "ytd": gettext_lazy("Year to date"),
    "custom": gettext_lazy("Custom range"),
}

# Why a range asked for could not be shown (spendwise.periods words it in English).
RANGE_PROBLEMS = {
    "preset": gettext_lazy("“%(value)s” is not a date range."),
    "from_missing": gettext_lazy("Enter the from date."),
    "to_missing": gettext_lazy("Enter the to date."),
    "not_a_date": gettext_lazy("“%(value)s” is not a date (use YYYY-MM-DD)."),
    "out_of_range": gettext_lazy("That date is out of range."),
    "reversed": gettext_lazy("The “from” date is after the “to” date."),
    "too_long": gettext_lazy("Choose a range of at most ten years."),
}


def range_error_text(date_range: DateRange) -> str:
    """``date_range.error`` in the active language ("" when the range was fine)."""
    problem = RANGE_PROBLEMS.get(date_range.problem)
    if not date_range.error or problem is None:
        return date_range.error
    sentence = str(problem) % {"value": date_range.value}
    return f"{sentence} {gettext('Showing this budget month instead.')}"
