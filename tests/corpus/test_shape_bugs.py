"""Real shape bugs, one failing test each: pytest-shapes must name the root cause of every one.

Plain user code with no marker and no fixture. Runs under Keras 3 and under
legacy Keras 2 (TF_USE_LEGACY_KERAS=1), so it uses `tf.keras`.
tests/test_corpus.py runs each test through pytester and checks what a user sees.
"""

import numpy as np
import pytest
import tensorflow as tf

keras = tf.keras  # tf_keras under TF_USE_LEGACY_KERAS=1, Keras 3 otherwise
layers = keras.layers

tf.random.set_seed(0)
np.random.seed(0)


def dense_model(n_in=64, n_out=10, act=None):
    return keras.Sequential([keras.Input(shape=(n_in,)), layers.Dense(n_out, activation=act)])


def cnn():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(8, 3),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(10),
        ]
    )


def clf(n_in=8, n_out=3, act="softmax"):
    return keras.Sequential([keras.Input(shape=(n_in,)), layers.Dense(n_out, activation=act)])


X16 = np.random.rand(16, 8).astype("float32")


# -- missing batch axis


def test_dense_call_missing_batch():
    m = dense_model()
    m(tf.zeros((64,)))


def test_dense_call_missing_batch_numpy():
    m = dense_model()
    m(np.arange(64, dtype="float32"))


def test_dense_predict_missing_batch():
    m = dense_model()
    m.predict(np.zeros((64,), dtype="float32"), verbose=0)


def test_unbuilt_dense_rank1():
    layers.Dense(10)(tf.zeros((64,)))


def test_built_dense_rank1():
    d = layers.Dense(10)
    d.build((None, 64))
    d(tf.zeros((64,)))


# -- dropped feature column


def test_dense_call_63_features():
    m = dense_model()
    m(tf.zeros((8, 63)))


def test_dense_predict_63_features():
    m = dense_model()
    m.predict(np.zeros((8, 63), dtype="float32"), verbose=0)


# -- CNN


def test_cnn_call_single_image():
    cnn()(tf.zeros((28, 28, 1)))


def test_cnn_predict_single_image():
    cnn().predict(np.zeros((28, 28, 1), dtype="float32"), verbose=0)


def test_rgb_cnn_call_no_channel_axis():
    m = keras.Sequential([keras.Input(shape=(28, 28, 3)), layers.Conv2D(8, 3)])
    m(tf.zeros((4, 28, 28)))


def test_rgb_cnn_call_single_image():
    m = keras.Sequential([keras.Input(shape=(28, 28, 3)), layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(10)])
    m(tf.zeros((28, 28, 3)))


def test_cnn_channels_first_data():
    m = keras.Sequential([keras.Input(shape=(32, 32, 3)), layers.Conv2D(4, 3)])
    m(tf.zeros((4, 3, 32, 32)))


# -- head without flatten
def headless():
    m = keras.Sequential(
        [
            keras.Input(shape=(8, 8, 3)),
            layers.Conv2D(4, 3),
            layers.Dense(10, activation="softmax"),
        ]
    )
    return m


def test_no_flatten_categorical_fit():
    m = headless()
    m.compile(optimizer="sgd", loss="categorical_crossentropy")
    y = np.eye(10, dtype="float32")[np.random.randint(0, 10, 16)]
    m.fit(np.zeros((16, 8, 8, 3), "float32"), y, verbose=0, epochs=1, batch_size=16)


def test_no_flatten_sparse_fit():
    m = headless()
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    y = np.random.randint(0, 10, 16)
    m.fit(np.zeros((16, 8, 8, 3), "float32"), y, verbose=0, epochs=1, batch_size=16)


# -- label encoding


def test_categorical_int_labels_1d():
    m = clf()
    m.compile(optimizer="sgd", loss="categorical_crossentropy")
    m.fit(X16, np.random.randint(0, 3, (16,)), verbose=0, epochs=1, batch_size=16)


def test_categorical_int_labels_2d():
    m = clf()
    m.compile(optimizer="sgd", loss="categorical_crossentropy")
    m.fit(X16, np.random.randint(0, 3, (16, 1)), verbose=0, epochs=1, batch_size=16)


def test_sparse_with_onehot():
    m = clf()
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    y = np.eye(3, dtype="float32")[np.random.randint(0, 3, 16)]
    m.fit(X16, y, verbose=0, epochs=1, batch_size=16)


def test_binary_ce_output1_labels3():
    m = clf(n_out=1, act="sigmoid")
    m.compile(optimizer="sgd", loss="binary_crossentropy")
    y = np.eye(3, dtype="float32")[np.random.randint(0, 3, 16)]
    m.fit(X16, y, verbose=0, epochs=1, batch_size=16)


# -- matmul


def test_matmul_inner_mismatch():
    tf.matmul(tf.ones((32, 64)), tf.ones((63, 10)))


def test_matmul_transposed_weights():
    tf.matmul(tf.ones((32, 64)), tf.ones((10, 64)))


def test_matmul_operator():
    tf.ones((32, 64)) @ tf.ones((63, 10))


def test_batched_matmul_mismatch():
    tf.matmul(tf.ones((4, 5, 6)), tf.ones((4, 7, 8)))


def test_matmul_rank1():
    tf.matmul(tf.ones((64,)), tf.ones((64, 10)))


# -- residual add


def test_eager_add_mismatch():
    tf.add(tf.ones((4, 32)), tf.ones((4, 16)))


def test_eager_plus_operator_mismatch():
    tf.ones((4, 32)) + tf.ones((4, 16))


def test_functional_add_layer_mismatch():
    inp = keras.Input(shape=(8,))
    a = layers.Dense(32)(inp)
    b = layers.Dense(16)(inp)
    out = layers.Add()([a, b])
    keras.Model(inp, out)


def test_functional_plus_operator_mismatch():
    inp = keras.Input(shape=(8,))
    a = layers.Dense(32)(inp)
    b = layers.Dense(16)(inp)
    out = a + b
    keras.Model(inp, out)


# -- reshape


def test_eager_reshape_bad_size():
    tf.reshape(tf.ones((4, 30)), (4, 7, 4))


def test_keras_reshape_layer_build():
    keras.Sequential([keras.Input(shape=(30,)), layers.Reshape((7, 4))])


def test_keras_reshape_layer_call():
    m = keras.Sequential([keras.Input(shape=(28,)), layers.Reshape((7, 4))])
    m(tf.ones((4, 30)))


def test_patch_reshape_not_divisible():
    tf.reshape(tf.ones((1, 30, 30, 3)), (1, -1, 8 * 8 * 3))


# -- too small spatial


def test_deep_stack_tiny_image_build():
    stack = [keras.Input(shape=(8, 8, 1))]
    for _ in range(4):
        stack += [layers.Conv2D(3, 3, padding="valid"), layers.MaxPooling2D()]
    keras.Sequential(stack)


def test_conv2d_kernel_bigger_than_input_build():
    model = keras.Sequential([keras.Input(shape=(2, 2, 1)), layers.Conv2D(3, 3)])  # Keras >= 3.13 raises here
    model.predict(np.zeros((1, 2, 2, 1), "float32"), verbose=0)  # older Keras built a (None, 0, 0, 3) output


def test_maxpool_layer_too_small_build():
    model = keras.Sequential([keras.Input(shape=(1, 1, 1)), layers.MaxPooling2D()])  # Keras >= 3.13 raises here
    model.predict(np.zeros((1, 1, 1, 1), "float32"), verbose=0)  # older Keras built a (None, 0, 0, 1) output


# -- tf.function signatures


def test_tf_function_signature_rank():
    @tf.function(input_signature=[tf.TensorSpec((None, 64), tf.float32)])
    def f(x):
        return x * 2.0

    f(tf.zeros((64,)))


def test_tf_function_signature_dim():
    @tf.function(input_signature=[tf.TensorSpec((None, 64), tf.float32)])
    def f(x):
        return x * 2.0

    f(tf.zeros((4, 63)))


def test_tf_function_signature_numpy_wrong_rank():
    @tf.function(input_signature=[tf.TensorSpec((None, 64), tf.float32)])
    def f(x):
        return x * 2.0

    f(np.zeros((2, 8, 64), dtype="float32"))


def test_tf_function_signature_dtype():
    @tf.function(input_signature=[tf.TensorSpec((None, 64), tf.float32)])
    def f(x):
        return x * 2.0

    f(tf.zeros((2, 64), tf.int32))


def test_raw_op_matmul_rank1():
    tf.raw_ops.MatMul(a=tf.ones((64,)), b=tf.ones((64, 10)))


def test_tf_function_unknown_rank_matmul_rank1():
    @tf.function(input_signature=[tf.TensorSpec(None, tf.float32)])
    def f(x):
        return tf.matmul(x, tf.ones((64, 10)))

    f(tf.ones((64,)))


def test_saved_model_serving_signature_wrong_rank():
    import tempfile

    m = tf.Module()
    m.v = tf.Variable(tf.ones((64, 10)))

    @tf.function(input_signature=[tf.TensorSpec((None, 64), tf.float32)])
    def serve(x):
        return {"out": tf.matmul(x, m.v)}

    m.serve = serve
    d = tempfile.mkdtemp()
    tf.saved_model.save(m, d, signatures={"serving_default": serve})
    loaded = tf.saved_model.load(d)
    loaded.signatures["serving_default"](x=tf.zeros((64,)))


# -- dtype


def test_matmul_int_float():
    tf.matmul(tf.constant([[1, 2]]), tf.ones((2, 3)))


def test_add_int_float():
    tf.add(tf.constant([1, 2]), tf.constant([1.0, 2.0]))


def test_gather_float_indices():
    tf.gather(tf.ones((5, 3)), tf.constant([0.0, 1.0]))


# -- errors under tf.function


def test_tf_function_matmul_mismatch():
    @tf.function
    def f(a, b):
        return tf.matmul(a, b)

    f(tf.ones((32, 64)), tf.ones((63, 10)))


def test_tf_function_add_mismatch():
    @tf.function
    def f(a, b):
        return a + b

    f(tf.ones((4, 32)), tf.ones((4, 16)))


def test_tf_function_reshape_mismatch():
    @tf.function
    def f(a):
        return tf.reshape(a, (4, 7, 4))

    f(tf.ones((4, 30)))


def test_tf_function_dynamic_shape_runtime_matmul():
    # shapes unknown at trace time -> error at runtime from kernel, inside graph
    @tf.function(input_signature=[tf.TensorSpec(None, tf.float32), tf.TensorSpec(None, tf.float32)])
    def f(a, b):
        return tf.matmul(a, b)

    f(tf.ones((32, 64)), tf.ones((63, 10)))


# --


def test_conv1d_on_2d_input_build():
    keras.Sequential([keras.Input(shape=(30,)), layers.Conv1D(4, 3)])


def test_input_shape_includes_dataset_size():
    X = np.zeros((1000, 20), "float32")
    y = np.zeros((1000, 1), "float32")
    m = keras.Sequential([keras.Input(shape=(1000, 20)), layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    m.fit(X, y, verbose=0, epochs=1, batch_size=100)


# -- multi-input
def two_input():
    a = keras.Input(shape=(64,), name="feat")
    b = keras.Input(shape=(8,), name="meta")
    x = layers.Concatenate()([a, b])
    out = layers.Dense(1)(x)
    return keras.Model([a, b], out)


def test_two_input_swapped():
    two_input()([tf.zeros((4, 8)), tf.zeros((4, 64))])


def test_two_input_only_one():
    two_input()(tf.zeros((4, 64)))


def test_two_input_dict_wrong_key():
    two_input()({"feat": tf.zeros((4, 64)), "metadata": tf.zeros((4, 8))})


def test_two_input_predict_swapped():
    two_input().predict([np.zeros((4, 8), "float32"), np.zeros((4, 64), "float32")], verbose=0)


def test_concatenate_layer_mismatch_build():
    a = keras.Input(shape=(4, 64))
    b = keras.Input(shape=(5, 8))
    layers.Concatenate()([a, b])


# -- LSTM


def test_lstm_2d_input():
    m = keras.Sequential([keras.Input(shape=(10, 8)), layers.LSTM(4)])
    m(tf.zeros((4, 8)))


def test_lstm_on_2d_input_build():
    keras.Sequential([keras.Input(shape=(8,)), layers.LSTM(4)])


def test_stacked_lstm_without_return_sequences():
    keras.Sequential([keras.Input((10, 8)), layers.LSTM(16), layers.LSTM(8), layers.Dense(1)])


def test_functional_gru_after_an_lstm_that_returns_its_last_step():
    steps = keras.Input((10, 8))
    summary = layers.LSTM(16)(steps)
    layers.GRU(8)(summary)


def test_conv2d_after_an_lstm_is_two_axes_short():
    keras.Sequential([keras.Input((10, 8)), layers.LSTM(16), layers.Conv2D(8, 3)])


def test_bidirectional_lstm_stacked_without_return_sequences():
    keras.Sequential([keras.Input((10, 8)), layers.Bidirectional(layers.LSTM(16)), layers.LSTM(8)])


# -- fit/evaluate


def test_fit_63_features():
    m = dense_model(64, 1)
    m.compile(optimizer="sgd", loss="mse")
    m.fit(np.zeros((16, 63), "float32"), np.zeros((16, 1), "float32"), verbose=0, epochs=1)


def test_evaluate_y_mismatch_mse():
    m = clf()
    m.compile(optimizer="sgd", loss="mse")
    m.evaluate(X16, np.zeros((16, 5), "float32"), verbose=0)


def test_fit_x_y_sample_count_mismatch():
    m = clf()
    m.compile(optimizer="sgd", loss="mse")
    m.fit(X16, np.zeros((15, 3), "float32"), verbose=0, epochs=1)


# -- concat


def test_concat_mismatch():
    tf.concat([tf.ones((4, 3)), tf.ones((5, 2))], axis=1)


def test_stack_mismatch():
    tf.stack([tf.ones((4, 3)), tf.ones((4, 2))])


# -- ragged


def test_dense_on_ragged():
    rt = tf.ragged.constant([[1.0, 2.0], [3.0]])
    layers.Dense(4)(rt)


# -- sparse xent


def test_sparse_xent_first_dim():
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros((15,), tf.int32), logits=tf.zeros((16, 3)))


def test_sparse_xent_rank():
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.zeros((16, 3), tf.int32), logits=tf.zeros((16, 3)))


def test_softmax_xent_shape():
    tf.nn.softmax_cross_entropy_with_logits(labels=tf.zeros((16, 5)), logits=tf.zeros((16, 3)))


def test_keras_sparse_loss_float_onehot_direct():
    keras.losses.SparseCategoricalCrossentropy(from_logits=True)(tf.one_hot([0, 1, 2, 0] * 4, 3), tf.zeros((16, 3)))


# -- non-shape errors


# -- custom layer
class MyProj(layers.Layer):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.w = self.add_weight(name="w", shape=(63, 10), initializer="ones")

    def call(self, x):
        return tf.matmul(x, self.w)


def test_custom_layer_eager_matmul():
    MyProj()(tf.ones((4, 64)))


def test_custom_layer_eager_matmul_unbatched():
    MyProj()(tf.ones((63,)))


def test_custom_layer_in_functional_build():
    inp = keras.Input(shape=(64,))
    MyProj()(inp)


def test_custom_layer_in_sequential_fit():
    m = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(64), MyProj()])
    m.compile(optimizer="sgd", loss="mse")
    m.fit(np.zeros((8, 64), "float32"), np.zeros((8, 10), "float32"), verbose=0, epochs=1)


class MySubclassModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.d1 = layers.Dense(16)
        self.d2 = layers.Dense(4)

    def call(self, x):
        h = self.d1(x)
        return tf.matmul(h, tf.ones((15, 4)))


def test_subclassed_model_call():
    MySubclassModel()(tf.ones((2, 8)))


# -- dtype into dense


def test_matmul_f32_f64():
    tf.matmul(tf.ones((2, 2), tf.float32), tf.ones((2, 2), tf.float64))


def test_dense_int_in_tf_function():
    d = layers.Dense(3)
    d.build((None, 2))

    @tf.function
    def f(x):
        return tf.matmul(x, d.kernel)

    f(tf.zeros((1, 2), tf.int32))


# -- extras


def test_batchnorm_wrong_axis_size():
    m = keras.Sequential([keras.Input(shape=(4, 4, 3)), layers.BatchNormalization()])
    m(tf.zeros((2, 4, 4, 5)))


def test_tensor_contents_in_message_large():
    # Keras prints call args; check what happens with a larger tensor with distinctive numbers
    m = dense_model(64, 10)
    m(tf.fill((3, 63), 7.25))


def test_broadcast_to_mismatch():
    tf.broadcast_to(tf.ones((3, 4)), (3, 5))


def test_set_weights_wrong_shape():
    d = layers.Dense(10)
    d.build((None, 64))
    d.set_weights([np.zeros((63, 10)), np.zeros((10,))])


def test_dataset_batch_rank_mismatch_fit():
    ds = tf.data.Dataset.from_tensor_slices((np.zeros((16, 64), "float32"), np.zeros((16, 1), "float32")))
    # forgot .batch(): elements are (64,)
    m = dense_model(64, 1)
    m.compile(optimizer="sgd", loss="mse")
    m.fit(ds, verbose=0, epochs=1)


def test_dense_undefined_last_dim():
    keras.Sequential([keras.Input(shape=(None,)), layers.Dense(4)])


def test_flatten_variable_spatial_dense():
    keras.Sequential([keras.Input(shape=(None, None, 3)), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(2)])


def test_tf_data_label_shape_mismatch_fit():
    ds = tf.data.Dataset.from_tensor_slices((X16, np.zeros((16, 5), "float32"))).batch(8)
    m = clf()
    m.compile(optimizer="sgd", loss="categorical_crossentropy")
    m.fit(ds, verbose=0, epochs=1)


def test_tensor_contents_numpy_int_predict_missing_batch():
    m = dense_model(4, 2)
    m(np.array([101.5, 202.5, 303.5, 404.5], dtype="float32"))


def test_large_tensor_contents_missing_batch():
    # how big does the embedded tensor repr get? (numpy summarises >1000 elements)
    m = dense_model(5000, 2)
    m(tf.random.uniform((5000,)))


def test_large_tensor_tf_function_binding():
    @tf.function(input_signature=[tf.TensorSpec((None, 5000), tf.float32)])
    def f(x):
        return x

    f(tf.random.uniform((5000,)))


def test_conv2d_layer_eager_direct_rank3():
    layers.Conv2D(4, 3)(tf.zeros((28, 28, 3)))


# -- data pipelines


def test_generator_yields_other_shape_than_its_signature():
    def samples():
        for _ in range(4):
            yield np.zeros((9,), "float32"), np.zeros((1,), "float32")

    spec = (tf.TensorSpec((10,), tf.float32), tf.TensorSpec((1,), tf.float32))
    dataset = tf.data.Dataset.from_generator(samples, output_signature=spec).batch(2)
    m = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    m.fit(dataset, epochs=1, verbose=0)


def test_batch_of_variable_length_sequences():
    dataset = tf.data.Dataset.from_generator(
        lambda: iter([np.zeros((3,), "int32"), np.zeros((5,), "int32")]),
        output_signature=tf.TensorSpec((None,), tf.int32),
    ).batch(2)
    next(iter(dataset))


# -- checks inside layers and ops


def test_conv_filter_depth_differs_from_input_channels():
    tf.nn.conv2d(tf.zeros((1, 8, 8, 2)), tf.zeros((3, 3, 3, 4)), strides=1, padding="SAME")


def test_attention_key_and_value_lengths_differ():
    attention = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    attention(tf.zeros((2, 5, 8)), tf.zeros((2, 6, 8)), key=tf.zeros((2, 7, 8)))


def test_dot_layer_contracts_axes_of_different_sizes():
    a, b = keras.Input(shape=(5, 8)), keras.Input(shape=(6, 8))
    layers.Dot(axes=1)([a, b])


def test_time_distributed_after_rnn_without_return_sequences():
    keras.Sequential([keras.Input(shape=(10, 4)), layers.LSTM(8), layers.TimeDistributed(layers.Dense(3))])


# -- from public reports: unbatched multi-input samples, fixed batch sizes, padding, RNN states, labels


# source: openillumi.com "Fix Keras 'Data cardinality is ambiguous'" (one sample passed where a batch is expected)
# true kind: missing-batch-axis (one image (16, 16, 3) and one metadata row (4,) without their batch axis)
# fix: model.predict([img[None, ...], meta[None, ...]])
def test_multi_input_predict_one_sample():
    img = keras.Input((16, 16, 3), name="image")
    meta = keras.Input((4,), name="meta")
    a = layers.Flatten()(layers.Conv2D(4, 3)(img))
    x = layers.Concatenate()([a, meta])
    model = keras.Model([img, meta], layers.Dense(1)(x))
    model.predict([np.zeros((16, 16, 3), "float32"), np.zeros((4,), "float32")], verbose=0)


# source: keras-team/keras#5255 "Variational recurrent autoencoder and batch size"; keras-team/keras#7716
#         (epsilon = K.random_normal(shape=(batch_size, latent_dim)) breaks on a smaller batch);
#         tensorflow/models#25 ("Incompatible shapes: [10000,200] vs. [128,200]")
# true kind: batch-dependent (noise drawn for a hard-coded batch of 8, the batch has 4 samples)
# fix: eps = tf.random.normal(tf.shape(z_mean))
def test_vae_sampling_uses_fixed_batch_size():
    BATCH, LATENT = 8, 2

    class Sampling(layers.Layer):
        def call(self, inputs):
            z_mean, z_log_var = inputs
            eps = tf.random.normal((BATCH, LATENT))
            return z_mean + tf.exp(0.5 * z_log_var) * eps

    inp = keras.Input((10,))
    h = layers.Dense(8, activation="relu")(inp)
    z_mean = layers.Dense(LATENT)(h)
    z_log_var = layers.Dense(LATENT)(h)
    z = Sampling()([z_mean, z_log_var])
    vae = keras.Model(inp, layers.Dense(10)(z))
    vae.predict(np.zeros((4, 10), "float32"), verbose=0)


# source: carted.com "Variable-Length Sequences in TensorFlow" (fixed padded_shapes for a fixed-length model)
# true kind: size-mismatch (a 12-token sequence cannot be padded to 10)
# fix: ds.map(lambda s: s[:10]).padded_batch(4, padded_shapes=[10])   # truncate first
def test_padded_shapes_smaller_than_longest_sequence():
    seqs = [np.arange(1, n + 1) for n in (3, 12, 5, 6)]
    ds = tf.data.Dataset.from_generator(
        lambda: iter(seqs), output_signature=tf.TensorSpec((None,), tf.int64)
    ).padded_batch(4, padded_shapes=[10])
    next(iter(ds))


# source: rstudio/keras3#411 "How to get the state of LSTM layer?"; tensorflow/tensorflow#37497 ("rnn returns
#         the output and states in a single list")
# true kind: structure-mismatch (GRU(return_state=True) returns [output, state]; the list goes into Dense)
# fix: out, state = layers.GRU(8, return_state=True)(inp); layers.Dense(1)(out)
def test_gru_return_state_output_not_unpacked():
    inp = keras.Input((10, 3))
    out = layers.GRU(8, return_state=True)(inp)
    layers.Dense(1)(out)


# source: whosebug.com "What is the issue with my last dense keras layer?" / "Keras Dense Layer Output - Shape
#         Error" (to_categorical infers the class count from the labels it sees)
# true kind: target-mismatch (the test labels only hold classes 0-2, so to_categorical gives 3 columns, not 4)
# fix: keras.utils.to_categorical(y_test, num_classes=4)
def test_evaluate_to_categorical_infers_fewer_classes():
    model = keras.Sequential([keras.Input((8,)), layers.Dense(4, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy")
    y_test = np.array([0, 1, 2, 1] * 4)
    model.evaluate(np.zeros((16, 8), "float32"), keras.utils.to_categorical(y_test), verbose=0)


# source: keras-team/keras#8889 "LSTM Seq2Seq autoencoder input incompability error"; keras-team/keras#4523
#         (RepeatVector(timesteps) must repeat the input length)
# true kind: target-mismatch (the decoder rebuilds 10 steps, the targets have 12)
# fix: layers.RepeatVector(12)
def test_lstm_autoencoder_repeatvector_wrong_length():
    model = keras.Sequential(
        [keras.Input((12, 3)), layers.LSTM(8), layers.RepeatVector(10), layers.LSTM(3, return_sequences=True)]
    )
    model.compile("adam", "mse")
    x = np.random.rand(8, 12, 3).astype("float32")
    model.fit(x, x, epochs=1, batch_size=8, verbose=0)


def test_concatenate_layer_called_on_one_tensor():
    a = keras.Input(shape=(4,))
    layers.Concatenate()(a)


# -- image ops and image layers of the wrong dimension


def test_resize_grayscale_images_in_dataset_map():
    ds = tf.data.Dataset.from_tensor_slices(np.zeros((8, 20, 20), "float32"))
    ds.map(lambda img: tf.image.resize(img, (16, 16)))  # grey images have no channel axis


def test_random_crop_size_without_channel_axis():
    ds = tf.data.Dataset.from_tensor_slices(np.zeros((8, 32, 32, 3), "float32"))
    ds.map(lambda img: tf.image.random_crop(img, size=[24, 24]))


def test_conv3d_grey_volumes_without_channel_axis():
    model = keras.Sequential([layers.Conv3D(2, 3), layers.GlobalAveragePooling3D()])
    model(np.zeros((2, 8, 16, 16), "float32"))


def test_2d_pooling_after_conv1d():
    keras.Sequential([keras.Input((20,)), layers.Embedding(50, 8), layers.Conv1D(16, 3), layers.MaxPooling2D()])


# -- a layer deep in the model fails; the cause is the data or an adapted layer


def test_padded_batch_pads_to_the_batch_not_the_model():
    seqs = [np.arange(1, n + 1) for n in (3, 7, 5, 6)]
    ds = tf.data.Dataset.from_generator(
        lambda: ((s, 1) for s in seqs),
        output_signature=(tf.TensorSpec((None,), tf.int64), tf.TensorSpec((), tf.int64)),
    ).padded_batch(4)  # pads to 7, the longest of the batch
    model = keras.Sequential([keras.Input((10,)), layers.Embedding(20, 4), layers.Flatten(), layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(ds, epochs=1, verbose=0)


def test_normalization_adapted_on_other_features():
    norm = layers.Normalization(axis=-1)
    norm.adapt(np.random.rand(32, 5).astype("float32"))
    model = keras.Sequential([norm, layers.Dense(1)])
    model.predict(np.random.rand(4, 4).astype("float32"), verbose=0)


def test_adapted_normalization_called_on_its_own_with_other_features():
    norm = layers.Normalization()
    norm.adapt(np.zeros((10, 5), "float32"))
    norm(np.zeros((3, 4), "float32"))


def test_input_declares_a_stray_size_1_axis_before_lstm():
    keras.Sequential([keras.Input((1, 6, 30)), layers.LSTM(16)])


def test_concatenate_per_step_feature_without_its_axis():
    tokens = keras.Input((10, 8))
    flags = keras.Input((10,))
    layers.Concatenate()([tokens, flags])


def test_raw_conv2d_in_tf_function_on_grey_batch():
    kernel = tf.zeros((3, 3, 1, 4))

    @tf.function
    def features(x):
        return tf.nn.conv2d(x, kernel, strides=1, padding="VALID")

    features(tf.zeros((2, 20, 16)))


def test_load_weights_of_a_model_with_other_class_count(tmp_path):
    def classifier(classes):
        return keras.Sequential([keras.Input((8,)), layers.Dense(16), layers.Dense(classes)])

    path = str(tmp_path / "ten.weights.h5")
    classifier(10).save_weights(path)
    classifier(5).load_weights(path)


def test_fit_on_time_major_sequences():
    model = keras.Sequential([keras.Input((10, 3)), layers.LSTM(4), layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.zeros((10, 4, 3), "float32"), np.zeros((4,), "float32"), epochs=1, verbose=0)


def test_dataset_map_function_takes_one_argument_of_pairs():
    ds = tf.data.Dataset.from_tensor_slices((np.zeros((4, 8), "float32"), np.zeros((4,), "int32")))
    ds.map(lambda x: x * 2)


def test_cross_attention_with_the_self_attention_mask():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    causal = tf.linalg.band_part(tf.ones((6, 6)), -1, 0)
    mask = tf.cast(tf.tile(causal[None], (2, 1, 1)), bool)
    mha(tf.zeros((2, 6, 8)), tf.zeros((2, 9, 8)), attention_mask=mask)


def test_attention_padding_mask_without_query_axis():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    mha(tf.zeros((2, 10, 16)), tf.zeros((2, 12, 16)), attention_mask=tf.ones((2, 12), bool))


def test_mixed_precision_layer_concatenates_a_float32_constant():
    class CoordChannels(layers.Layer):
        def call(self, x):
            return tf.concat([x, tf.ones_like(x[..., :1], dtype=tf.float32)], axis=-1)

    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        CoordChannels()(tf.zeros((2, 4, 4, 3), tf.float16))
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_generator_yields_class_names_for_int_labels():
    ds = tf.data.Dataset.from_generator(
        lambda: ((np.zeros(4, "float32"), name) for name in ["cat", "dog"]),
        output_signature=(tf.TensorSpec((4,), tf.float32), tf.TensorSpec((), tf.int64)),
    )
    list(ds)


# -- a model that only works at one batch size


class FlattenForBatchOf8(layers.Layer):
    def call(self, x):
        return tf.reshape(x, (8, 6 * 5))  # the training batch size baked in


def test_reshape_hard_codes_the_batch_size_last_batch_fails():
    model = keras.Sequential([keras.Input((6, 5)), FlattenForBatchOf8(), layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(np.zeros((20, 6, 5), "float32"), np.zeros((20, 1), "float32"), batch_size=8, epochs=1, verbose=0)


class FlattenFoldsTheBatch(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv = layers.Conv2D(4, 3)
        self.head = layers.Dense(1)

    def call(self, x):
        return self.head(tf.reshape(self.conv(x), (1, -1)))


def test_hand_made_flatten_folds_the_batch_axis():
    model = FlattenFoldsTheBatch()
    x = np.zeros((8, 8, 8, 1), "float32")
    model(x[:1])  # built on one image
    model(x[:4])


def test_bidirectional_encoder_states_into_a_smaller_decoder():
    enc_in, dec_in = keras.Input((6, 3)), keras.Input((5, 3))
    _, fh, fc, bh, bc = layers.Bidirectional(layers.LSTM(8, return_state=True))(enc_in)
    state = [layers.Concatenate()([fh, bh]), layers.Concatenate()([fc, bc])]
    decoded = layers.LSTM(8, return_sequences=True)(dec_in, initial_state=state)
    keras.Model([enc_in, dec_in], decoded)([tf.zeros((2, 6, 3)), tf.zeros((2, 5, 3))])


def test_dataset_of_column_dicts_into_a_single_input_model():
    columns = {name: np.zeros(8, "float32") for name in ("age", "fare", "parch")}
    ds = tf.data.Dataset.from_tensor_slices((columns, np.zeros(8, "float32"))).batch(4)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(ds, epochs=1, verbose=0)


# -- losses, signatures and helpers that hide the batch size or the classes


def test_sample_weight_from_before_the_split():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    weights = np.ones(20, "float32")  # computed on all 20 rows, before taking 16 for training
    model.fit(np.zeros((16, 4), "float32"), np.zeros((16, 1), "float32"), sample_weight=weights, verbose=0)


def test_class_weights_for_fewer_classes_than_the_model():
    weights = tf.constant([1.0, 2.0, 5.0])

    def weighted(y_true, y_pred):
        return -tf.reduce_sum(y_true * tf.math.log(y_pred + 1e-7) * weights, axis=-1)

    model = keras.Sequential([keras.Input((5,)), layers.Dense(4, activation="softmax")])
    model.compile("sgd", loss=weighted)
    model.fit(np.zeros((8, 5), "float32"), np.eye(4, dtype="float32")[np.arange(8) % 4], epochs=1, verbose=0)


def test_train_step_signature_fixes_the_batch_size():
    @tf.function(input_signature=[tf.TensorSpec((8, 6), tf.float32)])
    def step(x):
        return tf.reduce_sum(x)

    step(tf.zeros((4, 6)))


def test_embedding_of_one_id_concatenated_with_numeric_features():
    ids, numbers = keras.Input((1,)), keras.Input((4,))
    layers.Concatenate()([layers.Embedding(10, 8)(ids), numbers])


def test_tile_a_context_vector_without_a_time_axis():
    @tf.function
    def repeat(context):
        return tf.tile(context, [1, 5, 1])

    repeat.get_concrete_function(tf.TensorSpec((None, 4), tf.float32))


def test_tile_eagerly_a_context_vector_without_a_time_axis():
    context = tf.zeros((2, 4))  # one vector per sample, to repeat over 5 steps
    tf.tile(context, [1, 5, 1])


def test_gather_per_sample_with_one_index_vector_for_all():
    features = tf.zeros((8, 10, 4))  # (batch, steps, features)
    tf.gather(features, tf.constant([1, 4, 7]), batch_dims=1)  # the same three steps of every sample


def test_gather_per_sample_with_indices_of_another_batch():
    features = tf.zeros((8, 10, 4))
    tf.gather(features, tf.zeros((6, 3), tf.int32), batch_dims=1)


def test_einsum_attention_values_without_the_head_axis():
    scores = tf.zeros((2, 4, 5, 5))  # (batch, heads, query, key)
    values = tf.zeros((2, 5, 8))  # split into heads is missing: (batch, key, depth)
    tf.einsum("bhqk,bhkd->bhqd", scores, values)


def test_einsum_in_a_graph_on_values_without_the_head_axis():
    @tf.function
    def attend(scores, values):
        return tf.einsum("bhqk,bhkd->bhqd", scores, values)

    attend.get_concrete_function(tf.TensorSpec((None, 4, 5, 5)), tf.TensorSpec((None, 5, 8)))


def test_einsum_shared_projection_under_per_sample_subscripts():
    x = tf.zeros((3, 7, 16))
    w = tf.zeros((16, 4))  # one projection for every sample; the subscripts say one per sample
    tf.einsum("btd,bdk->btk", x, w)


def test_squeeze_without_axis_on_a_batch_of_one():
    logits = tf.zeros((1, 3))
    labels = tf.squeeze(tf.zeros((1, 1), tf.int32))  # the last batch holds one sample
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)


def test_video_clips_into_image_layers_without_time_distributed():
    model = keras.Sequential(
        [keras.Input((5, 16, 16, 1)), layers.Conv2D(4, 3), layers.MaxPooling2D(), layers.Flatten(), layers.Dense(1)]
    )
    model.predict(np.zeros((2, 5, 16, 16, 1), "float32"), verbose=0)


def test_sequence_class_ids_for_one_more_step_than_the_decoder():
    logits = tf.zeros((4, 9, 20))
    targets = tf.zeros((4, 10), tf.int32)  # not shifted: the decoder input was targets[:, :-1]
    keras.losses.SparseCategoricalCrossentropy(from_logits=True)(targets, logits)


def test_applications_base_on_images_below_its_minimum_size():
    keras.applications.ResNet50(include_top=False, weights=None, input_shape=(28, 28, 3))


def test_gate_per_step_scores_with_a_per_sequence_weight():
    scores = tf.zeros((2, 7, 16))  # (batch, steps, features)
    gate = tf.zeros((2, 16))  # one gate per sequence, meant for every step
    scores * gate


def test_segmentation_masks_without_their_channel_axis_in_a_custom_loss():
    predictions = tf.zeros((3, 16, 16, 1))
    masks = tf.zeros((3, 16, 16))
    tf.reduce_sum(masks * predictions, axis=[1, 2, 3])


def test_boxes_drawn_on_one_image_without_a_batch_axis():
    image = tf.zeros((16, 16, 3))
    boxes = tf.constant([[0.1, 0.1, 0.5, 0.5]])
    tf.image.draw_bounding_boxes(image, boxes, np.array([[1.0, 0.0, 0.0, 1.0]], "float32"))


def test_float_class_ids_one_hot_encoded():
    tf.one_hot(tf.constant([0.0, 2.0, 1.0]), 3)


def test_mel_filterbank_with_an_integer_dtype():
    tf.signal.linear_to_mel_weight_matrix(num_mel_bins=8, num_spectrogram_bins=33, dtype=tf.int32)


def test_generator_yields_features_without_labels():
    def rows():
        for _ in range(3):
            yield np.zeros(4, "float32")

    ds = tf.data.Dataset.from_generator(
        rows, output_signature=(tf.TensorSpec((4,), tf.float32), tf.TensorSpec((), tf.int32))
    )
    list(ds.take(1))


def test_subclassed_model_with_two_positional_inputs_in_call():
    class Pair(keras.Model):
        def __init__(self):
            super().__init__()
            self.head = layers.Dense(1)

        def call(self, left, right):
            return self.head(tf.concat([left, right], axis=-1))

    model = Pair()
    model.compile(optimizer="sgd", loss="mse")
    model.fit((np.zeros((4, 2), "float32"), np.zeros((4, 3), "float32")), np.zeros((4, 1), "float32"), verbose=0)


def test_f1_score_metric_given_class_ids():
    model = clf()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=[keras.metrics.F1Score()])
    model.fit(X16, np.random.randint(0, 3, (16,)).astype("float32"), verbose=0)


def test_graph_reshape_into_frames_that_do_not_divide_the_clip():
    @tf.function
    def frames(audio):
        return tf.reshape(audio, (tf.shape(audio)[0], -1, 160))

    frames.get_concrete_function(tf.TensorSpec((2, 1000), tf.float32))


def skip_where_stateful_rnns_cannot_fit():
    version = tuple(int(part) for part in getattr(keras, "__version__", "2.0").split(".")[:2])  # tf_keras has none
    if (3, 0) <= version < (3, 13):
        pytest.skip("Keras 3.12 and older cannot fit a stateful RNN at all (OperatorNotAllowedInGraphError)")


def test_stateful_rnn_fit_on_samples_that_leave_a_smaller_last_batch():
    skip_where_stateful_rnns_cannot_fit()
    model = keras.Sequential([keras.Input((3, 2), batch_size=4), layers.SimpleRNN(2, stateful=True), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((10, 3, 2), "float32"), np.zeros((10, 1), "float32"), batch_size=4, verbose=0, shuffle=False)


def test_evaluate_with_another_batch_size_than_the_input_fixes():
    model = keras.Sequential([keras.Input((5, 6), batch_size=8), layers.GRU(3, stateful=True), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.evaluate(np.zeros((12, 5, 6), "float32"), np.zeros((12, 1), "float32"), batch_size=6, verbose=0)


def test_sequence_classifier_whose_gru_returns_every_step():
    model = keras.Sequential([keras.Input((7, 3)), layers.GRU(4, return_sequences=True), layers.Dense(2, "softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    model.fit(np.zeros((6, 7, 3), "float32"), np.eye(2, dtype="float32")[[0, 1] * 3], verbose=0)


def test_predict_on_rows_with_missing_values():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.predict(np.array([[1.0, None, 2.0]] * 4, dtype=object), verbose=0)


def test_fit_on_sequences_of_different_lengths():
    model = keras.Sequential(
        [keras.Input((None,)), layers.Embedding(10, 4), layers.GlobalAveragePooling1D(), layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    rows = np.empty(3, dtype=object)
    rows[:] = [np.array([1, 2]), np.array([3, 4, 5]), np.array([6])]
    model.fit(rows, np.zeros((3, 1), "float32"), verbose=0)


def test_unbatched_dataset_of_variable_length_windows():
    def windows():
        for _ in range(6):
            yield np.zeros((6, 2), "float32"), np.float32(0)

    signature = (tf.TensorSpec((None, 2), tf.float32), tf.TensorSpec((), tf.float32))
    model = keras.Sequential([keras.Input((6, 2)), layers.GRU(3), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(tf.data.Dataset.from_generator(windows, output_signature=signature), verbose=0)


def test_flatten_before_a_recurrent_layer():
    keras.Sequential([keras.Input((12, 3)), layers.Conv1D(4, 3), layers.Flatten(), layers.GRU(4)])


def test_pretrained_embedding_matrix_with_one_row_too_many():
    matrix = np.zeros((21, 4), "float32")  # 20 words and a padding row
    keras.Sequential(
        [keras.Input((5,)), layers.Embedding(20, 4, embeddings_initializer=keras.initializers.Constant(matrix))]
    )


def test_einsum_on_a_column_where_the_subscripts_want_a_vector():
    scales = tf.zeros((6, 1))  # one scale per sample, kept as a column
    tf.einsum("n,f->nf", scales, tf.zeros((5,)))


def test_confusion_matrix_of_one_hot_labels_in_a_graph():
    @tf.function
    def counts(y_true, y_pred):
        return tf.math.confusion_matrix(y_true, tf.argmax(y_pred, axis=-1), num_classes=3)

    counts.get_concrete_function(tf.TensorSpec((None, 3), tf.int64), tf.TensorSpec((None, 3), tf.float32))


def test_dot_of_an_unflattened_embedding_of_one_id():
    query_id, item = keras.Input((1,), dtype="int32"), keras.Input((6,))
    layers.Dot(axes=1)([layers.Embedding(30, 6)(query_id), item])


def test_patches_extracted_from_one_image():
    tf.image.extract_patches(
        tf.zeros((16, 16, 3)), sizes=[1, 4, 4, 1], strides=[1, 4, 4, 1], rates=[1, 1, 1, 1], padding="VALID"
    )


def test_sparse_adjacency_times_features_of_another_node_count():
    adjacency = tf.sparse.from_dense(tf.eye(7))
    tf.sparse.sparse_dense_matmul(adjacency, tf.zeros((6, 3)))


def test_conv2d_given_the_kernel_shape_instead_of_the_kernel():
    tf.nn.conv2d(tf.zeros((1, 8, 8, 3)), tf.constant([3, 3, 3, 4], tf.float32), strides=1, padding="SAME")


def test_top_k_accuracy_metric_of_the_other_label_form():
    metric = keras.metrics.SparseTopKCategoricalAccuracy(k=2)
    metric.update_state(np.eye(4, dtype="float32"), np.random.rand(4, 4).astype("float32"))


def test_padded_batch_with_padded_shapes_for_the_features_only():
    pairs = tf.data.Dataset.from_tensor_slices((np.zeros((4, 3), "float32"), np.zeros(4, "float32")))
    pairs.padded_batch(2, padded_shapes=[None])


def test_lstm_fit_on_rows_of_numbers():
    x, y = np.zeros((64, 20), "float32"), np.zeros((64,), "float32")
    model = keras.Sequential([layers.LSTM(8), layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(x, y, epochs=1, verbose=0)


def test_conv_model_declared_channels_first():
    keras.Sequential(
        [keras.Input((3, 32, 32)), layers.Conv2D(8, 3), layers.MaxPooling2D(2), layers.Conv2D(8, 3), layers.Flatten()]
    )


def test_input_declared_with_the_whole_array_shape():
    sequences = np.zeros((100, 20, 8), "float32")
    keras.Sequential([keras.Input(shape=sequences.shape), layers.LSTM(4), layers.Dense(1)])


def test_precision_metric_on_class_ids():
    x, y = np.zeros((8, 4), "float32"), np.arange(8) % 10
    model = keras.Sequential([keras.Input((4,)), layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=[keras.metrics.Precision()])
    model.fit(x, y, epochs=1, verbose=0)


def test_auc_of_one_hot_labels_against_one_score_per_sample():
    x, y = np.zeros((8, 5), "float32"), np.eye(3, dtype="float32")[[0, 1, 2, 1, 0, 1, 2, 0]]
    model = keras.Sequential([keras.Input((5,)), layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "mse", metrics=[keras.metrics.AUC()])  # mse broadcasts (8, 3) against (8, 1): AUC fails
    model.fit(x, y, epochs=1, verbose=0)


def test_auc_updated_by_hand_with_one_hot_labels():
    auc = keras.metrics.AUC()
    auc.update_state(np.eye(3, dtype="float32")[[0, 1, 2, 1]], np.zeros((4, 1), "float32"))


def test_mean_iou_on_softmax_segmentation_maps():
    images, masks = np.zeros((4, 8, 8, 3), "float32"), np.zeros((4, 8, 8, 1), "int32")
    model = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(3, 1, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=[keras.metrics.MeanIoU(num_classes=3)])
    model.fit(images, masks, epochs=1, verbose=0)


def test_einsum_bilinear_score_with_a_square_weight():
    keys, query = tf.zeros((2, 5, 16)), tf.zeros((2, 24))
    weight = tf.zeros((16, 16))  # meant (16, 24): keys' width by the query's
    tf.einsum("bkd,de,be->bk", keys, weight, query)


def test_reshape_to_the_training_batch_size_on_a_smaller_batch():
    features = tf.zeros((3, 4, 4, 2))
    tf.reshape(features, (16, 32))


def test_sparse_loss_on_logits_squeezed_at_batch_one():
    logits = tf.squeeze(tf.zeros((1, 1, 5)))  # meant axis=1
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=np.array([2]), logits=logits)


def test_time_distributed_conv_on_channels_first_clips():
    clips = keras.Input((6, 3, 24, 24))
    layers.TimeDistributed(layers.Conv2D(4, 5))(layers.TimeDistributed(layers.Conv2D(4, 5))(clips))


def test_sequential_added_an_input_with_the_whole_array_shape():
    series = np.zeros((40, 12, 3), "float32")
    model = keras.Sequential()
    model.add(keras.Input(shape=series.shape))
    model.add(layers.Conv1D(8, 3))
    model.add(layers.GlobalMaxPooling1D())


def test_fit_on_class_names_as_labels():
    x, y = np.zeros((6, 3), "float32"), np.array(["low", "mid", "high"] * 2)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)


def test_custom_sparse_loss_squeezing_the_last_batch_of_one():
    def loss(y_true, y_pred):
        labels = tf.cast(tf.squeeze(y_true), tf.int32)  # meant axis=-1
        return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=y_pred)

    x, y = np.zeros((9, 4), "float32"), np.zeros((9, 1), "int32")  # batches of 4, 4 and 1
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
    model.compile("adam", loss)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)


def test_segmentation_with_flattened_pixel_weights():
    images, masks = np.zeros((4, 6, 6, 1), "float32"), np.zeros((4, 6, 6, 1), "float32")
    model = keras.Sequential([keras.Input((6, 6, 1)), layers.Conv2D(1, 3, padding="same", activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    model.fit(images, masks, sample_weight=np.ones((4, 36), "float32"), epochs=1, verbose=0)


def test_class_weight_with_a_label_per_step():
    if not getattr(keras, "__version__", "2").startswith("3"):  # tf_keras has no __version__
        pytest.skip("tf_keras reads labels per step as one-hot and weights them without an error")
    x, y = np.zeros((4, 6, 2), "float32"), np.zeros((4, 6), "int32")
    model = keras.Sequential([keras.Input((6, 2)), layers.LSTM(4, return_sequences=True), layers.Dense(3)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, class_weight={0: 1.0, 1: 2.0, 2: 2.0}, epochs=1, verbose=0)


def test_fit_on_a_generator_of_crops_too_small_for_the_convolutions():
    def crops():
        while True:
            yield np.zeros((2, 5, 5, 3), "float32"), np.zeros((2, 1), "float32")

    inputs = keras.Input((None, None, 3))
    features = layers.MaxPooling2D(2)(layers.Conv2D(4, 3)(inputs))
    features = layers.Conv2D(4, 3)(features)
    model = keras.Model(inputs, layers.Dense(1)(layers.GlobalMaxPooling2D()(features)))
    model.compile("adam", "mse")
    model.fit(crops(), steps_per_epoch=1, epochs=1, verbose=0)


def test_position_embeddings_for_another_sequence_length():
    tokens = keras.Input((16,), dtype="int32")
    positions = layers.Embedding(10, 8)(tf.range(10))  # built for 10 positions, the texts have 16
    layers.Embedding(50, 8)(tokens) + positions


class LastStepRegressor(keras.Model):
    def __init__(self):
        super().__init__()
        self.head = layers.Dense(1)

    def call(self, windows):
        return self.head(tf.squeeze(windows))  # meant axis=-1: (batch, steps, 1) -> (batch, steps)


def test_predict_one_window_with_a_model_that_squeezes():
    model = LastStepRegressor()
    model(np.zeros((4, 6, 1), "float32"))  # fine for 4 windows
    model(np.zeros((1, 6, 1), "float32"))


def test_autoencoder_whose_decoder_outputs_another_size():
    images = np.zeros((4, 20, 20, 1), "float32")
    inputs = keras.Input((20, 20, 1))
    code = layers.MaxPooling2D(2)(layers.Conv2D(4, 3, activation="relu")(inputs))  # 'valid': 20 -> 18 -> 9
    decoded = layers.Conv2D(1, 3, padding="same")(layers.UpSampling2D(2)(code))  # 9 -> 18
    model = keras.Model(inputs, decoded)
    model.compile("adam", "mse")
    model.fit(images, images, epochs=1, verbose=0)


def test_normalization_adapted_on_the_table_with_its_label_column():
    table = np.zeros((16, 6), "float32")  # five features and the label
    normalizer = layers.Normalization(axis=-1)
    normalizer.adapt(table)
    model = keras.Sequential([keras.Input((5,)), normalizer, layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(table[:, :5], table[:, 5], epochs=1, verbose=0)


# -- data pipelines: what the dataset, PyDataset or generator gives, and the fix in the pipeline

SENSORS = np.zeros((24, 6), "float32")
TARGETS = np.zeros((24, 1), "float32")


def regressor(n_in=6):
    model = keras.Sequential([keras.Input((n_in,)), layers.Dense(1)])
    model.compile("adam", "mse")
    return model


def test_validation_dataset_left_unbatched():
    train = tf.data.Dataset.from_tensor_slices((SENSORS, TARGETS)).shuffle(24).batch(6)
    validation = tf.data.Dataset.from_tensor_slices((SENSORS[:6], TARGETS[:6]))  # .batch() forgotten
    regressor().fit(train, validation_data=validation, epochs=1, verbose=0)


class ColumnsFirst(getattr(keras.utils, "PyDataset", None) or keras.utils.Sequence):
    """Each batch stacked column by column: (features, batch) instead of (batch, features)."""

    def __len__(self):
        return 3

    def __getitem__(self, index):
        rows = SENSORS[index * 8 : (index + 1) * 8]
        return np.asarray(rows).T, TARGETS[index * 8 : (index + 1) * 8]


def test_py_dataset_yields_each_batch_features_first():
    regressor().fit(ColumnsFirst(), epochs=1, verbose=0)


def test_dataset_of_inputs_without_the_labels():
    inputs = tf.data.Dataset.from_tensor_slices(SENSORS).batch(6)  # the targets were never zipped in
    regressor().fit(inputs, epochs=1, verbose=0)


def test_label_dict_keyed_by_column_not_by_output_name():
    features = keras.Input((6,))
    hidden = layers.Dense(4, activation="relu")(features)
    outputs = {"load": layers.Dense(1, name="load")(hidden), "alarm": layers.Dense(1, name="alarm")(hidden)}
    model = keras.Model(features, outputs)
    model.compile("adam", loss={"load": "mse", "alarm": "mse"})
    model.fit(SENSORS, {"load_kw": TARGETS, "alarm_flag": TARGETS}, epochs=1, verbose=0)


def test_dataset_from_tensors_holds_every_sample_in_one_element():
    dataset = tf.data.Dataset.from_tensors((SENSORS, TARGETS)).batch(4)  # meant from_tensor_slices
    regressor().fit(dataset, epochs=1, verbose=0)


def test_stateful_rnn_on_a_dataset_whose_last_batch_is_smaller():
    skip_where_stateful_rnns_cannot_fit()
    sequences = np.zeros((10, 5, 3), "float32")
    model = keras.Sequential([keras.Input((5, 3), batch_size=4), layers.SimpleRNN(4, stateful=True), layers.Dense(1)])
    model.compile("adam", "mse")
    dataset = tf.data.Dataset.from_tensor_slices((sequences, np.zeros((10, 1), "float32"))).batch(4)
    model.fit(dataset, epochs=1, verbose=0)


def test_map_reshapes_each_batch_to_the_configured_batch_size():
    batch = 5
    flat = np.zeros((12, 64), "float32")
    dataset = (
        tf.data.Dataset.from_tensor_slices((flat, np.zeros(12, "int32")))
        .batch(batch)
        .map(lambda pixels, label: (tf.reshape(pixels, (batch, 8, 8, 1)), label))
    )
    model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(3)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(dataset, epochs=1, verbose=0)


def test_batched_frames_for_a_model_of_clips():
    frames = np.zeros((12, 8, 8, 1), "float32")
    dataset = tf.data.Dataset.from_tensor_slices((frames, np.zeros(12, "int32"))).batch(3)
    model = keras.Sequential(
        [
            keras.Input((3, 8, 8, 1)),  # clips of 3 frames
            layers.TimeDistributed(layers.Conv2D(2, 3)),
            layers.GlobalAveragePooling3D(),
            layers.Dense(2),
        ]
    )
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(dataset, epochs=1, verbose=0)


def test_color_images_in_a_dataset_for_a_grayscale_model():
    photos = np.zeros((6, 12, 12, 3), "float32")
    dataset = tf.data.Dataset.from_tensor_slices((photos, np.zeros(6, "int32"))).batch(2)
    model = keras.Sequential([keras.Input((12, 12, 1)), layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(2)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(dataset, epochs=1, verbose=0)


def test_generator_of_images_without_the_channel_axis():
    def batches():
        while True:
            yield np.zeros((4, 10, 10), "float32"), np.zeros(4, "int32")

    dataset = tf.data.Dataset.from_generator(
        batches,
        output_signature=(tf.TensorSpec((None, 10, 10), tf.float32), tf.TensorSpec((None,), tf.int32)),
    )
    model = keras.Sequential([layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(2)])  # no Input: built from data
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(dataset, steps_per_epoch=2, epochs=1, verbose=0)


def test_recall_metric_given_class_ids_for_class_scores():
    model = keras.Sequential([keras.Input((6,)), layers.Dense(5, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=[keras.metrics.Recall()])
    model.fit(SENSORS, np.zeros(24, "int32"), epochs=1, verbose=0)


def test_concat_a_per_sample_value_without_its_feature_axis():
    readings = tf.zeros((8, 3))
    temperature = tf.zeros((8,))  # one value per sample
    tf.concat([readings, temperature], axis=1)


def test_generator_yields_a_scalar_label_for_a_vector_signature():
    def samples():
        for _ in range(8):
            yield np.zeros(4, "float32"), 1.0  # the signature says each label is (1,)

    dataset = tf.data.Dataset.from_generator(
        samples, output_signature=(tf.TensorSpec((4,), tf.float32), tf.TensorSpec((1,), tf.float32))
    ).batch(4)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(dataset, epochs=1, verbose=0)


def test_dataset_batched_by_the_loader_and_again_before_fit():
    images = np.zeros((16, 8, 8, 3), "float32")
    loader = tf.data.Dataset.from_tensor_slices((images, np.zeros(16, "int32"))).batch(4)  # batches already
    model = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(2)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(loader.batch(2), epochs=1, verbose=0)


def test_dataset_elements_carry_an_id_after_the_sample_weight():
    ids = np.arange(24)
    weights = np.ones(24, "float32")
    dataset = tf.data.Dataset.from_tensor_slices((SENSORS, TARGETS, weights, ids)).batch(6)
    regressor().fit(dataset, epochs=1, verbose=0)


def test_one_hot_labels_inside_a_dataset_for_a_sparse_loss():
    labels = np.eye(3, dtype="float32")[np.zeros(24, "int32")]  # one-hot, (24, 3)
    dataset = tf.data.Dataset.from_tensor_slices((SENSORS, labels)).batch(6)
    model = keras.Sequential([keras.Input((6,)), layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(dataset, epochs=1, verbose=0)


# source: PyTorch's RNNs take (time, batch, features); the same arrays in a Keras training loop
# true kind: axis-order (20 steps of 4 sequences for a (None, 20, 8) model)
# fix: x = np.transpose(x, (1, 0, 2))
def test_time_major_sequences_in_a_training_loop():
    inputs = keras.Input((20, 8))
    model = keras.Model(inputs, layers.Dense(1)(layers.LSTM(4)(inputs)))
    x = np.zeros((20, 4, 8), "float32")  # time-major
    y = np.zeros((4, 1), "float32")
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y - model(x, training=True)))
    tape.gradient(loss, model.trainable_variables)


class ResizeThenConv(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = layers.Conv2D(4, 3)
        self.head = layers.Dense(2)

    def call(self, images):
        images = tf.image.resize(images, (16, 16))  # a (4, 28, 28) batch reads as one 28-channel image
        return self.head(layers.GlobalAveragePooling2D()(self.conv(images)))


# source: keras-team/keras#10053-style grayscale batch without its channel axis, resized inside call()
# true kind: missing-axis (4 images of 28x28 without the channel axis)
# fix: model(x[..., None])
def test_grayscale_batch_resized_inside_a_subclassed_model():
    ResizeThenConv()(tf.zeros((4, 28, 28)))


class SeriesRegressor(keras.Model):
    def __init__(self):
        super().__init__()
        self.rnn = layers.Bidirectional(layers.LSTM(4))
        self.out = layers.Dense(1)

    def call(self, x):
        return self.out(self.rnn(x))


# source: univariate series fed to an RNN in a custom training loop (the labels count 4 series)
# true kind: missing-axis (4 series of 20 steps, each step needs its feature axis)
# fix: x[..., None]
def test_univariate_series_in_a_training_loop():
    model = SeriesRegressor()
    x = np.zeros((4, 20), "float32")
    y = np.zeros((4, 1), "float32")
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y - model(x)))
    tape.gradient(loss, model.trainable_variables)


class AddChannel(layers.Layer):
    def call(self, x):
        return tf.expand_dims(x, axis=-1)  # the images already have their channel axis


# source: an "add the channel axis" layer kept after the data gained one (expected ndim=4, found ndim=5)
# true kind: extra-axis
# fix: drop the expand_dims layer
def test_channel_axis_added_twice_before_a_conv():
    inputs = keras.Input((28, 28, 1))
    layers.Conv2D(8, 3)(AddChannel()(inputs))


class MeanPoolSqueeze(layers.Layer):
    def call(self, x):
        return tf.squeeze(tf.reduce_mean(x, axis=1, keepdims=True))  # no axis: a batch of one loses its own


class Pooled(keras.Model):
    def __init__(self):
        super().__init__()
        self.pool = MeanPoolSqueeze()
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(self.pool(x))


# source: biuyq/CT-GAN#5 pattern (tf.squeeze without axis meets a last batch of one), in a training loop
# true kind: batch-dependent (9 samples in batches of 4: the last batch has one)
# fix: tf.squeeze(x, axis=1)
# source: a public report pattern: a Sequential without an Input, built by its first call (batch 4), then
# called on a last batch of one; its Input keeps the first batch size, which Keras does not enforce
# true kind: batch-dependent
# fix: tf.squeeze(t, axis=1)
def test_lambda_squeeze_in_a_model_built_by_its_first_call():
    model = keras.Sequential([layers.Lambda(lambda t: tf.squeeze(t)), layers.Dense(2)])
    x = np.zeros((5, 1, 8), "float32")
    model(x[:4])
    model(x[4:])


def test_squeeze_without_axis_in_a_loop_over_a_dataset():
    model = Pooled()
    dataset = tf.data.Dataset.from_tensor_slices(np.zeros((9, 5, 4), "float32")).batch(4)
    for batch in dataset:
        model(batch)


class SqueezedHead(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = layers.Conv2D(16, 3, padding="same")
        self.pool = layers.GlobalAveragePooling2D(keepdims=True)
        self.w = tf.Variable(tf.zeros((16, 10)))

    def call(self, x):
        return tf.matmul(tf.squeeze(self.pool(self.conv(x))), self.w)


# source: biuyq/CT-GAN#5 "Shape must be rank 2 but is rank 1 for 'MatMul'" (tf.squeeze(pool3) with a batch of one)
# true kind: batch-dependent (5 images in batches of 4: the last batch has one)
# fix: tf.squeeze(x, axis=[1, 2])
def test_squeeze_without_axis_meets_the_last_predict_batch():
    SqueezedHead().predict(np.zeros((5, 6, 6, 3), "float32"), batch_size=4, verbose=0)


BATCH_SIZE = 32


class GRUEncoder(keras.Model):
    def __init__(self):
        super().__init__()
        self.gru = layers.GRU(16)
        self.out = layers.Dense(1)

    def call(self, x):
        state = tf.zeros((BATCH_SIZE, 16))  # the state for a fixed batch size
        return self.out(self.gru(x, initial_state=state))


# source: an RNN's initial state made with a BATCH_SIZE constant, called on a batch of another size
# true kind: batch-dependent
# fix: tf.zeros((tf.shape(x)[0], 16))
def test_initial_state_for_a_fixed_batch_size():
    GRUEncoder()(tf.zeros((8, 10, 3)))


def _weighted_mse(y_true, y_pred):
    return tf.reduce_mean(2.0 * tf.square(y_true - y_pred), axis=-1)


# source: a custom loss function (its name starts with "_") given labels with an extra column
# true kind: target-mismatch (4 label columns for 3 outputs)
# fix: y[:, :3], or Dense(4)
def test_private_loss_function_gets_an_extra_label_column():
    model = keras.Sequential([keras.Input((5,)), layers.Dense(3)])
    model.compile("adam", _weighted_mse)
    model.fit(np.zeros((8, 5), "float32"), np.zeros((8, 4), "float32"), batch_size=4, epochs=1, verbose=0)


# source: TextVectorization called on ids that are already tokens ("Cast int64 to string is not supported")
# true kind: dtype-mismatch
# fix: feed the raw text, or skip the vectorizer
def test_text_vectorization_given_token_ids():
    vectorize = layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorize.adapt(["the cat sat", "the dog ran"])
    vectorize(np.array([[3, 5, 2], [4, 1, 0]], "int64"))


# source: "expected convolution2d_input_1 to have 4 dimensions, but got array with shape (32, 32, 3)"
#         (a generator that yields one image at a time)
# true kind: missing-batch-axis
# fix: yield batches (np.stack), or tf.data.Dataset.from_generator(...).batch(32)
def test_generator_yields_one_image_at_a_time():
    model = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(2)])
    model.compile("adam", "categorical_crossentropy")

    def images():
        while True:
            image = np.zeros((32, 32, 3), "float32")
            label = np.array([1.0, 0.0], "float32")
            yield image, label

    model.fit(images(), steps_per_epoch=2, epochs=1, verbose=0)


class AttentionScores(layers.Layer):
    def __init__(self, units, output_dim):
        super().__init__()
        self.units, self.output_dim = units, output_dim

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(self.output_dim, self.units))  # rows from the wrong size

    def call(self, x):
        return tf.einsum("btf,fu->btu", x, self.w)


# source: datalogue/keras-attention#1 "Dimensions must be equal, but are 32 and 4 for 'AttentionDecoder/MatMul_4'"
# true kind: matmul-incompatible (the kernel has 4 rows for 32 features)
# fix: shape=(input_shape[-1], self.units)
def test_attention_kernel_sized_from_the_output():
    inputs = keras.Input((10, 32))
    AttentionScores(32, 4)(layers.LSTM(32, return_sequences=True)(inputs))


class NMU(layers.Layer):
    def __init__(self, units, inputs):
        super().__init__()
        self.w = tf.Variable(tf.ones((inputs, units)))

    def call(self, x):
        return tf.reduce_prod(x * self.w + 1 - self.w, axis=1)  # element-wise with an (in, out) matrix


# source: keras-team/keras#15470 "Keras custom layer issue" (inputs * W with W of shape (in, out))
# true kind: broadcast-incompatible
# fix: reshape for broadcasting, x[:, :, None] * W
def test_weight_matrix_multiplied_element_wise():
    model = keras.Sequential([keras.Input((3,)), NMU(2, 3)])
    model.compile("rmsprop", "mse")
    model.fit(np.zeros((12, 3), "float32"), np.zeros((12, 2), "float32"), batch_size=4, epochs=1, verbose=0)


# source: a blind set of look-alikes: 10 recordings of 3 steps for a 10-step model (the 10 labels pin axis 0)
# true kind: size-mismatch (not time-major: swapping would leave 3 samples for 10 labels)
# fix: record 10 steps, or build the model for 3
def test_ten_recordings_of_three_steps_for_a_ten_step_model():
    model = keras.Sequential([keras.Input((10, 6)), layers.Flatten(), layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(np.zeros((10, 3, 6), "float32"), np.zeros((10, 1), "float32"), batch_size=5, epochs=1, verbose=0)


# source: a CSV's id column kept beside one-hot labels, so y has the data's shape (6, 4) by chance
# true kind: target-mismatch (not an autoencoder: y is not x)
# fix: y[:, 1:]
def test_labels_of_the_data_shape_are_not_an_autoencoder():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax")])
    model.compile("adam", "categorical_crossentropy")
    y = np.hstack([np.arange(6, dtype="float32")[:, None], np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]]])
    model.fit(np.zeros((6, 4), "float32"), y, epochs=1, verbose=0)


# source: "Input(shape=(batch_size, features))", a common first-model mistake
# true kind: extra-axis (the batch size 32 went into the per-sample shape)
# fix: keras.Input(shape=(10,))
def test_batch_size_written_into_the_input_shape():
    model = keras.Sequential([keras.Input((32, 10)), layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(np.zeros((64, 10), "float32"), np.zeros((64, 1), "float32"), batch_size=32, epochs=1, verbose=0)


# source: video clips (clips, frames, h, w, c) given to a model of single frames
# true kind: extra-axis (the clips' axis; TimeDistributed, or frames merged into the batch)
# fix: x.reshape((-1, 16, 16, 3))
def test_video_clips_for_a_frame_model():
    model = keras.Sequential([keras.Input((16, 16, 3)), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(2)])
    model.predict(np.zeros((2, 4, 16, 16, 3), "float32"), verbose=0)


# source: a multi-output model (class, box, aux) given a list of two label arrays
# true kind: structure-mismatch
# fix: model.fit(x, [y_cls, y_box, y_aux])
def test_one_label_array_missing_for_a_three_output_model():
    inputs = keras.Input((16,))
    hidden = layers.Dense(8)(inputs)
    outputs = [
        layers.Dense(3, name="cls")(hidden),
        layers.Dense(4, name="box")(hidden),
        layers.Dense(1, name="aux")(hidden),
    ]
    model = keras.Model(inputs, outputs)
    model.compile("adam", ["mse", "mse", "mse"])
    model.fit(
        np.zeros((8, 16), "float32"), [np.zeros((8, 3), "float32"), np.zeros((8, 4), "float32")], epochs=1, verbose=0
    )


# source: single frames given to fit() for a model of frame sequences of any length
# true kind: missing-axis (the time axis of every sample; the labels count 6 samples)
# fix: x[:, None]
def test_single_frames_for_a_model_of_frame_sequences():
    model = keras.Sequential(
        [
            keras.Input((None, 16, 16, 3)),
            layers.TimeDistributed(layers.Conv2D(4, 3)),
            layers.TimeDistributed(layers.GlobalAveragePooling2D()),
            layers.LSTM(4),
            layers.Dense(2),
        ]
    )
    model.compile("adam", "mse")
    model.fit(np.zeros((6, 16, 16, 3), "float32"), np.zeros((6, 2), "float32"), epochs=1, verbose=0)


# source: grayscale clips (clips, frames, h, w) for a TimeDistributed CNN built by its first call
# true kind: missing-axis (the channel axis of every frame)
# fix: x[..., None]
def test_grayscale_clips_for_a_time_distributed_cnn():
    model = keras.Sequential(
        [
            layers.TimeDistributed(layers.Conv2D(4, 3)),
            layers.TimeDistributed(layers.Flatten()),
            layers.LSTM(4),
            layers.Dense(1),
        ]
    )
    model.compile("adam", "mse")
    model.fit(np.zeros((4, 5, 20, 20), "float32"), np.zeros((4, 1), "float32"), epochs=1, verbose=0)


# source: a U-Net on 30x30 images: 30 -> 15 -> 7 by pooling, 7 -> 14 by upsampling, skip from the 15x15 level
# true kind: size-mismatch
# fix: layers.Cropping2D(((0, 1), (0, 1))) on the skip, or 32x32 images
def test_unet_skip_from_an_odd_size():
    inputs = keras.Input((30, 30, 3))
    skip = layers.Conv2D(16, 3, padding="same")(layers.MaxPooling2D()(inputs))
    bottom = layers.Conv2D(32, 3, padding="same")(layers.MaxPooling2D()(skip))
    layers.Concatenate()([layers.UpSampling2D()(bottom), skip])


# source: PNG images decoded with their alpha channel for an RGB model
# true kind: size-mismatch
# fix: x[..., :3]
def test_rgba_images_for_an_rgb_model():
    inputs = keras.Input((None, None, 3))
    model = keras.Model(inputs, layers.Conv2D(3, 3, padding="same")(inputs))
    model.predict(np.zeros((1, 20, 24, 4), "float32"), verbose=0)


# source: a GAN whose train_step feeds the dataset's (images, labels) batch to the discriminator
# true kind: structure-mismatch
# fix: images, _ = data
def test_custom_train_step_feeds_the_whole_batch_to_a_layer():
    class Critic(keras.Model):
        def __init__(self):
            super().__init__()
            self.conv = layers.Conv2D(4, 3)
            self.head = layers.Dense(1)

        def call(self, images):
            return self.head(layers.Flatten()(self.conv(images)))

        def train_step(self, data):
            return {"score": tf.reduce_mean(self(data))}  # data is (images, labels)

    critic = Critic()
    critic.compile("adam")
    images, labels = np.zeros((8, 12, 12, 1), "float32"), np.zeros((8,), "int64")
    critic.fit(tf.data.Dataset.from_tensor_slices((images, labels)).batch(4), epochs=1, verbose=0)


# source: token ids saved as a column per step, (samples, steps, 1), for Embedding -> LSTM
# true kind: extra-axis
# fix: x[..., 0]
def test_token_ids_with_a_trailing_unit_axis_for_an_embedding():
    if not getattr(keras, "__version__", "2").startswith("3"):  # tf_keras has no __version__
        pytest.skip("tf_keras drops the ids' trailing size-1 axis itself and trains without an error")
    model = keras.Sequential([layers.Embedding(50, 8), layers.LSTM(4), layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(np.ones((6, 10, 1), "int32"), np.zeros((6, 1), "float32"), epochs=1, verbose=0)


# source: features and labels of different lengths after filtering one of them
# true kind: size-mismatch
# fix: the same samples in both
def test_dataset_from_features_and_labels_of_different_lengths():
    tf.data.Dataset.from_tensor_slices((np.zeros((100, 5), "float32"), np.zeros((99,), "float32")))


# source: an image-to-channels-first permutation written for one sample, applied to a batch
# true kind: rank-mismatch
# fix: tf.transpose(x, [0, 3, 1, 2])
def test_transpose_with_a_per_sample_permutation_on_a_batch():
    class ChannelsFirst(layers.Layer):
        def call(self, x):
            return tf.transpose(x, [2, 0, 1])

    ChannelsFirst()(tf.zeros((2, 8, 8, 3)))


# source: one Dense layer shared by two inputs of different widths
# true kind: size-mismatch
# fix: a Dense per input
def test_shared_dense_on_a_narrower_second_input():
    shared = layers.Dense(4, name="shared_projection")
    wide, narrow = keras.Input((10,)), keras.Input((7,))
    keras.Model([wide, narrow], [shared(wide), shared(narrow)])


# source: an LSTM decoder whose initial state comes from Dense(16) while it has 8 units
# true kind: size-mismatch
# fix: layers.Dense(8) for the state, or LSTM(16)
def test_lstm_initial_state_of_another_width():
    steps, features = keras.Input((5, 3)), keras.Input((4,))
    state = [layers.Dense(16)(features), layers.Dense(16)(features)]
    model = keras.Model([steps, features], layers.LSTM(8)(steps, initial_state=state))
    model.predict([np.zeros((2, 5, 3), "float32"), np.zeros((2, 4), "float32")], verbose=0)


# source: AUC(multi_label=True, num_labels=4) for three labels
# true kind: target-mismatch
# fix: num_labels=3
def test_multi_label_auc_sized_for_another_label_count():
    metric = keras.metrics.AUC(multi_label=True, num_labels=4)
    metric.update_state(np.array([[0, 1, 1], [1, 0, 0]], "float32"), np.full((2, 3), 0.5, "float32"))


# source: Dataset.zip((inputs_a, inputs_b, labels)) for a two-input model
# true kind: structure-mismatch
# fix: Dataset.zip(((inputs_a, inputs_b), labels))
def test_two_input_model_fit_on_a_flat_zip_of_inputs_and_labels():
    a, b = keras.Input((3,), name="left"), keras.Input((2,), name="right")
    model = keras.Model([a, b], layers.Dense(1)(layers.Concatenate()([a, b])))
    model.compile("sgd", "mse")
    parts = [tf.data.Dataset.from_tensor_slices(np.zeros((8, n), "float32")) for n in (3, 2, 1)]
    model.fit(tf.data.Dataset.zip(tuple(parts)).batch(4), epochs=1, verbose=0)


# source: a subclassed forecaster whose Conv1D gets windows of a univariate series, (batch, steps)
# true kind: missing-axis
# fix: ds.map(lambda x, y: (x[..., None], y))
def test_subclassed_conv1d_model_on_windows_without_a_feature_axis():
    class Forecaster(keras.Model):
        def __init__(self):
            super().__init__()
            self.conv = layers.Conv1D(4, 3)
            self.head = layers.Dense(1)

        def call(self, x):
            return self.head(layers.GlobalAveragePooling1D()(self.conv(x)))

    model = Forecaster()
    model.compile("adam", "mse")
    windows = tf.data.Dataset.from_tensor_slices((np.zeros((16, 10), "float32"), np.zeros((16, 1), "float32")))
    model.fit(windows.batch(8), epochs=1, verbose=0)


# source: a TextVectorization made for 20 tokens feeding a model built for 10
# true kind: size-mismatch
# fix: output_sequence_length=10
def test_text_vectorized_to_another_length_than_the_model_takes():
    vectorize = layers.TextVectorization(max_tokens=50, output_sequence_length=20)
    vectorize.adapt(["the cat sat", "a dog ran far away"])
    model = keras.Sequential([keras.Input((10,)), layers.Embedding(50, 4), layers.Flatten(), layers.Dense(1)])
    model.predict(vectorize(tf.constant(["the cat ran", "dog"])), verbose=0)


# source: a grey image read as (h, w) converted for an RGB model
# true kind: missing-axis
# fix: tf.image.grayscale_to_rgb(gray[..., None])
def test_grayscale_to_rgb_on_an_image_without_its_channel_axis():
    tf.image.grayscale_to_rgb(tf.zeros((32, 32)))


# source: one-hot tokens given to an Embedding -> LSTM model
# true kind: extra-axis
# fix: x.argmax(-1)
def test_one_hot_tokens_for_an_embedding():
    model = keras.Sequential([layers.Embedding(10, 8), layers.LSTM(4), layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(np.eye(10, dtype="float32")[np.zeros((2, 4), "int64")], np.zeros((2, 1), "float32"), epochs=1, verbose=0)


# source: a keras.utils.Sequence whose __getitem__ returns one image and its label
# true kind: missing-batch-axis
# fix: return a batch
def test_sequence_that_returns_one_sample_per_item():
    class OneImageAtATime(keras.utils.Sequence):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return np.zeros((16, 16, 3), "float32"), np.zeros((2,), "float32")

    model = keras.Sequential([keras.Input((16, 16, 3)), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(2)])
    model.compile("adam", "mse")
    model.fit(OneImageAtATime(), epochs=1, verbose=0)


# source: PNG images decoded with alpha, normalised with the RGB mean
# true kind: broadcast-incompatible
# fix: x[..., :3]
def test_rgba_images_minus_a_per_channel_rgb_mean():
    tf.zeros((2, 8, 8, 4)) - tf.constant([0.485, 0.456, 0.406])


# source: uint8 pixels normalised with a float mean inside the graph
# true kind: dtype-mismatch
# fix: tf.cast(images, tf.float32)
def test_uint8_pixels_minus_a_float_mean():
    tf.subtract(tf.zeros((2, 4, 4, 3), tf.uint8), tf.constant(127.5))


# source: a two-output model (class, flag) fitted with the labels as [flag, class]
# true kind: target-mismatch
# fix: [y_class, y_flag]
def test_two_output_model_given_its_labels_in_another_order():
    inputs = keras.Input((8,))
    outputs = [layers.Dense(5, activation="softmax", name="kind")(inputs), layers.Dense(1, name="flag")(inputs)]
    model = keras.Model(inputs, outputs)
    model.compile("adam", ["categorical_crossentropy", "mse"])
    y_kind, y_flag = np.eye(5, dtype="float32")[np.arange(6) % 5], np.zeros((6, 1), "float32")
    model.fit(np.zeros((6, 8), "float32"), [y_flag, y_kind], epochs=1, verbose=0)
