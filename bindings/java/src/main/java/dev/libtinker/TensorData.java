package dev.libtinker;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable tensor of float32 or int64 elements. Dense: every element in row-major order plus
 * a shape. Sparse CSR (loss inputs only): a 2-D tensor given by its non-zero values, their row
 * offsets and column indices, plus its dense shape {@code [nrows, ncols]}. Used for the
 * loss-function inputs of a {@link Datum} and for the (always dense) tensors of a {@link
 * ForwardBackwardOutput}. Arrays are copied in and out, so a TensorData never changes.
 */
public final class TensorData {
  /** Element types (the protocol's DType). */
  public enum DType {
    /** 32-bit floats ({@link #float32}). */
    FLOAT32,
    /** 64-bit integers ({@link #int64}). */
    INT64
  }

  private final DType dtype;
  private final long[] shape;
  private final float[] float32;
  private final long[] int64;
  // Both null for a dense tensor.
  private final long[] crowIndices;
  private final long[] colIndices;

  private TensorData(DType dtype, float[] float32, long[] int64, long numel, long[] shape) {
    this.dtype = dtype;
    this.float32 = float32;
    this.int64 = int64;
    this.crowIndices = null;
    this.colIndices = null;
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

  /**
   * A float32 tensor; no shape means flat ({@code [data.length]}). The data is copied.
   *
   * @param data the elements, row-major
   * @param shape the dimensions; none: {@code [data.length]}
   * @return the tensor
   */
  public static TensorData ofFloat32(float[] data, long... shape) {
    Objects.requireNonNull(data, "data");
    return new TensorData(DType.FLOAT32, data.clone(), null, data.length, shape);
  }

  /**
   * An int64 tensor; no shape means flat ({@code [data.length]}). The data is copied.
   *
   * @param data the elements, row-major
   * @param shape the dimensions; none: {@code [data.length]}
   * @return the tensor
   */
  public static TensorData ofInt64(long[] data, long... shape) {
    Objects.requireNonNull(data, "data");
    return new TensorData(DType.INT64, null, data.clone(), data.length, shape);
  }

  private TensorData(
      DType dtype, float[] float32, long[] int64, long[] crowIndices, long[] colIndices, long nrows, long ncols) {
    this.dtype = dtype;
    this.float32 = float32;
    this.int64 = int64;
    this.crowIndices = Objects.requireNonNull(crowIndices, "crowIndices").clone();
    this.colIndices = Objects.requireNonNull(colIndices, "colIndices").clone();
    this.shape = new long[] {nrows, ncols};
  }

  /**
   * A sparse CSR float32 tensor of dense shape {@code [nrows, ncols]}: row {@code r} holds
   * {@code values[k]} in column {@code colIndices[k]} for {@code k} from {@code crowIndices[r]}
   * to {@code crowIndices[r + 1] - 1}. The arrays are copied. libtinker checks the layout when a
   * datum holding the tensor is sent: a malformed one ({@code crowIndices} not of length {@code
   * nrows + 1}, not from 0 to {@code values.length} or decreasing, {@code colIndices} not of
   * length {@code values.length}, a column outside {@code [0, ncols)}) fails that call with
   * {@link Status#INVALID_ARGUMENT} saying which, before anything is sent.
   *
   * @param values the stored values
   * @param crowIndices the row offsets, {@code nrows + 1} of them
   * @param colIndices the column of each value
   * @param nrows the dense shape's rows
   * @param ncols the dense shape's columns
   * @return the tensor
   */
  public static TensorData ofSparseFloat32(
      float[] values, long[] crowIndices, long[] colIndices, long nrows, long ncols) {
    Objects.requireNonNull(values, "values");
    return new TensorData(DType.FLOAT32, values.clone(), null, crowIndices, colIndices, nrows, ncols);
  }

  /**
   * A sparse CSR int64 tensor (see {@link #ofSparseFloat32}).
   *
   * @param values the stored values
   * @param crowIndices the row offsets, {@code nrows + 1} of them
   * @param colIndices the column of each value
   * @param nrows the dense shape's rows
   * @param ncols the dense shape's columns
   * @return the tensor
   */
  public static TensorData ofSparseInt64(
      long[] values, long[] crowIndices, long[] colIndices, long nrows, long ncols) {
    Objects.requireNonNull(values, "values");
    return new TensorData(DType.INT64, null, values.clone(), crowIndices, colIndices, nrows, ncols);
  }

  /**
   * The element type.
   *
   * @return FLOAT32 or INT64
   */
  public DType dtype() {
    return dtype;
  }

  /**
   * True for a sparse CSR tensor.
   *
   * @return true when sparse
   */
  public boolean isSparse() {
    return crowIndices != null;
  }

  /**
   * The dimensions (a copy); a flat tensor has one, a sparse one its dense {@code [nrows, ncols]}.
   *
   * @return the dimensions
   */
  public long[] shape() {
    return shape.clone();
  }

  /**
   * The number of stored elements: all of a dense tensor's, the values of a sparse one.
   *
   * @return the count
   */
  public int numel() {
    return dtype == DType.FLOAT32 ? float32.length : int64.length;
  }

  /**
   * The row offsets of a sparse tensor (a copy).
   *
   * @return {@code nrows + 1} offsets
   * @throws IllegalStateException for a dense tensor
   */
  public long[] crowIndices() {
    requireSparse();
    return crowIndices.clone();
  }

  /**
   * The column of each value of a sparse tensor (a copy).
   *
   * @return one column per value
   * @throws IllegalStateException for a dense tensor
   */
  public long[] colIndices() {
    requireSparse();
    return colIndices.clone();
  }

  private void requireSparse() {
    if (!isSparse()) {
      throw new IllegalStateException("the tensor is dense");
    }
  }

  /**
   * The elements of a float32 tensor, the values of a sparse one (a copy).
   *
   * @return the elements
   * @throws IllegalStateException for an int64 tensor
   */
  public float[] float32() {
    if (dtype != DType.FLOAT32) {
      throw new IllegalStateException("the tensor holds " + dtype + ", not FLOAT32");
    }
    return float32.clone();
  }

  /**
   * The elements of an int64 tensor, the values of a sparse one (a copy).
   *
   * @return the elements
   * @throws IllegalStateException for a float32 tensor
   */
  public long[] int64() {
    if (dtype != DType.INT64) {
      throw new IllegalStateException("the tensor holds " + dtype + ", not INT64");
    }
    return int64.clone();
  }

  /**
   * Adds this tensor to a datum builder as loss input {@code name} (the C side checks the key's
   * dtype and a sparse layout).
   */
  void addTo(SWIGTYPE_p_tinker_datum datum, String name) {
    if (isSparse()) {
      if (dtype == DType.FLOAT32) {
        TinkerRaw.tinker_datum_add_sparse_tensor_float32(datum, name, float32, crowIndices, colIndices, shape);
      } else {
        TinkerRaw.tinker_datum_add_sparse_tensor_int64(datum, name, int64, crowIndices, colIndices, shape);
      }
    } else if (dtype == DType.FLOAT32) {
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
        && Arrays.equals(int64, t.int64)
        && Arrays.equals(crowIndices, t.crowIndices)
        && Arrays.equals(colIndices, t.colIndices);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        dtype,
        Arrays.hashCode(shape),
        Arrays.hashCode(float32),
        Arrays.hashCode(int64),
        Arrays.hashCode(crowIndices),
        Arrays.hashCode(colIndices));
  }

  @Override
  public String toString() {
    String data = dtype == DType.FLOAT32 ? Arrays.toString(float32) : Arrays.toString(int64);
    String layout =
        isSparse()
            ? " csr crow " + Arrays.toString(crowIndices) + " col " + Arrays.toString(colIndices) + " values "
            : " ";
    return "TensorData{" + dtype + " " + Arrays.toString(shape) + layout + data + "}";
  }
}
