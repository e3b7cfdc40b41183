# Thin wrapper over scripts/ and CMake presets; see README.md.
.PHONY: run test build release debug bench fuzz clean

JOBS ?= 2
# Under CI (CI=true) the test build also turns warnings into errors (the ci preset).
TEST_PRESET := $(if $(CI),ci,debug)

run: release
	mkdir -p var
	./build/release/daemon/rcvault serve

test:
	scripts/bootstrap
	cmake --preset $(TEST_PRESET)
	cmake --build --preset $(TEST_PRESET) -j$(JOBS)
	ctest --preset $(TEST_PRESET)

# Only the daemon: make run and make bench need nothing else (the Google
# Benchmark programs: cmake --build --preset release --target parse_bench writer_bench).
release:
	scripts/bootstrap
	cmake --preset release
	cmake --build --preset release -j$(JOBS) --target rcvault

build: release

bench: release
	bench/run

clean:
	rm -rf build
