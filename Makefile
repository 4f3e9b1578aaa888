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
# Packaging (make dist): nsis for the Windows installer, desktop-file-utils
# to validate the .desktop entry, file and icoutils' wrestool to check what
# was built.
APT_PKGS  := build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev fonts-noto-cjk fonts-noto-color-emoji \
             chromium xvfb xauth imagemagick dbus-daemon dbus-x11 gnome-keyring libsecret-1-dev \
             nsis desktop-file-utils file icoutils
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Packaging (make dist; docs/packaging.md). Same commit, same bytes where
# the tools allow: -trimpath, an empty build id, SOURCE_DATE_EPOCH from the
# commit for the archives' and packages' file times.
DIST      := build/dist
TOOLS     := build/tools
NICE      := nice -n 15
ifndef SOURCE_DATE_EPOCH
SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
endif
export SOURCE_DATE_EPOCH
LDFLAGS   := -s -w -buildid= -X main.version=$(VERSION)
# Package version from `git describe`: v1.2.3 → 1.2.3, v1.2.3-4-gabc →
# 1.2.3+4.gabc; no tag yet → 0.0.0+g<commit>. FILE_VERSION is Windows'
# four numbers.
PKG_VERSION  := $(shell v='$(VERSION)'; case $$v in (v[0-9]*) v=$${v:1};; (*) v=0.0.0-g$$v;; esac; echo "$$v" | sed 's/-/+/; s/-/./g')
FILE_VERSION := $(shell echo '$(PKG_VERSION)' | sed -nE 's/^([0-9]+)\.([0-9]+)\.([0-9]+).*/\1.\2.\3.0/p' | grep . || echo 0.0.0.0)
WIN_TAGS  := desktop,production
WIN_ARCHES := amd64 arm64
NFPM_VERSION   := v2.48.0
WINRES_VERSION := v0.3.3
NFPM      := $(TOOLS)/nfpm-$(NFPM_VERSION)/nfpm
WINRES    := $(TOOLS)/go-winres-$(WINRES_VERSION)/go-winres
ICON_SIZES := 16 24 32 48 64 128 256 512

.PHONY: help deps deps-apt deps-npm deps-go frontend build demo test test-go test-frontend test-e2e test-window test-keyring bench fmt lint generate clean \
        dist dist-pack dist-linux dist-windows cross-check dist-check icons

help:
	@echo "make demo   install what is missing, build, and run Rapport"
	@echo "make test   install what is missing, build, and run every test"
	@echo "make build  build $(BIN)"
	@echo "make bench  run the benchmarks and print their figures"
	@echo "make dist   build the .deb, .rpm, .tar.gz, Windows .exe and installers into $(DIST)/"

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
	CGO_ENABLED=1 $(GO) build -tags $(TAGS) -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .
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
	$(GO) test -run '^$$' -bench 'SearchUI' -benchtime 1x -timeout 60m -v ./app/ | grep -v '^=== RUN'
	@$(MAKE) --no-print-directory build
	RAPPORT_BIN=$(CURDIR)/$(BIN) dbus-run-session -- $(XVFB) $(GO) test -tags windowsmoke -run '^$$' -bench 'WindowFirstResult' -benchtime 1x -timeout 60m -v ./app/ 2>&1 \
	  | grep -v -e '^dbus-daemon' -e 'SpiRegistry' -e '^=== RUN'
	$(GO) test -run '^$$' -bench 'Links' -benchtime 1x -timeout 30m -v ./storage/links/ | grep -v '^=== RUN'
	$(GO) test -run '^$$' -bench 'BulkTag' -benchtime 1x -timeout 60m -v ./storage/tags/ | grep -v '^=== RUN'
	$(GO) test -run '^$$' -bench 'Metrics' -benchtime 1x -timeout 30m -v ./storage/metrics/ | grep -v '^=== RUN'
	$(GO) test -run '^$$' -bench 'Digest' -benchtime 1x -timeout 30m -v ./storage/digest/ | grep -v '^=== RUN'
	$(GO) test -run '^$$' -bench 'Archive' -benchtime 3x -timeout 60m -v ./storage/knowledge/ | grep -v '^=== RUN'


# ---- Packaging -------------------------------------------------------------

# Every artifact into build/dist/, with SHA256SUMS: the Linux binary's .deb,
# .rpm and .tar.gz, then rapport.exe and its installer for each Windows
# architecture.
dist: build
	@$(MAKE) --no-print-directory dist-pack

# dist without rebuilding $(BIN) (CI has built it for the tests).
dist-pack:
	@rm -rf $(DIST) && mkdir -p $(DIST)
	@$(MAKE) --no-print-directory dist-linux dist-windows
	cd $(DIST) && sha256sum $$(ls | grep -v '^SHA256SUMS$$') > SHA256SUMS
	@cd $(DIST) && ls -l | awk 'NR>1 {printf "%-58s %6.1f MB\n", $$9, $$5/1048576}'

dist-linux: $(NFPM)
	@test -x $(BIN) || { echo "dist-linux: $(BIN) missing: make build first"; exit 1; }
	@./$(BIN) version | grep -F "rapport $(VERSION) " >/dev/null || \
	  { echo "dist-linux: $(BIN) is not $(VERSION) ($$(./$(BIN) version)): make build first"; exit 1; }
	@mkdir -p $(DIST)
	for p in deb rpm; do \
	  PKG_VERSION='$(PKG_VERSION)' PKG_ARCH=$$($(GO) env GOARCH) \
	    $(NFPM) package --config build/linux/nfpm.yaml --packager $$p --target $(DIST)/; done
	@stage=$(OUT)/stage/rapport-$(VERSION)-linux-$$($(GO) env GOARCH); rm -rf $(OUT)/stage; \
	mkdir -p $$stage/bin $$stage/share/applications; \
	install -m 0755 $(BIN) $$stage/bin/rapport; \
	install -m 0644 build/linux/rapport.desktop $$stage/share/applications/; \
	install -D -m 0644 build/appicon.svg $$stage/share/icons/hicolor/scalable/apps/rapport.svg; \
	for s in $(ICON_SIZES); do install -D -m 0644 build/icons/rapport-$$s.png $$stage/share/icons/hicolor/$${s}x$${s}/apps/rapport.png; done; \
	tar --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 --numeric-owner --mode=go-w \
	  -C $(OUT)/stage -cf - $$(basename $$stage) | gzip -9n > $(DIST)/$$(basename $$stage).tar.gz
	@echo "dist-linux: .deb, .rpm and .tar.gz of $(PKG_VERSION)"

# rapport.exe needs no cgo: Wails' Windows webview is pure Go. The .syso
# beside main.go carries the icon, the version resource and the manifest
# (per-monitor DPI aware); -H windowsgui: no console window on a double
# click (app/console_windows.go attaches to the terminal that started it).
dist-windows: frontend $(WINRES)
	@mkdir -p $(DIST)
	$(WINRES) make --in build/windows/winres.json --arch $(subst $() ,$(comma),$(WIN_ARCHES)) --out rsrc \
	  --product-version '$(VERSION)' --file-version '$(FILE_VERSION)'
	for arch in $(WIN_ARCHES); do \
	  exe=$(DIST)/rapport-$(VERSION)-windows-$$arch.exe; \
	  CGO_ENABLED=0 GOOS=windows GOARCH=$$arch $(NICE) $(GO) build -tags $(WIN_TAGS) -trimpath \
	    -ldflags "$(LDFLAGS) -H windowsgui" -o $$exe . || { rm -f rsrc_windows_*.syso; exit 1; }; \
	  makensis -V2 -DVERSION='$(VERSION)' -DFILEVERSION='$(FILE_VERSION)' -DARCH=$$arch \
	    -DEXE=$(CURDIR)/$$exe -DOUTFILE=$(CURDIR)/$(DIST)/rapport-$(VERSION)-windows-$$arch-setup.exe \
	    build/windows/installer.nsi; \
	done; rm -f rsrc_windows_*.syso

# What CI checks of `make dist`: the .deb installs and runs from /usr/bin,
# its desktop entry validates, each rapport.exe is a PE32+ GUI program.
dist-check:
	@deb=$$(ls $(DIST)/rapport_*.deb); \
	if [ "$$(id -u)" = 0 ]; then dpkg -i $$deb >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -f >/dev/null; dpkg -i $$deb >/dev/null; }; root=; \
	else root=$(OUT)/deb-root; rm -rf $$root; dpkg -x $$deb $$root; echo "dist-check: not root: unpacked with dpkg -x into $$root"; fi; \
	$$root/usr/bin/rapport version; \
	desktop-file-validate $$root/usr/share/applications/rapport.desktop; \
	for s in $(ICON_SIZES); do test -s $$root/usr/share/icons/hicolor/$${s}x$${s}/apps/rapport.png; done; \
	dpkg-deb -f $$deb Depends | grep >/dev/null libwebkit2gtk-4.1-0; \
	for arch in $(foreach a,$(WIN_ARCHES),$(a):$(if $(filter arm64,$(a)),Aarch64,x86-64)); do exe=$$(ls $(DIST)/rapport-*-windows-$${arch%:*}.exe); \
	  file $$exe; file $$exe | grep >/dev/null "PE32+ executable (GUI) $${arch#*:}"; \
	  wrestool -l $$exe | grep >/dev/null 'type=group_icon'; wrestool -l $$exe | grep >/dev/null 'type=version'; \
	  wrestool -x --raw --type=24 $$exe | grep >/dev/null 'permonitorv2'; \
	  file $(DIST)/rapport-*-windows-$${arch%:*}-setup.exe | grep >/dev/null 'PE32 executable (GUI)'; done; \
	cd $(DIST) && sha256sum --quiet -c SHA256SUMS && echo "dist-check: packages install and check out"

# The code builds for Windows and (without cgo) for macOS: vet with the
# window's tags, and every package's tests compiled for Windows. -trimpath
# and the same tags as dist-windows, so what it compiled is reused.
cross-check: frontend
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(NICE) $(GO) vet -trimpath -tags $(WIN_TAGS) ./...
	@rm -rf $(OUT)/cross && mkdir -p $(OUT)/cross
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(NICE) $(GO) test -trimpath -c -o $(OUT)/cross/ ./...
	@ls $(OUT)/cross | wc -l | xargs echo "cross-check: Windows test binaries:"; rm -rf $(OUT)/cross
	CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 $(NICE) $(GO) vet -trimpath ./...

# The icons are rendered once from build/appicon.svg and committed (the
# text's font would otherwise differ from machine to machine): needs
# rsvg-convert (librsvg2-bin) and icotool (icoutils).
icons:
	for s in $(ICON_SIZES); do rsvg-convert -w $$s -h $$s build/appicon.svg -o build/icons/rapport-$$s.png; done
	cd build/icons && icotool -c -o ../windows/icon.ico $(foreach s,16 24 32 48 64 128,rapport-$(s).png) --raw=rapport-256.png

$(NFPM):
	GOBIN=$(CURDIR)/$(@D) $(NICE) $(GO) install github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION)

$(WINRES):
	GOBIN=$(CURDIR)/$(@D) $(NICE) $(GO) install github.com/tc-hib/go-winres@$(WINRES_VERSION)

comma := ,

fmt:
	gofmt -s -w $$(git ls-files '*.go')

clean:
	rm -rf build/bin $(OUT) $(DIST) frontend/dist/assets frontend/dist/index.html
