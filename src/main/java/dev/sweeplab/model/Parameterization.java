package dev.sweeplab.model;

/**
 * How a layer's initial standard deviation and learning rate scale with width, relative to the
 * standard parameterization (SP) at the base width. DL4J has no per-layer output multiplier, so
 * every abc-parameterization of Yang &amp; Hu (2021, "Feature Learning in Infinite-Width Neural
 * Networks", §3) is expressed in its equivalent form with a = 0: the symmetry (a, b, c) → (a + θ, b
 * − θ, c − 2θ) leaves SGD training unchanged (c − θ for Adam, whose update ignores gradient scale),
 * so the multiplier n^−a moves into the init variance (b' = a + b) and the learning rate (c' = c +
 * 2a for SGD, c + a for Adam).
 *
 * <p>With r = width / base_width, the multipliers on SP's init σ = gain/√fan_in and on the global
 * learning rate η are:
 *
 * <pre>
 *                      input layer          hidden layers        output layer
 *                      σ     SGD   Adam     σ     SGD   Adam     σ       SGD   Adam
 * standard             1     1     1        1     1     1        1       1     1
 * ntk  (Jacot et al.)  1     1     1        1     1/r   1/√r     1       1/r   1/√r
 * mup  (Yang & Hu)     1     r     1        1     1     1/r      1/√r    1/r   1/r
 * mean_field           as mup
 * </pre>
 *
 * muP follows Yang et al. 2022 (Tensor Programs V, Table 3): output init variance ∝ 1/fan_in²,
 * hidden Adam rate η/fan_in, input SGD rate η·fan_out; biases take the input layer's rate. NTK puts
 * W = w/√fan_in with one rate on w (Jacot et al. 2018), whose a = 0 form divides the hidden and
 * output rates by fan_in (SGD) or √fan_in (Adam). Mean-field (Chizat &amp; Bach 2018; Mei et al.
 * 2018) is defined for one hidden layer, where Yang &amp; Hu show it is muP; for deeper nets this
 * class uses muP's exponents, the maximal-update limit that generalises it. At width = base_width
 * every parameterization is SP.
 */
public enum Parameterization {
  STANDARD,
  NTK,
  MUP,
  MEAN_FIELD;

  /** Which of the three kinds of layer a weight matrix is. */
  public enum Layer {
    INPUT,
    HIDDEN,
    OUTPUT
  }

  /** Multipliers for one layer: on the init σ, the weight learning rate and the bias rate. */
  public record Scaling(double sigma, double weightRate, double biasRate) {}

  /** The parameterization named in a spec ({@code standard}, {@code ntk}, {@code mup}, ...). */
  public static Parameterization of(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }

  /** Multipliers for {@code layer} at width ratio {@code r} under the given optimizer. */
  public Scaling scaling(Layer layer, double r, boolean adam) {
    return switch (this) {
      case STANDARD -> new Scaling(1, 1, 1);
      case NTK -> {
        double rate = layer == Layer.INPUT ? 1 : adam ? 1 / Math.sqrt(r) : 1 / r;
        yield new Scaling(1, rate, rate);
      }
      case MUP, MEAN_FIELD -> {
        double inputRate = adam ? 1 : r;
        double sigma = layer == Layer.OUTPUT ? 1 / Math.sqrt(r) : 1;
        double rate =
            switch (layer) {
              case INPUT -> inputRate;
              case HIDDEN -> adam ? 1 / r : 1;
              case OUTPUT -> 1 / r;
            };
        yield new Scaling(sigma, rate, inputRate);
      }
    };
  }
}
