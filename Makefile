# Sharp Eyes — video-surveillance analytics gateway.
# `make help` lists the targets.

GO        ?= go
BIN       := bin/sharpeyes
TEST_TAGS := matprofile
export CGO_ENABLED := 1

.PHONY: help setup build clips demo test test-short lint fuzz-smoke bench bench-accuracy bench-live bench-plates docker clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

setup: ## install Debian packages, PETS clip and Go modules (idempotent)
	@bash scripts/setup.sh

build: setup ## build bin/sharpeyes
	$(GO) build -o $(BIN) ./gateway/cmd/sharpeyes

CLIPS := testvideos/data/tripwire-basic.h264 testvideos/data/crowd.h264 testvideos/data/checkpoint.h264

testvideos/data/%.h264:
	$(GO) run ./testvideos/cmd/gensynth -scene $* -out testvideos/data

testvideos/data/vtest.h264:
	$(GO) run ./testvideos/cmd/gensynth -pets

clips: setup $(CLIPS) testvideos/data/vtest.h264 ## generate the demo's simulated-camera clips

demo: build clips ## run the whole system on embedded defaults (broker, simulated cameras, gateway)
	./$(BIN) demo

test: setup ## run every test (race detector, Mat leak profile), tidy check, lint and a short fuzz pass
	$(GO) vet -tags $(TEST_TAGS) ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) mod tidy -diff
	$(GO) test -race -tags $(TEST_TAGS) -timeout 20m ./...
	@$(MAKE) --no-print-directory fuzz-smoke

test-short: ## tests without the race detector (faster local loop)
	$(GO) test -tags $(TEST_TAGS) -timeout 20m ./...

lint: ## go vet + gofmt + import boundaries
	$(GO) vet -tags $(TEST_TAGS) ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) test -run TestImportBoundaries ./internal/archtest/

# An execution count, not a duration: Go 1.26's fuzz coordinator can fail a target with
# "context deadline exceeded" when a -fuzztime deadline races a busy worker
# (golang/go#75804, fixed in Go 1.27).
FUZZTIME ?= 60000x
fuzz-smoke: ## short pass of every fuzz target
	$(GO) test -run '^$$' -fuzz '^FuzzConfig$$' -fuzztime $(FUZZTIME) ./gateway/conf/
	$(GO) test -run '^$$' -fuzz '^FuzzRuleYAML$$' -fuzztime $(FUZZTIME) ./rules/
	$(GO) test -run '^$$' -fuzz '^FuzzRedactURL$$' -fuzztime $(FUZZTIME) ./streams/rtspsource/
	$(GO) test -run '^$$' -fuzz '^FuzzSDPFrag$$' -fuzztime $(FUZZTIME) ./gateway/whep/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./analytics/plate/

bench: setup ## pipeline CPU per camera-second vs decode-only; alert latency with 8 cameras
	$(GO) run ./testvideos/cmd/benchpipeline --cameras 8

bench-accuracy: build ## tripwire and crowd-dwell accuracy on PETS 2009 S2L1 (no-model detectors, YOLOX-nano, NanoDet)
	$(GO) run ./testvideos/cmd/benchaccuracy

bench-live: setup ## live view: click-to-first-frame in headless Chromium, relay CPU per viewer, relay latency
	$(GO) run ./testvideos/cmd/benchlive

bench-plates: setup ## plate engines on the EasyPR photos, the LPRNet crops and synthetic plates of every kind
	$(GO) run ./testvideos/cmd/benchplates

docker: ## build the container image (needs a Docker engine)
	docker build -f deploy/Dockerfile -t sharpeyes:dev .

clean: ## remove build outputs
	rm -rf bin
