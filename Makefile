# Thin wrapper over scripts/ and CMake presets; see README.md.
.PHONY: run test build release debug bench fuzz clean

JOBS ?= 2

run: release
	mkdir -p var
	./build/release/daemon/rcvault serve

test:
	scripts/bootstrap
	cmake --preset debug
	cmake --build --preset debug -j$(JOBS)
	ctest --preset debug

release:
	scripts/bootstrap
	cmake --preset release
	cmake --build --preset release -j$(JOBS)

build: release

bench: release
	bench/run

clean:
	rm -rf build
