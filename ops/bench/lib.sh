# Shared by the scripts in ops/bench (sourced, not run).

# bench_record BENCH FIGURE VALUE UNIT BASELINE_FIGURE BASELINE_VALUE
# Appends one figure to $DISBURSE_BENCH_RESULTS (tab-separated) when ops/bench/all collects them;
# a figure without a baseline gives "-" for both baseline fields. Run alone, a script prints its
# own report and this does nothing.
bench_record() {
  if [[ -n "${DISBURSE_BENCH_RESULTS:-}" ]]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$DISBURSE_BENCH_RESULTS"
  fi
}

# A free TCP port at or above $1.
bench_free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}
