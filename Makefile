# Einstiegspunkt für Entwicklung, Tests und Berichte. `make help` zeigt alle Ziele.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installiert
DATEN  ?= daten

.DEFAULT_GOAL := help
.PHONY: help umgebung jupyter bericht test test-schnell lint format demo-daten benchmark clean

help: ## Diese Hilfe zeigen
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

umgebung: $(STAMP) ## .venv anlegen oder aktualisieren (Paket editierbar + Entwicklungswerkzeuge)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	$(PY) -m ipykernel install --prefix $(VENV) --name python3 --display-name "Python 3 (analyse)" >/dev/null
	touch $(STAMP)

jupyter: $(VENV)/.jupyter ## JupyterLab auf notebooks/ öffnen (Kernel des Projekts: "Python 3 (analyse)")
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks \
	  --MappingKernelManager.default_kernel_name=python3

$(VENV)/.jupyter: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev,jupyter]"
	touch $@

bericht: umgebung ## Demostudie auswerten, Berichte ausführen, Website rendern
	$(VENV)/bin/analyse alles --daten $(DATEN)

test: umgebung ## Alle Tests (inkl. Ende-zu-Ende und Notebooks)
	$(PY) -m pytest -q

test-schnell: umgebung ## Nur die schnellen Tests
	$(PY) -m pytest -q -m "not langsam"

lint: umgebung ## ruff und die Schichtenverträge (import-linter) prüfen
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: umgebung ## ruff formatieren und Importe sortieren
	$(VENV)/bin/ruff check --fix .

demo-daten: umgebung ## Demostudie neu erzeugen (deterministisch)
	$(VENV)/bin/analyse demo-daten --daten $(DATEN)

benchmark: umgebung ## Benchmarks (Analyse auf 11.000 Kommunen, Berichte im Batch)
	$(PY) benchmarks/analyse.py
	$(PY) benchmarks/berichte.py

clean: ## Ergebnisse und Berichte löschen (nicht die Eingabedaten)
	rm -rf $(DATEN)/ergebnisse berichte/_site berichte/html berichte/kommunen berichte/*.ipynb berichte/*.json berichte/index.qmd berichte/_quarto.yml
