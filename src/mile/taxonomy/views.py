from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from mile.taxonomy.access import get_concept_for_user
from mile.taxonomy.forms import SearchForm
from mile.taxonomy.models import Concept, Kind, OccupationSkill, Relation
from mile.taxonomy.search import suggest as suggest_concepts

RELATED_LIMIT = 100


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    suggestions = []
    if form.is_valid() and form.cleaned_data["q"]:
        suggestions = suggest_concepts(
            query=str(form.cleaned_data["q"]),
            kind=form.cleaned_data["kind"] or "occupation",
            language=get_language() or "en",
            limit=25,
        )
    # A search typed with htmx on re-renders the results only.
    template = "taxonomy/search.html#results" if request.htmx else "taxonomy/search.html"  # type: ignore[attr-defined]  # django-htmx middleware
    return render(
        request,
        template,
        {"form": form, "suggestions": suggestions, "searched": bool(form.data.get("q"))},
    )


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Options for the ESCO type-ahead widget (an htmx fragment)."""
    # The widget's search box is named after its field ("skills_search"): take either.
    query = request.GET.get("q") or next(
        (request.GET[k] for k in request.GET if k.endswith("_search")), ""
    )
    suggestions = suggest_concepts(
        query=query[:200], kind=request.GET.get("kind", "skill"), language=get_language() or "en"
    )
    return render(request, "taxonomy/suggest_options.html", {"suggestions": suggestions})


@require_GET
def concept_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concept = get_concept_for_user(request.user, pk)
    language = get_language() or "en"
    labelled = Concept.objects.with_labels(language)
    context: dict[str, object] = {
        "concept": concept,
        "label_language": concept.label_language(language),
        "alternatives": concept.labels.filter(language=concept.label_language(language), kind="a")
        .order_by("text")
        .values_list("text", flat=True),
        "broader": labelled.filter(narrower=concept),
        "narrower": labelled.filter(broader=concept).order_by("code", "uri")[:RELATED_LIMIT],
        "narrower_count": concept.narrower.count(),
    }
    if concept.kind == Kind.OCCUPATION:
        links = OccupationSkill.objects.filter(occupation=concept).select_related("skill")
        skills = {link.skill_id: link.relation for link in links}
        by_id = labelled.in_bulk(list(skills))
        context["essential"] = sorted(
            (by_id[i] for i, r in skills.items() if r == Relation.ESSENTIAL), key=str
        )
        context["optional"] = sorted(
            (by_id[i] for i, r in skills.items() if r == Relation.OPTIONAL), key=str
        )
    if concept.kind == Kind.SKILL:
        occupations = labelled.filter(skill_links__skill=concept).distinct()
        page = Paginator(occupations.order_by("uri"), RELATED_LIMIT).get_page(
            request.GET.get("page")
        )
        context["occupations"] = page
        context["page"] = page
    return render(request, "taxonomy/concept_detail.html", context)
