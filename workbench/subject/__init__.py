"""Data-subject requests across the whole export (GDPR Arts. 15-17 and 20, PIPL Arts. 44-47, CCPA):
find one person in every table, write their access package, plan their erasure.

``find_subject(dataset, parse_selector(email=...))`` returns a :class:`Finding` whose ``summary()``
is masked; :func:`write_access_package` is the one output that holds raw personal data (files
0600); :func:`write_erase_plan` writes a masked plan plus reviewable SQL (0600).
"""
from __future__ import annotations

from .columns import SearchColumns, from_inventory, from_sample
from .find import Finding, TableMatch, find_subject
from .selector import Selector, parse_selector

__all__ = ["Finding", "SearchColumns", "Selector", "TableMatch", "find_subject", "from_inventory", "from_sample",
           "parse_selector"]
