# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
SIM_PORT ?= 8100
SIM_URL := http://127.0.0.1:$(SIM_PORT)/dukcapil/get_json/33-03/disnaker_3303/call_nik

.PHONY: run test lint install clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

test: lint
	$(VENV)/bin/pytest

# The portal on embedded defaults (SQLite, eager tasks) with the Dukcapil simulator.
run: $(VENV)/.installed
	mkdir -p var
	$(PY) manage.py migrate --noinput
	DUKCAPIL_NIK_URL=$(SIM_URL) $(PY) manage.py demo_accounts
	@echo "Simulator Dukcapil di 127.0.0.1:$(SIM_PORT); portal di http://127.0.0.1:8000"
	$(PY) manage.py dukcapil_sim --port $(SIM_PORT) & sim=$$!; \
	trap 'kill $$sim 2>/dev/null' EXIT INT TERM; \
	DUKCAPIL_NIK_URL=$(SIM_URL) DUKCAPIL_USER_ID=sim-user DUKCAPIL_PASSWORD=sim-pass DUKCAPIL_IP_USER=127.0.0.1 \
	$(PY) manage.py runserver 127.0.0.1:8000

clean:
	rm -rf var .mypy_cache .pytest_cache .ruff_cache
