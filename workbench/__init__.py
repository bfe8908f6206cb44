"""CRM privacy risk & training workbench."""
from __future__ import annotations

__version__ = "0.1.0"

from .dataset import Dataset, load_dataset
from .errors import (AnswersError, ContentError, DatasetError, ExecutionError, InputError,
                     ThresholdError, WorkbenchError)

__all__ = ["__version__", "Dataset", "load_dataset", "WorkbenchError", "InputError", "DatasetError",
           "ContentError", "AnswersError", "ExecutionError", "ThresholdError"]
