package dev.sweeplab.model;

/**
 * How each layer's forward multiplier, initial standard deviation and learning rates scale with
 * width, relative to the standard parameterization (SP) at the base width n₀. With r = n / n₀ the
 * parameterizations are written in their papers' own form, as multipliers on SP's init σ =
 * gain/√fan_in, on the global rate η, and on the layer's product W·h (the bias is not multiplied):
 *
 * <pre>
 *                                 input layer          hidden layers          output layer
 *                                 mult σ  W    b       mult  σ   W    b       mult σ    W    b
 * standard              sgd/adam  1    1  1    1       1     1   1    1       1    1    1    1
 * ntk (Jacot et al.)    sgd       1    1  1    1       1/√r  √r  1    1       1/√r √r   1    1
 * mup (TP V, Table 3)   sgd       1    1  r    r       1     1   1    r       1    1/√r 1/r  1
 * mup (TP V, Table 3)   adam      1    1  1    1       1     1   1/r  1       1    1/√r 1/r  1
 * mean_field (depth 1)  sgd       1    1  r    r       -                      1/r  √r   r    1
 * mean_field (depth 1)  adam      1    1  1    1       -                      1/r  √r   1    1
 * </pre>
 *
 * <ul>
 *   <li><b>ntk</b>: Jacot et al. (2018) write W = w/√fan_in with w ~ N(0, 1) and one rate on w, and
 *       biases β·b with no width factor; relative to n₀ that is the multiplier 1/√r on an O(1)
 *       weight (σ × √r) at rate × 1. This is Jacot et al.'s kernel limit of gradient descent;
 *       Adam's own kernel limit (Yang &amp; Littwin 2023, Tensor Programs IVb) scales its rates and
 *       ε differently and is not implemented, so the spec refuses {@code ntk} with {@code adam} and
 *       {@link #scaling} throws.
 *   <li><b>mup</b>: Yang et al. 2022 (Tensor Programs V, Table 3, the form without multipliers):
 *       input weights and every vector with one infinite dimension (the hidden biases) at SGD rate
 *       η·fan_out, Adam rate η; hidden weights at SGD rate η, Adam rate η/fan_in; output weights
 *       with init variance 1/fan_in² and rate η/fan_in; the output bias, whose fan_out is the
 *       number of classes, keeps η (microsoft/mup's {@code MuSGD} and {@code MuAdam} put a
 *       parameter with no infinite dimension in their fixed group).
 *   <li><b>mean_field</b>: the one-hidden-layer network of Chizat &amp; Bach (2018) and Mei,
 *       Montanari &amp; Nguyen (2018), f(x) = (1/n) Σᵢ aᵢ φ(wᵢ·x) + b, with O(1) output weights (σ
 *       fixed at SP's value at n₀: √r times SP's at n) and every particle (aᵢ, wᵢ, its bias) at SGD
 *       rate η·r, so each moves O(1); relative to n₀ the multiplier is n₀/n = 1/r. Under Adam every
 *       raw rate is η. It is not defined here for deeper nets: {@link #scaling} throws for hidden
 *       layers and the spec refuses {@code mean_field} with depth &gt; 1.
 * </ul>
 *
 * Every entry is 1 at r = 1, so every parameterization is SP at the base width.
 *
 * <p>The network computes each parameterization in its equivalent form without multipliers, {@link
 * Scaling#folded}: the effective weight W' = m·W starts with σ' = m·σ and, since ∂loss/∂W =
 * m·∂loss/∂W', trains exactly as W under SGD at rate m²·η and under Adam at rate m·η (Adam's update
 * ignores the gradient's scale; the two agree up to Adam's ε, which the multiplier rescales). This
 * is Yang &amp; Hu's abc-symmetry (a, b, c) → (a + θ, b − θ, c − 2θ) (c − θ for Adam). Folded,
 * mean_field at depth 1 has mup's numbers under both optimizers, as Yang &amp; Hu show for the
 * one-hidden-layer mean-field limit.
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

  /**
   * Multipliers for one layer, relative to SP at the base width: on the product W·h ({@code
   * multiplier}), on the init σ of W, and on the learning rates of W and of the bias b.
   */
  public record Scaling(double multiplier, double sigma, double weightRate, double biasRate) {
    /**
     * The same layer without a forward multiplier: σ × m, the weight rate × m² (SGD) or × m (Adam);
     * the bias, which the multiplier does not touch, unchanged.
     */
    public Scaling folded(boolean adam) {
      double m = multiplier;
      return new Scaling(1, sigma * m, weightRate * (adam ? m : m * m), biasRate);
    }

    /** This layer with its forward multiplier times {@code factor} (an output multiplier α). */
    public Scaling times(double factor) {
      return new Scaling(multiplier * factor, sigma, weightRate, biasRate);
    }
  }

  /** The parameterization named in a spec ({@code standard}, {@code ntk}, {@code mup}, ...). */
  public static Parameterization of(String name) {
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }

  /**
   * Why this parameterization is not defined for {@code depth} hidden layers trained by {@code
   * optimizer}, or null when it is: the words a spec error uses.
   */
  public String undefinedFor(int depth, String optimizer) {
    if (this == NTK && "adam".equals(optimizer)) {
      return "ntk is Jacot et al.'s kernel limit of gradient descent; Adam's kernel limit (Tensor"
          + " Programs IVb) needs its own rates and is not implemented: use training.optimizer:"
          + " sgd";
    }
    if (this == MEAN_FIELD && depth > 1) {
      return "mean_field is the one-hidden-layer network of Chizat & Bach and Mei et al."
          + " (output multiplier 1/n); for deeper nets use model.parameterization: mup, the"
          + " maximal-update limit that generalises it, or model.depth: 1";
    }
    return null;
  }

  /**
   * Multipliers for {@code layer} at width ratio {@code r} under the given optimizer, in the
   * paper's form (see the table above); {@link Scaling#folded} gives what the network uses.
   *
   * @throws IllegalArgumentException where {@link #undefinedFor} names a reason
   */
  public Scaling scaling(Layer layer, double r, boolean adam) {
    return switch (this) {
      case STANDARD -> new Scaling(1, 1, 1, 1);
      case NTK -> {
        if (adam) {
          throw new IllegalArgumentException(undefinedFor(1, "adam"));
        }
        yield layer == Layer.INPUT
            ? new Scaling(1, 1, 1, 1)
            : new Scaling(1 / Math.sqrt(r), Math.sqrt(r), 1, 1);
      }
      case MUP -> {
        double vector = adam ? 1 : r; // one infinite dimension: input weights, hidden biases
        yield switch (layer) {
          case INPUT -> new Scaling(1, 1, vector, vector);
          case HIDDEN -> new Scaling(1, 1, adam ? 1 / r : 1, vector);
          case OUTPUT -> new Scaling(1, 1 / Math.sqrt(r), 1 / r, 1);
        };
      }
      case MEAN_FIELD -> {
        double particle = adam ? 1 : r;
        yield switch (layer) {
          case INPUT -> new Scaling(1, 1, particle, particle);
          case HIDDEN -> throw new IllegalArgumentException(undefinedFor(2, ""));
          case OUTPUT -> new Scaling(1 / r, Math.sqrt(r), particle, 1);
        };
      }
    };
  }
}
