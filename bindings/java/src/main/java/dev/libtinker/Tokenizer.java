package dev.libtinker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json}) read by libtinker's native tokenizer
 * (tinker/tokenizer.h): text to token ids and back, with the same results as Hugging Face {@code
 * tokenizers} for the models Tinker serves (docs/tokenizer.md lists what is supported). Every
 * result comes from the native library; Java only converts strings to UTF-8 and back.
 *
 * <p>Made by {@link #load}, {@link #fromJson}, or a client's {@link TrainingClient#getTokenizer()}
 * or {@link SamplingClient#getTokenizer()} (the tokenizer of its base model, fetched from the
 * Hugging Face Hub as the {@code hub*} options of {@link ServiceClient.Builder} say; it does not
 * depend on the client afterwards). Immutable and thread-safe:
 * any number of threads may encode and decode at once. Close it when done (try-with-resources);
 * {@link #close} waits for calls running on other threads, and a call after it throws {@link
 * TinkerException} with {@link Status#FAILED_PRECONDITION}. One never closed is freed by a
 * Cleaner.
 *
 * <p>Strings cross as UTF-8: U+0000 is text like any other character, and an unpaired surrogate
 * (which no UTF-8 can encode) reaches the library as invalid UTF-8, which it refuses with {@link
 * Status#INVALID_ARGUMENT}.
 */
public final class Tokenizer implements AutoCloseable {
  private final NativeHandle<SWIGTYPE_p_tinker_tokenizer> handle;

  /**
   * An added token of the tokenizer ({@code tokenizer.json}'s "added_tokens").
   *
   * @param content its text
   * @param id its id
   * @param special whether it is special ({@code decode(ids, true)} leaves it out)
   */
  public record AddedToken(String content, int id, boolean special) {}

  private Tokenizer(SWIGTYPE_p_tinker_tokenizer tokenizer) {
    this.handle = new NativeHandle<>(tokenizer, TinkerRaw::tinker_tokenizer_free);
  }

  /**
   * Loads a tokenizer from a {@code tokenizer.json} file, or from a directory laid out as a model
   * snapshot on the Hub: its {@code tokenizer.json} and, when present, its {@code
   * tokenizer_config.json} (which names the bos, eos and pad tokens).
   *
   * @param path the file or directory
   * @return the tokenizer
   * @throws TinkerException {@link Status#NOT_FOUND} (no such file), {@link
   *     Status#INVALID_ARGUMENT} (malformed), {@link Status#UNIMPLEMENTED} (a component type the
   *     library does not implement, named in the message), ...
   */
  public static Tokenizer load(Path path) {
    Objects.requireNonNull(path, "path");
    return load(path.toString());
  }

  /**
   * Loads a tokenizer from a file or snapshot directory, as {@link #load(Path)}.
   *
   * @param path the file or directory
   * @return the tokenizer
   * @throws TinkerException as {@link #load(Path)}
   */
  public static Tokenizer load(String path) {
    Objects.requireNonNull(path, "path");
    Tinker.load();
    SWIGTYPE_p_tinker_tokenizer[] out = new SWIGTYPE_p_tinker_tokenizer[1];
    TinkerRaw.tinker_tokenizer_load_file(path, out);
    return new Tokenizer(out[0]);
  }

  /**
   * Loads a tokenizer from the text of a {@code tokenizer.json} and, optionally, of its {@code
   * tokenizer_config.json}.
   *
   * @param json the text of {@code tokenizer.json}
   * @param config the text of {@code tokenizer_config.json}; null: none
   * @return the tokenizer
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} (malformed text), {@link
   *     Status#UNIMPLEMENTED} (an unsupported component, named), ...
   */
  public static Tokenizer fromJson(String json, String config) {
    Objects.requireNonNull(json, "json");
    Tinker.load();
    SWIGTYPE_p_tinker_tokenizer[] out = new SWIGTYPE_p_tinker_tokenizer[1];
    TinkerRaw.tinker_tokenizer_load_memory(utf8(json), config == null ? null : utf8(config), out);
    return new Tokenizer(out[0]);
  }

  /**
   * Takes the tokenizer of a finished {@code get_tokenizer} future (generated operations of
   * {@link TrainingClient} and {@link SamplingClient}); it depends on no client.
   */
  static Tokenizer take(SWIGTYPE_p_tinker_future future) {
    SWIGTYPE_p_tinker_tokenizer[] out = new SWIGTYPE_p_tinker_tokenizer[1];
    TinkerRaw.tinker_future_take_tokenizer(future, out);
    return new Tokenizer(out[0]);
  }

  /**
   * Encodes text with the special tokens the tokenizer's post-processor adds (Llama 3.1's
   * {@code <|begin_of_text|>}), as Hugging Face's {@code encode} does by default.
   *
   * @param text any text
   * @return the token ids
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} for text with an unpaired surrogate
   */
  public int[] encode(String text) {
    return encode(text, true);
  }

  /**
   * Encodes text: added tokens found first, then the normalizer, pre-tokenizer and model, then,
   * when asked, the post-processor's special tokens.
   *
   * @param text any text
   * @param addSpecialTokens whether to add the post-processor's special tokens
   * @return the token ids
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} for text with an unpaired surrogate
   */
  public int[] encode(String text, boolean addSpecialTokens) {
    Objects.requireNonNull(text, "text");
    byte[] bytes = utf8(text);
    int[][] ids = new int[1][];
    handle.use(t -> {
      TinkerRaw.tinker_tokenizer_encode(t, bytes, addSpecialTokens ? 1 : 0, ids);
      return null;
    });
    return ids[0];
  }

  /**
   * Encodes many texts on one thread per core, each as {@link #encode(String)} would.
   *
   * @param texts the texts
   * @return the ids of each text, in order
   * @throws TinkerException as {@link #encodeBatch(List, int, boolean)}
   */
  public List<int[]> encodeBatch(List<String> texts) {
    return encodeBatch(texts, 0, true);
  }

  /**
   * Encodes many texts on several threads, each exactly as {@link #encode(String, boolean)}
   * would, in one native call. A failure names the first text that failed, in order ("texts[3]:
   * ...").
   *
   * @param texts the texts (no null element)
   * @param threads how many threads; 0: one per core; never more than the texts or 256
   * @param addSpecialTokens whether to add the post-processor's special tokens
   * @return the ids of each text, in order
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} for a negative thread count or a text
   *     with an unpaired surrogate
   */
  public List<int[]> encodeBatch(List<String> texts, int threads, boolean addSpecialTokens) {
    Objects.requireNonNull(texts, "texts");
    if (threads < 0) {
      throw TinkerException.invalidArgument("Tokenizer.encodeBatch: threads must be >= 0, got " + threads);
    }
    // The texts cross as one array, their UTF-8 back to back, with each one's length.
    int n = texts.size();
    byte[][] parts = new byte[n][];
    int[] lengths = new int[n];
    long total = 0;
    int i = 0;
    for (String text : texts) {
      int index = i;
      parts[i] = utf8(Objects.requireNonNull(text, () -> "texts[" + index + "]"));
      lengths[i] = parts[i].length;
      total += lengths[i];
      i++;
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw TinkerException.invalidArgument(
          "Tokenizer.encodeBatch: the texts hold " + total + " bytes of UTF-8, over a Java array's limit: "
              + "encode them in several batches");
    }
    byte[] joined = new byte[(int) total];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, joined, offset, part.length);
      offset += part.length;
    }
    int[][] ids = new int[n][];
    handle.use(t -> {
      TinkerRaw.tinker_java_tokenizer_encode_batch(t, joined, lengths, threads, addSpecialTokens ? 1 : 0, ids);
      return null;
    });
    List<int[]> result = new ArrayList<>(n);
    Collections.addAll(result, ids);
    return Collections.unmodifiableList(result);
  }

  /**
   * Decodes ids to text, special tokens included, as Hugging Face's {@code decode} does by
   * default.
   *
   * @param ids token ids
   * @return the text
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} for an id that names no token
   */
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  /**
   * Decodes ids to text with the tokenizer's decoder. Bytes that do not form UTF-8 (a character
   * cut between two calls) become U+FFFD, as Hugging Face's lossy decode does; U+0000 is kept.
   *
   * @param ids token ids
   * @param skipSpecialTokens whether to leave the special added tokens out
   * @return the text
   * @throws TinkerException {@link Status#INVALID_ARGUMENT} for an id that names no token (Hugging
   *     Face would skip it; the message names it)
   */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    Objects.requireNonNull(ids, "ids");
    String[] text = new String[1];
    handle.use(t -> {
      TinkerRaw.tinker_tokenizer_decode(t, ids, skipSpecialTokens ? 1 : 0, text);
      return null;
    });
    return text[0];
  }

  /**
   * The id of a token as the vocabulary spells it (byte-level tokens in their byte-level
   * alphabet, e.g. "Ġthe"), or of an added token.
   *
   * @param token the token (without U+0000, which no token holds)
   * @return its id; empty when the tokenizer has no such token
   */
  public OptionalInt tokenToId(String token) {
    Objects.requireNonNull(token, "token");
    return id(handle.use(t -> TinkerRaw.tinker_tokenizer_token_to_id(t, token)));
  }

  /**
   * The token of an id as the vocabulary spells it.
   *
   * @param id a token id
   * @return the token; empty when {@code id} names none
   */
  public Optional<String> idToToken(int id) {
    return Optional.ofNullable(handle.use(t -> TinkerRaw.tinker_tokenizer_id_to_token(t, id)));
  }

  /**
   * The number of distinct token ids: the model's vocabulary and the added tokens.
   *
   * @return e.g. 151669 for Qwen3
   */
  public int vocabSize() {
    return (int) (long) handle.use(TinkerRaw::tinker_tokenizer_vocab_size);
  }

  /**
   * The beginning-of-sequence token: {@code tokenizer_config.json}'s bos_token, else the special
   * token the post-processor puts first.
   *
   * @return the token; empty when neither names one
   */
  public Optional<String> bosToken() {
    return Optional.ofNullable(handle.use(TinkerRaw::tinker_tokenizer_bos_token));
  }

  /**
   * The id of {@link #bosToken}.
   *
   * @return the id; empty when there is no bos token or it is not in the vocabulary
   */
  public OptionalInt bosTokenId() {
    return id(handle.use(TinkerRaw::tinker_tokenizer_bos_token_id));
  }

  /**
   * The end-of-sequence token: {@code tokenizer_config.json}'s eos_token, else the special token
   * the post-processor puts last.
   *
   * @return the token; empty when neither names one
   */
  public Optional<String> eosToken() {
    return Optional.ofNullable(handle.use(TinkerRaw::tinker_tokenizer_eos_token));
  }

  /**
   * The id of {@link #eosToken}.
   *
   * @return the id; empty when there is no eos token or it is not in the vocabulary
   */
  public OptionalInt eosTokenId() {
    return id(handle.use(TinkerRaw::tinker_tokenizer_eos_token_id));
  }

  /**
   * The padding token: {@code tokenizer_config.json}'s pad_token, else {@code tokenizer.json}'s
   * padding settings.
   *
   * @return the token; empty when neither names one
   */
  public Optional<String> padToken() {
    return Optional.ofNullable(handle.use(TinkerRaw::tinker_tokenizer_pad_token));
  }

  /**
   * The id of {@link #padToken}.
   *
   * @return the id; empty when there is no pad token or it is not in the vocabulary
   */
  public OptionalInt padTokenId() {
    return id(handle.use(TinkerRaw::tinker_tokenizer_pad_token_id));
  }

  /**
   * The added tokens ({@code tokenizer.json}'s "added_tokens", empty ones left out), in file
   * order.
   *
   * @return an unmodifiable list
   */
  public List<AddedToken> addedTokens() {
    return handle.use(t -> {
      long n = TinkerRaw.tinker_tokenizer_added_token_count(t);
      List<AddedToken> tokens = new ArrayList<>((int) n);
      for (long i = 0; i < n; i++) {
        tokens.add(
            new AddedToken(
                TinkerRaw.tinker_tokenizer_added_token_content(t, i),
                TinkerRaw.tinker_tokenizer_added_token_id(t, i),
                TinkerRaw.tinker_tokenizer_added_token_is_special(t, i) != 0));
      }
      return Collections.unmodifiableList(tokens);
    });
  }

  /**
   * Releases the tokenizer, once calls running on other threads have returned. Later calls throw
   * {@link TinkerException} ({@link Status#FAILED_PRECONDITION}). Idempotent.
   */
  @Override
  public void close() {
    handle.close(null);
  }

  private static OptionalInt id(int id) {
    return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
  }

  /**
   * The UTF-8 of {@code s}. An unpaired surrogate becomes its three-byte form (ED A0 80 ..), which
   * is not UTF-8, so that the library refuses the text instead of Java replacing the character
   * with '?' as {@code getBytes} would.
   */
  private static byte[] utf8(String s) {
    int n = s.length();
    int i = 0;
    while (i < n && !Character.isSurrogate(s.charAt(i))) {
      i++;
    }
    if (i == n) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n * 3);
    byte[] head = s.substring(0, i).getBytes(StandardCharsets.UTF_8);
    out.write(head, 0, head.length);
    while (i < n) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 0x80) {
        out.write(cp);
      } else if (cp < 0x800) {
        out.write(0xC0 | (cp >> 6));
        out.write(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out.write(0xE0 | (cp >> 12));
        out.write(0x80 | ((cp >> 6) & 0x3F));
        out.write(0x80 | (cp & 0x3F));
      } else {
        out.write(0xF0 | (cp >> 18));
        out.write(0x80 | ((cp >> 12) & 0x3F));
        out.write(0x80 | ((cp >> 6) & 0x3F));
        out.write(0x80 | (cp & 0x3F));
      }
    }
    return out.toByteArray();
  }
}
