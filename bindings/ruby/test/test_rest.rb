# frozen_string_literal: true

# The REST client against the emulator: every operation blocking and async (listing a run's and
# the user's checkpoints with their pages, publishing, unpublishing, the time to live, deleting,
# samplers, a session's project, weights info, a session and the list of them, whoami with and
# without JWTs), each_user_checkpoint, malformed ids, paths and pages refused before anything is
# sent; and tinker:// paths parsed and formatted.
require_relative "rest_helper"

# Tinker.parse_tinker_path / Tinker.format_tinker_path: no I/O, so no emulator.
class TinkerPathTest < Minitest::Test
  def test_parse_splits_a_training_path
    path = "tinker://sess-1:train:0/weights/0001"
    parsed = Tinker.parse_tinker_path(path)
    assert_kind_of Tinker::ParsedPath, parsed
    assert_equal "sess-1:train:0", parsed.training_run_id
    assert_equal "training", parsed.checkpoint_type
    assert_equal "weights/0001", parsed.checkpoint_id
    assert_equal "0001", parsed.name
    assert_equal "weights", parsed.kind
    assert_equal path, parsed.tinker_path
    assert_equal path, parsed.to_s
    assert parsed.frozen?
    assert_equal parsed, Tinker.parse_tinker_path(path)
    assert_equal parsed.hash, Tinker.parse_tinker_path(path).hash
    [parsed.training_run_id, parsed.checkpoint_type, parsed.checkpoint_id, parsed.name].each do |s|
      assert_equal Encoding::UTF_8, s.encoding
    end
  end

  def test_parse_splits_a_sampler_path
    parsed = Tinker.parse_tinker_path(:"tinker://run/sampler_weights/final-é")
    assert_equal Tinker::ParsedPath.new(training_run_id: "run", checkpoint_type: "sampler",
                                        checkpoint_id: "sampler_weights/final-é", name: "final-é"), parsed
    assert_equal "sampler_weights", parsed.kind
  end

  MALFORMED_PATHS = RestTestCase::MALFORMED_PATHS

  def test_parse_refuses_malformed_paths_naming_the_method_once
    MALFORMED_PATHS.each do |path|
      error = assert_raises(Tinker::InvalidArgumentError, path) { Tinker.parse_tinker_path(path) }
      assert_equal Tinker::Raw::TINKER_E_INVALID_ARGUMENT, error.code
      assert_equal :unknown, error.category
      assert_match(/\ATinker\.parse_tinker_path: not a checkpoint's tinker:\/\/ path: \S/, error.message, path)
      refute_includes error.message, "tinker_path_parse"
    end
  end

  def test_parse_refuses_what_is_not_a_string
    error = assert_raises(Tinker::InvalidArgumentError) { Tinker.parse_tinker_path(42) }
    assert_equal "Tinker.parse_tinker_path: path must be a String, got Integer", error.message
    error = assert_raises(Tinker::InvalidArgumentError) { Tinker.parse_tinker_path(nil) }
    assert_match(/\ATinker\.parse_tinker_path: \S/, error.message)
  end

  def test_format_makes_a_path_from_a_kind_or_a_checkpoint_type
    assert_equal "tinker://run:1/weights/a", Tinker.format_tinker_path("run:1", "weights", "a")
    assert_equal "tinker://run:1/weights/a", Tinker.format_tinker_path("run:1", :training, "a")
    assert_equal "tinker://r/sampler_weights/b", Tinker.format_tinker_path("r", "sampler_weights", "b")
    assert_equal "tinker://r/sampler_weights/b", Tinker.format_tinker_path("r", "sampler", :b)
    path = Tinker.format_tinker_path("r", "sampler", "b")
    assert_equal Encoding::UTF_8, path.encoding
    assert_equal path, Tinker.parse_tinker_path(path).to_s
  end

  def test_format_refuses_bad_parts_naming_the_method_once
    [["run", "models", "a"], ["run/x", "weights", "a"], ["", "weights", "a"], ["run", "weights", ""],
     ["run", "weights", "a/b"], [nil, "weights", "a"], ["run", nil, "a"], ["run", "weights", nil]].each do |args|
      error = assert_raises(Tinker::InvalidArgumentError, args.inspect) { Tinker.format_tinker_path(*args) }
      assert_equal Tinker::Raw::TINKER_E_INVALID_ARGUMENT, error.code
      assert_match(/\ATinker\.format_tinker_path: \S/, error.message)
      refute_match(/Tinker\.format_tinker_path: .*Tinker\.format_tinker_path/, error.message)
      refute_includes error.message, "tinker_path_format"
    end
    error = assert_raises(Tinker::InvalidArgumentError) { Tinker.format_tinker_path("run", "weights", 1) }
    assert_equal "Tinker.format_tinker_path: name must be a String, got Integer", error.message
  end
end

# The operations on checkpoints, samplers, sessions and whoami (training runs, archives, traces,
# the audit log and billing: test_rest_runs.rb).
class RestClientTest < RestTestCase
  # ---- the client ------------------------------------------------------------------------------

  def test_create_rest_client_close_and_the_block_form
    assert_kind_of Tinker::RestClient, @rest
    inside = nil
    value = @client.create_rest_client do |rest|
      assert_kind_of Tinker::RestClient, rest
      inside = rest
      rest.list_user_checkpoints(timeout: 60).total_count
    end
    assert_equal 0, value
    error = assert_raises(Tinker::FailedPreconditionError) { inside.list_user_checkpoints(timeout: 60) }
    assert_equal "RestClient#list_user_checkpoints: use of a closed libtinker handle", error.message
    assert_raises(Tinker::FailedPreconditionError) { inside.whoami_async }
    assert_nil inside.close, "close is idempotent"
  end

  # The REST client keeps the runtime: it works on after its service client is closed.
  def test_rest_client_outlives_its_service_client
    service = Tinker::ServiceClient.new(api_key: fresh_key)
    rest = closing(service.create_rest_client)
    service.close
    assert_equal [], rest.list_user_checkpoints(timeout: 60).checkpoints
    error = assert_raises(Tinker::FailedPreconditionError) { service.create_rest_client }
    assert_equal "ServiceClient#create_rest_client: use of a closed libtinker handle", error.message
  end

  def test_blocking_call_times_out_and_the_async_one_waits
    with_delayed_answer("/api/v1/checkpoints", 1500) do
      error = assert_raises(Tinker::TimeoutError) { @rest.list_user_checkpoints(timeout: 0.2) }
      assert_status error, :TINKER_E_TIMEOUT
    end
    future = @rest.list_user_checkpoints_async
    assert_kind_of Tinker::Future, future
    assert_kind_of Tinker::CheckpointList, future.wait(60)
  ensure
    future&.close
  end

  # ---- R5 list_checkpoints ----------------------------------------------------------------------

  def test_list_checkpoints_of_a_run_after_saving_two_blocking_and_async
    t, training, sampler = run_with_two_checkpoints
    list = @rest.list_checkpoints(t.model_id, timeout: 60)
    assert_kind_of Tinker::CheckpointList, list
    assert_equal 2, list.total_count
    assert_equal 0, list.offset
    by_id = list.checkpoints.to_h { |c| [c.checkpoint_id, c] }
    assert_equal ["sampler_weights/ruby-rest-b", "weights/ruby-rest-a"], by_id.keys.sort
    { "weights/ruby-rest-a" => ["training", training], "sampler_weights/ruby-rest-b" => ["sampler", sampler] }
      .each do |id, (type, path)|
      c = by_id.fetch(id)
      assert_kind_of Tinker::Checkpoint, c
      assert_equal type, c.checkpoint_type
      assert_equal path, c.tinker_path
      assert_equal Tinker.format_tinker_path(t.model_id, type, id.split("/").last), c.tinker_path
      assert_in_delta Time.now.to_f, Time.iso8601(c.time).to_f, 300
      assert_kind_of Integer, c.size_bytes
      assert_operator c.size_bytes, :>, 0
      assert_equal false, c.public
      refute c.public?
      assert_nil c.expires_at
    end
    assert_includes list.json, training

    future = @rest.list_checkpoints_async(t.model_id)
    assert_kind_of Tinker::Future, future
    async = future.wait(60)
    future.close
    assert_equal list.checkpoints.sort_by(&:checkpoint_id), async.checkpoints.sort_by(&:checkpoint_id)
    assert_equal 2, async.total_count
  end

  def test_list_checkpoints_of_an_unknown_or_foreign_run_is_not_found
    t, = run_with_two_checkpoints
    error = assert_raises(Tinker::NotFoundError) { @rest.list_checkpoints("no-such-run", timeout: 60) }
    assert_equal 404, error.http_status
    assert_equal :user, error.category
    _, foreign = other_user
    assert_raises(Tinker::NotFoundError) { foreign.list_checkpoints(t.model_id, timeout: 60) }
    future = foreign.list_checkpoints_async(t.model_id)
    assert_raises(Tinker::NotFoundError) { future.wait(60) }
  ensure
    future&.close
  end

  # ---- R6 list_user_checkpoints and each_user_checkpoint ------------------------------------------

  # Five checkpoints over two runs, saved one after the other: their paths, newest first.
  def five_checkpoints
    a = trainer
    b = trainer
    [a.save_state("r6-1", timeout: 60), b.save_state("r6-2", timeout: 60),
     a.save_weights_for_sampler("r6-3", timeout: 60), b.save_weights_for_sampler("r6-4", timeout: 60),
     a.save_state("r6-5", timeout: 60)].map(&:path).reverse
  end

  def test_list_user_checkpoints_pages_newest_first_blocking_and_async
    newest_first = five_checkpoints
    all = @rest.list_user_checkpoints(timeout: 60)
    assert_equal newest_first, all.checkpoints.map(&:tinker_path)
    assert_equal [0, 100, 5], [all.offset, all.limit, all.total_count], "the defaults: limit 100, offset 0"

    page = @rest.list_user_checkpoints(limit: 2, offset: 2, timeout: 60)
    assert_equal newest_first[2, 2], page.checkpoints.map(&:tinker_path)
    assert_equal [2, 2, 5], [page.offset, page.limit, page.total_count]

    future = @rest.list_user_checkpoints_async(limit: 2, offset: 4)
    last = future.wait(60)
    future.close
    assert_equal newest_first[4, 1], last.checkpoints.map(&:tinker_path)
    assert_equal [4, 2, 5], [last.offset, last.limit, last.total_count]

    beyond = @rest.list_user_checkpoints(limit: 2, offset: 10, timeout: 60)
    assert_empty beyond.checkpoints
    assert_equal 5, beyond.total_count
    _, foreign = other_user
    assert_equal 0, foreign.list_user_checkpoints(timeout: 60).total_count, "another user sees none of them"
  end

  def test_each_user_checkpoint_pages_until_total_count
    newest_first = five_checkpoints
    before = user_checkpoint_requests
    seen = []
    assert_same @rest, @rest.each_user_checkpoint(page_size: 2) { |c| seen << c }
    assert_equal newest_first, seen.map(&:tinker_path)
    assert(seen.all?(Tinker::Checkpoint))
    assert_equal 3, user_checkpoint_requests - before, "pages of 2, 2 and 1"

    before = user_checkpoint_requests
    assert_equal newest_first, @rest.each_user_checkpoint(page_size: 5).map(&:tinker_path)
    assert_equal 1, user_checkpoint_requests - before, "the first page holds total_count: no second request"
    assert_equal newest_first, @rest.each_user_checkpoint.map(&:tinker_path), "default page_size 100"
  end

  def test_each_user_checkpoint_without_a_block_is_a_lazy_enumerator
    newest_first = five_checkpoints
    before = user_checkpoint_requests
    enum = @rest.each_user_checkpoint(page_size: 2)
    assert_kind_of Enumerator, enum
    assert_equal 0, user_checkpoint_requests - before, "nothing is asked before the iteration"
    assert_equal newest_first.first(3), enum.first(3).map(&:tinker_path)
    assert_equal 2, user_checkpoint_requests - before, "first(3) needs two pages of 2"
    assert_equal newest_first, enum.map(&:tinker_path)
    assert_equal newest_first, enum.to_a.map(&:tinker_path), "an enumerator can be iterated again"
    assert_equal newest_first[1], enum.lazy.map(&:tinker_path).drop(1).first
  end

  def test_each_user_checkpoint_of_a_user_without_checkpoints
    before = user_checkpoint_requests
    assert_equal [], @rest.each_user_checkpoint.to_a
    assert_equal 1, user_checkpoint_requests - before
  end

  # Without a cursor the total is unknown: a short page is the last.
  def test_each_user_checkpoint_without_a_cursor_stops_at_a_short_page
    checkpoint = { checkpoint_id: "weights/x", checkpoint_type: "training", time: "2026-01-02T03:04:05Z",
                   tinker_path: "tinker://run/weights/x" }
    before = user_checkpoint_requests
    seen = with_fault("/api/v1/checkpoints", action: "status", status: 200,
                                             body: JSON.generate(checkpoints: [checkpoint]),
                                             headers: { "content-type" => "application/json" }) do
      @rest.each_user_checkpoint(page_size: 2).to_a
    end
    assert_equal ["tinker://run/weights/x"], seen.map(&:tinker_path)
    assert_nil seen.first.size_bytes
    assert_equal 1, user_checkpoint_requests - before
  end

  def test_each_user_checkpoint_refuses_a_bad_page_size_at_once
    [0, -1, 1.5, "2", nil].each do |size|
      error = assert_raises(Tinker::InvalidArgumentError, size.inspect) { @rest.each_user_checkpoint(page_size: size) }
      assert_match(/\ARestClient#each_user_checkpoint: page_size must be an Integer >= 1/, error.message)
      assert_raises(Tinker::InvalidArgumentError) { @rest.each_user_checkpoint(page_size: size) { flunk } }
    end
  end

  def test_each_user_checkpoint_names_itself_in_errors
    with_fault("/api/v1/checkpoints", action: "status", status: 403) do
      error = assert_raises(Tinker::PermissionDeniedError) { @rest.each_user_checkpoint.to_a }
      assert_match(/\ARestClient#each_user_checkpoint: /, error.message)
      assert_equal 403, error.http_status
    end
  end

  # ---- R11-R14 publish and unpublish --------------------------------------------------------------

  def test_publish_twice_is_already_exists_then_unpublish_by_ids
    t, training, = run_with_two_checkpoints
    id = "weights/ruby-rest-a"
    assert_nil @rest.publish_checkpoint(t.model_id, id, timeout: 60)
    assert checkpoint(t.model_id, training).public?
    error = assert_raises(Tinker::AlreadyExistsError) { @rest.publish_checkpoint(t.model_id, id, timeout: 60) }
    assert_kind_of Tinker::Error, error
    assert_status error, :TINKER_E_ALREADY_EXISTS
    assert_equal 409, error.http_status
    assert_equal :user, error.category
    refute error.retryable?
    future = @rest.publish_checkpoint_async(t.model_id, id)
    error = assert_raises(Tinker::AlreadyExistsError) { future.wait(60) }
    future.close
    assert_status error, :TINKER_E_ALREADY_EXISTS

    assert_nil @rest.unpublish_checkpoint(t.model_id, id, timeout: 60)
    refute checkpoint(t.model_id, training).public?
    error = assert_raises(Tinker::AlreadyExistsError) { @rest.unpublish_checkpoint(t.model_id, id, timeout: 60) }
    assert_status error, :TINKER_E_ALREADY_EXISTS

    future = @rest.publish_checkpoint_async(t.model_id, id)
    assert_nil future.wait(60)
    future.close
    assert checkpoint(t.model_id, training).public?
    future = @rest.unpublish_checkpoint_async(t.model_id, id)
    assert_nil future.wait(60)
    future.close
    refute checkpoint(t.model_id, training).public?
  end

  def test_publish_and_unpublish_from_tinker_path_blocking_and_async
    t, _, sampler = run_with_two_checkpoints
    assert_nil @rest.publish_checkpoint_from_tinker_path(sampler, timeout: 60)
    assert checkpoint(t.model_id, sampler).public?
    error = assert_raises(Tinker::AlreadyExistsError) do
      @rest.publish_checkpoint_from_tinker_path(sampler, timeout: 60)
    end
    assert_status error, :TINKER_E_ALREADY_EXISTS
    future = @rest.publish_checkpoint_from_tinker_path_async(sampler)
    assert_raises(Tinker::AlreadyExistsError) { future.wait(60) }
    future.close

    assert_nil @rest.unpublish_checkpoint_from_tinker_path(sampler, timeout: 60)
    refute checkpoint(t.model_id, sampler).public?
    future = @rest.unpublish_checkpoint_from_tinker_path_async(sampler)
    assert_raises(Tinker::AlreadyExistsError) { future.wait(60) }
    future.close

    future = @rest.publish_checkpoint_from_tinker_path_async(sampler)
    assert_nil future.wait(60)
    future.close
    assert checkpoint(t.model_id, sampler).public?
    future = @rest.unpublish_checkpoint_from_tinker_path_async(sampler)
    assert_nil future.wait(60)
    future.close
    refute checkpoint(t.model_id, sampler).public?
  end

  def test_another_user_cannot_publish_or_delete
    t, training, = run_with_two_checkpoints
    _, foreign = other_user
    assert_raises(Tinker::NotFoundError) { foreign.publish_checkpoint_from_tinker_path(training, timeout: 60) }
    assert_raises(Tinker::NotFoundError) { foreign.delete_checkpoint(t.model_id, "weights/ruby-rest-a", timeout: 60) }
    refute_nil checkpoint(t.model_id, training), "still there"
    refute checkpoint(t.model_id, training).public?
  end

  # ---- R15 set_checkpoint_ttl_from_tinker_path -------------------------------------------------------

  def test_set_checkpoint_ttl_and_remove_it_blocking_and_async
    t, training, sampler = run_with_two_checkpoints
    assert_nil @rest.set_checkpoint_ttl_from_tinker_path(training, ttl_seconds: 3600, timeout: 60)
    expires_at = checkpoint(t.model_id, training).expires_at
    refute_nil expires_at
    assert_in_delta Time.now.to_f + 3600, Time.iso8601(expires_at).to_f, 120
    assert_nil checkpoint(t.model_id, sampler).expires_at, "only that checkpoint"

    assert_nil @rest.set_checkpoint_ttl_from_tinker_path(training, timeout: 60), "no ttl_seconds: remove it"
    assert_nil checkpoint(t.model_id, training).expires_at

    future = @rest.set_checkpoint_ttl_from_tinker_path_async(sampler, ttl_seconds: 600)
    assert_nil future.wait(60)
    future.close
    assert_in_delta Time.now.to_f + 600, Time.iso8601(checkpoint(t.model_id, sampler).expires_at).to_f, 120
    future = @rest.set_checkpoint_ttl_from_tinker_path_async(sampler, ttl_seconds: 0)
    assert_nil future.wait(60)
    future.close
    assert_nil checkpoint(t.model_id, sampler).expires_at
  end

  def test_a_ttl_given_at_save_can_be_removed
    t = trainer
    path = t.save_state("ruby-rest-ttl", ttl_seconds: 900, timeout: 60).path
    refute_nil checkpoint(t.model_id, path).expires_at
    @rest.set_checkpoint_ttl_from_tinker_path(path, ttl_seconds: nil, timeout: 60)
    assert_nil checkpoint(t.model_id, path).expires_at
  end

  # ---- R9, R10 delete ----------------------------------------------------------------------------

  def test_delete_checkpoint_then_it_is_gone_blocking_and_async
    t, training, sampler = run_with_two_checkpoints
    assert_nil @rest.delete_checkpoint(t.model_id, "weights/ruby-rest-a", timeout: 60)
    assert_equal [sampler], @rest.list_checkpoints(t.model_id, timeout: 60).checkpoints.map(&:tinker_path)
    error = assert_raises(Tinker::NotFoundError) do
      @rest.delete_checkpoint(t.model_id, "weights/ruby-rest-a", timeout: 60)
    end
    assert_equal 404, error.http_status
    assert_raises(Tinker::Error) { t.load_state(training, timeout: 60) }

    future = @rest.delete_checkpoint_async(t.model_id, "sampler_weights/ruby-rest-b")
    assert_nil future.wait(60)
    future.close
    list = @rest.list_checkpoints(t.model_id, timeout: 60)
    assert_empty list.checkpoints
    assert_equal 0, list.total_count
    future = @rest.delete_checkpoint_async(t.model_id, "sampler_weights/ruby-rest-b")
    assert_raises(Tinker::NotFoundError) { future.wait(60) }
    future.close
  end

  def test_delete_checkpoint_from_tinker_path_blocking_and_async
    t, training, sampler = run_with_two_checkpoints
    assert_nil @rest.delete_checkpoint_from_tinker_path(sampler, timeout: 60)
    assert_equal [training], @rest.list_checkpoints(t.model_id, timeout: 60).checkpoints.map(&:tinker_path)
    assert_raises(Tinker::NotFoundError) { @rest.delete_checkpoint_from_tinker_path(sampler, timeout: 60) }
    future = @rest.delete_checkpoint_from_tinker_path_async(training)
    assert_nil future.wait(60)
    future.close
    assert_empty @rest.list_checkpoints(t.model_id, timeout: 60).checkpoints
    assert_equal 0, @rest.list_user_checkpoints(timeout: 60).total_count
  end

  # ---- malformed arguments ----------------------------------------------------------------------

  # BAD_IDS, BAD_PATHS: rest_helper.rb.

  # Each bad call raises InvalidArgumentError naming the method, blocking and async alike (the
  # async form raises from the call: there is no future), and sends nothing.
  def test_malformed_ids_paths_and_numbers_are_refused_before_sending
    good = "tinker://run-1/weights/a"
    calls = { list_checkpoints: [[""], [nil], [42]],
              list_user_checkpoints: [[{ limit: 0 }], [{ limit: -3 }], [{ offset: -1 }], [{ limit: "2" }]],
              assign_session_project: [["", "p"], ["s", ""], [nil, "p"]],
              get_sampler: [[""], [:""]],
              set_checkpoint_ttl_from_tinker_path: [[good, { ttl_seconds: -1 }], [good, { ttl_seconds: 1.5 }]] }
    %i[delete_checkpoint publish_checkpoint unpublish_checkpoint].each do |op|
      calls[op] = BAD_IDS.map { |id| ["run-1", id] } + [["", "weights/a"], ["run-1", nil]]
    end
    %i[delete_checkpoint_from_tinker_path publish_checkpoint_from_tinker_path
       unpublish_checkpoint_from_tinker_path set_checkpoint_ttl_from_tinker_path].each do |op|
      calls[op] = (calls[op] || []) + BAD_PATHS.map { |p| [p] } + [[nil]]
    end
    before = rest_requests
    assert_refused(calls.flat_map { |op, arg_lists| arg_lists.map { |args| [op, *args] } })
    assert_equal before, rest_requests, "nothing was sent"
  end

  def test_a_malformed_path_message_says_what_is_wrong
    error = assert_raises(Tinker::InvalidArgumentError) do
      @rest.publish_checkpoint_from_tinker_path("tinker://run-1/models/a", timeout: 60)
    end
    assert_match(/\ARestClient#publish_checkpoint_from_tinker_path: .*models/, error.message)
    error = assert_raises(Tinker::InvalidArgumentError) { @rest.delete_checkpoint_async("run-1", "weights") }
    assert_match(/\ARestClient#delete_checkpoint_async: .*checkpoint_id/, error.message)
  end

  # ---- R20 get_sampler --------------------------------------------------------------------------------

  def test_get_sampler_of_a_sampler_made_by_save_weights_and_get_sampling_client
    t = trainer
    sampling = closing(t.save_weights_and_get_sampling_client(timeout: 60))
    sampler = @rest.get_sampler(sampling.sampling_session_id, timeout: 60)
    assert_kind_of Tinker::Sampler, sampler
    assert_equal sampling.sampling_session_id, sampler.sampler_id
    assert_equal MODEL, sampler.base_model
    refute_nil sampler.model_path
    parsed = Tinker.parse_tinker_path(sampler.model_path)
    assert_equal t.model_id, parsed.training_run_id
    assert_equal "sampler", parsed.checkpoint_type
    assert_includes sampler.json, sampler.sampler_id

    future = @rest.get_sampler_async(sampling.sampling_session_id)
    assert_equal sampler, future.wait(60)
    future.close
  end

  def test_get_sampler_of_a_base_model_sampler_has_no_model_path
    sampling = closing(@client.create_sampling_client(base_model: MODEL, timeout: 60))
    sampler = @rest.get_sampler(sampling.sampling_session_id, timeout: 60)
    assert_equal MODEL, sampler.base_model
    assert_nil sampler.model_path
  end

  def test_get_sampler_of_an_unknown_or_foreign_sampler_is_not_found
    sampling = closing(@client.create_sampling_client(base_model: MODEL, timeout: 60))
    assert_raises(Tinker::NotFoundError) { @rest.get_sampler("no-such-sampler", timeout: 60) }
    _, foreign = other_user
    future = foreign.get_sampler_async(sampling.sampling_session_id)
    assert_raises(Tinker::NotFoundError) { future.wait(60) }
  ensure
    future&.close
  end

  # ---- R18 assign_session_project -----------------------------------------------------------------------

  def session_entry(session_id)
    JSON.parse(Net::HTTP.get(emulator_uri("/_emulator/sessions"))).fetch("sessions")
        .find { |s| s["session_id"] == session_id }
  end

  def test_assign_session_project_blocking_and_async
    @client.start_session(timeout: 60)
    session_id = @client.session_id
    refute_nil session_id
    assert_nil session_entry(session_id)["project_id"]
    assert_nil @rest.assign_session_project(session_id, "ruby-project-1", timeout: 60)
    assert_equal "ruby-project-1", session_entry(session_id)["project_id"]
    future = @rest.assign_session_project_async(session_id, "ruby-project-2")
    assert_nil future.wait(60)
    future.close
    assert_equal "ruby-project-2", session_entry(session_id)["project_id"]

    assert_raises(Tinker::NotFoundError) { @rest.assign_session_project("no-such-session", "p", timeout: 60) }
    _, foreign = other_user
    assert_raises(Tinker::NotFoundError) { foreign.assign_session_project(session_id, "p", timeout: 60) }
    assert_equal "ruby-project-2", session_entry(session_id)["project_id"]
  end

  # ---- R3 get_weights_info_by_tinker_path ----------------------------------------------------------

  # The requests of R3, R16 and R17 the emulator has seen (of any user).
  def weights_info_and_session_requests
    log = JSON.parse(Net::HTTP.get(emulator_uri("/_emulator/log"))).fetch("entries")
    log.count { |e| e["path"].match?(%r{\A/api/v1/(weights_info\z|sessions(\z|/[^/]*\z))}) }
  end

  def test_get_weights_info_of_a_saved_checkpoint_blocking_and_async
    # The unembedding left out: a false is seen as well as the trues.
    t = closing(@client.create_lora_training_client(MODEL, rank: 4, seed: 12, train_unembed: false, timeout: 60))
    path = t.save_state("ruby-info", timeout: 60).path
    info = @rest.get_weights_info_by_tinker_path(path, timeout: 60)
    assert_kind_of Tinker::WeightsInfo, info
    assert_equal MODEL, info.base_model
    assert info.lora?
    assert_equal 4, info.lora_rank
    assert_equal [false, true, true], [info.train_unembed, info.train_mlp, info.train_attn]
    assert_equal false, info.train_unembed?
    refute_empty info.json

    future = @rest.get_weights_info_by_tinker_path_async(path)
    assert_equal info, future.wait(60)
    future.close
  end

  def test_get_weights_info_of_a_malformed_path_is_refused_before_sending
    before = weights_info_and_session_requests
    (BAD_PATHS + [nil, 42]).each do |bad|
      error = assert_raises(Tinker::InvalidArgumentError, bad.inspect) do
        @rest.get_weights_info_by_tinker_path(bad, timeout: 60)
      end
      assert_match(/\ARestClient#get_weights_info_by_tinker_path: \S/, error.message)
      error = assert_raises(Tinker::InvalidArgumentError) { @rest.get_weights_info_by_tinker_path_async(bad) }
      assert_match(/\ARestClient#get_weights_info_by_tinker_path_async: \S/, error.message)
    end
    assert_equal before, weights_info_and_session_requests, "nothing was sent"
  end

  def test_get_weights_info_of_another_users_private_checkpoint_is_not_found
    path = trainer.save_state("ruby-info-private", timeout: 60).path
    _, foreign = other_user
    assert_raises(Tinker::NotFoundError) { foreign.get_weights_info_by_tinker_path(path, timeout: 60) }
    future = foreign.get_weights_info_by_tinker_path_async(path)
    assert_raises(Tinker::NotFoundError) { future.wait(60) }
  ensure
    future&.close
  end

  # ---- R16 get_session, R17 list_sessions -----------------------------------------------------------

  def test_get_session_lists_the_run_and_the_sampler_made_in_it_blocking_and_async
    t = trainer
    sampling = closing(t.save_weights_and_get_sampling_client(timeout: 60))
    session_id = @client.session_id
    refute_nil session_id
    session = @rest.get_session(session_id, timeout: 60)
    assert_kind_of Tinker::Session, session
    assert_equal [t.model_id], session.training_run_ids
    assert_equal [sampling.sampling_session_id], session.sampler_ids
    refute_empty session.json

    future = @rest.get_session_async(session_id, access_scope: :accessible)
    assert_equal session, future.wait(60)
    future.close
    assert_equal session, @rest.get_session(session_id, access_scope: "owned", timeout: 60)
  end

  def test_get_session_of_an_unknown_or_foreign_session_is_not_found
    @client.start_session(timeout: 60)
    assert_raises(Tinker::NotFoundError) { @rest.get_session("no-such-session", timeout: 60) }
    _, foreign = other_user
    future = foreign.get_session_async(@client.session_id)
    assert_raises(Tinker::NotFoundError) { future.wait(60) }
  ensure
    future&.close
  end

  def test_bad_session_arguments_are_refused_before_sending
    before = weights_info_and_session_requests
    [[:get_session, ["s", { access_scope: "everyone" }]], [:get_session, ["s", { access_scope: :Owned }]],
     [:get_session, ["s", { access_scope: 1 }]], [:get_session, [""]],
     [:list_sessions, [{ limit: 0 }]], [:list_sessions, [{ limit: -1 }]], [:list_sessions, [{ offset: -1 }]],
     [:list_sessions, [{ limit: "1" }]], [:list_sessions, [{ access_scope: "all" }]]].each do |op, args|
      keywords = args.last.is_a?(Hash) ? args.last : {}
      positional = args.last.is_a?(Hash) ? args[0...-1] : args
      { op => keywords.merge(timeout: 60), :"#{op}_async" => keywords }.each do |method, kw|
        error = assert_raises(Tinker::InvalidArgumentError, "#{method}#{args.inspect}") do
          @rest.public_send(method, *positional, **kw)
        end
        assert_status error, :TINKER_E_INVALID_ARGUMENT
        assert_match(/\ARestClient##{method}: \S/, error.message)
      end
    end
    error = assert_raises(Tinker::InvalidArgumentError) { @rest.get_session("s", access_scope: "x", timeout: 60) }
    assert_includes error.message, 'access_scope must be "owned" or "accessible"'
    assert_equal before, weights_info_and_session_requests, "nothing was sent"
  end

  # Two sessions of the test's user (oldest first), whole and a page of one at a time.
  def test_list_sessions_includes_the_users_sessions_and_pages_blocking_and_async
    key = fresh_key
    sessions = Array.new(2) do
      service = closing(Tinker::ServiceClient.new(api_key: key))
      service.start_session(timeout: 60)
      service.session_id
    end
    rest = closing(closing(Tinker::ServiceClient.new(api_key: key)).create_rest_client)
    list = rest.list_sessions(timeout: 60)
    assert_kind_of Tinker::SessionList, list
    assert_equal sessions, list.sessions
    refute_empty list.json
    future = rest.list_sessions_async(access_scope: :accessible)
    assert_equal sessions, future.wait(60).sessions
    future.close

    pages = [0, 1, 2].map { |offset| rest.list_sessions(limit: 1, offset: offset, timeout: 60).sessions }
    assert_equal [[sessions[0]], [sessions[1]], []], pages
    future = rest.list_sessions_async(offset: 1)
    assert_equal [sessions[1]], future.wait(60).sessions
    future.close
  end

  # Without limit:, a page of 20 (the official client's), not list_user_checkpoints' 100.
  def test_list_sessions_pages_by_twenty_by_default
    key = fresh_key
    21.times do
      Tinker::ServiceClient.open(api_key: key) { |service| service.start_session(timeout: 60) }
    end
    rest = closing(closing(Tinker::ServiceClient.new(api_key: key)).create_rest_client)
    assert_equal 20, rest.list_sessions(timeout: 60).sessions.size
    assert_equal 21, rest.list_sessions(limit: 100, timeout: 60).sessions.size
  end

  # ---- R23 whoami ---------------------------------------------------------------------------------

  def test_whoami_without_jwts_is_unimplemented
    error = assert_raises(Tinker::UnimplementedError) { @rest.whoami(timeout: 60) }
    assert_status error, :TINKER_E_UNIMPLEMENTED
    assert_match(/JWT/, error.message)
    future = @rest.whoami_async
    error = assert_raises(Tinker::UnimplementedError) { future.wait(60) }
    assert_status error, :TINKER_E_UNIMPLEMENTED
  ensure
    future&.close
  end

  # The emulator in JWT mode for the block; its previous setting is restored afterwards.
  def in_jwt_mode
    previous = JSON.parse(Net::HTTP.get(emulator_uri("/_emulator/config"))).fetch("client_config", {})
    set_emulator_config(client_config: { pjwt_auth_enabled: true })
    yield
  ensure
    set_emulator_config(client_config: { pjwt_auth_enabled: previous&.fetch("pjwt_auth_enabled", nil) })
  end

  def test_whoami_in_jwt_mode_names_the_user_blocking_and_async
    in_jwt_mode do
      key = fresh_key
      who = nil
      Tinker::ServiceClient.open(api_key: key) do |service|
        service.create_rest_client do |rest|
          who = rest.whoami(timeout: 60)
          assert_kind_of Tinker::Whoami, who
          assert_match(/\Aemulator-user-(\S+)\z/, who.user_urn)
          user = who.user_urn.delete_prefix("emulator-user-")
          assert_equal "#{user}@tinker-emulator.invalid", who.email
          assert_includes who.json, who.user_urn

          future = rest.whoami_async
          assert_equal who, future.wait(60)
          future.close
          assert_equal 0, rest.list_user_checkpoints(timeout: 60).total_count, "the other calls go with the JWT"
        end
      end
      Tinker::ServiceClient.open(api_key: key) do |again|
        assert_equal who, who_of(again), "the same key, the same user"
      end
      Tinker::ServiceClient.open(api_key: fresh_key) do |other|
        Tinker::ServiceClient.open(api_key: key) do |same|
          refute_equal who_of(other).user_urn, who_of(same).user_urn, "another key is another user"
        end
      end
    end
  end

  def who_of(service)
    service.create_rest_client { |rest| rest.whoami(timeout: 60) }
  end
end
