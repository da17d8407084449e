# kcgate — the two commands a newcomer runs: `make run` and `make test`.
# Two build configurations, each built once: release (gcc, optimised) and
# asan (clang, AddressSanitizer + UndefinedBehaviorSanitizer + libFuzzer targets).

JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:8080
DATA ?= ./data

.PHONY: run test setup release asan unit-test asan-test client-test format check-format bench clean

run: setup release
	./build/release/src/app/kcgate --listen $(LISTEN) --data $(DATA)

test: setup release asan
	ctest --test-dir build/release --output-on-failure -j $(JOBS)
	ctest --test-dir build/asan --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory client-test

setup:
	@scripts/setup

release:
	@cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build/release -j $(JOBS)

asan:
	@CC=clang-14 CXX=clang++-14 cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DKC_SANITIZE=ON -DKC_FUZZ=ON >/dev/null
	cmake --build build/asan -j $(JOBS)

client-test: release
	@tests/clients/run

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

check-format:
	git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror

clean:
	rm -rf build
