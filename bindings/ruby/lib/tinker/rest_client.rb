# frozen_string_literal: true

module Tinker
  # The REST management client: the caller's training runs, their checkpoints (list, delete,
  # publish, unpublish, time to live, archive download URLs), samplers, sessions, their projects
  # and traces, the audit log, billing usage, and who the caller is. From
  # ServiceClient#create_rest_client; it shares that client's runtime and keeps it alive, so it
  # works on after the service client is closed. Thread-safe. Close it when done; the finalizer
  # frees it otherwise. Its operations (R1-R23) are generated from the registry
  # (tinker/generated/rest_client.rb); each is name_async (a Tinker::Future) and the blocking
  # name(..., timeout: nil).
  #
  #   rest = client.create_rest_client
  #   rest.list_checkpoints(trainer.model_id).checkpoints.map(&:tinker_path)
  #   rest.publish_checkpoint_from_tinker_path("tinker://run-1/weights/final")
  #   rest.get_training_run(trainer.model_id).last_checkpoint&.tinker_path
  #   rest.each_user_checkpoint.select(&:public?)
  #   rest.each_training_run.count(&:corrupted?)
  class RestClient
    def initialize(ptr)
      @handle = Handle.new(ptr, :tinker_rest_client_free)
    end

    # Every checkpoint of the caller, over all their training runs, newest first: asks for one
    # page of page_size checkpoints at a time (list_user_checkpoints), and the next page only once
    # the block has seen this one, until the server's total_count is reached (or, when the server
    # sends no cursor, until a page comes back short). Each page waits up to timeout seconds
    # (nil: forever). Without a block, returns an Enumerator that does the same when iterated, so
    # `each_user_checkpoint.first(3)` asks for the first page only.
    #
    # The pages are fetched one after the other, not as one snapshot: a checkpoint saved while
    # the iteration runs shifts the later pages by one (a checkpoint may be yielded twice), one
    # deleted meanwhile the other way (one may be missed).
    def each_user_checkpoint(page_size: 100, timeout: nil, &block)
      method = "RestClient#each_user_checkpoint"
      check_page_size(method, page_size)
      return enum_for(__method__, page_size: page_size, timeout: timeout) unless block

      each_item(method, page_size, :checkpoints, block) do |offset|
        list_user_checkpoints(limit: page_size, offset: offset, timeout: timeout)
      end
    end

    # Every training run of the caller (access_scope: "accessible": also those shared with the
    # caller; project_id: only that project's), as Tinker::TrainingRun values in the server's
    # order: asks for one page of page_size runs at a time (list_training_runs; 20, its default),
    # the next page only once the block has seen this one, until the server's total_count is
    # reached or a page comes back empty. Each page waits up to timeout seconds (nil: forever).
    # Without a block, returns an Enumerator that does the same when iterated
    # (`each_training_run.first(3)` asks for one page). A bad page_size raises at once; a bad
    # access_scope or project_id when the first page is asked for, before anything is sent. The
    # pages are separate requests, not a snapshot, as for each_user_checkpoint.
    def each_training_run(page_size: 20, access_scope: nil, project_id: nil, timeout: nil, &block)
      method = "RestClient#each_training_run"
      check_page_size(method, page_size)
      unless block
        return enum_for(__method__, page_size: page_size, access_scope: access_scope, project_id: project_id,
                                    timeout: timeout)
      end

      each_item(method, page_size, :training_runs, block) do |offset|
        list_training_runs(limit: page_size, offset: offset, access_scope: access_scope, project_id: project_id,
                           timeout: timeout)
      end
    end

    # "#<Tinker::RestClient>" (or "... closed")
    def inspect
      Tinker.inspect_object(self, @handle)
    end

    # Releases the client (idempotent); the last handle on the runtime ends its pending futures
    # (see ServiceClient#close).
    def close
      @handle.close
    end

    private

    def check_page_size(method, page_size)
      return if page_size.is_a?(Integer) && page_size >= 1

      raise Tinker.invalid_argument("#{method}: page_size must be an Integer >= 1, got #{page_size.inspect}")
    end

    # Yields every item (page.<items>) of the pages the block given to each_item fetches (it
    # gets the offset), page after page; a failed page raises its error naming `method`.
    def each_item(method, page_size, items, block)
      offset = 0
      loop do
        page = Tinker.naming(method) { yield offset }
        list = page.public_send(items)
        list.each(&block)
        offset += list.size
        break if last_page?(list, page.total_count, page_size, offset)
      end
      self
    end

    # An empty page ends the iteration whatever the cursor says, so that a server whose
    # total_count overstates what it lists cannot keep it asking forever.
    def last_page?(list, total_count, page_size, offset)
      return true if list.empty?
      return offset >= total_count unless total_count.nil?

      list.size < page_size
    end
  end
end
