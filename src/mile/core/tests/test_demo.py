from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from mile.accounts.models import Membership, User
from mile.core.tests.factories import totp_code
from mile.demo.data import DEMO_PASSWORD, PEOPLE, demo_totp_secret
from mile.programmes.models import Organisation, Programme, Site


@pytest.mark.django_db
def test_it_loads_the_demo_programmes_once_however_often_it_runs(capsys) -> None:
    call_command("demo")
    counts = (
        Programme.objects.count(),
        Site.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    )
    call_command("demo")
    assert counts == (
        Programme.objects.count(),
        Site.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    )
    assert set(Programme.objects.values_list("name", flat=True)) == {"MILE", "MIraGE"}
    assert set(Site.objects.filter(programme__slug="mile").values_list("city", flat=True)) == {
        "Milan", "Innsbruck", "Athens", "Patras", "Viladecans"
    }  # fmt: skip
    assert (
        Organisation.objects.filter(
            involvements__programme__slug="mirage", involvements__relation__in=["lead", "partner"]
        ).count()
        == 12
    )
    out = capsys.readouterr().out
    for person in PEOPLE:
        assert person.email in out
        assert demo_totp_secret(person.email) in out


@pytest.mark.django_db
def test_it_lets_each_demo_user_sign_in_with_the_printed_credentials() -> None:
    call_command("demo")
    for person in PEOPLE:
        client = Client()
        step = client.post("/en/account/login/", {"login": person.email, "password": DEMO_PASSWORD})
        assert step.status_code == 302, person.email
        done = client.post(step["Location"], {"code": totp_code(demo_totp_secret(person.email))})
        assert done.status_code == 302, person.email
        # An employer contact starts on their company's page (home → portal → employer).
        assert client.get("/en/", follow=True).status_code == 200, person.email
        assert User.objects.get(email=person.email).memberships.exists()
