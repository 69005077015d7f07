"""Extraction layers of the parse stage: CMS profiles, page metadata, generic content."""
