# One command to run the demo, one to run the tests. Both set up what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test install browser bench loadtest messages worker clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	CONSORTIUM_DEMO=true $(PY) manage.py seed_demo
	CONSORTIUM_DEMO=true $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP) browser
	eval "$$($(PY) scripts/detect_services.py)"; $(PY) -m pytest $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium (never a downloaded browser build).
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium is not installed: the browser tests will be skipped"

bench: $(STAMP)
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

worker: $(STAMP)
	$(VENV)/bin/celery -A consortium worker --loglevel=info

clean:
	rm -rf $(VENV) db.sqlite3 var
