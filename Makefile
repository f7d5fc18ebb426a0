# make build : set up (Debian packages, .venv, the package) and build the example project into site/
# make test  : set up the same way, type-check booklet/ (mypy) and run the whole test suite
# make golden: rewrite tests/golden/ from the current code (a deliberate output change)
# make fuzz  : the mutation test of tests/test_fuzz.py with more mutants (FUZZ_COUNT, FUZZ_SEED)
# Each step leaves a stamp, so a second run does no work twice.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
APT_PACKAGES := fonts-noto-cjk fonts-arphic-ukai libharfbuzz-subset0 poppler-utils qpdf chromium nodejs faketime
JOBS ?=

FUZZ_COUNT ?= 5000

.PHONY: build test golden fuzz system-deps venv clean bench

build: $(VENV)/.installed
	$(BIN)/booklet build $(if $(JOBS),--jobs $(JOBS))

test: $(VENV)/.installed $(VENV)/axe/.installed
	$(BIN)/python -m mypy booklet
	$(BIN)/python -m pytest $(PYTEST_ARGS)

golden: $(VENV)/.installed
	$(BIN)/python tests/test_golden.py

fuzz: $(VENV)/.installed
	FUZZ_COUNT=$(FUZZ_COUNT) $(if $(FUZZ_SEED),FUZZ_SEED=$(FUZZ_SEED)) $(BIN)/python -m pytest -q tests/test_fuzz.py

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/score_bench.py
	$(BIN)/python benchmarks/site_bench.py
	$(BIN)/python benchmarks/build_bench.py

# Debian packages: installed only when missing. Without root or sudo we print
# the one apt-get line to run and stop.
$(VENV)/.system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	  else echo "缺少系统软件包:$$missing"; \
	       echo "请以 root 身份运行: apt-get update && apt-get install -y$$missing"; \
	       echo "(Missing Debian packages; run the line above as root, then run make again.)"; exit 1; fi; \
	  echo "安装系统软件包:$$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "需要 Python 3.11 或更高版本"' 
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@touch $@

$(VENV)/.installed: $(VENV)/.system-deps pyproject.toml
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

# axe-core (npm) for the site's accessibility tests (tests/test_site_a11y.py)
$(VENV)/axe/.installed: $(VENV)/.system-deps
	@if ! command -v npm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	  else echo "缺少 npm，请以 root 身份运行: apt-get install -y npm"; \
	       echo "(npm is missing: Debian's nodejs ships it as the separate npm package.)"; exit 1; fi; \
	  echo "安装系统软件包: npm"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm; \
	fi
	npm install --prefix $(VENV)/axe --no-audit --no-fund --silent axe-core@4
	@touch $@

clean:
	rm -rf $(VENV) site build dist .booklet-cache
