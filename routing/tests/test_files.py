"""Routes as files through the admin: export, an all-or-nothing import with errors by line and column, re-import."""

import datetime
import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse
from openpyxl import load_workbook

from routing import files
from routing.choices import Channel, TargetKind, WindowKind
from routing.models import TARGET_VALUE_NEEDED, Route
from routing.tests.factories import ReceivingUnitFactory, RouteFactory

pytestmark = pytest.mark.django_db

HEADER = "county,content,outcome,window,weekdays,from,until,channel,unit,target,target_value,valid_from"


def upload(text, name="routes.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def post(client, content, **extra):
    return client.post(reverse("admin:routing_route_file_import"), {"file": content, **extra})


@pytest.fixture
def station(kainuu):
    return ReceivingUnitFactory(county=kainuu, code="kajaani", name_fi="Kajaanin terveysasema")


def test_a_valid_file_creates_the_routes(kainuu, kainuu_editor, station, helpline, contents, outcomes):
    content = upload(
        f"{HEADER}\n"
        "18,kurkkukipu,non-urgent,hours,1-5,8:00,16:00,work_queue,kajaani,same_working_day,,1.1.2025\n"
        '18,kurkkukipu,urgent,hours,"1-5,7",21.00,8.00,helpline_116117,116117,none,,2025-01-01\n'
    )

    response = post(kainuu_editor, content)

    assert response.status_code == HTTPStatus.FOUND
    routes = Route.objects.order_by("outcome__order")
    assert [
        (route.outcome.code, route.weekdays, route.starts_at, route.ends_at, route.receiving_unit.code)
        for route in routes
    ] == [
        ("urgent", [1, 2, 3, 4, 5, 7], datetime.time(21), datetime.time(8), "116117"),
        ("non-urgent", [1, 2, 3, 4, 5], datetime.time(8), datetime.time(16), "kajaani"),
    ]
    assert all(route.valid_from == datetime.date(2025, 1, 1) for route in routes)
    assert routes[0].history.get().history_user == kainuu_editor.user


def test_bad_rows_are_refused_by_line_and_column_and_nothing_is_written(
    kainuu, kainuu_editor, station, lapland, contents, outcomes
):
    content = upload(
        f"{HEADER}\n"
        "18,kurkkukipu,non-urgent,hours,1-5,8:00,16:00,work_queue,kajaani,same_working_day,,2025-01-01\n"
        "18,kurkkukipu,non-urgent,hours,1-8,8:00,16:00,work_queue,kajaani,same_working_day,,2025-01-01\n"
        "18,kurkkukipu,urgent,hours,1-5,8:00,25:00,phone_line,kajaani,none,,2025-01-01\n"
        "18,kurkkukipu,urgent,hours,1-5,8:00,16:00,fax,kajaani,none,,2025-01-01\n"
        "21,kurkkukipu,urgent,always,,,,phone_line,kajaani,none,,2025-01-01\n"
        "18,kurkkukipu,urgent,always,,,,phone_line,nowhere,none,,2025-01-01\n"
        "18,kurkkukipu,urgent,always,,,,phone_line,kajaani,working_days,,31.2.2025\n"
        "18,kurkkukipu,urgent,always,,,,phone_line,kajaani,working_days,,2025-01-01\n"
    )

    response = post(kainuu_editor, content)

    assert response.status_code == HTTPStatus.OK
    assert [str(issue) for issue in response.context["result"].errors] == [
        "line 3, column E: " + files.BAD_WEEKDAYS.format(value="1-8"),
        "line 4, column G: " + files.BAD_TIME.format(value="25:00"),
        "line 5, column H: " + files.UNKNOWN_CHOICE.format(value="fax", choices=", ".join(Channel.values)),
        "line 6, column A: " + str(files.FOREIGN_COUNTY),
        "line 7, column I: " + files.UNKNOWN_UNIT.format(value="nowhere"),
        "line 8, column L: " + files.BAD_DATE.format(value="31.2.2025"),
        "line 9, column K: " + str(TARGET_VALUE_NEEDED),
    ]
    assert not Route.objects.exists()


def test_a_header_without_required_columns_is_refused(kainuu_editor):
    response = post(kainuu_editor, upload("county,content,colour\n18,kurkkukipu,red\n"))

    assert [str(issue) for issue in response.context["result"].errors] == [
        "line 1, column C: " + files.UNKNOWN_COLUMN.format(column="colour"),
        "line 1: " + files.MISSING_COLUMNS.format(columns="outcome, window, channel, unit, valid_from"),
    ]


def test_the_export_imported_again_changes_nothing(
    kainuu, kainuu_editor, station, lapland, helpline, contents, outcomes
):
    partner = ReceivingUnitFactory(county=lapland, code="kumppani")
    RouteFactory(
        county=kainuu,
        module=contents["kurkkukipu"],
        outcome=outcomes["urgent"],
        window_kind=WindowKind.HOURS,
        weekdays=[1, 2, 3, 4, 5],
        starts_at=datetime.time(16),
        ends_at=datetime.time(22),
        receiving_unit=partner,
        channel=Channel.PHONE_LINE,
        target_kind=TargetKind.NONE,
        foreign_unit_reason="Kumppani hoitaa illat.",
    )
    RouteFactory(county=kainuu, module=contents["kurkkukipu"], outcome=outcomes["non-urgent"], receiving_unit=station)
    RouteFactory(county=lapland, module=contents["yska"], outcome=outcomes["non-urgent"], receiving_unit=partner)
    before = list(Route.objects.order_by("pk").values())
    history_before = Route.history.count()

    exported = kainuu_editor.get(reverse("admin:routing_route_file_export"))
    workbook = kainuu_editor.get(reverse("admin:routing_route_file_export"), {"format": "xlsx"})

    assert exported.status_code == workbook.status_code == HTTPStatus.OK
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(files.COLUMNS)
    assert len(lines) == 3  # Lapland's route is not the editor's
    assert ",21/kumppani," in lines[1]
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert [cell.value for cell in sheet[1]] == list(files.COLUMNS)
    assert sheet.max_row == 3

    for content in (
        upload(exported.content.decode("utf-8-sig")),
        SimpleUploadedFile("routes.xlsx", workbook.content),
        upload("\n".join(line.split(",", 1)[1] for line in lines)),  # without the id column
    ):
        response = post(kainuu_editor, content)
        assert response.status_code == HTTPStatus.FOUND, response.context and response.context["result"].errors

    assert list(Route.objects.order_by("pk").values()) == before
    assert Route.history.count() == history_before


def test_a_change_in_the_file_updates_the_route(kainuu, kainuu_editor, station, contents, outcomes):
    route = RouteFactory(
        county=kainuu, module=contents["kurkkukipu"], outcome=outcomes["non-urgent"], receiving_unit=station
    )
    exported = kainuu_editor.get(reverse("admin:routing_route_file_export")).content.decode("utf-8-sig")
    changed = exported.replace(",same_working_day,,", ",working_days,2,")

    response = post(kainuu_editor, upload(changed))

    assert response.status_code == HTTPStatus.FOUND
    route.refresh_from_db()
    assert (route.target_kind, route.target_value) == (TargetKind.WORKING_DAYS, 2)
    assert Route.objects.count() == 1


def test_another_countys_route_id_is_refused(kainuu, lapland, kainuu_editor, station, contents, outcomes):
    foreign = RouteFactory(county=lapland, module=contents["yska"], outcome=outcomes["non-urgent"])
    content = upload(
        f"id,{HEADER}\n{foreign.pk},18,kurkkukipu,non-urgent,always,,,,work_queue,kajaani,same_working_day,,2025-01-01\n"
    )

    response = post(kainuu_editor, content)

    assert [str(issue) for issue in response.context["result"].errors] == [
        "line 2, column A: " + files.UNKNOWN_ROUTE.format(value=str(foreign.pk))
    ]
    assert Route.objects.filter(county=lapland).get().module == contents["yska"]


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_writing_leaves_nothing_written(
    kainuu, kainuu_editor, station, helpline, contents, outcomes, monkeypatch
):
    """All or nothing also when the database fails after the first route is written (outside a test transaction)."""
    content = upload(
        f"{HEADER}\n"
        "18,kurkkukipu,non-urgent,always,,,,work_queue,kajaani,same_working_day,,2025-01-01\n"
        "18,kurkkukipu,urgent,always,,,,helpline_116117,116117,none,,2025-01-01\n"
    )
    saved = []
    original_save = Route.save

    def save_then_fail(route, *args, **kwargs):
        saved.append(route.outcome.code)
        if len(saved) == 2:
            raise DatabaseError("the disk is full")
        return original_save(route, *args, **kwargs)

    monkeypatch.setattr(Route, "save", save_then_fail)

    with pytest.raises(DatabaseError):
        files.routes_import(file=content, user=kainuu_editor.user)

    assert saved == ["non-urgent", "urgent"]
    assert not Route.objects.exists()
