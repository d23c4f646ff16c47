"""ESCO in the database: concepts, their labels per language, hierarchies and relations.

Imported from the official downloads or the bundled extract by ``services.esco_import``;
read by everyone (ESCO is public reference data). Concepts are never deleted: a concept that
vanishes from a newer release is marked obsolete, so records that cite it keep their meaning.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def fold(text: str) -> str:
    """Lower case without accents, for search: "Müller" and "muller" meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Kind(models.TextChoices):
    SKILL = "skill", _("Skill")
    SKILL_GROUP = "skill_group", _("Skill group")
    OCCUPATION = "occupation", _("Occupation")
    ISCO_GROUP = "isco_group", _("ISCO group")


class Relation(models.TextChoices):
    ESSENTIAL = "essential", _("essential")
    OPTIONAL = "optional", _("optional")


class ConceptQuerySet(models.QuerySet["Concept"]):
    def for_user(self, user: Any) -> ConceptQuerySet:
        # ESCO is public reference data: everyone may read it, signed in or not.
        return self.all()

    def current(self) -> ConceptQuerySet:
        return self.filter(obsolete=False)

    def with_labels(self, language: str | None = None) -> ConceptQuerySet:
        """Prefetch the preferred labels needed to show concepts in ``language``."""
        lang = language or get_language() or "en"
        return self.prefetch_related(
            models.Prefetch(
                "labels",
                queryset=Label.objects.filter(kind=Label.Kind.PREFERRED, language__in={lang, "en"}),
                to_attr="preferred_labels",
            )
        )


class Concept(models.Model):
    uri = models.CharField(_("URI"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    code = models.CharField(_("code"), max_length=40, blank=True)
    skill_type = models.CharField(_("skill type"), max_length=32, blank=True)
    reuse_level = models.CharField(_("reuse level"), max_length=32, blank=True)
    status = models.CharField(max_length=20, blank=True)
    obsolete = models.BooleanField(_("obsolete"), default=False)
    version = models.CharField(_("ESCO version"), max_length=20)
    descriptions = models.JSONField(default=dict, blank=True)
    collections = models.JSONField(default=list, blank=True)
    broader = models.ManyToManyField("self", symmetrical=False, related_name="narrower", blank=True)

    objects = ConceptQuerySet.as_manager()

    class Meta:
        ordering = ["uri"]
        verbose_name = _("ESCO concept")
        verbose_name_plural = _("ESCO concepts")

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        """The preferred label in ``language`` (default: the active one), else in English."""
        lang = language or get_language() or "en"
        labels: list[Label] | None = getattr(self, "preferred_labels", None)
        if labels is None:
            labels = list(self.labels.filter(kind=Label.Kind.PREFERRED, language__in={lang, "en"}))
        by_language = {label.language: label.text for label in labels}
        return by_language.get(lang) or by_language.get("en") or self.uri

    def label_language(self, language: str | None = None) -> str:
        """The language the label is shown in: the reader's, or English as the fallback."""
        lang = language or get_language() or "en"
        labels: list[Label] = getattr(self, "preferred_labels", None) or list(
            self.labels.filter(kind=Label.Kind.PREFERRED, language=lang)
        )
        return lang if any(label.language == lang for label in labels) else "en"

    def description(self, language: str | None = None) -> str:
        lang = language or get_language() or "en"
        return str(self.descriptions.get(lang) or self.descriptions.get("en") or "")


class Label(models.Model):
    class Kind(models.TextChoices):
        PREFERRED = "p", _("preferred")
        ALTERNATIVE = "a", _("alternative")
        HIDDEN = "h", _("hidden")

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="labels")
    language = models.CharField(max_length=8)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    text = models.CharField(max_length=600)
    folded = models.CharField(max_length=600)

    class Meta:
        indexes = [
            models.Index(fields=["language", "folded"], name="label_search"),
            models.Index(fields=["concept", "language", "kind"], name="label_of_concept"),
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.language})"


class OccupationSkill(models.Model):
    occupation = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="occupation_links")
    relation = models.CharField(max_length=10, choices=Relation.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occupation", "skill"], name="occupation_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} → {self.skill_id} ({self.relation})"


class SkillRelation(models.Model):
    skill = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(max_length=10, choices=Relation.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["skill", "related"], name="skill_relation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.skill_id} → {self.related_id} ({self.relation})"


class EscoImport(models.Model):
    """One import of ESCO data: what, from where, when, by whom."""

    version = models.CharField(max_length=20)
    languages = models.JSONField(default=list)
    sources = models.JSONField(default=list)
    concepts = models.PositiveIntegerField(default=0)
    obsoleted = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"ESCO {self.version} ({', '.join(self.languages)})"
