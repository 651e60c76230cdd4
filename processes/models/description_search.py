"""Searching the descriptions in their published form (see processes/search.py and README "Search").

What is searched is what the public reads: for a description with a published version, the
version's texts (`PublishedVersion.snapshot`, its `search_text` of phases and steps and its
contents); for one published before versions were stored, its own rows, which nobody has
revised since (every edit of a published description starts a revision). PostgreSQL ranks
with its full-text search; SQLite matches Snowball stems computed in the query.
"""

import operator
from functools import reduce

from django.contrib.postgres.search import Lexeme, SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import Case, F, Func, OuterRef, StringAgg, Subquery, Value, When
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Coalesce, Concat

from processes import search
from processes.models.choices import ResponsibleRole
from processes.models.phases import Phase, Step


class JoinedText(Func):
    """Texts joined with `||`, flat: SQLite's parser overflows on the nested pairs `Concat` writes."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = models.TextField()

    def __init__(self, *texts):
        super().__init__(*[Coalesce(text, Value(""), output_field=models.TextField()) for text in texts])


class StemsMatch(Func):
    """SQLite's `processes_stems_match(query, language, text, …)`: `processes.search.text_matches`."""

    function = "processes_stems_match"
    output_field = models.BooleanField()


class DescriptionSearchQuerySet(models.QuerySet):
    """`search()` for `ProcessDescriptionQuerySet`; its model is `ProcessDescription`."""

    def search(self, query):
        """Published descriptions that contain every word of the query, in any form of their language.

        The words are looked for in the published title, summary, sections, author, content
        names, phases (title, goal) and steps (title, description, role, output, checklist).
        PostgreSQL ranks the results and annotates `search_rank` and `search_headline` (the
        matching passage, marked with `processes.search.START_SEL`/`STOP_SEL`); SQLite keeps
        the queryset's order. Both stem with Snowball and match each word as a stem's prefix.
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
        parts = published_search_parts(self.model)
        sections = [published_field(name) for name in self.model.SECTION_FIELDS]
        vector = (
            SearchVector(published_field("title"), config=config, weight="A")
            + SearchVector(
                published_field("summary"), parts["modules"], published_field("author"), config=config, weight="B"
            )
            + SearchVector(parts["process"], config=config, weight="C")
            + SearchVector(*sections, config=config, weight="D")
        )
        passage_text = Concat(
            published_field("summary"),
            *[piece for section in sections for piece in (Value("\n"), section)],
            Value("\n"),
            parts["process"],
            Value("\n"),
            published_field("author"),
            Value("\n"),
            parts["modules"],
            output_field=models.TextField(),
        )
        return (
            self.alias(search_language=published_field("language"))
            .alias(search_document=vector)
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
        parts = published_search_parts(self.model)
        texts = [
            published_field("title"),
            published_field("summary"),
            published_field("author"),
            parts["modules"],
            parts["process"],
            *(published_field(name) for name in self.model.SECTION_FIELDS),
        ]
        query = Value(" ".join(words), output_field=models.TextField())
        return self.alias(search_matches=StemsMatch(query, published_field("language"), *texts)).filter(
            search_matches=True
        )


def published_field(name):
    """A field of the description as the public reads it: from its published version, if it has one."""
    return Coalesce(
        KeyTextTransform(name, KeyTransform("fields", "published_version__snapshot")),
        F(name),
        output_field=models.TextField(),
    )


def _search_config():
    """The text-search configuration of each description's own (published) language, `search_language`."""
    return Case(
        When(search_language="sv", then=Value("swedish")),
        When(search_language="en", then=Value("english")),
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
        pieces += [field, Value(" ")]
    joined = JoinedText(*pieces)
    aggregated = queryset.order_by().values(group_by).annotate(text=StringAgg(joined, delimiter=Value("\n")))
    return Coalesce(Subquery(aggregated.values("text")), Value(""), output_field=models.TextField())


def published_search_parts(description_model):
    """The published texts of a description that live outside its row: contents, and phases with steps.

    With a published version: the version's contents and its `search_text`; without one
    (published before versions were stored, never revised since): the description's own rows.
    """
    version_modules = description_model.published_version.field.related_model.modules.through.objects.filter(
        publishedversion=OuterRef("published_version")
    )
    live_process = JoinedText(
        _text_of(Phase.objects.filter(process=OuterRef("pk")), "process", "title", "goal"),
        Value("\n"),
        _text_of(
            Step.objects.filter(phase__process=OuterRef("pk")),
            "phase__process",
            "title",
            _role_labels(),
            "output",
            "description",
            "checklist",
        ),
    )
    module_fields = ("contentmodule__name_fi", "contentmodule__name_sv", "contentmodule__name_en")
    return {
        "process": Case(
            When(published_version__isnull=True, then=live_process),
            default=F("published_version__search_text"),
            output_field=models.TextField(),
        ),
        "modules": Case(
            When(
                published_version__isnull=True,
                then=_text_of(
                    description_model.modules.through.objects.filter(processdescription=OuterRef("pk")),
                    "processdescription",
                    *module_fields,
                ),
            ),
            default=_text_of(version_modules, "publishedversion", *module_fields),
            output_field=models.TextField(),
        ),
    }
