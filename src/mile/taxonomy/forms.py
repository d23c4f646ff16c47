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
