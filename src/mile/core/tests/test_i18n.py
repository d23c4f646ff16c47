"""Every interface language is complete, and every page renders in each without English left over."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mile.conftest import World, client_for
from mile.core.tests.test_url_matrix import MATRIX

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != "en"]
# The same as `make messages`: tests and the engines' data hold no interface text.
MESSAGES_IGNORE = ["esco/*", "tests/*", "*/tests/*", "conftest.py", "testing.py"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}|%[sd]")


@cache
def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_it_has_no_untranslated_or_fuzzy_entry(language: str) -> None:
    po = catalogue(language)
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"{language}: untranslated {missing[:10]}"
    assert not fuzzy, f"{language}: fuzzy {fuzzy[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_it_has_every_plural_form_the_language_counts(language: str) -> None:
    """French counts 0, 1 / millions / the rest: a missing form shows English for "5 places"."""
    po = catalogue(language)
    forms = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))  # type: ignore[union-attr]
    short = [
        e.msgid
        for e in po
        if e.msgid_plural and not e.obsolete and sorted(e.msgstr_plural) != list(range(forms))
    ]
    assert not short, f"{language}: fewer than {forms} plural forms in {short[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_it_keeps_every_placeholder_in_translations(language: str) -> None:
    for entry in catalogue(language):
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        expected = sorted(set(PLACEHOLDER.findall(entry.msgid)))
        # A plural form may show what only the English plural shows ("%(counter)s errors").
        allowed = set(expected) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for text in translations:
            # A singular form may say "one" instead of showing the number.
            found = sorted(set(PLACEHOLDER.findall(text)))
            assert set(found) <= allowed, f"{language}: {entry.msgid!r} → {text!r}"
            if not entry.msgid_plural:
                assert found == expected, f"{language}: {entry.msgid!r} → {text!r}"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    # Codes typed as they are (an import's "open", "de:B1") are not interface text.
    SKIPPED = frozenset({"script", "style", "code"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skip += 1
        for name, value in attrs:
            if name in {"aria-label", "title", "placeholder"} and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def _untranslated_on_page(html: str, language: str) -> set[str]:
    """English texts of our catalogue that have a different translation but show in English."""
    po = catalogue(language)
    # German "Programme" is the plural of "Programm": a text that is also a translation is fine.
    translated = {e.msgstr for e in po} | {t for e in po for t in e.msgstr_plural.values()}
    english = {e.msgid for e in po if e.msgstr and e.msgstr != e.msgid} - translated
    parser = _Text()
    parser.feed(html)
    return {t for t in parser.texts if t in english}


def _pages(world: World) -> list[tuple[str, str]]:
    pages = []
    for name, row in sorted(MATRIX.items()):
        # Machine answers and htmx fragments have no page around them.
        if (
            row.method == "get"
            and not name.startswith(("api:", "schema", "health", "taxonomy:suggest"))
            and not name.endswith("_export")  # files; their headers are tested by their app
        ):
            with translation.override("en"):
                pages.append((name, reverse(name, kwargs=row.kwargs(world))))
    return pages


def _participant_client(world: World) -> Client:
    """A migrant's own account: their pages are theirs alone."""
    from mile.accounts.models import User
    from mile.participants.tests.factories import participant_in

    user = User.objects.create_user("own.page@example.org", None, full_name="Own Page")
    participant_in(world.site, user=user, email=user.email)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_it_renders_every_page_in_the_language(world: World, language: str) -> None:
    coordinator = client_for(world, "coordinator")
    participant = _participant_client(world)
    anonymous = {"account_login", "accounts:invitation_accept", "participants:me_welcome"}
    failures = []
    for name, url in [*_pages(world), ("account_login", reverse("account_login"))]:
        localised = re.sub(r"^/en/", f"/{language}/", url)
        client = (
            Client()
            if name in anonymous
            else participant
            if name.startswith("participants:me")
            else coordinator
        )
        response = client.get(localised)
        if response.status_code != 200:
            failures.append(f"{name}: {response.status_code}")
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue  # a download (a stored document): its own tests check it
        html = response.content.decode()
        if f'<html lang="{language}"' not in html:
            failures.append(f"{name}: not rendered in {language}")
        if language != "en" and (left := _untranslated_on_page(html, language)):
            failures.append(f"{name}: English left {sorted(left)}")
    assert not failures, "\n".join(failures)


def test_it_takes_the_text_direction_from_the_language(world: World) -> None:
    with translation.override("ar"):
        assert translation.get_language_bidi()
    html = client_for(world, "coordinator").get("/en/").content.decode()
    assert 'dir="ltr"' in html


def test_it_has_every_string_of_the_code_in_the_catalogues(tmp_path, monkeypatch, settings) -> None:
    """A string tagged in code or templates but missing from the catalogues fails here."""
    import shutil

    from django.core.management import call_command

    source = Path(settings.BASE_DIR)
    copy = tmp_path / "mile"
    shutil.copytree(
        source, copy, ignore=shutil.ignore_patterns("data", "static", "*.mo", "__pycache__")
    )
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [copy / "locale"]
    call_command(
        "makemessages",
        locale=["it"],
        ignore_patterns=MESSAGES_IGNORE,
        no_obsolete=True,
        verbosity=0,
    )
    fresh = {
        e.msgid for e in polib.pofile(str(copy / "locale" / "it" / "LC_MESSAGES" / "django.po"))
    }
    known = {e.msgid for e in catalogue("it") if e.msgstr or e.msgstr_plural}
    assert not fresh - known, (
        f"Not in the catalogues yet (run `make messages`): {sorted(fresh - known)}"
    )


def test_it_writes_numbers_and_dates_the_way_each_language_does(world: World) -> None:
    from mile.core.tests.factories import TrackFactory

    TrackFactory(programme=world.programme, name="Big", target_participants=12000)
    client = client_for(world, "coordinator")
    german = client.get("/de/").content.decode()
    assert "12.520" in german  # 120 + 400 + 12,000 planned participants
    assert "01.01.2024" in german
    english = client.get("/en/").content.decode()
    assert "12,520" in english
