package dev.libtinker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What the model reads: an immutable sequence of chunks (encoded text, images, image asset
 * pointers; protocol.md §7.1). Build one with {@link #ofTokens} or {@link #builder}. Token and
 * byte arrays are copied in.
 */
public final class ModelInput {
  /** One chunk of a model input. */
  public sealed interface Chunk permits EncodedText, Image, ImageAssetPointer {}

  /** Token ids, kept as the int32 or int64 array they were given as. */
  public static final class EncodedText implements Chunk {
    private final int[] int32;
    private final long[] int64;

    private EncodedText(int[] int32, long[] int64) {
      this.int32 = int32;
      this.int64 = int64;
    }

    /**
     * The token ids (a copy).
     *
     * @return the ids as int64
     */
    public long[] tokens() {
      return int64 != null ? int64.clone() : Arrays.stream(int32).asLongStream().toArray();
    }

    /**
     * The number of tokens.
     *
     * @return the count
     */
    public int length() {
      return int64 != null ? int64.length : int32.length;
    }

    @Override
    public String toString() {
      return "EncodedText" + Arrays.toString(tokens());
    }
  }

  /**
   * Image bytes (PNG or JPEG) with their format ("png", "jpeg") and length in tokens, -1 when
   * unknown.
   */
  public static final class Image implements Chunk {
    private final byte[] data;
    private final String format;
    private final int expectedTokens;

    private Image(byte[] data, String format, int expectedTokens) {
      this.data = data;
      this.format = format;
      this.expectedTokens = expectedTokens;
    }

    /**
     * The image bytes (a copy).
     *
     * @return the encoded image
     */
    public byte[] data() {
      return data.clone();
    }

    /**
     * The image format.
     *
     * @return "png" or "jpeg"
     */
    public String format() {
      return format;
    }

    /**
     * The image's length in tokens.
     *
     * @return the length, -1 when unknown
     */
    public int expectedTokens() {
      return expectedTokens;
    }

    @Override
    public String toString() {
      return "Image{" + format + ", " + data.length + " bytes, " + expectedTokens + " tokens}";
    }
  }

  /** An image given by location (a path or URL); expectedTokens -1 when unknown. */
  public record ImageAssetPointer(String location, String format, int expectedTokens) implements Chunk {
    /**
     * Checks that location and format are given.
     *
     * @param location a path or URL
     * @param format "png" or "jpeg"
     * @param expectedTokens the image's length in tokens, -1 when unknown
     */
    public ImageAssetPointer {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(format, "format");
    }
  }

  private final List<Chunk> chunks;

  private ModelInput(List<Chunk> chunks) {
    this.chunks = List.copyOf(chunks);
  }

  /**
   * A model input of one encoded-text chunk.
   *
   * @param tokens the token ids (copied)
   * @return the model input
   */
  public static ModelInput ofTokens(int... tokens) {
    return builder().addText(tokens).build();
  }

  /**
   * A model input of one encoded-text chunk (each id must fit int32).
   *
   * @param tokens the token ids (copied)
   * @return the model input
   */
  public static ModelInput ofTokens(long... tokens) {
    return builder().addText(tokens).build();
  }

  /**
   * A builder with no chunks yet.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects chunks in order. */
  public static final class Builder {
    private final List<Chunk> chunks = new ArrayList<>();

    private Builder() {}

    /**
     * Appends token ids as an encoded-text chunk.
     *
     * @param tokens the token ids (copied)
     * @return this builder
     */
    public Builder addText(int... tokens) {
      chunks.add(new EncodedText(Objects.requireNonNull(tokens, "tokens").clone(), null));
      return this;
    }

    /**
     * Appends token ids given as int64; each must fit int32 (checked when the input is sent).
     *
     * @param tokens the token ids (copied)
     * @return this builder
     */
    public Builder addText(long... tokens) {
      chunks.add(new EncodedText(null, Objects.requireNonNull(tokens, "tokens").clone()));
      return this;
    }

    /**
     * Appends an image chunk; expectedTokens is its length in tokens, -1 when unknown.
     *
     * @param data the encoded image (copied)
     * @param format "png" or "jpeg"
     * @param expectedTokens its length in tokens, -1 when unknown
     * @return this builder
     */
    public Builder addImage(byte[] data, String format, int expectedTokens) {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(format, "format");
      chunks.add(new Image(data.clone(), format, expectedTokens));
      return this;
    }

    /**
     * Appends an image-asset-pointer chunk (no protobuf form: only the JSON wire mode sends it).
     *
     * @param location a path or URL
     * @param format "png" or "jpeg"
     * @param expectedTokens its length in tokens, -1 when unknown
     * @return this builder
     */
    public Builder addImageAssetPointer(String location, String format, int expectedTokens) {
      // The record's constructor checks location and format (requireNonNull, naming them).
      chunks.add(new ImageAssetPointer(location, format, expectedTokens));
      return this;
    }

    /**
     * The model input of the chunks added so far.
     *
     * @return the model input
     */
    public ModelInput build() {
      return new ModelInput(chunks);
    }
  }

  /**
   * The chunks, in order.
   *
   * @return an unmodifiable list
   */
  public List<Chunk> chunks() {
    return chunks;
  }

  /**
   * The length in tokens, as libtinker counts it. Throws {@link TinkerException} with {@link
   * Status#FAILED_PRECONDITION} when an image chunk does not know its length, or {@link
   * Status#INVALID_ARGUMENT} for a chunk libtinker refuses (e.g. no tokens).
   *
   * @return the number of tokens
   */
  public long length() {
    try (NativeScope scope = new NativeScope()) {
      long[] length = new long[1];
      TinkerRaw.tinker_model_input_length(toNative(scope), length);
      return length[0];
    }
  }

  /** The C builder of this input, owned by the scope. */
  SWIGTYPE_p_tinker_model_input toNative(NativeScope scope) {
    SWIGTYPE_p_tinker_model_input[] out = new SWIGTYPE_p_tinker_model_input[1];
    TinkerRaw.tinker_model_input_new(out);
    SWIGTYPE_p_tinker_model_input input = scope.own(out, TinkerRaw::tinker_model_input_free);
    for (Chunk chunk : chunks) {
      if (chunk instanceof EncodedText) {
        EncodedText t = (EncodedText) chunk;
        if (t.int64 != null) {
          TinkerRaw.tinker_model_input_add_text_int64(input, t.int64);
        } else {
          TinkerRaw.tinker_model_input_add_text_int32(input, t.int32);
        }
      } else if (chunk instanceof Image) {
        Image i = (Image) chunk;
        TinkerRaw.tinker_model_input_add_image(input, i.data, i.format, i.expectedTokens);
      } else {
        ImageAssetPointer p = (ImageAssetPointer) chunk;
        TinkerRaw.tinker_model_input_add_image_asset_pointer(input, p.location(), p.format(), p.expectedTokens());
      }
    }
    return input;
  }

  @Override
  public String toString() {
    return "ModelInput" + chunks;
  }
}
