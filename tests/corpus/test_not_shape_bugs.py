"""Failures that are not shape bugs: pytest-shapes must leave every one alone.

Plain user code with no marker and no fixture. Runs under Keras 3 and under
legacy Keras 2 (TF_USE_LEGACY_KERAS=1), so it uses `tf.keras`.
tests/test_corpus.py runs each test through pytester and checks what a user sees.
"""

import numpy as np
import tensorflow as tf

keras = tf.keras  # tf_keras under TF_USE_LEGACY_KERAS=1, Keras 3 otherwise
layers = keras.layers

np.random.seed(0)


def dense_model(n_in=64, n_out=10):
    return keras.Sequential([keras.Input(shape=(n_in,)), layers.Dense(n_out)])


X16 = np.random.rand(16, 8).astype("float32")


def test_gather_out_of_range():
    tf.gather(tf.ones((5, 3)), tf.constant([0, 7]))


def test_user_value_error():
    raise ValueError("bad config")


def test_unknown_activation():
    layers.Dense(3, activation="foo")


def test_call_model_with_string():
    dense_model()("hello")


def test_zero_division():
    return 1 / 0


def test_not_found_read_file():
    tf.io.read_file("/nonexistent/definitely_missing.txt")


def test_user_value_error_with_shape_words():
    raise ValueError("expected shape (3, 4) in config file, got something else")


def test_unknown_loss():
    m = dense_model(8, 3)
    m.compile(optimizer="sgd", loss="not_a_loss")
    m.fit(X16, np.zeros((16, 3), "float32"), verbose=0, epochs=1)


# ---------------------------------------------------------------------------
# Raised inside a Keras layer or model call (Keras wraps most with call context)
# ---------------------------------------------------------------------------

X28 = np.random.rand(2, 8).astype("float32")


class ConfigTable(layers.Layer):
    def __init__(self, table_config, **kwargs):
        super().__init__(**kwargs)
        self.table_config = table_config

    def call(self, x):
        if self.table_config != (3, 4):
            raise ValueError(f"expected config (3, 4) for the lookup table, got {self.table_config}")
        return x


def test_layer_config_tuple_mismatch():
    # a custom layer validating a hyper-parameter tuple loaded from a YAML file
    ConfigTable((3, 5))(X28)


class Ranker(layers.Layer):
    def __init__(self, scorer="bm25", **kwargs):
        super().__init__(**kwargs)
        self.scorer = scorer

    def call(self, x):
        if self.scorer not in ("dot", "cosine"):
            raise ValueError(f"cannot rank the candidates: scorer {self.scorer!r} is not registered (2 available)")
        return x


def test_layer_rank_candidates_unknown_scorer():
    # a retrieval layer with a misspelt scoring function name
    Ranker("bm25")(X28)


class MicroBatcher(layers.Layer):
    def __init__(self, micro_batch_size, **kwargs):
        super().__init__(**kwargs)
        self.micro_batch_size = micro_batch_size

    def call(self, x):
        if self.micro_batch_size <= 0:
            raise ValueError(f"batch size must be positive, got {self.micro_batch_size}")
        return x


def test_layer_batch_size_must_be_positive():
    # a gradient-accumulation layer configured with micro_batch_size=0 from a CLI flag
    MicroBatcher(0)(X28)


class FeatureCrosser(layers.Layer):
    def __init__(self, vocab_sizes, **kwargs):
        super().__init__(**kwargs)
        self.vocab_sizes = vocab_sizes

    def call(self, x):
        if not isinstance(self.vocab_sizes, dict):
            raise TypeError(f"vocab_sizes must map feature names to sizes, got {type(self.vocab_sizes).__name__}")
        return x


def test_layer_type_error_in_config():
    # a feature-crossing layer given a list of vocab sizes instead of a dict
    FeatureCrosser([10, 20])(X28)


class PaddingFirst(layers.Layer):
    def call(self, tokens):
        tf.debugging.assert_equal(tokens[:, 0], 0, message="first token must be the padding id 0")
        return tokens


def test_layer_assert_equal_on_values():
    # a tokenizer layer checking that sequences start with the padding id
    PaddingFirst()(tf.constant([[0, 5, 6], [3, 5, 6]]))


class Probabilities(layers.Layer):
    def call(self, p):
        tf.debugging.assert_less(p, 1.0, message="probabilities must be < 1")
        return tf.math.log1p(-p)


def test_layer_assert_less_on_values():
    # a log(1 - p) layer receiving a probability of exactly 1.0
    Probabilities()(tf.constant([[0.2, 1.0]]))


class CountEncoder(layers.Layer):
    def call(self, counts):
        tf.debugging.assert_non_negative(counts, message="counts must be non-negative")
        return tf.math.log1p(counts)


def test_layer_assert_non_negative():
    # a count feature with a -1 sentinel for missing values
    CountEncoder()(tf.constant([[3.0, -1.0, 2.0]]))


class LogScale(layers.Layer):
    def call(self, x):
        return tf.debugging.check_numerics(tf.math.log(x), "LogScale output")


def test_layer_check_numerics_nan():
    # log of a negative feature value produces NaN and check_numerics trips
    LogScale()(tf.constant([[1.0, -2.0]]))


def test_embedding_id_out_of_range():
    # a token id from a bigger vocabulary than the Embedding was built for
    layers.Embedding(input_dim=10, output_dim=4)(tf.constant([[1, 12]]))


def test_string_lookup_oov_without_oov_bucket():
    # StringLookup with num_oov_indices=0 meeting an unseen category
    layers.StringLookup(vocabulary=["red", "green"], num_oov_indices=0)(tf.constant(["blue"]))


def test_integer_lookup_oov_without_oov_bucket():
    # IntegerLookup with num_oov_indices=0 meeting an unseen id
    layers.IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=0)(tf.constant([40]))


def test_discretization_unsorted_boundaries():
    # bucket boundaries pasted in the wrong order
    layers.Discretization(bin_boundaries=[10.0, 5.0, 20.0])(tf.constant([7.0]))


def test_lambda_python_zero_division():
    # a Lambda normalising by a Python count that is zero for an empty split
    n_valid = 0
    layers.Lambda(lambda x: x * (1.0 / n_valid))(X28)


class PickColumns(layers.Layer):
    def call(self, x):
        return tf.gather(x, [0, 9], axis=1)


def test_layer_gather_bad_index():
    # a column-selection layer with a hard-coded column index past the feature count
    PickColumns()(X28)


class Unfinished(layers.Layer):
    def call(self, x, training=None):
        if training:
            raise NotImplementedError("training mode for the quantized path is not implemented yet")
        return x


def test_layer_not_implemented_in_training():
    # a layer with a stubbed-out training branch
    Unfinished()(X28, training=True)


class LabelMapper(layers.Layer):
    def __init__(self, mode="binary", **kwargs):
        super().__init__(**kwargs)
        self.mode = mode

    def call(self, x):
        heads = {"multiclass": 3, "multilabel": 5}
        return x * heads[self.mode]


def test_layer_key_error_in_dict_lookup():
    # a head-selection layer keyed by a task name that is not in its table
    LabelMapper("binary")(X28)


class MultiHead(layers.Layer):
    def __init__(self, n_heads, **kwargs):
        super().__init__(**kwargs)
        self.scales = [1.0] * n_heads

    def call(self, x, head=0):
        return x * self.scales[head]


def test_layer_python_list_index_error():
    # selecting head 3 of a layer that has only 2 heads
    MultiHead(2)(X28, head=3)


class LossInCall(layers.Layer):
    def call(self, logits, labels):
        return keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)


def test_layer_sparse_ce_label_out_of_range():
    # labels 1-based (1..3) fed to a 3-class loss computed inside a layer
    LossInCall()(tf.constant([[0.1, 0.2, 0.7]]), tf.constant([3]))


class SetSlot(layers.Layer):
    def call(self, x):
        return tf.tensor_scatter_nd_update(x, [[0, 8]], [1.0])


def test_layer_tensor_scatter_bad_index():
    # writing a flag into slot 8 of an 8-slot feature row (off-by-one)
    SetSlot()(X28)


class SegmentPool(layers.Layer):
    def call(self, x, segment_ids):
        return tf.math.unsorted_segment_sum(x, segment_ids, num_segments=2)


def test_layer_segment_id_out_of_range():
    # graph pooling where a node carries a graph id beyond num_segments
    SegmentPool()(X28, tf.constant([0, 5]))


class Whitening(layers.Layer):
    def call(self, cov):
        return tf.linalg.inv(cov)


def test_layer_matrix_not_invertible():
    # a whitening layer given a singular covariance matrix
    Whitening()(tf.constant([[1.0, 2.0], [2.0, 4.0]]))


class ParsePrice(layers.Layer):
    def call(self, s):
        return tf.strings.to_number(s)


def test_layer_string_to_number():
    # a CSV price column with "n/a" in it
    ParsePrice()(tf.constant(["12.5", "n/a"]))


class VocabFromFile(layers.Layer):
    def call(self, x):
        tf.io.read_file("/nonexistent/vocab/tokens.txt")
        return x


def test_layer_reads_missing_vocab_file():
    # a layer that loads its vocabulary file lazily at call time
    VocabFromFile()(X28)


class UnitConverter(layers.Layer):
    def call(self, x):
        def convert(v):
            raise ValueError("unknown unit 'stone': expected one of ('kg', 'lb')")

        return tf.py_function(convert, [x], tf.float32)


def test_layer_py_function_user_error():
    # a py_function helper inside a layer raising on an unsupported unit
    UnitConverter()(X28)


class Calibrated(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.temperature = None

    def call(self, x):
        if self.temperature is None:
            raise RuntimeError("Calibrated layer must be fitted with calibrate() before it is called")
        return x / self.temperature


def test_layer_runtime_error_not_calibrated():
    # a temperature-scaling layer used before its calibration step
    Calibrated()(X28)


class Positions(layers.Layer):
    def __init__(self, stride, **kwargs):
        super().__init__(**kwargs)
        self.stride = stride

    def call(self, x):
        return x + tf.cast(tf.range(0, 8, self.stride), x.dtype)


def test_layer_range_zero_delta():
    # a positional layer configured with stride 0
    Positions(0)(X28)


class SparseFeatures(layers.Layer):
    def call(self, values):
        st = tf.SparseTensor(indices=[[0, 3], [0, 1]], values=values, dense_shape=[1, 4])
        return tf.sparse.to_dense(st)


def test_layer_sparse_indices_out_of_order():
    # a sparse feature built from unsorted (col) indices
    SparseFeatures()(tf.constant([1.0, 2.0]))


def test_sequential_build_custom_layer_error():
    # a user error from a custom layer, raised while a Sequential with an Input builds itself
    keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4), MicroBatcher(-2)])


def test_sequential_first_call_custom_layer_error():
    # the same user error in a Sequential without Input, raised on the first model(x)
    model = keras.Sequential([layers.Dense(4), MicroBatcher(-2)])
    model(X28)


class Tower(keras.Model):
    def __init__(self, micro_batch_size=-2, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(4)
        self.batcher = MicroBatcher(micro_batch_size)

    def call(self, x):
        return self.batcher(self.dense(x))


def test_model_call_nested_custom_layer_error():
    # a user error from a custom layer nested in a subclassed Model, seen through model(x)
    Tower()(X28)


def test_predict_nested_custom_layer_error():
    # the same nested user error seen through model.predict (traced in a tf.function)
    Tower().predict(X28, verbose=0)


class TokenCounter(layers.Layer):
    def call(self, x):
        ta = tf.TensorArray(tf.float32, size=3)
        ta = ta.write(0, 1.0)
        return x * ta.read(5)


def test_layer_tensor_array_read_out_of_range():
    # a decoding-loop layer reading a TensorArray slot it never wrote
    TokenCounter()(X28)


# ---------------------------------------------------------------------------
# Inside model.fit / predict / build, not wrapped with a layer call context
# ---------------------------------------------------------------------------


def test_predict_embedding_id_out_of_range():
    # predict on token ids from a newer tokenizer with a bigger vocabulary
    model = keras.Sequential([keras.Input(shape=(2,), dtype="int32"), layers.Embedding(10, 4)])
    model.predict(np.array([[1, 12]], "int32"), verbose=0)


def test_fit_sparse_ce_label_out_of_range():
    # 1-based class labels (1..3) with a 3-class sparse crossentropy loss
    m = dense_model(8, 3)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    m.fit(X16, np.full((16,), 3, "int32"), verbose=0, epochs=1)


class BadHeads(layers.Layer):
    def build(self, input_shape):
        raise ValueError("num_heads must divide key_dim: got 3 heads for key_dim 8")


def test_layer_build_hyperparameter_error():
    # a custom attention layer rejecting its head count in build()
    BadHeads()(X28)


def test_fit_custom_loss_user_error():
    # a weighted loss whose class weights sum to zero
    def weighted_mse(y_true, y_pred):
        weights = [0.0, 0.0, 0.0]
        if sum(weights) == 0:
            raise ValueError("class weights sum to 0; expected 3 positive weights")
        return tf.reduce_mean(tf.square(y_true - y_pred))

    m = dense_model(8, 3)
    m.compile(optimizer="sgd", loss=weighted_mse)
    m.fit(X16, np.zeros((16, 3), "float32"), verbose=0, epochs=1)


def test_fit_custom_metric_user_error():
    # a custom metric with an out-of-range decision threshold
    def precision_at(y_true, y_pred, threshold=1.5):
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {threshold}")
        return tf.reduce_mean(y_pred)

    m = dense_model(8, 3)
    m.compile(optimizer="sgd", loss="mse", metrics=[precision_at])
    m.fit(X16, np.zeros((16, 3), "float32"), verbose=0, epochs=1)


def test_fit_callback_raises():
    # a divergence-guard callback stopping the run with an error
    class DivergenceGuard(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise RuntimeError(f"loss diverged at batch {batch}: 1e9 > 1e3")

    m = dense_model(8, 3)
    m.compile(optimizer="sgd", loss="mse")
    m.fit(X16, np.zeros((16, 3), "float32"), verbose=0, epochs=1, callbacks=[DivergenceGuard()])


class AssertPositive(layers.Layer):
    def call(self, x):
        tf.debugging.assert_non_negative(x, message="prices must be non-negative")
        return x


def test_fit_assert_inside_layer_graph():
    # a data-quality assertion inside a layer, tripping in the compiled train step
    m = keras.Sequential([keras.Input(shape=(8,)), AssertPositive(), layers.Dense(3)])
    m.compile(optimizer="sgd", loss="mse")
    m.fit(X16 - 2.0, np.zeros((16, 3), "float32"), verbose=0, epochs=1)


def test_fit_unknown_metric_name():
    # a misspelt metric name in compile()
    m = dense_model(8, 3)
    m.compile(optimizer="sgd", loss="mse", metrics=["acuracy"])
    m.fit(X16, np.zeros((16, 3), "float32"), verbose=0, epochs=1)


def test_fit_negative_batch_size():
    # batch_size computed as n_samples // n_workers - 1 became negative
    m = dense_model(8, 3)
    m.compile(optimizer="sgd", loss="mse")
    m.fit(X16, np.zeros((16, 3), "float32"), batch_size=-1, verbose=0, epochs=1)


def test_evaluate_before_compile():
    # evaluate() on a freshly loaded model that was never compiled
    dense_model(8, 3).evaluate(X16, np.zeros((16, 3), "float32"), verbose=0)


def test_fit_without_loss():
    # compile() called with an optimizer only
    m = dense_model(8, 3)
    m.compile(optimizer="sgd")
    m.fit(X16, np.zeros((16, 3), "float32"), verbose=0, epochs=1)


def test_user_accuracy_assert():
    # a regression test asserting a minimum accuracy of an (untrained) model
    m = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(3, kernel_initializer="zeros")])
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    _, acc = m.evaluate(X16, np.ones((16,), "int32"), verbose=0)
    assert acc >= 0.9, f"accuracy {acc:.3f} < 0.9 on 16 samples"


# ---------------------------------------------------------------------------
# Outside any layer: TF ops, tf.data, files, configuration
# ---------------------------------------------------------------------------


def test_tensor_scatter_index_out_of_range():
    # updating slot 7 of a 4-slot buffer
    tf.tensor_scatter_nd_update(tf.zeros((4,)), [[7]], [1.0])


def test_string_to_number_bad_value():
    # parsing a numeric CSV column that contains "abc"
    tf.strings.to_number(tf.constant(["1.5", "abc"]))


def test_unknown_optimizer_name():
    # a misspelt optimizer name from a config file
    keras.optimizers.get("adamw2")


def test_load_model_missing_path():
    # loading a model artifact that was never downloaded
    keras.models.load_model("/nonexistent/models/classifier.keras")


def test_dropout_rate_out_of_range():
    # dropout given as a percentage instead of a fraction
    layers.Dropout(rate=1.5)


def test_random_seed_wrong_type():
    # a seed read from an environment variable as a string
    tf.random.uniform((2,), seed="42")


def test_dataset_iterator_exhausted():
    # next() on a tf.data iterator after the last element
    it = iter(tf.data.Dataset.range(2))
    next(it)
    next(it)
    next(it)


def test_dataset_map_user_error():
    # a tf.data parse function rejecting a record format version
    version = 3

    def parse(x):
        if version not in (1, 2):
            raise ValueError(f"unsupported record version {version}; expected 1 or 2")
        return x

    tf.data.Dataset.range(4).map(parse)


def test_dataset_py_function_error_at_iteration():
    # a py_function decoder in tf.data failing on a corrupt record
    def decode(x):
        raise ValueError(f"corrupt record {int(x)}: header size 0")

    ds = tf.data.Dataset.range(3).map(lambda x: tf.py_function(decode, [x], tf.int64))
    next(iter(ds))


def test_dataset_batch_size_zero():
    # a batch size computed as n_samples // 64 for a small data set
    tf.data.Dataset.range(5).batch(0)


def test_dataset_shuffle_buffer_zero():
    # a shuffle buffer size of 0 from a config default
    tf.data.Dataset.range(5).shuffle(0)


def test_assert_equal_on_values():
    # a check that two id columns agree
    tf.debugging.assert_equal(tf.constant([1, 2, 3]), tf.constant([1, 2, 4]))


def test_assert_non_negative_on_values():
    # a check on a column of prices
    tf.debugging.assert_non_negative(tf.constant([0.5, -1.2]))


def test_assert_near_on_values():
    # a numerical regression test comparing with a stored reference value
    tf.debugging.assert_near(tf.constant([1.0]), tf.constant([1.5]))


def test_check_numerics_outside_layer():
    # log-probabilities of a negative value
    tf.debugging.check_numerics(tf.math.log(tf.constant([-1.0])), "log prob")


def test_numpy_index_out_of_bounds():
    # picking sample 10 from an array of 5 samples
    samples = np.zeros((5, 3))
    return samples[10]


def test_to_categorical_label_out_of_range():
    # label 5 encoded with num_classes=3
    keras.utils.to_categorical([0, 5], num_classes=3)


def test_tensor_array_read_out_of_range():
    # reading slot 5 of a TensorArray of size 3
    tf.TensorArray(tf.float32, size=3).write(0, 1.0).read(5)


def test_range_zero_delta():
    # tf.range with a step of 0
    tf.range(0, 5, 0)


def test_substr_position_out_of_range():
    # taking characters 10..12 of a 5-character string
    tf.strings.substr("hello", 10, 2)


def test_decode_base64_invalid():
    # decoding a field that is not web-safe base64
    tf.io.decode_base64("@@@")


def test_decode_png_not_an_image():
    # decoding an HTML error page saved as .png
    tf.io.decode_png(tf.constant(b"<html>404</html>"))


def test_sparse_index_out_of_bounds():
    # a sparse tensor with an index past its dense_shape
    tf.sparse.to_dense(tf.SparseTensor([[5]], [1.0], [3]))


def test_random_uniform_int_bad_range():
    # minval and maxval swapped in an integer sampler
    tf.random.uniform((2,), minval=5, maxval=1, dtype=tf.int32)


def test_parse_example_missing_feature():
    # a TFRecord example without a required feature
    tf.io.parse_single_example(tf.train.Example().SerializeToString(), {"price": tf.io.FixedLenFeature([], tf.float32)})


def test_load_checkpoint_missing():
    # restoring from a checkpoint prefix that does not exist
    tf.train.load_checkpoint("/nonexistent/ckpt/model")


def test_gfile_missing():
    # reading a label file from the wrong directory
    tf.io.gfile.GFile("/nonexistent/labels.txt").read()


def test_unknown_initializer_name():
    # a misspelt initializer name
    layers.Dense(3, kernel_initializer="glorot")


def test_conv_padding_invalid():
    # padding="full" carried over from another framework
    layers.Conv2D(4, 3, padding="full")


def test_conv_zero_filters():
    # a filter count computed as width // 8 for a small width
    layers.Conv2D(0, 3)


def test_conv_zero_strides():
    # strides=0 from an unset config value
    layers.Conv2D(4, 3, strides=0)


def test_sgd_momentum_out_of_range():
    # momentum given as 1.5
    keras.optimizers.SGD(momentum=1.5)


def test_save_model_to_missing_directory():
    # saving into an output directory that was never created
    dense_model(8, 3).save("/nonexistent/out/model.keras")


def test_load_weights_missing_file():
    # loading weights from a path with a typo
    dense_model(8, 3).load_weights("/nonexistent/out/model.weights.h5")


def test_get_layer_unknown_name():
    # looking up a layer by a name that changed
    dense_model(8, 3).get_layer("encoder")


def test_get_layer_index_out_of_range():
    # looking up layer 5 of a one-layer model
    dense_model(8, 3).get_layer(index=5)


def test_count_params_unbuilt_model():
    # count_params() on a Sequential without an Input
    keras.Sequential([layers.Dense(3)]).count_params()


def test_layer_unrecognized_keyword_argument():
    # a renamed constructor argument passed through **kwargs to Layer
    class Scale(layers.Layer):
        def __init__(self, factor=1.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

    Scale(factor=2.0, scale_axis=-1)


def test_clone_custom_layer_without_kwargs():
    # a custom layer whose __init__ lacks **kwargs, so from_config(name=...) fails
    class Gate(layers.Layer):
        def __init__(self, units):
            super().__init__()
            self.units = units

        def get_config(self):
            config = super().get_config()
            config.update({"units": self.units})
            return config

    Gate.from_config(Gate(3).get_config())


def test_custom_layer_get_config_fails():
    # a get_config with a typo in an attribute name, hit by model.to_json()
    class Shift(layers.Layer):
        def __init__(self, offset=0.0, **kwargs):
            super().__init__(**kwargs)
            self.offset = offset

        def call(self, x):
            return x + self.offset

        def get_config(self):
            config = super().get_config()
            config.update({"offset": self.ofset})
            return config

    keras.Sequential([keras.Input(shape=(8,)), Shift(1.0)]).to_json()


def test_hashing_zero_bins():
    # a hashing layer with num_bins=0
    layers.Hashing(num_bins=0)


def test_string_lookup_duplicate_vocabulary():
    # a vocabulary file with a repeated token
    layers.StringLookup(vocabulary=["a", "b", "a"])


def test_callback_with_a_wrong_signature():
    class Report(keras.callbacks.Callback):
        def on_epoch_end(self):  # Keras passes (epoch, logs)
            pass

    model = dense_model(8, 1)
    model.compile("sgd", "mse")
    model.fit(X16, np.zeros((16, 1)), epochs=1, verbose=0, callbacks=[Report()])


def test_user_code_binds_arguments_with_inspect():
    # the standard library raises for its caller: here the user's own code, not Keras
    import inspect

    def load(path, columns):
        return path, columns

    inspect.signature(load).bind("data.csv")


def test_user_config_that_is_not_json():
    import json

    json.loads("{'input_shape': (28, 28, 1)}")


def test_numpy_reshape_of_the_data_before_keras():
    # NumPy's own error in the user's preprocessing (a C method, no Python frame): not TensorFlow's
    images = np.zeros((4, 32, 32), "float32")
    images.reshape(len(images), 28 * 28)


def test_numpy_broadcast_in_the_users_own_arithmetic():
    np.zeros((4, 32)) + np.zeros((4, 16))


class NoisyScale(layers.Layer):
    def __init__(self, low, high, **kwargs):
        super().__init__(**kwargs)
        self.low, self.high = low, high

    def call(self, x):
        return x * tf.random.uniform((), minval=self.low, maxval=self.high, dtype=tf.int32)


def test_layer_random_range_given_upside_down():
    NoisyScale(5, 2)(tf.zeros((2, 3), tf.int32))


class ClassIds(layers.Layer):
    def call(self, ids):
        return tf.one_hot(ids, depth=tf.constant(-3))


def test_layer_one_hot_with_a_negative_depth():
    ClassIds()(tf.constant([0, 1]))
