"""Logging filters referenced from settings.LOGGING."""

import logging

_harfbuzz_notice_logged = False


def harfbuzz_subset_notice_once(record: logging.LogRecord) -> bool:
    # Without the system's libharfbuzz-subset WeasyPrint subsets fonts with fontTools,
    # 0.15–0.3 s slower per PDF, and says so on every render, which would bury real
    # warnings in worker logs. Once per process is enough to be noticed; the system
    # check reports.W001 names the package to install.
    global _harfbuzz_notice_logged
    if "HarfBuzz-Subset" not in record.getMessage():
        return True
    if _harfbuzz_notice_logged:
        return False
    _harfbuzz_notice_logged = True
    return True
