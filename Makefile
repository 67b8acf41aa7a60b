# Developer and CI commands. `make test` is what .ci/run calls.
PYTHON ?= python3
VENV := .venv
# Test processes per layer (pytest-xdist); each has its own PostgreSQL database, data dirs and servers.
TEST_WORKERS ?= 2
PY := $(VENV)/bin/python

# Run one pytest layer: $(1) pytest options, $(2) test directories (missing ones are left out).
# Exit code 5 (no tests collected) counts as success; any other failure fails the target.
define pytest_layer
	@dirs='$(wildcard $(2))'; \
	if [ -z "$$dirs" ]; then echo 'pytest $(2): no such directory, nothing to run'; exit 0; fi; \
	echo "$(PY) -m pytest $(1) $$dirs -q"; \
	$(PY) -m pytest $(1) $$dirs -q; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest $$dirs: no tests collected, counted as success"; \
	elif [ $$status -ne 0 ]; then exit $$status; fi
endef

.PHONY: venv chromium nginx run cluster test bench

venv: $(VENV)/.installed

# Re-installs only when pyproject.toml changed since the last install.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -e '.[test]'
	touch $@

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
		else \
			echo "Install Debian's chromium: sudo apt-get install chromium" >&2; exit 1; \
		fi; \
	fi

# Debian's nginx, for `make cluster` and the cluster test (tests/e2e/test_cluster.py).
nginx:
	@if [ ! -x /usr/sbin/nginx ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx; \
		else \
			echo "Install Debian's nginx: sudo apt-get install nginx" >&2; exit 1; \
		fi; \
	fi

run: venv
	$(PY) main.py

# Two instances on the machine's PostgreSQL (database mysafe_cluster) and Redis, behind nginx on port 8080.
cluster: venv nginx
	$(PY) deploy/cluster.py

test: venv chromium nginx
	$(PY) -m ruff check .
	$(call pytest_layer,-n $(TEST_WORKERS),tests/unit tests/security)
	$(call pytest_layer,-n $(TEST_WORKERS) -p nicegui.testing.user_plugin,tests/ui)
	$(call pytest_layer,-n $(TEST_WORKERS),tests/e2e)

bench: venv chromium
	$(PY) bench/run.py
	$(PY) bench/export.py
	$(PY) bench/api.py
	$(PY) bench/browser.py
	$(PY) bench/sessions.py
