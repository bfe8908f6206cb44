"""Onboarding a real CRM export: ``workbench init`` drafts dataset.yaml from a folder of exports."""
from __future__ import annotations

from .draft import Draft, Guess, Source, discover, draft_dataset, ensure_free, render, write_draft
from .hints import load_hints, normalise

__all__ = ["Draft", "Guess", "Source", "discover", "draft_dataset", "ensure_free", "load_hints", "normalise", "render", "write_draft"]
