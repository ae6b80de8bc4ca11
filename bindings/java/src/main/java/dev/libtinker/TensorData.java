package dev.libtinker;

import dev.libtinker.raw.SWIGTYPE_p_tinker_datum;
import dev.libtinker.raw.SWIGTYPE_p_tinker_tensor;
import dev.libtinker.raw.TinkerRaw;
import dev.libtinker.raw.tinker_dtype_t;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable dense tensor: float32 or int64 elements in row-major order plus a shape. Used for
 * the loss-function inputs of a {@link Datum} and for the tensors of a {@link
 * ForwardBackwardOutput}. Arrays are copied in and out, so a TensorData never changes.
 */
public final class TensorData {
  /** Element types (the protocol's DType). */
  public enum DType {
    FLOAT32,
    INT64
  }

  private final DType dtype;
  private final long[] shape;
  private final float[] float32;
  private final long[] int64;

  private TensorData(DType dtype, float[] float32, long[] int64, long numel, long[] shape) {
    this.dtype = dtype;
    this.float32 = float32;
    this.int64 = int64;
    if (shape == null || shape.length == 0) {
      this.shape = new long[] {numel};
    } else {
      long product = 1;
      for (long d : shape) {
        if (d < 0) {
          throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        }
        product *= d;
      }
      if (product != numel) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " holds " + product + " elements, the data " + numel);
      }
      this.shape = shape.clone();
    }
  }

  /** A float32 tensor; no shape means flat ({@code [data.length]}). The data is copied. */
  public static TensorData ofFloat32(float[] data, long... shape) {
    Objects.requireNonNull(data, "data");
    return new TensorData(DType.FLOAT32, data.clone(), null, data.length, shape);
  }

  /** An int64 tensor; no shape means flat ({@code [data.length]}). The data is copied. */
  public static TensorData ofInt64(long[] data, long... shape) {
    Objects.requireNonNull(data, "data");
    return new TensorData(DType.INT64, null, data.clone(), data.length, shape);
  }

  public DType dtype() {
    return dtype;
  }

  /** The dimensions (a copy); a flat tensor has one. */
  public long[] shape() {
    return shape.clone();
  }

  public int numel() {
    return dtype == DType.FLOAT32 ? float32.length : int64.length;
  }

  /** The elements of a float32 tensor (a copy). */
  public float[] float32() {
    if (dtype != DType.FLOAT32) {
      throw new IllegalStateException("the tensor holds " + dtype + ", not FLOAT32");
    }
    return float32.clone();
  }

  /** The elements of an int64 tensor (a copy). */
  public long[] int64() {
    if (dtype != DType.INT64) {
      throw new IllegalStateException("the tensor holds " + dtype + ", not INT64");
    }
    return int64.clone();
  }

  /** Adds this tensor to a datum builder as loss input {@code name} (the C side checks the key's dtype). */
  void addTo(SWIGTYPE_p_tinker_datum datum, String name) {
    if (dtype == DType.FLOAT32) {
      TinkerRaw.tinker_datum_add_tensor_float32(datum, name, float32, shape);
    } else {
      TinkerRaw.tinker_datum_add_tensor_int64(datum, name, int64, shape);
    }
  }

  /** Copies a borrowed result tensor out of native memory. */
  static TensorData copyOf(SWIGTYPE_p_tinker_tensor tensor) {
    long n = TinkerRaw.tinker_tensor_numel(tensor);
    if (n > Integer.MAX_VALUE - 8) {
      throw new TinkerException(
          Status.OUT_OF_RANGE, "tensor of " + n + " elements does not fit a Java array",
          TinkerException.Category.USER, 0, "", false);
    }
    long[] shape = new long[(int) TinkerRaw.tinker_tensor_ndim(tensor)];
    for (int d = 0; d < shape.length; d++) {
      shape[d] = TinkerRaw.tinker_tensor_dim(tensor, d);
    }
    long[] written = new long[1];
    int dtype = TinkerRaw.tinker_tensor_dtype(tensor);
    if (dtype == tinker_dtype_t.TINKER_DTYPE_FLOAT32) {
      float[] data = new float[(int) n];
      TinkerRaw.tinker_tensor_copy_to_float32(tensor, data, written);
      return new TensorData(DType.FLOAT32, data, null, n, shape);
    }
    if (dtype == tinker_dtype_t.TINKER_DTYPE_INT64) {
      long[] data = new long[(int) n];
      TinkerRaw.tinker_tensor_copy_to_int64(tensor, data, written);
      return new TensorData(DType.INT64, null, data, n, shape);
    }
    throw new TinkerException(
        Status.INTERNAL, "tensor with unknown dtype " + dtype, TinkerException.Category.UNKNOWN, 0, "", false);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TensorData)) {
      return false;
    }
    TensorData t = (TensorData) o;
    return dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(float32, t.float32)
        && Arrays.equals(int64, t.int64);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(float32), Arrays.hashCode(int64));
  }

  @Override
  public String toString() {
    String data = dtype == DType.FLOAT32 ? Arrays.toString(float32) : Arrays.toString(int64);
    return "TensorData{" + dtype + " " + Arrays.toString(shape) + " " + data + "}";
  }
}
