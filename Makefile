# The Lantern Gazette — every command an editor or CI runs.
#   make serve    build and preview at http://127.0.0.1:8000 with live reload;
#                 the CMS at http://127.0.0.1:8000/admin/ saves into content/
#   make test     install the test tools and run every test, then `make check`
#   make check    build the deployable site and run the quality gates on it
#   make publish  build the deployable site into output/ (FORCE=1: even when
#                 nothing changed since the last build)
#   make new SLUG=budget-vote-delayed [SECTION=business] [LANG=ur]
#                 start a story (a draft) in content/articles/; LANG=ur starts
#                 the Urdu translation of the English story with that slug
#   make bench    time full builds (ours and stock Pelican) and the edit loop;
#                 writes docs/performance.md (BENCH_N="100 1000" to choose sizes)

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
HOST    ?= 127.0.0.1
PORT    ?= 8000
NOTO    := /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf
BROTLI_STATIC := /usr/lib/nginx/modules/ngx_http_brotli_static_module.so
# What the tests need from Debian: a browser, fonts, Java (Nu HTML Checker),
# nginx with the brotli static module (tests/test_nginx.py).
HAVE_SYSTEM_PACKAGES := command -v chromium >/dev/null && command -v java >/dev/null && [ -f $(NOTO) ] \
	&& { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } && [ -f $(BROTLI_STATIC) ]
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve html publish new test check bench system-packages chromium extract-messages clean admin

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed requirements-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

# The CMS at /admin/ (Decap CMS) and its local backend (decap-server), exactly
# as locked in admin/package-lock.json; every build copies the CMS into the
# site (plugins/admin_cms.py).  Needs Node.js with npm.
ADMIN := admin/node_modules/.installed
$(ADMIN): admin/package.json admin/package-lock.json
	@command -v npm >/dev/null || { echo "make: the CMS at /admin/ needs Node.js with npm (https://nodejs.org); or build without it: CMS_PATH is in pelicanconf.py" >&2; exit 1; }
	cd admin && npm ci --no-audit --no-fund --ignore-scripts
	touch $@

admin: $(ADMIN)

html: $(BIN)/.installed $(ADMIN)
	$(PY) tools/build.py --settings pelicanconf.py --output output $(if $(FORCE),--force)

# serve builds in its own process (tools/incremental.py) and keeps what it read.
serve: $(BIN)/.installed $(ADMIN)
	$(PY) tools/serve.py --host $(HOST) --port $(PORT)

publish: $(BIN)/.installed $(ADMIN)
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null || date +%s)} \
	  $(PY) tools/build.py --settings publishconf.py --output output $(if $(FORCE),--force)

# LANG only from the command line: the environment's LANG is the locale (en_US.UTF-8).
NEW_LANG := $(if $(filter command line,$(origin LANG)),$(LANG))

new: $(BIN)/.installed
	@$(PY) tools/new_story.py "$(SLUG)" $(if $(SECTION),--section "$(SECTION)") $(if $(NEW_LANG),--lang "$(NEW_LANG)")

# The gates' npm tools (axe-core, vnu-jar, lighthouse), exactly as locked.
# --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Java
# comes from Debian instead (target chromium).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

test: $(BIN)/.installed-test node_modules/.installed $(ADMIN)
	@$(HAVE_SYSTEM_PACKAGES) || $(MAKE) --no-print-directory system-packages
	@$(MAKE) --no-print-directory check; gates=$$?; $(PY) -m pytest; tests=$$?; \
	  [ $$gates -eq 0 ] || echo "make check failed (see its table above)"; exit $$(( gates || tests ))

# Quality gates on the publish build (tools/check.py): links, feeds, vnu,
# axe, keyboard, weight, Lighthouse.  Prints a table; fails on any failure.
check: $(BIN)/.installed-test node_modules/.installed $(ADMIN)
	@$(HAVE_SYSTEM_PACKAGES) || $(MAKE) --no-print-directory system-packages
	$(PY) tools/check.py

# Not part of `make test`: minutes of builds on synthetic corpora in a temporary folder.
bench: $(BIN)/.installed $(ADMIN)
	BENCH_N="$${BENCH_N:-100 1000 5000}" $(PY) tools/bench.py

# Debian's Chromium (test tools cannot download their own browser here), Java
# for the Nu HTML Checker, nginx and its brotli module.  Needs root (apt-get).
# nginx is only run by the tests, on a port of their own: the package's own
# service is not needed (a container's policy-rc.d keeps it from starting).
system-packages:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  chromium fonts-noto-core default-jre-headless nginx libnginx-mod-http-brotli-static >/dev/null
chromium: system-packages

# Refresh the catalogs after changing a template string, then translate the
# new entries in theme/translations/ur/LC_MESSAGES/messages.po.
extract-messages: $(BIN)/.installed
	$(BIN)/pybabel extract --mapping babel.cfg --no-location --omit-header --sort-output --no-wrap \
	  --output theme/translations/messages.pot theme/templates
	$(BIN)/pybabel update --input-file theme/translations/messages.pot \
	  --output-dir theme/translations --domain messages --no-fuzzy-matching --ignore-obsolete \
	  --no-wrap --ignore-pot-creation-date

clean:
	rm -rf output .output.build-record.json .output.pages.json $(VENV) .pytest_cache
