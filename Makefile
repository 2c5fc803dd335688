# Thin wrappers over the CMake presets, so the README's set-up is two commands.
#   make run   install what is missing, build, run the tool
#   make test  install what is missing, build, run the whole test suite
.PHONY: run test build deps bench clean

PRESET ?= dev
BUILD_DIR := build/$(PRESET)

deps:
	@bash .ci/install-deps

build: deps
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET)

run: build
	./$(BUILD_DIR)/racetrace

test: build
	ctest --preset $(PRESET)

bench: build
	./$(BUILD_DIR)/tests/bench/racetrace_bench

clean:
	rm -rf build
