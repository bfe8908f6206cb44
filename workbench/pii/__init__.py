"""Personal-data discovery: detectors declared in ``detectors.yaml``, one engine for strings
(:func:`find`) and columns (:func:`text_hits`, :func:`classify_column`), and the data inventory.
"""
from __future__ import annotations

from .detectors import CATEGORIES, SPECIAL, Catalog, load_catalog
from .classify import classify_column
from .engine import is_free_text, special_hits, text_hits
from .finder import Match, find, find_special

__all__ = ["CATEGORIES", "SPECIAL", "Catalog", "Match", "classify_column", "find", "find_special", "is_free_text",
           "load_catalog", "special_hits", "text_hits", "scan_dataset", "write_inventory", "Inventory"]


def __getattr__(name: str):  # the inventory pulls in the dataset layer: load it on first use
    if name in ("scan_dataset", "write_inventory", "Inventory"):
        from . import inventory
        return getattr(inventory, name)
    raise AttributeError(name)
