"""Searching the descriptions (see processes/search.py and README "Search").

PostgreSQL ranks with its full-text search; other databases (SQLite) match Finnish stems.
The description's own texts and those of its phases, steps and contents are searched.
"""

import operator
from functools import reduce

from django.contrib.postgres.search import Lexeme, SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import Case, Exists, F, OuterRef, Q, StringAgg, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat

from processes import search
from processes.models.choices import ResponsibleRole
from processes.models.contents import ContentModule
from processes.models.phases import Phase, Step


class DescriptionSearchQuerySet(models.QuerySet):
    """`search()` for `ProcessDescriptionQuerySet`; its model is `ProcessDescription`."""

    def search(self, query):
        """Descriptions that contain every word of the query, in any Finnish (or Swedish, English) form.

        The words are looked for in the title, summary, sections, author, content names, the
        phases (title, goal) and their steps (title, description, role, output, checklist).
        PostgreSQL ranks the results and annotates `search_rank` and `search_headline` (the
        matching passage, marked with `processes.search.START_SEL`/`STOP_SEL`); other
        databases keep the queryset's order and match stems (`processes.search.finnish_stem`).
        """
        words = search.search_words(query)
        if not words:
            return self
        if connections[self.db].vendor == "postgresql":
            return self._full_text_search(words)
        return self._stem_search(words)

    def _full_text_search(self, words):
        config = _search_config()
        terms = [Lexeme(word, prefix=True) for word in words]
        tsquery = SearchQuery(reduce(operator.and_, terms), config=config)
        sections = self.model.SECTION_FIELDS
        parts = _searchable_parts(self.model)
        vector = (
            SearchVector("title", config=config, weight="A")
            + SearchVector("summary", parts["modules"], "author", config=config, weight="B")
            + SearchVector(parts["phases"], parts["steps"], config=config, weight="C")
            + SearchVector(*sections, config=config, weight="D")
        )
        passage_text = Concat(
            "summary",
            *[piece for field in sections for piece in (Value("\n"), F(field))],
            Value("\n"),
            parts["phases"],
            Value("\n"),
            parts["steps"],
            Value("\n"),
            "author",
            Value("\n"),
            parts["modules"],
            output_field=models.TextField(),
        )
        return (
            self.alias(search_document=vector)
            .filter(search_document=tsquery)
            .annotate(
                search_rank=SearchRank(vector, tsquery),
                search_headline=SearchHeadline(
                    passage_text,
                    tsquery,
                    config=config,
                    start_sel=search.START_SEL,
                    stop_sel=search.STOP_SEL,
                    max_words=30,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=search.PASSAGE_FRAGMENT_DELIMITER,
                ),
            )
            .order_by("-search_rank", "-modified_at", "pk")
        )

    def _stem_search(self, words):
        queryset = self
        for word in words:
            stem = search.finnish_stem(word)
            # SQLite's LIKE ignores the case of ASCII letters only: try "äiti" and "Äiti" both.
            variants = {stem, stem[:1].upper() + stem[1:]}
            matches = [_matches_stem(self.model, variant) for variant in variants]
            queryset = queryset.filter(reduce(operator.or_, matches))
        return queryset


def _search_config():
    """The text-search configuration of each description's own language."""
    return Case(
        When(language="sv", then=Value("swedish")),
        When(language="en", then=Value("english")),
        default=Value("finnish"),
        output_field=models.CharField(),
    )


def _role_labels():
    """Each responsible role's label in the reader's language, as SQL: what the guide shows."""
    return Case(
        *[When(responsible_role=code, then=Value(str(label))) for code, label in ResponsibleRole.choices],
        default=Value(""),
        output_field=models.CharField(),
    )


def _text_of(queryset, group_by, *fields):
    """One text per description: the fields of every row of the queryset, joined."""
    pieces = []
    for field in fields:
        pieces += [Coalesce(field, Value(""), output_field=models.TextField()), Value(" ")]
    joined = Concat(*pieces, output_field=models.TextField())
    aggregated = queryset.order_by().values(group_by).annotate(text=StringAgg(joined, delimiter=Value("\n")))
    return Coalesce(Subquery(aggregated.values("text")), Value(""), output_field=models.TextField())


def _searchable_parts(description_model):
    """The texts of a description that live in other tables: its phases, steps and contents."""
    return {
        "phases": _text_of(Phase.objects.filter(process=OuterRef("pk")), "process", "title", "goal"),
        "steps": _text_of(
            Step.objects.filter(phase__process=OuterRef("pk")),
            "phase__process",
            "title",
            _role_labels(),
            "output",
            "description",
            "checklist",
        ),
        "modules": _text_of(
            description_model.modules.through.objects.filter(processdescription=OuterRef("pk")),
            "processdescription",
            "contentmodule__name_fi",
            "contentmodule__name_sv",
            "contentmodule__name_en",
        ),
    }


def _matches_stem(description_model, stem):
    """The SQLite fallback: the stem occurs in a description's text, a phase, a step or a content name."""
    own_fields = ("title", "summary", "author", *description_model.SECTION_FIELDS)
    own = reduce(operator.or_, [Q(**{f"{field}__icontains": stem}) for field in own_fields])
    roles = [code for code, label in ResponsibleRole.choices if stem.casefold() in str(label).casefold()]
    phases = Phase.objects.filter(process=OuterRef("pk")).filter(Q(title__icontains=stem) | Q(goal__icontains=stem))
    steps = Step.objects.filter(phase__process=OuterRef("pk")).filter(
        Q(title__icontains=stem)
        | Q(description__icontains=stem)
        | Q(output__icontains=stem)
        | Q(checklist__icontains=stem)
        | Q(responsible_role__in=roles)
    )
    modules = ContentModule.objects.filter(process_descriptions=OuterRef("pk")).filter(
        Q(name_fi__icontains=stem) | Q(name_sv__icontains=stem) | Q(name_en__icontains=stem)
    )
    return own | Q(Exists(phases)) | Q(Exists(steps)) | Q(Exists(modules))
