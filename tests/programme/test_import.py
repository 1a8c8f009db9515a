"""Bulk import of participants from CSV and XLSX, as the manager does it: upload, preview,
confirm, and the log; the same file twice; the wrong people; files that cannot be read."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from programme import services
from programme.imports import MAX_ROWS
from programme.models import ImportLog, ImportUpload, Kind, Participant, ReferralChannel
from tests.conftest import VerifiedClient, make_participant

EN_HEADER = [
    "Role in the programme",
    "First name",
    "Last name",
    "Date of birth",
    "Sex",
    "Phone",
    "E-mail",
    "Postcode",
    "Referral channel",
]
DA_HEADER = [
    "Rolle i programmet",
    "Fornavn",
    "Efternavn",
    "Fødselsdato",
    "Køn",
    "Telefon",
    "E-mail",
    "Postnummer",
    "Henvisningskanal",
]
ROWS = [
    ["Peer", "Bent", "Madsen", "05-06-1957", "Male", "20 12 34 56", "", "2200", "Home care"],
    ["peer", "Else", "Holm", "1949-02-28", "female", "+4531313131", "", "", "Home care"],
]


def csv_file(header, rows, name="referrals.csv", delimiter=",", encoding="utf-8"):
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(encoding))


def xlsx_file(header, rows, name="referrals.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def client_of(user) -> VerifiedClient:
    """A logged-in client that reads the pages in English."""
    client = VerifiedClient()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def manager_client(manager):
    return client_of(manager)


def upload(client, site, programme_round, file, **extra):
    data = {"round": programme_round.pk, "file": file, **extra}
    return client.post(reverse("programme:participant_import", kwargs={"site": site.pk}), data)


def preview(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


def confirm(client, site, page):
    reference = re.search(r'name="reference" value="([^"]+)"', page.content.decode()).group(1)
    url = reverse("programme:participant_import_confirm", kwargs={"site": site.pk})
    return client.post(url, {"reference": reference})


def test_csv_is_previewed_then_imported_through_the_register_service(
    manager_client, manager, site, programme_round
):
    page = preview(
        manager_client, upload(manager_client, site, programme_round, csv_file(EN_HEADER, ROWS))
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Bent Madsen" in text and "Else Holm" in text
    assert Participant.objects.count() == 0  # nothing saved before the confirm

    response = confirm(manager_client, site, page)

    assert response.status_code == 302
    bent = Participant.objects.get(last_name="Madsen")
    assert bent.date_of_birth == dt.date(1957, 6, 5)
    assert str(bent.phone) == "+4520123456"  # normalised as the register form does
    assert (bent.kind, bent.sex, bent.referral_channel) == (Kind.PEER, "male", "home_care")
    assert bent.round == programme_round and bent.site == site
    log = ImportLog.objects.get()
    assert (log.file_name, log.rows, log.created, log.skipped, log.errors) == (
        "referrals.csv",
        2,
        2,
        0,
        0,
    )
    assert log.imported_by == manager
    assert not ImportUpload.objects.exists()  # the file is gone once imported
    page = manager_client.get(response["Location"])
    assert "referrals.csv" in page.content.decode()  # the log on the page


def test_xlsx_with_danish_headers_and_date_cells(manager_client, site, programme_round):
    rows = [
        [
            "Peer",
            "Bent",
            "Madsen",
            dt.datetime(1957, 6, 5),
            "Mand",
            20123456,
            None,
            2200,
            "Hjemmeplejen",
        ],
        ["Peer-støtte", "Jens", "Berg", "31.12.1950", "mand", None, None, None, "Hjemmeplejen"],
    ]
    page = preview(
        manager_client, upload(manager_client, site, programme_round, xlsx_file(DA_HEADER, rows))
    )
    confirm(manager_client, site, page)

    bent = Participant.objects.get(last_name="Madsen")
    assert (bent.date_of_birth, bent.postcode, str(bent.phone)) == (
        dt.date(1957, 6, 5),
        "2200",
        "+4520123456",
    )
    jens = Participant.objects.get(last_name="Berg")
    assert jens.kind == Kind.SUPPORTER and jens.date_of_birth == dt.date(1950, 12, 31)


def test_each_row_shows_its_own_errors_and_only_good_rows_are_imported(
    manager_client, site, programme_round
):
    rows = [
        ROWS[0],
        ["Peer", "Ida", "", "1950-01-01", "Female", "", "", "", "Home care"],  # no last name
        ["Peer", "Ole", "Dam", "31-02-1950", "Male", "", "", "", "Home care"],  # no such date
        ["Peer", "Kaj", "Lund", "1950-01-01", "Male", "12", "x@", "22", "Unheard of"],
    ]
    page = preview(
        manager_client, upload(manager_client, site, programme_round, csv_file(EN_HEADER, rows))
    )
    text = page.content.decode()

    assert "Last name: This field is required." in text
    assert "Date of birth: Enter a valid date." in text
    assert "Phone: Enter a valid phone number" in text
    assert "E-mail: Enter a valid email address." in text
    assert "Postcode: A Danish postcode has four digits" in text
    assert "Select a valid choice. Unheard of is not one of the available choices." in text
    confirm(manager_client, site, page)
    assert list(Participant.objects.values_list("last_name", flat=True)) == ["Madsen"]
    log = ImportLog.objects.get()
    assert (log.rows, log.created, log.errors) == (4, 1, 3)


def test_duplicates_of_stored_participants_and_within_the_file_are_skipped(
    manager_client, site, programme_round
):
    stored = make_participant(
        site, first_name="Bent", last_name="Madsen", date_of_birth=dt.date(1957, 6, 5)
    )
    rows = [
        [" peer", "BENT ", "madsen", "1957-06-05", "Male", "", "", "", "Home care"],
        ROWS[1],
        ["Peer", "else", "HOLM", "28-02-1949", "Female", "", "", "", "Home care"],
    ]
    page = preview(
        manager_client, upload(manager_client, site, programme_round, csv_file(EN_HEADER, rows))
    )
    text = page.content.decode()

    assert reverse("programme:participant_detail", args=[stored.pk]) in text
    assert "The same person as row 3" in text
    confirm(manager_client, site, page)
    assert Participant.objects.filter(last_name__iexact="holm").count() == 1
    assert Participant.objects.filter(last_name__iexact="madsen").count() == 1
    log = ImportLog.objects.get()
    assert (log.created, log.skipped) == (1, 2)


def test_a_participant_of_another_site_is_no_duplicate(
    manager_client, site, other_site, programme_round
):
    make_participant(
        other_site, first_name="Bent", last_name="Madsen", date_of_birth=dt.date(1957, 6, 5)
    )
    page = preview(
        manager_client, upload(manager_client, site, programme_round, csv_file(EN_HEADER, ROWS[:1]))
    )
    confirm(manager_client, site, page)
    assert Participant.objects.filter(site=site, last_name="Madsen").exists()


def test_the_same_file_imported_twice_creates_nothing_new(manager_client, site, programme_round):
    for _ in range(2):
        page = preview(
            manager_client,
            upload(manager_client, site, programme_round, xlsx_file(EN_HEADER, ROWS)),
        )
        confirm(manager_client, site, page)
    assert Participant.objects.count() == 2
    first, second = ImportLog.objects.order_by("pk")
    assert (first.created, second.created, second.skipped) == (2, 0, 2)
    assert (
        "nobody new to import"
        in preview(
            manager_client,
            upload(manager_client, site, programme_round, xlsx_file(EN_HEADER, ROWS)),
        ).content.decode()
    )


def test_a_confirm_posted_twice_imports_once(manager_client, site, programme_round):
    page = preview(
        manager_client, upload(manager_client, site, programme_round, csv_file(EN_HEADER, ROWS))
    )
    confirm(manager_client, site, page)
    again = confirm(manager_client, site, page)

    assert again.status_code == 302
    assert Participant.objects.count() == 2 and ImportLog.objects.count() == 1
    assert [str(m) for m in again.wsgi_request._messages][-1] == "Already saved."


@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_the_same_instant_import_once(site, programme_round, manager):
    """Two confirms of one file at once: the file's row lock makes the second wait, then find
    the file imported."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    stored = services.import_upload_store(
        site=site,
        round_=programme_round,
        file_name="referrals.csv",
        file_format="csv",
        content=csv_file(EN_HEADER, ROWS).read(),
        by=manager,
    )
    results, barrier = [], threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            results.append(services.import_confirm(key=stored.key, site=site, by=manager)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert Participant.objects.count() == 2 and ImportLog.objects.count() == 1


def test_another_sites_manager_is_refused(client, other_manager, manager, site, programme_round):
    owner = client_of(manager)
    page = preview(owner, upload(owner, site, programme_round, csv_file(EN_HEADER, ROWS)))
    client.force_login(other_manager)

    assert (
        client.get(reverse("programme:participant_import", kwargs={"site": site.pk})).status_code
        == 404
    )
    assert client.get(page.wsgi_request.path).status_code == 404
    assert upload(client, site, programme_round, csv_file(EN_HEADER, ROWS)).status_code == 404
    assert confirm(client, site, page).status_code == 404
    assert Participant.objects.count() == 0


def test_a_manager_cannot_confirm_another_managers_upload(manager, site, programme_round):
    from tests.conftest import make_user
    from tod.accounts.models import Role

    owner = client_of(manager)
    page = preview(owner, upload(owner, site, programme_round, csv_file(EN_HEADER, ROWS)))
    colleague = client_of(make_user("colleague", Role.MANAGER, [site]))

    assert colleague.get(page.wsgi_request.path).status_code == 404
    response = confirm(colleague, site, page)
    assert response.status_code == 302 and Participant.objects.count() == 0


@pytest.mark.parametrize("persona", ["evaluator", "supporter", "nurse", "supervisor"])
def test_other_roles_are_refused(request, persona, site, programme_round):
    client = VerifiedClient()
    client.force_login(request.getfixturevalue(persona))
    page_url = reverse("programme:participant_import", kwargs={"site": site.pk})

    assert client.get(page_url).status_code == 403
    assert upload(client, site, programme_round, csv_file(EN_HEADER, ROWS)).status_code == 403
    assert client.get(reverse("programme:participant_import_template")).status_code == 403
    assert not ImportUpload.objects.exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("list.pdf", b"%PDF-1.4"), "Choose a CSV or XLSX file."),
        (SimpleUploadedFile("list.csv", b""), "The submitted file is empty."),
        (SimpleUploadedFile("list.csv", b"  \n\n"), "The file is empty."),
        (SimpleUploadedFile("list.xlsx", b"not a zip at all"), "not an XLSX workbook"),
        (SimpleUploadedFile("list.csv", b"\x00\x01\x02binary"), "not a CSV file"),
        (
            SimpleUploadedFile("list.csv", b"Name,Town\nBent,Aarhus\n"),
            "The file has no column for: Role in the programme, First name",
        ),
    ],
)
def test_a_bad_file_gets_a_clear_message(manager_client, site, programme_round, file, message):
    response = upload(manager_client, site, programme_round, file)

    assert response.status_code == 200
    assert message in response.content.decode(), re.findall(
        r"invalid-feedback[^<]*<[^>]*>([^<]*)", response.content.decode()
    )
    assert not ImportUpload.objects.exists()


def test_a_file_past_the_row_limit_is_refused(manager_client, site, programme_round, monkeypatch):
    monkeypatch.setattr("programme.imports.reading.MAX_ROWS", 3)
    response = upload(manager_client, site, programme_round, csv_file(EN_HEADER, ROWS * 2))
    assert "more than 3 rows" in response.content.decode()
    assert MAX_ROWS == 5000


def test_a_file_past_the_size_limit_is_refused(manager_client, site, programme_round, monkeypatch):
    monkeypatch.setattr("programme.forms.imports.MAX_IMPORT_BYTES", 100)
    response = upload(manager_client, site, programme_round, csv_file(EN_HEADER, ROWS * 3))
    assert "The file is larger than" in response.content.decode()


def test_semicolons_and_windows_1252_from_a_danish_excel(manager_client, site, programme_round):
    rows = [["Peer", "Søren", "Ærø", "05-06-1957", "Mand", "", "", "", "Hjemmeplejen"]]
    file = csv_file(DA_HEADER, rows, delimiter=";", encoding="cp1252")
    confirm(
        manager_client,
        site,
        preview(manager_client, upload(manager_client, site, programme_round, file)),
    )
    assert Participant.objects.get().last_name == "Ærø"


def test_role_and_channel_chosen_for_the_whole_file(manager_client, site, programme_round):
    header = ["First name", "Last name", "Date of birth", "Sex"]
    file = csv_file(header, [["Bent", "Madsen", "1957-06-05", "Male"]])
    extra = {"default_kind": Kind.PEER, "default_channel": ReferralChannel.CENTRE_FOR_DIABETES}
    confirm(
        manager_client,
        site,
        preview(manager_client, upload(manager_client, site, programme_round, file, **extra)),
    )
    bent = Participant.objects.get()
    assert (bent.kind, bent.referral_channel) == (Kind.PEER, ReferralChannel.CENTRE_FOR_DIABETES)


def test_an_upload_not_confirmed_is_deleted_after_a_day(manager_client, site, programme_round):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        page = preview(
            manager_client, upload(manager_client, site, programme_round, csv_file(EN_HEADER, ROWS))
        )
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 1, tzinfo=dt.UTC), tick=False):
        assert services.import_uploads_expire() == 1
        response = confirm(manager_client, site, page)
        assert manager_client.get(page.wsgi_request.path).status_code == 404
    assert response.status_code == 302 and Participant.objects.count() == 0


@pytest.mark.parametrize(
    ("fmt", "language"), [("csv", "da"), ("csv", "en"), ("xlsx", "da"), ("xlsx", "en")]
)
def test_a_filled_in_template_imports(manager_client, site, programme_round, fmt, language):
    url = reverse("programme:participant_import_template")
    response = manager_client.get(url, {"format": fmt, "language": language})
    assert response.status_code == 200
    content = response.content
    if fmt == "csv":
        header = content.decode("utf-8-sig").strip().split(";" if language == "da" else ",")
    else:
        header = [
            c.value for c in next(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows())
        ]
    assert header[1] == {"da": "Fornavn", "en": "First name"}[language]
    values = {
        "kind": "Peer",
        "first_name": "Bent",
        "last_name": "Madsen",
        "date_of_birth": "05-06-1957",
        "sex": "Male",
        "phone": "",
        "email": "",
        "address": "",
        "postcode": "",
        "preferred_language": "",
        "referral_channel": "Home care",
        "referred_by": "",
        "referral_note": "",
    }
    row = list(values.values())
    file = csv_file(header, [row]) if fmt == "csv" else xlsx_file(header, [row])
    confirm(
        manager_client,
        site,
        preview(manager_client, upload(manager_client, site, programme_round, file)),
    )
    assert Participant.objects.get().last_name == "Madsen"


def test_a_bad_reference_is_refused_with_a_message(manager_client, site):
    url = reverse("programme:participant_import_confirm", kwargs={"site": site.pk})
    response = manager_client.post(url, {"reference": "forged"})
    assert response.status_code == 302
    assert "no longer waiting" in str(list(response.wsgi_request._messages)[0])
    preview_url = reverse(
        "programme:participant_import_preview", kwargs={"site": site.pk, "ref": "forged"}
    )
    assert manager_client.get(preview_url).status_code == 404
