# frozen_string_literal: true

module Tinker
  # The entry point: owns the connection runtime shared by every client and future created from
  # it. Thread-safe. Keywords are client options (see Options), defaults come from the
  # environment (TINKER_BASE_URL, TINKER_API_KEY, ...). The Hugging Face Hub that get_tokenizer
  # (TrainingClient, SamplingClient) fetches tokenizer files from takes hub_endpoint: (a URL),
  # hub_token: ("" for anonymous), hub_cache_dir: (a directory, laid out as huggingface_hub's
  # cache) and hub_offline: (true: the cache only); unset, HF_ENDPOINT, HF_TOKEN,
  # HF_HUB_CACHE / HF_HOME and HF_HUB_OFFLINE apply, as in huggingface_hub. Its operations (health_check,
  # get_server_capabilities, create_lora_training_client, create_sampling_client, ...) are
  # generated from the registry (tinker/generated/service_client.rb); create_rest_client is here,
  # because it sends nothing and so has no future.
  class ServiceClient
    def self.open(**options)
      client = new(**options)
      return client unless block_given?

      begin
        yield client
      ensure
        client.close
      end
    end

    def initialize(**options)
      ptr = Options.build(options) { |opts| Raw.tinker_service_client_new(opts) }
      @handle = Handle.new(ptr, :tinker_service_client_free)
    end

    # The id of this client's session once one exists (start_session, or any training
    # operation, starts it), else nil.
    def session_id
      @handle.use { |c| Raw.tinker_service_client_session_id(c) }
    end

    # S6: a RestClient on this client's runtime (no request, no session). With a block, yields it
    # and closes it afterwards, returning the block's value.
    def create_rest_client
      rest = Tinker.naming("ServiceClient#create_rest_client") do
        RestClient.new(@handle.use { |c| Raw.tinker_service_client_create_rest_client(c) })
      end
      return rest unless block_given?

      begin
        yield rest
      ensure
        rest.close
      end
    end

    # "#<Tinker::ServiceClient session_id=\"...\">" (nil before a session exists). Never the
    # API key or another option.
    def inspect
      id = begin
        session_id
      rescue Error # closed meanwhile
        nil
      end
      Tinker.inspect_object(self, @handle, session_id: id)
    end

    # Releases the client (idempotent). Handles may be freed in any order: a training, sampling or
    # REST client made from this one keeps the runtime, so it works on after this close and its
    # pending operations complete. Futures may outlive the client; when the last client on the
    # runtime is closed, those still pending end cancelled (their wait raises
    # Tinker::CancelledError).
    def close
      @handle.close
    end
  end
end
