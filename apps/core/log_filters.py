"""Logging filters referenced from settings.LOGGING."""

import logging


def drop_harfbuzz_subset_notice(record: logging.LogRecord) -> bool:
    # WeasyPrint subsets fonts with fontTools when the system's HarfBuzz has no subset
    # library (Debian 12's does not). That works and keeps PDFs small, but WeasyPrint
    # says so on every render, which buries real warnings in worker logs.
    return "HarfBuzz-Subset" not in record.getMessage()
