# frozen_string_literal: true

# The Ruby binding's overhead, in the shared bindings-overhead format (the same three figures for
# every language, compared against C by the driver). Run through the launcher CMake writes,
# <build>/bench/bindings/overhead_ruby, which gives Ruby the build's installed gem. Uses the
# binding as a user would (the idiomatic layer, not Tinker::Raw).
#
#   TINKER_BASE_URL=... TINKER_API_KEY=... overhead_ruby [--quick]
#
# stdout, exactly:
#   crossing_ns N        mean ns of one Tinker.version_number (tinker_version_number) call
#   blocking_call_us N   median us of one blocking get_server_capabilities
#   futures_1000_ms N    median ms to start 1,000 get_server_capabilities_async and wait for all
# Anything else goes to stderr; any failed call exits non-zero.
require "tinker"

QUICK = ARGV.delete("--quick")
abort "usage: overhead_ruby [--quick]" unless ARGV.empty?

CROSSING_CALLS = QUICK ? 10_000 : 1_000_000
BLOCKING_WARMUP = QUICK ? 5 : 200
BLOCKING_CALLS = QUICK ? 50 : 2_000
FUTURE_ROUNDS = QUICK ? 1 : 5
FUTURES = 1_000
WAIT_S = 120 # a result later than this is a failure, not a figure

def now_ns
  Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond)
end

def median(values)
  sorted = values.sort
  mid = sorted.size / 2
  sorted.size.odd? ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0
end

# A capabilities answer that lists no model means the call did not do its work.
def check(capabilities)
  raise "get_server_capabilities returned no models" if capabilities.models.empty?
end

# A `while` loop, not `times`: the figure is the call into the binding, not a block's cost.
def crossing_ns
  expected = Tinker.version_number
  i = 0
  start = now_ns
  while i < CROSSING_CALLS
    Tinker.version_number
    i += 1
  end
  elapsed = now_ns - start
  raise "Tinker.version_number changed" unless Tinker.version_number == expected

  elapsed.to_f / CROSSING_CALLS
end

def blocking_call_us(client)
  BLOCKING_WARMUP.times { check(client.get_server_capabilities(timeout: WAIT_S)) }
  times = Array.new(BLOCKING_CALLS) do
    start = now_ns
    check(client.get_server_capabilities(timeout: WAIT_S))
    now_ns - start
  end
  median(times) / 1e3
end

def futures_1000_ms(client)
  rounds = Array.new(FUTURE_ROUNDS) do
    start = now_ns
    futures = Array.new(FUTURES) { client.get_server_capabilities_async }
    results = futures.map { |f| f.wait(WAIT_S) }
    elapsed = now_ns - start
    futures.each(&:close)
    results.each { |caps| check(caps) }
    elapsed
  end
  median(rounds) / 1e6
end

begin
  figures = { crossing_ns: crossing_ns }
  Tinker::ServiceClient.open do |client| # TINKER_BASE_URL, TINKER_API_KEY
    figures[:blocking_call_us] = blocking_call_us(client)
    figures[:futures_1000_ms] = futures_1000_ms(client)
  end
rescue StandardError => e # Tinker::Error, Tinker::TimeoutError, a bad answer
  warn "overhead_ruby: #{e.class}: #{e.message}"
  exit 1
end
figures.each { |name, value| puts format("%s %.3f", name, value) }
