"""Category suggestions learned from the household's own categorised transactions.

Two steps, per kind (expense or income):

1. a payee seen before → the category used most often with that payee;
2. otherwise a multinomial naive Bayes over the lower-cased word tokens of payee and note
   (Laplace smoothing), suggesting its best category only when the posterior probability is at
   least ``CONFIDENCE``.

``CategoryModel`` is plain Python (trained from tuples, property-testable); ``suggester_for``
reads the household's most recent ``TRAINING_ROWS`` categorised transactions with one query and
keeps the trained model in process memory for ``CACHE_SECONDS``.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from spendwise.households.models import Household

TRAINING_ROWS = 20_000
CONFIDENCE = 0.6
CACHE_SECONDS = 120
CACHE_HOUSEHOLDS = 256

TrainingRow = tuple[str, int, str, str]  # kind, category id, payee name, note

_WORD = re.compile(r"[^\W\d_]{2,}")  # words of two letters or more; digits say little


def tokens(*texts: str) -> list[str]:
    """Lower-cased word tokens of ``texts`` (letters only, two or more)."""
    return [word.casefold() for text in texts for word in _WORD.findall(text or "")]


def payee_key(payee_name: str) -> str:
    return " ".join((payee_name or "").split()).casefold()


@dataclass
class _KindModel:
    by_payee: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    docs: Counter[int] = field(default_factory=Counter)  # rows per category
    words: dict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    word_totals: Counter[int] = field(default_factory=Counter)
    vocabulary: set[str] = field(default_factory=set)


class CategoryModel:
    """Learns ``(kind, payee, note) → category id`` and suggests one, or None when unsure."""

    def __init__(self, confidence: float = CONFIDENCE, *, by_payee: bool = True) -> None:
        """``by_payee=False`` skips step 1 (the benchmark measures the word model alone)."""
        self.confidence = confidence
        self.by_payee = by_payee
        self._kinds: dict[str, _KindModel] = defaultdict(_KindModel)

    def learn(self, rows: Iterable[TrainingRow]) -> CategoryModel:
        """``rows``: (kind, category id, payee name, note)."""
        for kind, category_id, payee_name, note in rows:
            model = self._kinds[kind]
            key = payee_key(payee_name)
            if key:
                model.by_payee[key][category_id] += 1
            model.docs[category_id] += 1
            words = tokens(payee_name, note)
            model.words[category_id].update(words)
            model.word_totals[category_id] += len(words)
            model.vocabulary.update(words)
        return self

    def suggest(self, payee_name: str, description: str, kind: str) -> int | None:
        """The likeliest category id for this kind, or None below the confidence threshold."""
        model = self._kinds.get(kind)
        if model is None or not model.docs:
            return None
        seen = model.by_payee.get(payee_key(payee_name)) if self.by_payee else None
        if seen:
            # most frequent; ties go to the lower id so that the answer is stable
            return min(seen.items(), key=lambda item: (-item[1], item[0]))[0]
        words = [w for w in tokens(payee_name, description) if w in model.vocabulary]
        if not words:
            return None
        rows = sum(model.docs.values())
        size = len(model.vocabulary)
        scores: dict[int, float] = {}
        for category_id, count in model.docs.items():
            counts, total = model.words[category_id], model.word_totals[category_id] + size
            scores[category_id] = math.log(count / rows) + sum(
                math.log((counts[word] + 1) / total) for word in words
            )
        best = max(scores, key=lambda c: (scores[c], -c))
        top = scores[best]
        probability = 1.0 / sum(math.exp(score - top) for score in scores.values())
        return best if probability >= self.confidence else None


def training_rows(household: Household, limit: int = TRAINING_ROWS) -> list[TrainingRow]:
    """The household's most recent ``limit`` categorised expenses and incomes (one query),
    as (kind, category id, payee name, note); archived categories are left out."""
    from spendwise.ledger.models import Transaction, TransactionKind

    rows = (
        Transaction.objects.filter(
            household=household,
            kind__in=(TransactionKind.EXPENSE, TransactionKind.INCOME),
            category__isnull=False,
            category__archived=False,
        )
        .order_by("-date", "-id")
        .values_list("kind", "category_id", "payee__name", "note")[:limit]
    )
    return [(kind, category_id, payee or "", note) for kind, category_id, payee, note in rows]


_cache: dict[tuple[int, object], tuple[float, CategoryModel]] = {}
_cache_lock = threading.Lock()


def suggester_for(household: Household) -> CategoryModel:
    """The household's trained model, reused for ``CACHE_SECONDS`` within this process."""
    key = (household.pk, household.created_at)  # created_at: a reused id is another household
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    model = CategoryModel().learn(training_rows(household))
    with _cache_lock:
        if len(_cache) >= CACHE_HOUSEHOLDS:
            _cache.clear()
        _cache[key] = (now, model)
    return model


def forget(household: Household | None = None) -> None:
    """Drop the cached model of ``household`` (every household when None)."""
    with _cache_lock:
        if household is None:
            _cache.clear()
        else:
            _cache.pop((household.pk, household.created_at), None)
