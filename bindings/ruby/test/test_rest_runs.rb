# frozen_string_literal: true

# The REST client's training runs, checkpoint archives, trace exports, audit log and billing
# against the emulator: every operation blocking and async (R1 get_training_run, R2
# get_training_run_by_tinker_path, R4 list_training_runs and each_training_run, R7/R8 the archive
# URL, R19 export_session_trace, R21 get_audit_log, R22 get_billing_usage), what each answer holds
# in Ruby (a run's newest checkpoints as Tinker::Checkpoint or nil, metadata as a Hash, a list's
# runs as the same Tinker::TrainingRun), the server's refusals (not found, a failed export, a
# window the server will not take), and bad arguments refused before anything is sent.
require "date"
require "stringio"
require "zlib"
require_relative "rest_helper"

# Tinker::Kinds.timestamp (a private constant) / .day: the conversions of R21's day and R22's times, no I/O.
class RestKindsTest < Minitest::Test
  KINDS = Tinker.const_get(:Kinds) # internal, not public API
  def test_a_time_is_sent_as_rfc3339_in_utc_with_a_trailing_z
    assert_equal "2026-01-02T03:00:00Z", KINDS.timestamp(Time.utc(2026, 1, 2, 3), "t")
    assert_equal "2026-01-02T03:00:00Z", KINDS.timestamp(Time.new(2026, 1, 2, 8, 0, 0, "+05:00"), "t")
    assert_equal "2026-01-01T23:30:00Z", KINDS.timestamp(Time.new(2026, 1, 2, 1, 0, 0, "+01:30"), "t")
    assert_equal "2026-01-02T08:00:00Z", KINDS.timestamp(DateTime.new(2026, 1, 2, 3, 0, 0, "-05:00"), "t")
    assert_equal "1970-01-01T00:00:01.25Z", KINDS.timestamp(Time.at(1.25), "t"), "a fraction is kept"
    assert_equal "2026-05-06T07:08:09+02:00", KINDS.timestamp("2026-05-06T07:08:09+02:00", "t"),
                 "a String is sent as it is"
  end

  def test_a_date_is_sent_as_its_day
    assert_equal "2026-03-04", KINDS.day(Date.new(2026, 3, 4), "day")
    assert_equal "2026-03-05", KINDS.day(DateTime.new(2026, 3, 4, 23, 0, 0, "-05:00"), "day"),
                 "a DateTime's day in UTC"
    assert_equal "2026-03-04", KINDS.day("2026-03-04", "day")
    assert_nil KINDS.day(nil, "day")
  end

  def test_other_values_are_refused_naming_the_parameter
    error = assert_raises(Tinker::InvalidArgumentError) { KINDS.timestamp(Date.new(2026, 1, 1), "starting_on") }
    assert_equal "starting_on must be a Time or an RFC 3339 String, got Date", error.message
    error = assert_raises(Tinker::InvalidArgumentError) { KINDS.timestamp(1_700_000_000, "ending_before") }
    assert_equal "ending_before must be a Time or an RFC 3339 String, got Integer", error.message
    error = assert_raises(Tinker::InvalidArgumentError) { KINDS.day(Time.now, "day") }
    assert_equal 'day must be a Date or a String "YYYY-MM-DD", got Time', error.message
    assert_equal :unknown, error.category
  end
end

# The archive URL and the trace export ask again while the server prepares them: here every
# 50 ms (archive_retry: [delay_ms, attempts]) and 20 ms (trace_poll_interval_ms), not the
# official 30 s and 5 s.
class RestRunsTest < RestTestCase
  def client_options
    { archive_retry: [50, 100], trace_poll_interval_ms: 20 }
  end

  # The emulator's test settings for the block; their previous values are restored afterwards.
  def with_emulator_settings(settings)
    config = JSON.parse(Net::HTTP.get(emulator_uri("/_emulator/config")))
    previous = settings.keys.to_h { |k| [k, config.fetch(k.to_s)] }
    set_emulator_config(settings)
    yield
  ensure
    set_emulator_config(previous) if previous
  end

  def run_requests
    requests_matching(%r{\A/api/v1/training_runs(/[^/]*)?\z})
  end

  def fetch(url)
    Net::HTTP.get_response(URI(url))
  end

  def assert_absolute_url(url)
    uri = URI(url)
    assert uri.absolute?, url
    assert_includes %w[http https], uri.scheme, url
    refute_empty uri.host.to_s, url
    assert_nil uri.userinfo, "no credentials in #{url}"
  end

  # A run's fields apart from those that change with any request to it (last_request_time, and
  # json, which holds it).
  def lasting(run)
    run.to_h.except(:last_request_time, :json)
  end

  # ---- R1 get_training_run, R2 get_training_run_by_tinker_path ------------------------------------

  def test_get_training_run_of_a_new_run_blocking_and_async
    t = closing(@client.create_lora_training_client(MODEL, rank: 4, seed: 3, user_metadata: { purpose: "ruby", n: 3 },
                                                           timeout: 60))
    run = @rest.get_training_run(t.model_id, timeout: 60)
    assert_kind_of Tinker::TrainingRun, run
    assert_equal t.model_id, run.training_run_id
    assert_equal MODEL, run.base_model
    assert_kind_of String, run.model_owner
    refute_empty run.model_owner
    assert_equal [true, true, 4], [run.lora, run.lora?, run.lora_rank]
    assert_equal [false, false], [run.corrupted, run.corrupted?]
    assert_in_delta Time.now.to_f, Time.iso8601(run.last_request_time).to_f, 300
    assert_nil run.last_checkpoint, "no checkpoint yet"
    assert_nil run.last_sampler_checkpoint
    assert_equal({ "purpose" => "ruby", "n" => "3" }, run.user_metadata)
    assert_includes run.json, t.model_id

    future = @rest.get_training_run_async(t.model_id, access_scope: :accessible)
    assert_kind_of Tinker::Future, future
    assert_equal lasting(run), lasting(future.wait(60))
    future.close
    assert_equal lasting(run), lasting(@rest.get_training_run(t.model_id, access_scope: "owned", timeout: 60))
  end

  def test_a_run_without_metadata_has_an_empty_hash
    assert_equal({}, @rest.get_training_run(trainer.model_id, timeout: 60).user_metadata)
  end

  # last_checkpoint / last_sampler_checkpoint are the Tinker::Checkpoint values list_checkpoints gives.
  def test_a_runs_newest_checkpoints_are_checkpoints
    t = trainer
    t.save_state("ruby-run-1", timeout: 60)
    newest = t.save_state("ruby-run-2", timeout: 60).path
    sampler = t.save_weights_for_sampler("ruby-run-3", timeout: 60).path
    run = @rest.get_training_run(t.model_id, timeout: 60)
    assert_kind_of Tinker::Checkpoint, run.last_checkpoint
    assert_equal checkpoint(t.model_id, newest), run.last_checkpoint
    assert_equal %w[weights/ruby-run-2 training], run.last_checkpoint.to_h.values_at(:checkpoint_id, :checkpoint_type)
    assert_kind_of Tinker::Checkpoint, run.last_sampler_checkpoint
    assert_equal checkpoint(t.model_id, sampler), run.last_sampler_checkpoint
    assert_equal "sampler", run.last_sampler_checkpoint.checkpoint_type
    refute run.last_checkpoint.public?
  end

  def test_get_training_run_by_tinker_path_blocking_and_async
    t, training, sampler = run_with_two_checkpoints
    by_id = @rest.get_training_run(t.model_id, timeout: 60)
    run = @rest.get_training_run_by_tinker_path(training, timeout: 60)
    assert_kind_of Tinker::TrainingRun, run
    assert_equal lasting(by_id), lasting(run)
    future = @rest.get_training_run_by_tinker_path_async(sampler, access_scope: :accessible)
    assert_equal lasting(by_id), lasting(future.wait(60))
    future.close
  end

  def test_an_unknown_or_foreign_run_is_not_found
    t, training, = run_with_two_checkpoints
    error = assert_raises(Tinker::NotFoundError) { @rest.get_training_run("no-such-run", timeout: 60) }
    assert_equal 404, error.http_status
    assert_equal :user, error.category
    assert_match(/training run no-such-run not found/, error.message, "the server's words")
    future = @rest.get_training_run_async("no-such-run")
    assert_raises(Tinker::NotFoundError) { future.wait(60) }
    future.close
    assert_raises(Tinker::NotFoundError) do
      @rest.get_training_run_by_tinker_path("tinker://no-such-run/weights/a", timeout: 60)
    end

    _, foreign = other_user
    assert_raises(Tinker::NotFoundError) { foreign.get_training_run(t.model_id, timeout: 60) }
    future = foreign.get_training_run_by_tinker_path_async(training)
    assert_raises(Tinker::NotFoundError) { future.wait(60) }
  ensure
    future&.close
  end

  # Another user sees a run once it shares a checkpoint, and only with access_scope "accessible".
  def test_another_user_sees_a_run_with_a_published_checkpoint_as_accessible
    t, training, = run_with_two_checkpoints
    _, foreign = other_user
    assert_raises(Tinker::NotFoundError) do
      foreign.get_training_run(t.model_id, access_scope: :accessible, timeout: 60)
    end
    @rest.publish_checkpoint_from_tinker_path(training, timeout: 60)
    shared = foreign.get_training_run(t.model_id, access_scope: :accessible, timeout: 60)
    assert_equal t.model_id, shared.training_run_id
    assert_equal training, shared.last_checkpoint.tinker_path
    assert shared.last_checkpoint.public?
    assert_nil shared.last_sampler_checkpoint, "the private sampler checkpoint stays hidden"
    assert_raises(Tinker::NotFoundError) { foreign.get_training_run(t.model_id, timeout: 60) }
  end

  # ---- R4 list_training_runs ---------------------------------------------------------------------

  # Three runs of the test's user, newest first.
  def three_runs
    Array.new(3) { trainer.model_id }.reverse
  end

  def test_list_training_runs_pages_newest_first_blocking_and_async
    newest_first = three_runs
    list = @rest.list_training_runs(timeout: 60)
    assert_kind_of Tinker::TrainingRunList, list
    assert_equal newest_first, list.training_runs.map(&:training_run_id)
    assert_equal [0, 20, 3], [list.offset, list.limit, list.total_count], "the defaults: limit 20, offset 0"
    assert(list.training_runs.all?(Tinker::TrainingRun))
    assert_includes list.json, newest_first.first

    page = @rest.list_training_runs(limit: 2, offset: 1, timeout: 60)
    assert_equal newest_first[1, 2], page.training_runs.map(&:training_run_id)
    assert_equal [1, 2, 3], [page.offset, page.limit, page.total_count]
    future = @rest.list_training_runs_async(limit: 2, offset: 2, access_scope: :owned)
    last = future.wait(60)
    future.close
    assert_equal newest_first[2, 1], last.training_runs.map(&:training_run_id)
    assert_empty @rest.list_training_runs(offset: 3, timeout: 60).training_runs

    _, foreign = other_user
    assert_equal 0, foreign.list_training_runs(timeout: 60).total_count, "another user sees none of them"
  end

  # A run of a list is the type get_training_run gives, with the same values; only json is the
  # list's.
  def test_a_listed_run_is_the_run_get_training_run_gives
    t, training, = run_with_two_checkpoints
    listed = @rest.list_training_runs(timeout: 60).training_runs.first
    assert_instance_of Tinker::TrainingRun, listed
    assert_nil listed.json
    run = @rest.get_training_run(t.model_id, timeout: 60)
    assert_equal lasting(run), lasting(listed)
    assert_equal training, listed.last_checkpoint.tinker_path
  end

  def test_list_training_runs_of_one_project
    runs = %w[ruby-p1 ruby-p2].to_h do |project|
      service = closing(Tinker::ServiceClient.new(api_key: @key, project_id: project))
      [project, closing(service.create_lora_training_client(MODEL, rank: 4, timeout: 60)).model_id]
    end
    assert_equal [runs["ruby-p1"]], @rest.list_training_runs(project_id: "ruby-p1", timeout: 60)
                                         .training_runs.map(&:training_run_id)
    future = @rest.list_training_runs_async(project_id: :"ruby-p2")
    assert_equal [runs["ruby-p2"]], future.wait(60).training_runs.map(&:training_run_id)
    future.close
    assert_equal runs.values.reverse, @rest.list_training_runs(timeout: 60).training_runs.map(&:training_run_id)
    assert_empty @rest.list_training_runs(project_id: "ruby-p3", timeout: 60).training_runs
  end

  def test_bad_run_arguments_are_refused_before_sending
    before = run_requests
    assert_refused([[:get_training_run, ""], [:get_training_run, nil], [:get_training_run, 42],
                    [:get_training_run, "run-1", { access_scope: "everyone" }],
                    [:get_training_run, "run-1", { access_scope: 1 }],
                    [:list_training_runs, { limit: 0 }], [:list_training_runs, { limit: -1 }],
                    [:list_training_runs, { limit: "2" }], [:list_training_runs, { offset: -1 }],
                    [:list_training_runs, { access_scope: "all" }], [:list_training_runs, { project_id: 7 }]])
    assert_refused((BAD_PATHS + [nil, 42]).map { |p| [:get_training_run_by_tinker_path, p] })
    error = assert_raises(Tinker::InvalidArgumentError) do
      @rest.get_training_run_by_tinker_path("tinker://run-1/models/a", timeout: 60)
    end
    assert_match(/\ARestClient#get_training_run_by_tinker_path: tinker_path .*models/, error.message)
    assert_equal before, run_requests, "nothing was sent"
  end

  # ---- each_training_run ----------------------------------------------------------------------

  def test_each_training_run_pages_until_total_count
    newest_first = Array.new(5) { trainer.model_id }.reverse
    before = run_requests
    seen = []
    assert_same @rest, @rest.each_training_run(page_size: 2) { |run| seen << run }
    assert_equal newest_first, seen.map(&:training_run_id)
    assert(seen.all?(Tinker::TrainingRun))
    assert_equal 3, run_requests - before, "pages of 2, 2 and 1"

    before = run_requests
    assert_equal newest_first, @rest.each_training_run(page_size: 5).map(&:training_run_id)
    assert_equal 1, run_requests - before, "the first page holds total_count: no second request"
    assert_equal newest_first, @rest.each_training_run.map(&:training_run_id), "the default page size"
  end

  # Without page_size, pages of 20 (list_training_runs' own default), not each_user_checkpoint's 100.
  def test_each_training_run_asks_for_twenty_a_page_by_default
    21.times { @client.create_lora_training_client(MODEL, rank: 4, timeout: 60).close }
    before = run_requests
    assert_equal 21, @rest.each_training_run.count
    assert_equal 2, run_requests - before, "20 and 1"
  end

  def test_each_training_run_without_a_block_is_a_lazy_enumerator
    newest_first = three_runs
    before = run_requests
    enum = @rest.each_training_run(page_size: 1)
    assert_kind_of Enumerator, enum
    assert_equal 0, run_requests - before, "nothing is asked before the iteration"
    assert_equal newest_first.first(2), enum.first(2).map(&:training_run_id)
    assert_equal 2, run_requests - before, "first(2) needs two pages of 1"
    assert_equal newest_first, enum.map(&:training_run_id), "an enumerator can be iterated again"
  end

  def test_each_training_run_passes_project_and_access_scope
    mine = trainer.model_id
    service = closing(Tinker::ServiceClient.new(api_key: @key, project_id: "ruby-each"))
    in_project = closing(service.create_lora_training_client(MODEL, rank: 4, timeout: 60)).model_id
    assert_equal [in_project], @rest.each_training_run(project_id: "ruby-each").map(&:training_run_id)
    assert_equal [in_project, mine], @rest.each_training_run(access_scope: :owned).map(&:training_run_id)
    assert_empty @rest.each_training_run(project_id: "ruby-none").to_a
  end

  def test_each_training_run_refuses_bad_arguments
    before = run_requests
    [0, -1, 1.5, "2", nil].each do |size|
      error = assert_raises(Tinker::InvalidArgumentError, size.inspect) { @rest.each_training_run(page_size: size) }
      assert_match(/\ARestClient#each_training_run: page_size must be an Integer >= 1/, error.message)
      assert_raises(Tinker::InvalidArgumentError) { @rest.each_training_run(page_size: size) { flunk } }
    end
    enum = @rest.each_training_run(access_scope: "everyone")
    error = assert_raises(Tinker::InvalidArgumentError) { enum.first }
    assert_match(/\ARestClient#each_training_run: .*access_scope must be "owned" or "accessible"/, error.message)
    refute_match(/list_training_runs/, error.message, "it names the method called")
    assert_equal before, run_requests, "nothing was sent"
  end

  def test_each_training_run_names_itself_in_errors
    trainer
    with_fault("/api/v1/training_runs", action: "status", status: 403) do
      error = assert_raises(Tinker::PermissionDeniedError) { @rest.each_training_run.to_a }
      assert_match(/\ARestClient#each_training_run: /, error.message)
      assert_equal 403, error.http_status
    end
  end

  # ---- R7, R8 the checkpoint archive URL ---------------------------------------------------------

  def test_archive_url_of_a_checkpoint_blocking_and_async
    t, training, sampler = run_with_two_checkpoints
    archive = @rest.get_checkpoint_archive_url(t.model_id, "weights/ruby-rest-a", timeout: 60)
    assert_kind_of Tinker::CheckpointArchiveUrl, archive
    assert_absolute_url archive.url
    assert_operator Time.iso8601(archive.expires), :>, Time.now, "the URL has not expired"
    assert_includes archive.json, "expires"
    download = fetch(archive.url)
    assert_equal "200", download.code, "the URL works without the API key"
    gz = Zlib::GzipReader.new(StringIO.new(download.body))
    refute_empty gz.read
    gz.close

    future = @rest.get_checkpoint_archive_url_from_tinker_path_async(sampler)
    assert_kind_of Tinker::Future, future
    by_path = future.wait(60)
    future.close
    assert_absolute_url by_path.url
    assert_operator Time.iso8601(by_path.expires), :>, Time.now
    refute_equal archive.url, by_path.url, "another checkpoint, another archive"

    by_path = @rest.get_checkpoint_archive_url_from_tinker_path(training, timeout: 60)
    assert_equal URI(archive.url).host, URI(by_path.url).host
    future = @rest.get_checkpoint_archive_url_async(t.model_id, "sampler_weights/ruby-rest-b")
    assert_absolute_url future.wait(60).url
    future.close
  end

  # While the server builds the archive it answers 503; the client asks again (archive_retry).
  def test_archive_url_waits_while_the_archive_is_built
    t = trainer
    path = t.save_state("ruby-archive-slow", timeout: 60).path
    archive_path = "/api/v1/training_runs/#{t.model_id}/checkpoints/weights/ruby-archive-slow/archive"
    archive = with_emulator_settings(archive_build_ms: 300) do
      @rest.get_checkpoint_archive_url_from_tinker_path(path, timeout: 60)
    end
    assert_absolute_url archive.url
    answers = logged_requests(archive_path).map { |e| e["status"] }
    assert_operator answers.count(503), :>=, 2, "asked again while it was built: #{answers}"
    assert_equal 1, answers.count { |s| s != 503 }, answers.inspect
  end

  def test_archive_of_an_unknown_or_foreign_checkpoint_is_not_found
    t, training, = run_with_two_checkpoints
    error = assert_raises(Tinker::NotFoundError) do
      @rest.get_checkpoint_archive_url(t.model_id, "weights/no-such", timeout: 60)
    end
    assert_equal 404, error.http_status
    assert_match(/not found/, error.message)
    _, foreign = other_user
    future = foreign.get_checkpoint_archive_url_from_tinker_path_async(training)
    assert_raises(Tinker::NotFoundError) { future.wait(60) }
  ensure
    future&.close
  end

  def test_bad_archive_arguments_are_refused_before_sending
    before = requests_matching(%r{/archive\z})
    calls = BAD_IDS.map { |id| [:get_checkpoint_archive_url, "run-1", id] } +
            [[:get_checkpoint_archive_url, "", "weights/a"], [:get_checkpoint_archive_url, "run-1", nil]]
    assert_refused(calls)
    assert_refused((BAD_PATHS + [nil]).map { |p| [:get_checkpoint_archive_url_from_tinker_path, p] })
    assert_equal before, requests_matching(%r{/archive\z}), "nothing was sent"
  end

  # ---- R19 export_session_trace ------------------------------------------------------------------

  def trace_requests
    requests_matching(%r{\A/api/v1/sessions/[^/]*/trace_export\z})
  end

  def test_export_session_trace_returns_its_url_blocking_and_async
    trainer
    session_id = @client.session_id
    url = @rest.export_session_trace(session_id, timeout: 60)
    assert_kind_of String, url
    assert_absolute_url url
    download = fetch(url)
    assert_equal "200", download.code, "the URL works without the API key"
    trace = JSON.parse(download.body)
    assert_equal session_id, trace["session_id"]
    assert_includes download.body, "/api/v1/create_model", "the session's requests are in it"

    future = @rest.export_session_trace_async(session_id)
    assert_kind_of Tinker::Future, future
    again = future.wait(60)
    future.close
    assert_absolute_url again
    refute_equal url, again, "a new export"
  end

  def test_export_session_trace_asks_again_while_pending
    @client.start_session(timeout: 60)
    before = trace_requests
    with_emulator_settings(trace_export_pending_polls: 3) do
      assert_absolute_url @rest.export_session_trace(@client.session_id, timeout: 60)
    end
    assert_operator trace_requests - before, :>=, 5, "the first request, 3 pending polls and the ready one"
  end

  def test_a_failed_export_is_request_failed_with_the_servers_reason
    @client.start_session(timeout: 60)
    with_emulator_settings(trace_export_failures: 2) do
      error = assert_raises(Tinker::RequestFailedError) { @rest.export_session_trace(@client.session_id, timeout: 60) }
      assert_match(/trace export failed/, error.message, "the server's reason")
      future = @rest.export_session_trace_async(@client.session_id)
      error = assert_raises(Tinker::RequestFailedError) { future.wait(60) }
      assert_match(/trace export failed/, error.message)
      future.close
      # The setting failed two exports: the next one works.
      assert_absolute_url @rest.export_session_trace(@client.session_id, timeout: 60)
    end
  end

  def test_trace_of_an_unknown_or_foreign_session_is_not_found
    @client.start_session(timeout: 60)
    error = assert_raises(Tinker::NotFoundError) { @rest.export_session_trace("no-such-session", timeout: 60) }
    assert_equal 404, error.http_status
    _, foreign = other_user
    future = foreign.export_session_trace_async(@client.session_id)
    assert_raises(Tinker::NotFoundError) { future.wait(60) }
  ensure
    future&.close
  end

  def test_a_bad_session_id_is_refused_before_sending
    before = trace_requests
    assert_refused([[:export_session_trace, ""], [:export_session_trace, nil], [:export_session_trace, 42]])
    assert_equal before, trace_requests, "nothing was sent"
  end

  # ---- R21 get_audit_log -------------------------------------------------------------------------

  def audit_requests
    requests_matching(%r{\A/api/v1/audit\z})
  end

  def test_audit_log_lists_the_users_events_oldest_first_blocking_and_async
    t, training, = run_with_two_checkpoints
    @rest.publish_checkpoint_from_tinker_path(training, timeout: 60)
    log = @rest.get_audit_log(timeout: 60)
    assert_kind_of Tinker::AuditLog, log
    assert(log.entries.all?(Tinker::AuditEntry))
    events = log.entries.map(&:event)
    %w[training_run_created checkpoint_saved checkpoint_published].each { |e| assert_includes events, e }
    times = log.entries.map { |e| Time.iso8601(e.timestamp) }
    assert_equal times.sort, times, "oldest first"
    published = log.entries.find { |e| e.event == "checkpoint_published" }
    assert_equal [t.model_id, training], [published.model_id, published.tinker_path]
    refute_empty log.json

    future = @rest.get_audit_log_async(event_type: :checkpoints)
    checkpoints = future.wait(60)
    future.close
    refute_empty checkpoints.entries
    assert(checkpoints.entries.all? { |e| e.event.start_with?("checkpoint_") }, checkpoints.entries.map(&:event))
    assert_equal log.entries.select { |e| e.event.start_with?("checkpoint_") }, checkpoints.entries
    assert_equal log.entries, @rest.get_audit_log(event_type: "all", timeout: 60).entries

    _, foreign = other_user
    refute(foreign.get_audit_log(timeout: 60).entries.any? { |e| e.model_id == t.model_id }, "another user's log")
  end

  def test_audit_log_of_one_day
    trainer.save_state("ruby-audit-day", timeout: 60)
    today = Time.now.utc.to_date
    all = @rest.get_audit_log(timeout: 60).entries
    refute_empty all
    # Today's entries, unless the test crossed midnight UTC: then today's are a part of them.
    of_today = @rest.get_audit_log(day: today, timeout: 60).entries
    refute_empty of_today
    assert(of_today.all? { |e| Time.iso8601(e.timestamp).utc.to_date == today })
    future = @rest.get_audit_log_async(event_type: :checkpoints, day: today.iso8601)
    assert_equal(of_today.select { |e| e.event.start_with?("checkpoint_") }, future.wait(60).entries)
    future.close
    assert_empty @rest.get_audit_log(day: Date.new(2000, 1, 1), timeout: 60).entries
  end

  def test_bad_audit_arguments_are_refused_before_sending
    before = audit_requests
    assert_refused([[:get_audit_log, { event_type: "everything" }], [:get_audit_log, { event_type: :Checkpoints }]],
                   /event_type must be "all" or "checkpoints"/)
    assert_refused([[:get_audit_log, { event_type: 42 }]], /event_type must be a String/)
    assert_refused([[:get_audit_log, { day: "2026-13-01" }], [:get_audit_log, { day: "2026-1-2" }],
                    [:get_audit_log, { day: "yesterday" }], [:get_audit_log, { day: "2026-02-30" }]], /\Aday /)
    assert_refused([[:get_audit_log, { day: Time.now }], [:get_audit_log, { day: 20_260_101 }]],
                   /day must be a Date or a String "YYYY-MM-DD"/)
    assert_equal before, audit_requests, "nothing was sent"
  end

  # ---- R22 get_billing_usage ---------------------------------------------------------------------

  def billing_requests
    requests_matching(%r{\A/api/v1/billing/usage/events\z})
  end

  # The window from the start of the previous hour to the end of this one (UTC).
  def window
    hour = Time.at((Time.now.to_i / 3600) * 3600).utc
    [hour - 3600, hour + 3600]
  end

  def test_billing_usage_of_training_saving_and_sampling_blocking_and_async
    service = closing(Tinker::ServiceClient.new(api_key: @key, user_metadata: { team: "ruby", n: 1 }))
    t = closing(service.create_lora_training_client(MODEL, rank: 4, timeout: 60))
    t.forward_backward(batch, "cross_entropy", timeout: 60)
    t.save_state("ruby-billing", timeout: 60)
    sampler = closing(service.create_sampling_client(base_model: MODEL, timeout: 60))
    sampler.sample("the ".bytes, max_tokens: 4, timeout: 60)
    from, to = window
    usage = @rest.get_billing_usage(from, to, timeout: 60)
    assert_kind_of Tinker::BillingUsage, usage
    assert(usage.events.all?(Tinker::BillingEvent))
    by_type = usage.events.group_by(&:event_type)
    %w[training checkpoint sampling_prefill sampling_sample].each { |type| assert by_type.key?(type), by_type.keys }

    usage.events.each do |e|
      start = Time.iso8601(e.bucket_start)
      assert_equal 3600, Time.iso8601(e.bucket_end) - start, "hourly buckets"
      assert_operator start, :>=, from
      assert_operator start, :<, to
      assert_equal service.session_id, e.session_id if e.event_type != "storage"
    end
    by_type.slice("training", "sampling_prefill", "sampling_sample").each_value do |events|
      events.each do |e|
        assert_kind_of Integer, e.token_count
        assert_operator e.token_count, :>, 0
        assert_nil e.checkpoint_count
        assert_nil e.gigabyte_hours
      end
    end
    by_type["checkpoint"].each do |e|
      assert_operator e.checkpoint_count, :>=, 1
      assert_nil e.token_count
      assert_nil e.cached, "only a prefill says whether it hit the cache"
    end
    by_type["sampling_prefill"].each { |e| assert_includes [true, false], e.cached }
    by_type.fetch("storage", []).each do |e|
      assert_kind_of Float, e.gigabyte_hours
      assert_nil e.token_count
    end
    assert_equal [Tinker::BillingSession.new(service.session_id, { "team" => "ruby", "n" => "1" })], usage.sessions

    future = @rest.get_billing_usage_async(from.iso8601, to.iso8601)
    async = future.wait(60)
    future.close
    assert_equal usage.sessions, async.sessions
    assert_equal usage.events.reject { |e| e.event_type == "storage" },
                 async.events.reject { |e| e.event_type == "storage" }
  end

  def test_billing_usage_of_a_user_without_usage_is_empty
    from, to = window
    usage = @rest.get_billing_usage(from, to, timeout: 60)
    assert_empty usage.events
    assert_empty usage.sessions
  end

  # The server takes UTC times only: a Time in another zone is sent as the same instant in UTC.
  def test_billing_times_are_sent_in_utc
    trainer.forward_backward(batch, "cross_entropy", timeout: 60)
    from, to = window
    utc = @rest.get_billing_usage(from, to, timeout: 60)
    zoned = @rest.get_billing_usage(from.getlocal("+05:30"), to.getlocal("-03:00"), timeout: 60)
    refute_empty utc.events
    assert_equal utc.events.map(&:to_h).map { |h| h.except(:gigabyte_hours) },
                 zoned.events.map(&:to_h).map { |h| h.except(:gigabyte_hours) }
  end

  # What only the server judges (whole hours, the window's length) is its 400, category :user.
  def test_a_window_the_server_refuses_is_its_invalid_argument
    from, to = window
    { [from + 1.5, to] => /whole hour/, [from, from + (15 * 24 * 3600)] => /14 days/,
      [to, from] => /after starting_on/ }.each do |(a, b), words|
      error = assert_raises(Tinker::InvalidArgumentError, [a, b].inspect) { @rest.get_billing_usage(a, b, timeout: 60) }
      assert_equal 400, error.http_status
      assert_equal :user, error.category, "the server judged it"
      assert_match words, error.message
    end
    future = @rest.get_billing_usage_async(from + 60, to)
    error = assert_raises(Tinker::InvalidArgumentError) { future.wait(60) }
    assert_match(/whole hour/, error.message)
  ensure
    future&.close
  end

  def test_bad_times_are_refused_before_sending
    before = billing_requests
    from, to = window
    assert_refused([[:get_billing_usage, "yesterday", to], [:get_billing_usage, from, "2026-01-01"],
                    [:get_billing_usage, "2026-01-01T00:00:00", to], [:get_billing_usage, from, ""],
                    [:get_billing_usage, nil, to], [:get_billing_usage, "2026-01-01T25:00:00Z", to]])
    assert_refused([[:get_billing_usage, Date.today, to], [:get_billing_usage, from, from.to_i]],
                   /must be a Time or an RFC 3339 String/)
    assert_equal before, billing_requests, "nothing was sent"
  end
end
