# frozen_string_literal: true

module Tinker
  # A checkpoint's tinker:// path, tinker://<training_run_id>/<kind>/<name>, split into its parts
  # (Tinker.parse_tinker_path). A frozen value: equal when the parts are.
  #   training_run_id: the run (the training client's model_id); may contain ':'
  #   checkpoint_type: "training" (a weights/ path: weights and optimizer state, for load_state)
  #                    or "sampler" (a sampler_weights/ path, for sampling)
  #   checkpoint_id:   "<kind>/<name>", as the RestClient's operations take it
  #   name:            the checkpoint's name (the last part)
  ParsedPath = Struct.new(:training_run_id, :checkpoint_type, :checkpoint_id, :name, keyword_init: true) do
    def initialize(**fields)
      super(**fields)
      freeze
    end

    # "weights" or "sampler_weights".
    def kind
      checkpoint_id.split("/", 2).first
    end

    # The path again, tinker://<training_run_id>/<checkpoint_id>.
    def tinker_path
      "tinker://#{training_run_id}/#{checkpoint_id}"
    end
    alias_method :to_s, :tinker_path
  end

  # Splits a checkpoint's tinker:// path into a ParsedPath, without any I/O. A path that does not
  # start with tinker://, has other than three '/'-separated parts, an empty part or a kind other
  # than weights and sampler_weights (or that is not a String) raises
  # Tinker::InvalidArgumentError saying which.
  def self.parse_tinker_path(path)
    naming("Tinker.parse_tinker_path") do
      ptr = Raw.tinker_path_parse(Kinds.string(path, "path"))
      Native.consume(ptr, :tinker_parsed_path_free) do |p|
        ParsedPath.new(training_run_id: Raw.tinker_parsed_path_training_run_id(p),
                       checkpoint_type: Raw.tinker_parsed_path_checkpoint_type(p),
                       checkpoint_id: Raw.tinker_parsed_path_checkpoint_id(p),
                       name: Raw.tinker_parsed_path_name(p))
      end
    end
  end

  # Makes tinker://<training_run_id>/<kind>/<name>. kind is "weights" or "sampler_weights", or the
  # checkpoint type "training" or "sampler" (a String or a Symbol). An empty part, a run id or
  # name containing '/', or another kind raises Tinker::InvalidArgumentError.
  def self.format_tinker_path(training_run_id, kind, name)
    naming("Tinker.format_tinker_path") do
      Raw.tinker_path_format(Kinds.string(training_run_id, "training_run_id"), Kinds.string(kind, "kind"),
                             Kinds.string(name, "name"))
    end
  end
end
