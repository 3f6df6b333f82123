# One command to run the demo, one to run the tests. Both set up what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test install pdf-libs browser bench loadtest messages worker beat clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP) pdf-libs

# WeasyPrint subsets the embedded Japanese font with the system's HarfBuzz when it can
# (a few ms per PDF) and with fontTools otherwise (0.4–0.6 s per PDF). The library must be
# the HarfBuzz build Pango uses, so it comes from Debian, not PyPI. PDFs are right either way.
pdf-libs: $(STAMP)
	@$(PY) -c 'from weasyprint.text.ffi import harfbuzz_subset as lib; raise SystemExit(not lib)' || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libharfbuzz-subset0 >/dev/null; } || \
	  echo "libharfbuzz-subset0 is not installed: PDFs will be slower (system check reports.W001)"

demo: $(STAMP) pdf-libs
	$(PY) manage.py migrate --noinput
	CONSORTIUM_DEMO=true $(PY) manage.py seed_demo
	CONSORTIUM_DEMO=true $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP) pdf-libs browser
	eval "$$($(PY) scripts/detect_services.py)"; $(PY) -m pytest $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium is not installed: the browser tests will be skipped"

bench: $(STAMP) pdf-libs
	$(PY) manage.py bench_pages
	$(PY) manage.py bench_allocation
	$(PY) manage.py bench_reports

loadtest: $(STAMP)
	$(PY) scripts/load_portal.py

# Needs gettext (Debian: gettext). The compiled .mo files are committed, so running the
# app never does.
messages: $(STAMP)
	$(PY) manage.py makemessages -l ja --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

worker: $(STAMP) pdf-libs
	$(VENV)/bin/celery -A consortium worker --loglevel=info

# The daily reminders and the minute's look for report jobs the broker lost
# (settings.CELERY_BEAT_SCHEDULE): one beat per deployment, beside the worker.
beat: $(STAMP)
	mkdir -p var && $(VENV)/bin/celery -A consortium beat --loglevel=info --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) db.sqlite3 var
