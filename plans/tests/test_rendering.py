"""The plan's repeated rows as HTML, without the database: escaped texts, shapes by state, owners only when asked."""

import datetime

from plans.models import PlanTask, TaskStatus
from plans.progress import TaskLine
from plans.rendering import task_items_html, task_rows_html, timeline_rows_svg
from plans.timeline import Row, RowState, timeline_layout

D = datetime.date
WORDS = {
    "overdue": "myöhässä",
    "due_this_week": "erääntyy tällä viikolla",
    "statuses": {"NEEDS-ACTION": "Ei aloitettu"},
}
HOSTILE = '<script>alert("x")</script>'


def line(**fields):
    task = PlanTask(pk=7, title=HOSTILE, phase_title="Suunnittelu", status=TaskStatus.NOT_STARTED, **fields)
    return TaskLine(task=task, state=RowState.OVERDUE, overdue=True, due_this_week=False)


def test_a_task_row_escapes_its_texts_and_says_overdue_in_words():
    html = task_rows_html(
        [line(due=D(2026, 5, 7), owner_name='Aino "A" <b>')], with_owners=True, language="fi", words=WORDS
    )

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<td>Aino &quot;A&quot; &lt;b&gt;</td>" in html
    assert '<time datetime="2026-05-07">7.5.2026</time>' in html
    assert '<strong class="deadline-overdue">⚠ myöhässä</strong>' in html
    assert "<td>Ei aloitettu</td>" in html


def test_without_owners_the_row_has_no_owner_cell_and_no_name():
    html = task_rows_html([line(owner_name="Aino Virtanen")], with_owners=False, language="fi", words=WORDS)

    assert "Aino" not in html
    assert html.count("<td>") == 6  # phase, status, three dates, deadline


def test_a_task_links_to_its_form_when_given_an_address():
    html = task_items_html(
        [line(due=D(2026, 5, 7))], with_owners=False, language="sv", due_word="due", task_url=lambda pk: f"/t/{pk}/"
    )

    assert html.startswith('<li><a href="/t/7/" lang="sv">&lt;script&gt;')
    assert html.endswith(', due <time datetime="2026-05-07">7.5.2026</time></li>')


def test_the_timeline_rows_draw_each_state_with_its_own_shape():
    rows = [
        Row(HOSTILE, D(2026, 3, 2), D(2026, 3, 6), RowState.OVERDUE),
        Row("Valmis", D(2026, 3, 2), D(2026, 3, 6), RowState.DONE),
        Row("Ohitettu", D(2026, 3, 2), D(2026, 3, 6), RowState.SKIPPED),
        Row("Odottaa", None, None, RowState.UNDATED),
    ]

    svg = timeline_rows_svg(
        timeline_layout(rows=rows, milestones=[], today=D(2026, 3, 20)),
        overdue_word="myöhässä",
        no_date_word="ei päivää",
    )

    assert "<script>" not in svg
    overdue, done, skipped, undated = svg.split("\n")
    assert 'class="timeline-warning"' in overdue and "⚠ myöhässä" in overdue
    assert 'fill="#1b5e20"' in done and "timeline-warning" not in done
    assert 'stroke-dasharray="4 3"' in skipped
    assert "<rect" not in undated and "(ei päivää)" in undated
