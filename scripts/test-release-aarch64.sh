# The aarch64 run of the Rust test suite, for scripts/test-release.sh (sourced there: uses
# its step, work and root). The suite is cross-compiled once, in the dev profile, for
# aarch64-unknown-linux-gnu (Debian's cross gcc links it against the arm64 glibc) and every
# test binary runs under qemu-aarch64 with that sysroot, the way `cross` runs tests. The
# sandbox each test starts in-process is aarch64 code too, on 127.0.0.1 of this host.
#
# Left out, by name, because they cannot work under qemu here:
#   the c_abi test binary, and sandbox_e2e's soak_with_faults_delivers_nothing_twice
#       compile C programs with the host's gcc against the just-built library and run them
#       under valgrind (tests/support/c.rs): neither can build or check aarch64 programs.
#       The aarch64 C programs are the tarball proofs (consumer.c, panic_inside.c, under qemu).
#   the taptalk-sandbox crate's own tests
#       they spawn the sandbox binary, and an aarch64 process cannot exec another aarch64
#       binary here (qemu-user is not registered with binfmt_misc in this container); the
#       sandbox is test infrastructure, not a shipped artifact.
#   doctests
#       not selected (--lib and --test only): API examples with nothing architecture-specific,
#       run natively by `cargo test`.
# Left out for time (CI's budget), each run natively by `cargo test`:
#   sandbox_http's eight_clients_times_500_requests_lose_nothing and
#   a_burst_of_new_clients_is_served_at_once: load tests of the sandbox server (test
#       infrastructure, both ends in the emulated process): 58 s and 13 s under qemu, most of
#       the suite's run time.
# Run shorter: pager_model's random scenarios with TAPTALK_PAGER_SEEDS=30 (300 natively):
# pure paging logic with nothing architecture-specific, ~45 s of emulation at 300.
aarch64_excluded=(c_abi)
aarch64_skipped=(soak_with_faults_delivers_nothing_twice eight_clients_times_500_requests_lose_nothing
  a_burst_of_new_clients_is_served_at_once)

# The integration test binaries cargo finds: tests/NAME.rs and tests/NAME/main.rs.
test_binaries() {
  local found
  for found in "$root"/tests/*.rs "$root"/tests/*/main.rs; do
    [ -f "$found" ] || continue
    case "$found" in */main.rs) basename "$(dirname "$found")" ;; *) basename "$found" .rs ;; esac
  done
}

run_aarch64_suite() {
  local tests=() name excluded all
  all=" $(test_binaries | tr '\n' ' ')"
  for excluded in "${aarch64_excluded[@]}"; do
    [[ "$all" == *" $excluded "* ]] || {
      echo "no test binary $excluded any more: update aarch64_excluded in scripts/test-release-aarch64.sh"
      return 1
    }
  done
  for name in $all; do
    [[ " ${aarch64_excluded[*]} " == *" $name "* ]] || tests+=(--test "$name")
  done
  local skips=()
  for name in "${aarch64_skipped[@]}"; do
    grep -rq "fn $name()" "$root/tests" || {
      echo "no test named $name any more: update aarch64_skipped in scripts/test-release-aarch64.sh"
      return 1
    }
    skips+=(--skip "$name")
  done
  echo "aarch64: cargo test --lib ${tests[*]} -- ${skips[*]}"
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu" \
    TAPTALK_PAGER_SEEDS=30 \
    cargo test --locked --no-fail-fast --target aarch64-unknown-linux-gnu -p taptalk --lib "${tests[@]}" -- "${skips[@]}" 2>&1 |
    tee "$work/aarch64.log" | grep -vE '^\s*(Compiling|Downloaded|Downloading)'
  return "${PIPESTATUS[0]}"
}

prove_aarch64_suite() {
  step "the Rust test suite cross-compiled for aarch64-unknown-linux-gnu passes under qemu-aarch64" \
    run_aarch64_suite
  # cargo's own summaries, which scripts/test.sh adds to its total.
  grep -E '^test result:' "$work/aarch64.log" | sed 's/^/     aarch64 /'
}
