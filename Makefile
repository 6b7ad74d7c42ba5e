# SPDX-License-Identifier: GPL-2.0
#
# In-kernel QUIC: top-level build. `make` builds the modules out of tree,
# the userspace library and the tools; `make check` runs every test (unit
# tests natively, selftests in a VM booted on the test kernel).

DEB_KVER	:= 6.12.107+deb12-amd64
KVER		?= $(shell uname -r)
KDIR		?= $(firstword $(wildcard /lib/modules/$(KVER)/build) \
			       /usr/src/linux-headers-$(DEB_KVER))
# The kernel the VM boots; modules must match it (vermagic).
VM_KVER		?= $(DEB_KVER)
TOP		:= $(CURDIR)
BUILD		:= $(TOP)/build
PREFIX		?= /usr/local
DESTDIR		?=
CHECKPATCH	?= $(BUILD)/ksrc/scripts/checkpatch.pl

# Files that must be checkpatch --strict clean: the kernel code and uapi.
KERNEL_SRCS	= $(filter-out %.mod.c,$(wildcard net/quic/*.[ch] \
			drivers/net/quic_offload/*.[ch] include/net/quic*.h \
			include/uapi/linux/quic*.h \
			tools/testing/selftests/net/quic/kconsumer/*.c))

KMAKE		= $(MAKE) -C $(KDIR) M=$(TOP) CONFIG_IP_QUIC=m CONFIG_QUIC_DIAG=m \
		  CONFIG_QUIC_SIM=m CONFIG_QUIC_KCONSUMER_TEST=m W=1 \
		  KCFLAGS=-Werror

all: modules lib tools

modules:
	$(KMAKE) modules

lib:
	$(MAKE) -C tools/lib/quic OUT=$(BUILD)/lib

tools: lib
	$(MAKE) -C tools/testing/selftests/net/quic OUT=$(BUILD)/selftests
	$(MAKE) -C tools/quic/perf OUT=$(BUILD)/tools
	$(MAKE) -C tools/quic/handshaked OUT=$(BUILD)/tools
	$(MAKE) -C tools/quic/h3 OUT=$(BUILD)/h3

unit:
	$(MAKE) -C tools/testing/unit OUT=$(BUILD)/unit

fuzz:
	$(MAKE) -C tools/testing/fuzz OUT=$(BUILD)/fuzz

# TESTS=<pattern> selects tests by name (a grep -E pattern).
check: all unit fuzz
	scripts/check.sh

# Run the main job: boot the VM, load the module, exercise a QUIC socket.
demo: all
	scripts/demo.sh

# The benchmark (not a test): QUIC vs TCP vs kTLS vs ngtcp2 in one VM run.
# BENCH_OUT=<file> keeps the JSON results; BENCH_MODE=smoke runs it short.
bench: all
	scripts/bench.sh

# The debug test kernel (KASAN, lockdep, kmemleak, KUnit; see
# scripts/debug-kernel/README.rst): build or reuse it, and run the VM
# selftests and the KUnit suites on it. TESTS, TEST_TIMEOUT, VM_RESULTS and
# VERBOSE work as for check.
debug-kernel:
	scripts/debug-kernel/build.sh

check-debug: modules lib tools
	QUIC_CHECK_DEBUG=1 scripts/check.sh

$(CHECKPATCH):
	scripts/get-kernel-scripts.sh $(BUILD)/ksrc

checkpatch: $(CHECKPATCH)
	$(CHECKPATCH) --strict --no-tree --max-line-length=80 \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG \
		--file $(KERNEL_SRCS)

sparse:
	$(KMAKE) C=2 modules

print-kernel-srcs:
	@echo $(KERNEL_SRCS)

clean-modules:
	$(MAKE) -C $(KDIR) M=$(TOP) clean

install: all
	$(MAKE) -C $(KDIR) M=$(TOP) CONFIG_IP_QUIC=m CONFIG_QUIC_DIAG=m \
		INSTALL_MOD_DIR=updates \
		modules_install
	$(MAKE) -C tools/lib/quic OUT=$(BUILD)/lib PREFIX=$(PREFIX) \
		DESTDIR=$(DESTDIR) install
	install -D -m 0644 include/uapi/linux/quic.h \
		$(DESTDIR)$(PREFIX)/include/linux/quic.h
	install -D -m 0644 include/uapi/linux/quic_diag.h \
		$(DESTDIR)$(PREFIX)/include/linux/quic_diag.h
	install -D -m 0755 $(BUILD)/tools/quic-handshaked \
		$(DESTDIR)$(PREFIX)/sbin/quic-handshaked
	install -D -m 0644 tools/quic/handshaked/quic-handshaked.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/quic-handshaked.8

clean: clean-modules
	rm -rf $(BUILD)

.PHONY: all modules lib tools unit fuzz check demo bench checkpatch sparse \
	print-kernel-srcs clean-modules install clean debug-kernel check-debug
