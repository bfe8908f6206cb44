"""Synthetic CRM datasets with planted problems of known size (``workbench sample``)."""
from .generate import LAYOUTS, generate_sample, plant_counts

__all__ = ["generate_sample", "plant_counts", "LAYOUTS"]
