"""What the open API answers: Pydantic schemas, from which ninja writes the OpenAPI 3 document."""

import datetime

from ninja import Schema


class ErrorOut(Schema):
    """A refused request: `detail` names the parameter and says what is wrong with it."""

    detail: str
    parameter: str | None = None


class CountyOut(Schema):
    code: str
    name_fi: str
    name_sv: str
    name_en: str
    brand: str
    population: int | None
    population_year: int | None


class ContentOut(Schema):
    code: str
    name_fi: str
    name_sv: str
    name_en: str
    kind: str
    is_active: bool


class SeriesPoint(Schema):
    period: str
    period_start: datetime.date
    # A count (summed, or per period for distinct users), or a response-weighted mean for a score;
    # None where a distinct count has only service-area figures, which are never added up.
    value: int | float | None


class SeriesOut(Schema):
    metric: str
    period_type: str
    county: str | None
    content: str | None
    service_area: str | None
    first_period: str
    last_period: str
    points: list[SeriesPoint]


class AlertOut(Schema):
    """An alert as the public may see it: figures and status, never the internal follow-up notes."""

    county: str
    service_area: str | None
    content: str
    metric: str
    period_type: str
    window_end: str
    previous: int
    recent: int
    change_percent: int
    status: str
    created: datetime.datetime


class AlertPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AlertOut]


class ComparedCounty(Schema):
    """A county's figure for the range: a sum, a distinct count's mean per period, or a score's weighted mean."""

    county: str
    rank: int
    value: int | float
    # None for a score (a mean has no per-resident figure) or a county without a population.
    per_1000_residents: float | None
    population: int | None
    population_year: int | None


class ComparisonOut(Schema):
    metric: str
    period_type: str
    content: str | None
    first_period: str
    last_period: str
    ranked: list[ComparedCounty]
    # County codes: the content is in use (or piloted, or ended) in the range but no figure was imported.
    without_statistics: list[str]
    # County codes: no rollout of the content put it in residents' hands in the range; never a zero.
    not_in_use: list[str]


class AdoptionPoint(Schema):
    week: int  # weeks since the county's go-live week (0), negative before it
    # Per 1,000 residents (a score: its weighted mean); None for a county without a population.
    value: float | None


class AdoptionCounty(Schema):
    county: str
    go_live_week: str
    go_live_week_start: datetime.date
    points: list[AdoptionPoint]


class AdoptionOut(Schema):
    metric: str
    content: str
    weeks_before: int
    weeks_after: int
    counties: list[AdoptionCounty]
