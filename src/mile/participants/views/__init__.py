"""Participant pages, one module per part of the pathway.

``records``: list, intake, personal record, languages and skills; ``apply``: the public
application; ``profile``: education, work experience, documents and preferences; ``pathway``:
plan, services, timeline; ``validation``: the four phases; ``exports``: PDFs and JSON;
``me``: the participant's own pages.
"""
