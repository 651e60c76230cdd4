"""What an import resolves cell texts to: the codes and names of counties, service areas, contents, metrics.

Loaded once an import, with per-column caches of the raw cell texts already resolved
(and of those that failed), so that a row costs a handful of dict look-ups.
"""

from metrics.importing.contract import normalise
from metrics.models import Metric, MetricKind, PeriodType
from processes.models import ContentModule
from regions.models import ServiceArea, WellbeingCounty

# Distinct cell texts remembered per column; a column of all-different texts is not cached forever.
CACHE_LIMIT = 50_000


def remember(cache, key, value):
    """Cache a resolved cell text; a column of all-different texts empties its cache rather than grow."""
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value


class References:
    """Codes and names of counties, service areas, contents and metrics, loaded once an import."""

    def __init__(self, *, date_as_text):
        self.date_as_text = date_as_text
        self.counties, self.county_hints, self.county_codes = {}, {}, {}
        self.modules, self.module_hints, self.module_codes = {}, {}, {}
        self.metrics, self.metric_hints, self.metric_codes = {}, {}, {}
        # The score metrics, by primary key: their scale (lowest, highest). Every other metric counts.
        self.score_scales = {}
        self.areas, self.area_codes = {}, {}
        # Caches of raw cell text → resolved value, filled by the slow paths.
        self.county_cache, self.module_cache, self.metric_cache = {}, {}, {}
        self.period_type_cache, self.area_cache = {}, {}
        self.period_caches = {PeriodType.WEEK: {}, PeriodType.MONTH: {}}
        # (column, raw cell text) → error message, so that a wrong code repeated on every
        # row is looked up (and its closest code found) once.
        self.failures = {}

    @classmethod
    def load(cls, *, date_as_text) -> "References":
        refs = cls(date_as_text=date_as_text)
        for pk, code, name_fi, name_sv in WellbeingCounty.objects.values_list("pk", "code", "name_fi", "name_sv"):
            refs.county_codes[pk] = code
            for text in (name_fi, name_sv, code):
                if text:
                    refs.counties[normalise(text)] = pk
                    refs.county_hints[normalise(text)] = code
        for pk, code, name_fi in ContentModule.objects.values_list("pk", "code", "name_fi"):
            refs.module_codes[pk] = code
            for text in (name_fi, code):
                refs.modules[normalise(text)] = pk
                refs.module_hints[normalise(text)] = code
        for pk, code, kind, scale_min, scale_max in Metric.objects.values_list(
            "pk", "code", "kind", "scale_min", "scale_max"
        ):
            refs.metric_codes[pk] = code
            if kind == MetricKind.SCORE:
                refs.score_scales[pk] = (scale_min, scale_max)
            refs.metrics[normalise(code)] = pk
            refs.metric_hints[normalise(code)] = code
        for pk, county_id, code, name_fi in ServiceArea.objects.values_list("pk", "county_id", "code", "name_fi"):
            refs.area_codes[pk] = code
            refs.areas.setdefault((county_id, normalise(name_fi)), pk)
            refs.areas[(county_id, normalise(code))] = pk
        refs.row_keys = RowKeyPacker(
            area_bits=_bits_for(refs.area_codes),
            module_bits=_bits_for(refs.module_codes),
            metric_bits=_bits_for(refs.metric_codes),
        )
        return refs

    def lookups(self) -> tuple:
        """The `get` of each column's cache, for the hot loop: county, module, metric, period type, service area
        and {period type: period}."""
        return (
            self.county_cache.get,
            self.module_cache.get,
            self.metric_cache.get,
            self.period_type_cache.get,
            self.area_cache.get,
            {period_type: cache.get for period_type, cache in self.period_caches.items()},
        )


def _bits_for(codes_by_pk: dict) -> int:
    """Bits that hold every primary key of the table (and 0)."""
    return (max(codes_by_pk, default=0) + 1).bit_length()


class RowKeyPacker:
    """A row's natural key packed into one int, so that the keys of a million rows fit in memory.

    The import keeps every key it has seen to find a key repeated inside one file. Fields,
    most significant first: county, service area (0 for the whole county), content,
    metric, period type (one bit) and the period start's ordinal day number, each as wide
    as its largest value needs.
    """

    PERIOD_TYPE_BIT = {PeriodType.WEEK: 0, PeriodType.MONTH: 1}
    # date.max.toordinal() is 3,652,059: 22 bits.
    ORDINAL_BITS = 22

    def __init__(self, *, area_bits: int, module_bits: int, metric_bits: int):
        self.area_bits = area_bits
        self.module_bits = module_bits
        self.metric_bits = metric_bits

    def pack(self, county: int, area: int, module: int, metric: int, period_type: str, ordinal: int) -> int:
        key = (county << self.area_bits | area) << self.module_bits | module
        key = (key << self.metric_bits | metric) << 1 | self.PERIOD_TYPE_BIT[period_type]
        return key << self.ORDINAL_BITS | ordinal
