# frozen_string_literal: true

module Tinker
  # The REST management client: the checkpoints of the caller's training runs (list, delete,
  # publish, unpublish, time to live), samplers, sessions' projects, and who the caller is. From
  # ServiceClient#create_rest_client; it shares that client's runtime and keeps it alive, so it
  # works on after the service client is closed. Thread-safe. Close it when done; the finalizer
  # frees it otherwise. Its operations (R5, R6, R9-R15, R18, R20, R23) are generated from the
  # registry (tinker/generated/rest_client.rb); each is name_async (a Tinker::Future) and the
  # blocking name(..., timeout: nil).
  #
  #   rest = client.create_rest_client
  #   rest.list_checkpoints(trainer.model_id).checkpoints.map(&:tinker_path)
  #   rest.publish_checkpoint_from_tinker_path("tinker://run-1/weights/final")
  #   rest.each_user_checkpoint.select(&:public?)
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
      unless page_size.is_a?(Integer) && page_size >= 1
        raise Tinker.invalid_argument("RestClient#each_user_checkpoint: page_size must be an Integer >= 1, " \
                                      "got #{page_size.inspect}")
      end
      return enum_for(__method__, page_size: page_size, timeout: timeout) unless block

      offset = 0
      loop do
        page = Tinker.naming("RestClient#each_user_checkpoint") do
          list_user_checkpoints(limit: page_size, offset: offset, timeout: timeout)
        end
        page.checkpoints.each(&block)
        offset += page.checkpoints.size
        break if last_page?(page, page_size, offset)
      end
      self
    end

    # Releases the client (idempotent); the last handle on the runtime ends its pending futures
    # (see ServiceClient#close).
    def close
      @handle.close
    end

    private

    # An empty page ends the iteration whatever the cursor says, so that a server whose
    # total_count overstates what it lists cannot keep it asking forever.
    def last_page?(page, page_size, offset)
      return true if page.checkpoints.empty?
      return offset >= page.total_count unless page.total_count.nil?

      page.checkpoints.size < page_size
    end
  end
end
