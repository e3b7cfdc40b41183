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

# Only the daemon and what it needs: make run configures and builds nothing else.
release:
	scripts/bootstrap
	cmake --preset release
	cmake --build --preset release -j$(JOBS) --target rcvault

build: release

# The same release build with the benchmark programs turned on (RCVAULT_BENCH=ON
# needs Google Benchmark, which scripts/bootstrap installs); bench/query_run builds
# query_bench in it. The Google Benchmark programs alone:
#   cmake --preset release -DRCVAULT_BENCH=ON && cmake --build --preset release --target parse_bench writer_bench
bench:
	scripts/bootstrap
	cmake --preset release -DRCVAULT_BENCH=ON
	cmake --build --preset release -j$(JOBS) --target rcvault
	bench/run

clean:
	rm -rf build
