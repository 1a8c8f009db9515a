"""The participant list's rows (programme/_participant_row.html): escaped, with the labels, the
link and the date in the reader's format."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from programme.models import Kind, ReferralChannel
from tests.conftest import make_participant


def test_a_row_shows_the_participant_escaped_with_its_labels_link_and_date(
    client, manager, site, programme_round
):
    """Names and round names are escaped, and each cell holds one value."""
    programme_round.name = "Forår <2026>"
    programme_round.save()
    hostile = make_participant(
        site,
        Kind.SUPPORTER,
        first_name="<script>alert(1)</script>",
        last_name="O'Brien & Co",
        round=programme_round,
        referral_channel=ReferralChannel.DIABETES_ASSOCIATION,
    )
    make_participant(site, first_name="Inge", last_name="Kristensen")
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("programme:participant_list")).content.decode()

    assert "<script>alert(1)" not in page
    row = next(line for line in page.splitlines() if "O&#x27;Brien &amp; Co" in line)
    assert f'href="{reverse("programme:participant_detail", args=[hostile.pk])}"' in row
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row
    assert "<td>Peer supporter</td>" in row
    assert "<td>Danish Diabetes Association</td>" in row
    assert "<td>Forår &lt;2026&gt;</td>" in row
    assert f"<td>{timezone.localdate(hostile.created_at):%d/%m/%Y}</td>" in row  # British
    inge = next(line for line in page.splitlines() if "Inge Kristensen" in line)
    assert "<td>–</td>" in inge  # no round


def test_the_empty_list_says_so(client, manager):
    client.force_login(manager)
    page = client.get(reverse("programme:participant_list"), {"q": "nobody-at-all"})
    assert "Ingen deltagere passer." in page.content.decode()  # Danish is the default
