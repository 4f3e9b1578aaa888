# Rapport: `make demo` runs it, `make test` tests everything. Both install
# what is missing first (Debian/Ubuntu packages via apt, npm packages, Go
# modules), so they work on a fresh machine.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO        ?= go
TAGS      := desktop,production,webkit2_41
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BIN       := build/bin/rapport
OUT       := build/out
XVFB      := xvfb-run -a -s "-screen 0 1280x800x24"
# Packages: Wails/WebKitGTK build deps, CJK fonts, and the test tools
# (Chromium for end-to-end tests, Xvfb + ImageMagick + D-Bus for the window,
# GNOME Keyring + libsecret for the token cache in the OS secret store).
APT_PKGS  := build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev fonts-noto-cjk fonts-noto-color-emoji \
             chromium xvfb xauth imagemagick dbus-daemon dbus-x11 gnome-keyring libsecret-1-dev
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help deps deps-apt deps-npm deps-go frontend build demo test test-go test-frontend test-e2e test-window test-keyring bench fmt lint generate clean

help:
	@echo "make demo   install what is missing, build, and run Rapport"
	@echo "make test   install what is missing, build, and run every test"
	@echo "make build  build $(BIN)"
	@echo "make bench  run the benchmarks and print their figures"

deps: deps-apt deps-npm deps-go

deps-apt:
	@if ! command -v apt-get >/dev/null; then \
	  echo "deps: no apt-get here; install the equivalents of: $(APT_PKGS)"; exit 0; fi; \
	missing=$$(for p in $(APT_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing $$missing"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

deps-npm:
	@if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then \
	  cd frontend && npm ci --no-audit --no-fund --loglevel=error; fi

deps-go:
	@$(GO) mod download

frontend: deps-npm
	cd frontend && npm run --silent build

build: deps frontend
	@mkdir -p build/bin
	CGO_ENABLED=1 $(GO) build -tags $(TAGS) -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(BIN) .
	@ls -l $(BIN) | awk '{printf "built %s (%.1f MB)\n", $$9, $$5/1048576}'

# The demo: a simulated tenant in-process, signed in and synced. With a
# display: the window. Without one: browser mode, URL printed.
demo: build
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then exec ./$(BIN) demo; \
	else echo "No display: starting browser mode."; exec ./$(BIN) demo --browser; fi

test: build
	@$(MAKE) --no-print-directory lint test-go test-keyring test-frontend test-e2e test-window
	@echo "make test: all suites passed"

# The UI's generated TypeScript (frontend/src/api/types.gen.ts from the Go
# types, crm.gen.ts from storage/crm) must be what the Go code generates:
# `make generate` rewrites both.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -count=1 -run 'TestTypesGenerated|TestCatalogueGenerated' ./app ./storage/crm

generate:
	$(GO) test -count=1 -run 'TestTypesGenerated|TestCatalogueGenerated' ./app ./storage/crm -args -update-ts

# The search package's brute-force and relevance suites scan the whole
# medium preset hundreds of times: they run without the race detector (10x
# slower there); the indexer's concurrency runs under it in the live-update
# and recovery tests.
test-go:
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v '/search$$')
	$(GO) test -count=1 ./search/
	$(GO) test -race -count=1 -run 'TestLiveUpdates|TestIndexRecovers/killed|TestAnalyzer|TestSnippet' ./search/

# The token cache in a real Secret Service: a D-Bus session with an
# unlocked GNOME Keyring.
test-keyring:
	dbus-run-session -- sync/auth/testdata/keyring-session.sh \
	  $(GO) test -count=1 -tags keyringtest -run TestKeyring -v ./sync/auth 2>&1 | grep -v -e '^dbus-daemon'

test-frontend:
	cd frontend && npm run --silent typecheck && npx vitest run

test-e2e:
	@mkdir -p $(OUT)
	cd frontend && RAPPORT_BIN=$(CURDIR)/$(BIN) RAPPORT_SCREENSHOT_DIR=$(CURDIR)/$(OUT) npx vitest run --config vitest.e2e.config.ts

test-window:
	@mkdir -p $(OUT)
	RAPPORT_BIN=$(CURDIR)/$(BIN) RAPPORT_SCREENSHOT_DIR=$(CURDIR)/$(OUT) \
	  dbus-run-session -- $(XVFB) $(GO) test -count=1 -tags windowsmoke -run 'TestNativeWindow|TestSecondLaunchFocusesFirst' -v ./app 2>&1 \
	  | grep -v -e '^dbus-daemon' -e 'SpiRegistry'

# Benchmarks print their figures (msgs/s, corpus sizes) with the results.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./storage/
	$(GO) test -run '^$$' -bench . -benchtime 500x -v ./sync/tenantsim/ | grep -v '^=== RUN'
	$(GO) test -run '^$$' -bench 'SyncLarge|SyncWithLimits' -benchtime 1x -timeout 30m -v ./sync/engine/ | grep -v '^=== RUN'
	$(GO) test -run '^$$' -bench 'QuickRound' -benchtime 20x -v ./sync/engine/ | grep -v '^=== RUN'
	$(GO) test -run '^$$' -bench 'SearchLarge' -benchtime 1x -timeout 60m -tags fts5bench -v ./search/ | grep -v '^=== RUN'
	$(GO) test -run '^$$' -bench 'Links' -benchtime 1x -timeout 30m -v ./storage/links/ | grep -v '^=== RUN'
	$(GO) test -run '^$$' -bench 'BulkTag' -benchtime 1x -timeout 60m -v ./storage/tags/ | grep -v '^=== RUN'
	$(GO) test -run '^$$' -bench 'Metrics' -benchtime 1x -timeout 30m -v ./storage/metrics/ | grep -v '^=== RUN'


fmt:
	gofmt -s -w $$(git ls-files '*.go')

clean:
	rm -rf build/bin $(OUT) frontend/dist/assets frontend/dist/index.html
