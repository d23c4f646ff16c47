"""Matching people to placement offers: explainable scores, ranking both ways, assignment.

Pure Python + NumPy/SciPy, no Django: plain frozen dataclasses in (`model`), scores with their
evidence out (`score`, `explain`), vectorised ranking over many offers or people (`rank`).
"""
