# frozen_string_literal: true

module Tinker
  # Builds a tinker_client_options_t from keywords: `name: value` calls
  # tinker_client_options_set_<name>, and an Array value gives a setter of several arguments
  # all of them (archive_retry: [delay_ms, attempts]); a Hash or Array value of a name without
  # a setter goes through tinker_client_options_add_<name> (headers: {..} -> add_header,
  # tags: [..] -> add_tag, user_metadata: {..}). So every setter tinker.h has is a keyword,
  # without an edit here.
  # @api private
  module Options
    def self.build(options)
      opts = Raw.tinker_client_options_new
      begin
        options.each { |name, value| apply(opts, name, value) }
        yield opts
      ensure
        Raw.tinker_client_options_free(opts)
      end
    end

    def self.apply(opts, name, value)
      setter = "tinker_client_options_set_#{name}"
      if Raw.respond_to?(setter) && !value.is_a?(Hash)
        return Raw.public_send(setter, opts, *value) if value.is_a?(Array)

        value = 1 if value == true
        value = 0 if value == false
        return Raw.public_send(setter, opts, value)
      end

      adder = ["tinker_client_options_add_#{name.to_s.delete_suffix('s')}", "tinker_client_options_add_#{name}"]
              .find { |m| Raw.respond_to?(m) }
      raise ArgumentError, "unknown Tinker client option: #{name}" unless adder

      if value.is_a?(Hash)
        value.each { |k, v| Raw.public_send(adder, opts, k.to_s, v.to_s) }
      else
        Array(value).each { |v| Raw.public_send(adder, opts, v.to_s) }
      end
    end
  end
  private_constant :Options
end
