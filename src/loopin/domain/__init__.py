"""Loopin's business rules: entities, value objects and policies in plain Python.

Nothing in this package knows about HTTP, SQL, queues or vendors; the architecture test enforces it.
"""
