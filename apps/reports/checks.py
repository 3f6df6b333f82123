"""System check: PDFs are only fast with HarfBuzz's font subsetter (see pdf.font_subsetter)."""

from django.core.checks import Tags, Warning, register

from apps.reports import pdf


@register(Tags.compatibility)
def harfbuzz_subsetter_present(app_configs, **kwargs):
    if pdf.font_subsetter() == "harfbuzz":
        return []
    return [Warning(
        "WeasyPrint cannot load libharfbuzz-subset, so every PDF subsets its Japanese font with fontTools "
        "(0.15–0.3 s more per report).",
        hint="Install the system library: `make install` does it on Debian as root, or "
             "`apt-get install libharfbuzz-subset0` (the Dockerfile installs it).",
        id="reports.W001",
    )]
