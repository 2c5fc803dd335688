# Thin wrappers over the CMake presets, so the README's set-up is two commands.
#   make run   install what is missing, build, open the window (headless demo without a display)
#   make test  install what is missing, build, run the whole test suite
.PHONY: run test build deps bench clean

PRESET ?= dev
BUILD_DIR := build/$(PRESET)
# WERROR=ON treats warnings in racetrace's own code as errors (CI does).
WERROR ?= OFF

deps:
	@bash .ci/install-deps

build: deps
	cmake --preset $(PRESET) -DRACETRACE_WERROR=$(WERROR)
	cmake --build --preset $(PRESET)

# The window when there is a display; the headless demo when there is none.
run: build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then ./$(BUILD_DIR)/racetrace; else ./$(BUILD_DIR)/racetrace run; fi

test: build
	ctest --preset $(PRESET)

bench: build
	./$(BUILD_DIR)/tests/bench/racetrace_bench

clean:
	rm -rf build
