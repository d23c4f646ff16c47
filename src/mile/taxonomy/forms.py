from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mile.taxonomy.models import Concept
from mile.taxonomy.search import KINDS


class ConceptWidget(forms.Select):
    """A type-ahead for ESCO: a search box whose suggestions htmx loads into the select."""

    template_name = "taxonomy/widgets/concept.html"

    def __init__(self, *, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["kind"] = self.kind
        context["widget"]["suggest_url"] = reverse("taxonomy:suggest")
        return context

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> Any:
        # Only the chosen concept is an option: ESCO has thousands; htmx brings the others.
        chosen = [v for v in value if v]
        if not chosen:
            return []
        concepts = Concept.objects.with_labels().filter(uri__in=chosen)
        return [
            (
                None,
                [
                    self.create_option(name, c.uri, c.label(), True, i)
                    for i, c in enumerate(concepts)
                ],
                0,
            )
        ]


class ConceptChoiceField(forms.ModelChoiceField[Concept]):
    """Chooses one current ESCO concept of a kind; only the chosen one is rendered as an option."""

    def __init__(self, *, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("widget", ConceptWidget(kind=kind))
        kwargs.setdefault("to_field_name", "uri")
        super().__init__(queryset=Concept.objects.current().filter(kind__in=KINDS[kind]), **kwargs)
        self.error_messages["invalid_choice"] = _("Choose one of the suggestions.")

    def prepare_value(self, value: Any) -> Any:
        return value.uri if isinstance(value, Concept) else value


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search ESCO"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Look for"),
        choices=[("occupation", _("Occupations")), ("skill", _("Skills"))],
        required=False,
        initial="occupation",
    )


class ConceptMultipleWidget(forms.SelectMultiple):
    """Several ESCO concepts: the chosen ones as ticked boxes, and a type-ahead to add one more.

    With htmx, typing fills the list of matches. Without JavaScript, the "Find or add" button
    sends the form back with what was typed, and the page returns with its matches to pick from;
    a match picked is added on the next press (or on saving).
    """

    template_name = "taxonomy/widgets/concepts.html"

    def __init__(self, *, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind
        self.query = ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getlist = getattr(data, "getlist", lambda key: [data[key]] if key in data else [])
        chosen = [str(v) for v in getlist(name) if v]
        picked = [str(v) for v in getlist(f"{name}_pick") if v]
        # What was typed is searched again when the page comes back, until a match is picked.
        self.query = "" if picked else str(data.get(f"{name}_search") or "").strip()[:200]
        return list(dict.fromkeys([*chosen, *picked]))

    def id_for_label(self, id_: str, index: str = "0") -> str:
        # A label for the whole picker points at its search box.
        return f"{id_}_search" if id_ else id_

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> Any:
        # ESCO has thousands of concepts: the template shows the chosen ones and the matches.
        return []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        from django.utils.translation import get_language

        from mile.taxonomy.search import suggest

        context = super().get_context(name, value, attrs)
        chosen = [v for v in context["widget"]["value"] if v]
        by_uri = {c.uri: c for c in Concept.objects.with_labels().filter(uri__in=chosen)}
        found = []
        if self.query:
            found = [
                (s.concept.uri, s.concept.label())
                for s in suggest(query=self.query, kind=self.kind, language=get_language() or "en")
                if s.concept.uri not in by_uri
            ]
        context["widget"].update(
            kind=self.kind,
            suggest_url=reverse("taxonomy:suggest"),
            query=self.query,
            chosen=[(uri, by_uri[uri].label()) for uri in chosen if uri in by_uri],
            found=found,
        )
        return context


class ConceptMultipleChoiceField(forms.ModelMultipleChoiceField[Concept]):
    """Chooses current ESCO concepts of a kind, each found with the type-ahead."""

    def __init__(self, *, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("widget", ConceptMultipleWidget(kind=kind))
        kwargs.setdefault("to_field_name", "uri")
        super().__init__(queryset=Concept.objects.current().filter(kind__in=KINDS[kind]), **kwargs)
        self.error_messages["invalid_choice"] = _("Choose one of the suggestions.")


def concept_search_requested(form: forms.BaseForm) -> bool:
    """Was the form sent with a concept picker's "Find or add" button (so not to be saved)?"""
    return any(
        isinstance(field.widget, ConceptMultipleWidget)
        and f"{form.add_prefix(name)}_find" in form.data
        for name, field in form.fields.items()
    )
