# frozen_string_literal: true

# A first program with the installed tinker gem (tests/install/check_ruby.sh runs it against an
# installed tinker-emulator; docs/ruby.md quotes it). It reads TINKER_BASE_URL and TINKER_API_KEY
# from the environment and prints what it did; check_ruby.sh checks those lines.
require "tinker"

MODEL = "tinker-emulator/tiny-bigram" # the emulator's tiny model: its tokens are the 256 byte values

# Next-token prediction on the bytes of a text: token i predicts token i + 1.
def datum(text)
  tokens = text.bytes
  Tinker::Datum.new(model_input: tokens[0...-1],
                    loss_fn_inputs: { "target_tokens" => tokens.drop(1),
                                      "weights" => Array.new(tokens.size - 1, 1.0) })
end

puts "libtinker #{Tinker.version} (gem #{Tinker::GEM_VERSION})"

# --- first call ---
Tinker::ServiceClient.open do |client| # options from TINKER_BASE_URL, TINKER_API_KEY; closed after the block
  caps = client.get_server_capabilities(timeout: 30)
  puts "models: #{caps.models.map(&:name).join(', ')}"

  # --- a training loop ---
  trainer = client.create_lora_training_client(MODEL, rank: 8, seed: 1, timeout: 60)
  data = ["the cat sat on the mat.", "the dog sat on the log."].map { |text| datum(text) }
  losses = Array.new(3) do
    fb = trainer.forward_backward_async(data, "cross_entropy")  # submitted back to back,
    step = trainer.optim_step_async(learning_rate: 0.05)      # run in order on the server
    loss = fb.wait(60).loss
    step.wait(60)
    [fb, step].each(&:close)
    loss
  end
  puts "losses: #{losses.map { |l| l.round(3) }.join(' ')}"

  # --- sampling from the trained weights ---
  sampler = trainer.save_weights_and_get_sampling_client(timeout: 60)
  response = sampler.sample("the ".bytes, max_tokens: 8, num_samples: 2, temperature: 0.7, timeout: 60)
  puts "samples: #{response.sequences.map { |s| s.tokens.pack('C*').inspect }.join(' ')}"

  # --- errors ---
  begin
    client.create_lora_training_client("no-such/model", rank: 8, timeout: 60)
  rescue Tinker::Error => e # a Tinker::RequestFailedError here; every failure is a Tinker::Error
    puts "refused: #{e.class} category=#{e.category}"
  end

  # --- cleanup: in any order; the clients made from `client` keep its runtime ---
  client.close
  puts "after the service client's close: #{sampler.get_base_model(timeout: 60)}"
  sampler.close
  trainer.close
end
puts "ok"
