# 干部轮岗交流与竞争上岗系统 — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc

.PHONY: run dev test venv fonts chromium migrate seed clean worker beat

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# A TrueType CJK font for WeasyPrint (never an OTF Noto CJK: ~10x slower), poppler for PDF checks and HarfBuzz's
# subsetter (without it WeasyPrint subsets fonts with fontTools, several times slower).
fonts:
	@if [ ! -f $(CJK_FONT) ] || ! command -v pdftoppm >/dev/null || ! ldconfig -p | grep -q libharfbuzz-subset; then \
	  echo "installing fonts-wqy-zenhei, poppler-utils and libharfbuzz-subset0"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei poppler-utils libharfbuzz-subset0 >/dev/null; \
	fi

# Debian's chromium for the Playwright tests (never a downloaded browser).
chromium:
	@if ! command -v chromium >/dev/null; then \
	  echo "installing chromium"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

migrate: venv
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# The embedded default a pilot uses: DEBUG off (friendly error pages; static files from WhiteNoise), SQLite and
# in-process Celery unless DATABASE_URL / REDIS_URL are set. Keys are generated once into .secrets/ (not in git).
run: venv fonts seed
	DJANGO_DEBUG=0 $(PY) manage.py runserver $(HOST):$(PORT)

# The developer switch: the same server with DEBUG on (technical error pages, template reloads).
dev: venv fonts seed
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

worker: venv
	$(VENV)/bin/celery -A config worker -l info

beat: venv
	$(VENV)/bin/celery -A config beat -l info

# pytest-xdist: one worker per core (at most 4; two on the CI machine). PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
test: venv fonts chromium
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --maxprocesses=4 --dist worksteal $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 media .test-media staticfiles .pytest_cache
