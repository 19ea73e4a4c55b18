# demob - build, test, bench, install.
#   make                 build ./demob and build/libdemob.a
#   make test            build and run every test (unit, scenario, CLI) and check-layers
#   make check-layers    check which layer includes and links to which (tools/check-layers)
#   make demo            install missing packages, build, run the Libya baseline into out/ (chance,
#                        then with --uncertainty parameters) and print its answer tables
#   make deps            install the Debian packages demob needs (apt-get)
#   make bench           the reference benchmark (bench-6x9), see bench/
#   make bench-scale     cost and memory as the model grows (bench/scale, a few minutes)
#   make SANITIZER=address|undefined test
#   make install PREFIX=/usr/local DESTDIR=   /   make uninstall
#                        (the binary, scripts/, scenarios/, the man page, README.md
#                        and docs/ under share/doc/demob)
#   make fuzz            libFuzzer targets (clang), FUZZ_SECONDS each
# BUILD=dir keeps objects apart (several builds side by side).

PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build$(if $(SANITIZER),-$(SANITIZER))
CC       ?= cc
SANITIZER ?=
FUZZ_SECONDS ?= 60
DEB_PACKAGES = liblua5.4-dev libcsv-dev libcmocka-dev libnlopt-dev pkg-config parallel chromium python3 valgrind slurmctld slurmd slurm-client munge librsvg2-bin r-base-core python3-pandas

LUA_CFLAGS := $(shell pkg-config --cflags lua5.4 2>/dev/null)
LUA_LIBS   := $(shell pkg-config --libs lua5.4 2>/dev/null)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra \
             -Iinclude -Icore -I$(BUILD) $(LUA_CFLAGS) $(NLOPT_CFLAGS) -MMD -MP $(CFLAGS)
NLOPT_CFLAGS := $(shell pkg-config --cflags nlopt 2>/dev/null)
NLOPT_LIBS   := $(shell pkg-config --libs nlopt 2>/dev/null)
LDLIBS   = $(LUA_LIBS) $(NLOPT_LIBS) -lcsv -lm -lpthread

ifeq ($(SANITIZER),address)
  ALL_CFLAGS += -fsanitize=address -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=address
else ifeq ($(SANITIZER),undefined)
  ALL_CFLAGS += -fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=undefined
else ifneq ($(SANITIZER),)
  $(error SANITIZER must be address or undefined)
endif

# The layers of core/, bottom first (docs/architecture.md). libdemob.a holds
# every layer but cli; libdemob_engine.a the engine alone (libc and libm).
LAYERS   := engine util run sweep fit lua report
ENGINE_OBJ := $(patsubst core/%.c,$(BUILD)/core/%.o,$(wildcard core/engine/*.c))
LIB_SRC  := $(foreach l,$(LAYERS),$(wildcard core/$(l)/*.c))
LIB_OBJ  := $(LIB_SRC:core/%.c=$(BUILD)/core/%.o)
CLI_OBJ  := $(patsubst core/%.c,$(BUILD)/core/%.o,$(wildcard core/cli/*.c))
LUA_MODS := $(wildcard scripts/*.lua)
EMBED_C  := $(BUILD)/embedded_scripts.c
EMBED_OBJ := $(BUILD)/embedded_scripts.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BIN      := $(BUILD)/demob

.PHONY: all test unit-test cli-test embed-test check-layers demo deps check-deps bench bench-fit bench-scale install uninstall clean fuzz
all: check-deps $(BIN) demob $(BUILD)/libdemob_engine.a

demob: $(BIN)
	@if [ "$(BUILD)" = build ]; then cp $(BIN) demob; fi

check-deps:
	@pkg-config --exists lua5.4 || { echo "missing Debian package liblua5.4-dev (run: make deps)" >&2; exit 1; }
	@test -f /usr/include/csv.h || { echo "missing Debian package libcsv-dev (run: make deps)" >&2; exit 1; }
	@pkg-config --exists nlopt || { echo "missing Debian package libnlopt-dev (run: make deps)" >&2; exit 1; }

deps:
	@tools/install-deps $(DEB_PACKAGES)

$(BUILD)/core/%.o: core/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(EMBED_C): $(LUA_MODS) tools/embed-lua
	@mkdir -p $(@D)
	tools/embed-lua $(LUA_MODS) > $@.tmp && mv $@.tmp $@

$(EMBED_OBJ): $(EMBED_C)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libdemob.a: $(LIB_OBJ) $(EMBED_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/libdemob_engine.a: $(ENGINE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(BUILD)/libdemob.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libdemob.a | $(BUILD)/tests
	@pkg-config --exists cmocka || { echo "missing Debian package libcmocka-dev (run: make deps)" >&2; exit 1; }
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(LDFLAGS) $(BUILD)/libdemob.a $(CMOCKA_LIBS) $(LDLIBS)

$(BUILD)/tests:
	mkdir -p $@

# make test: installs what is missing, builds, runs every test, then
# check-layers (after the tests, whatever they gave: under make -j its
# failure would otherwise stop them).
test:
	@tools/install-deps --if-missing $(DEB_PACKAGES)
	@$(MAKE) --no-print-directory unit-test embed-test cli-test; tests=$$?; \
	  $(MAKE) --no-print-directory check-layers && exit $$tests

unit-test: check-deps $(UNIT_BIN)
	@tools/run-unit-tests $(UNIT_BIN)

# The engine embedded by another program: demob.h and libdemob_engine.a only.
EMBED_TEST := $(BUILD)/tests/embed_test
$(EMBED_TEST): tests/embed/embed_test.c include/demob.h $(BUILD)/libdemob_engine.a | $(BUILD)/tests
	$(CC) -std=c11 -Wall -Wextra $(CFLAGS) $(LDFLAGS) $(filter -fsanitize%,$(ALL_CFLAGS)) -Iinclude -o $@ \
	  tests/embed/embed_test.c $(BUILD)/libdemob_engine.a -lm

embed-test: $(EMBED_TEST)
	@$(EMBED_TEST)

cli-test: check-deps $(BIN)
	@DEMOB=$(BIN) tests/cli/run-all

# The layering of core/ (includes, link references, symbol prefixes, archives).
check-layers: $(BUILD)/libdemob.a $(BUILD)/libdemob_engine.a $(BIN)
	@tools/check-layers $(BUILD) && echo "check-layers: ok"

demo:
	@tools/install-deps --if-missing $(DEB_PACKAGES)
	@$(MAKE) --no-print-directory all
	./demob run scenarios/libya_2020.lua -o out/libya_2020
	./demob run scenarios/libya_2020.lua -o out/libya_2020-parameters --uncertainty parameters

BENCH_PACKAGES = time python3-numpy
bench: check-deps $(BIN)
	@tools/install-deps --if-missing $(BENCH_PACKAGES)
	@BUILD=$(BUILD) bench/run
	@BUILD=$(BUILD) bench/fit

# The calibration bench alone (demob fit's speed, the particle filter
# against NumPy, the coverage of mle's intervals): see bench/README.md.
bench-fit: check-deps $(BIN)
	@BUILD=$(BUILD) bench/fit

bench-scale: check-deps $(BIN)
	@BUILD=$(BUILD) bench/scale

# Fuzzing (clang with libFuzzer): every tests/fuzz/fuzz_*.c runs for
# FUZZ_SECONDS from its seed corpus tests/fuzz/corpus/<name>/ (the scenario
# loader also from every scenario in scenarios/ and tests/scenarios/, read
# where they are rather than copied); crashes land in build-fuzz/ (turn each
# into a regression test).
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_LIB_SRC := $(LIB_SRC)
build-fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRC) $(EMBED_C)
	@mkdir -p build-fuzz
	clang -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	  -Iinclude -Icore -I$(BUILD) $(LUA_CFLAGS) -o $@ $< $(FUZZ_LIB_SRC) $(EMBED_C) $(LDLIBS)

fuzz: check-deps $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p build-fuzz/corpus-$$n; \
	  echo "fuzzing $$n for $(FUZZ_SECONDS) s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -artifact_prefix=build-fuzz/$$n- \
	    $$( [ -f tests/fuzz/$$n.dict ] && echo -dict=tests/fuzz/$$n.dict ) \
	    build-fuzz/corpus-$$n tests/fuzz/corpus/$$n \
	    $$( [ $$n = fuzz_scenario ] && echo scenarios tests/scenarios ) || exit 1; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/demob/scripts \
	  $(DESTDIR)$(PREFIX)/share/demob/scenarios $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/demob
	install -m 644 scripts/*.lua $(DESTDIR)$(PREFIX)/share/demob/scripts/
	install -d $(DESTDIR)$(PREFIX)/share/demob/scenarios/data
	install -m 644 scenarios/*.lua $(DESTDIR)$(PREFIX)/share/demob/scenarios/
	install -m 644 scenarios/data/*.csv $(DESTDIR)$(PREFIX)/share/demob/scenarios/data/
	install -m 644 man/demob.1 $(DESTDIR)$(PREFIX)/share/man/man1/demob.1
	install -d $(DESTDIR)$(PREFIX)/share/doc/demob/docs
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/demob/
	install -m 644 docs/*.md $(DESTDIR)$(PREFIX)/share/doc/demob/docs/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/demob $(DESTDIR)$(PREFIX)/share/man/man1/demob.1
	rm -rf $(DESTDIR)$(PREFIX)/share/demob $(DESTDIR)$(PREFIX)/share/doc/demob

clean:
	rm -rf build build-* demob out

-include $(wildcard $(BUILD)/core/*/*.d $(BUILD)/tests/*.d)
