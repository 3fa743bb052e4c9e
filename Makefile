# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
PORT ?= 8000
SIM_PORT ?= 8100
SIM_URL := http://127.0.0.1:$(SIM_PORT)/dukcapil/get_json/33-03/disnaker_3303/call_nik

.PHONY: run test lint install sysdeps clean

# System packages the tests and the portal need: Chromium (browser tests), pango and fonts (WeasyPrint),
# poppler (PDF checks), docker-compose (compose file check). Installed here when run as root and one is
# missing, so a fresh machine needs nothing but `make test` / `make run`; otherwise the missing ones are named.
SYSDEPS := chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 poppler-utils docker-compose
sysdeps:
	@missing=$$(for p in $(SYSDEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Memasang paket sistem: $$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "Paket sistem belum terpasang (jalankan sebagai root, atau apt-get install): $$missing"; fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed sysdeps

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

test: sysdeps lint
	$(VENV)/bin/pytest

# The portal on embedded defaults (SQLite, eager tasks) with the Dukcapil simulator (`make run PORT=8001 SIM_PORT=8199`
# when those ports are taken).
run: $(VENV)/.installed sysdeps
	mkdir -p var
	$(PY) manage.py migrate --noinput
	DUKCAPIL_NIK_URL=$(SIM_URL) $(PY) manage.py demo_accounts
	@echo "Simulator Dukcapil di 127.0.0.1:$(SIM_PORT); portal di http://127.0.0.1:$(PORT)"
	$(PY) -m dukcapil_sim --port $(SIM_PORT) & sim=$$!; \
	trap 'kill $$sim 2>/dev/null' EXIT INT TERM; \
	DUKCAPIL_NIK_URL=$(SIM_URL) DUKCAPIL_USER_ID=sim-user DUKCAPIL_PASSWORD=sim-pass DUKCAPIL_IP_USER=127.0.0.1 \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

clean:
	rm -rf var .mypy_cache .pytest_cache .ruff_cache .import_linter_cache
