# tlsgate: `make check` installs what the tests need and runs the whole suite.
GO ?= go
export CGO_ENABLED ?= 0

.PHONY: check deps test vet fuzz build example bench

check: deps vet test fuzz

deps:
	bash .ci/setup.sh

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

test:
	$(GO) test -count=1 -timeout 25m ./...

# Each fuzz target runs briefly (FUZZTIME each) on top of its seed corpus.
FUZZTIME ?= 5s
fuzz:
	bash .ci/fuzz.sh $(FUZZTIME)

build:
	$(GO) build -trimpath -o bin/tlsgate ./cmd/tlsgate

example:
	$(GO) run ./cmd/tlsgate scan examples/legacy-webapp
