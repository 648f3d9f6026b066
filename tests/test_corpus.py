"""The corpus of real shape bugs (tests/corpus/), diagnosed with zero configuration.

Each case runs one failing user test through pytester and checks what a user
sees: the original error stays the failure, and the report gains a
`shape diagnosis` section naming the root cause and a usable fix. The same
expectations hold under Keras 3 and legacy Keras 2 (tox env `legacy-keras`).
"""

from __future__ import annotations

import re

import pytest
from conftest import requires_tf

pytestmark = requires_tf

# test name -> (kind, glob for the headline after "[kind] ", fragment of the hint)
SHAPE_BUGS = {
    # data without a batch axis: model(x), predict(x), a bare layer, fit on a dataset of single samples
    "test_dense_call_missing_batch": (
        "missing-batch-axis",
        "input of Sequential '*': expected (None, 64), got (64,)*",
        "x[None, ...]",
    ),
    "test_dense_call_missing_batch_numpy": (
        "missing-batch-axis",
        "*expected (None, 64), got (64,)*",
        "(64,) -> (1, 64)",
    ),
    "test_dense_predict_missing_batch": (
        "missing-batch-axis",
        "input of Sequential '*'.predict(): expected (None, 64), got (64,)*",
        "(64,) -> (1, 64)",
    ),
    "test_unbuilt_dense_rank1": (
        "missing-batch-axis",
        "input of layer 'dense*': expected rank >= 2, got (64,)*",
        "expand_dims(x, 0)",
    ),
    "test_built_dense_rank1": ("missing-batch-axis", "*expected rank >= 2, got (64,)*", "expand_dims(x, 0)"),
    "test_cnn_call_single_image": (
        "missing-batch-axis",
        "*expected (None, 28, 28, 1), got (28, 28, 1)*",
        "(28, 28, 1) -> (1, 28, 28, 1)",
    ),
    "test_cnn_predict_single_image": (
        "missing-batch-axis",
        "*.predict(): expected (None, 28, 28, 1), got (28, 28, 1)*",
        "x[None, ...]",
    ),
    "test_rgb_cnn_call_single_image": ("missing-batch-axis", "*got (28, 28, 3)*", "(1, 28, 28, 3)"),
    "test_conv2d_layer_eager_direct_rank3": (
        "missing-batch-axis",
        "*expected rank >= 4, got (28, 28, 3)*",
        "x[None, ...]",
    ),
    "test_dataset_batch_rank_mismatch_fit": (
        "missing-batch-axis",
        "*.fit(): the dataset yields single samples (64,), the model wants batches (None, 64) "
        "(the dataset is not batched)",
        "ds = ds.batch(32)",
    ),
    "test_matmul_rank1": ("missing-batch-axis", "matrix product (64,) @ (64, 10)*", "tf.expand_dims(a, 0)"),
    # raw ops keep no arguments in the traceback: under oneDNN only the failing operand's index is known
    "test_raw_op_matmul_rank1": ("missing-batch-axis", "matrix product*", "tf.expand_dims(a, 0)"),
    # a graph of unknown rank fails at run time, where oneDNN's message names no shapes at all
    "test_tf_function_unknown_rank_matmul_rank1": ("missing-batch-axis", "matrix product*", "tf.expand_dims(a, 0)"),
    # TensorFlow's default kernel names the matmul shapes; its oneDNN kernel (the default on
    # recent x86 CPUs) names none, and the serving signature's own message is the one with shapes
    "test_saved_model_serving_signature_wrong_rank": ("missing-batch-axis", "*(64,)*", "(64,) -> (1, 64)"),
    "test_tf_function_signature_rank": (
        "missing-batch-axis",
        "input of the tf.function (input_signature): expected (None, 64), got (64,)*",
        "x[None, ...]",
    ),
    "test_tensor_contents_numpy_int_predict_missing_batch": (
        "missing-batch-axis",
        "*expected (None, 4), got (4,)*",
        "(4,) -> (1, 4)",
    ),
    "test_large_tensor_contents_missing_batch": (
        "missing-batch-axis",
        "*expected (None, 5000), got (5000,)*",
        "x[None, ...]",
    ),
    "test_large_tensor_tf_function_binding": (
        "missing-batch-axis",
        "*tf.function*expected (None, 5000), got (5000,)*",
        "x[None, ...]",
    ),
    # a missing channel/feature/time axis
    "test_rgb_cnn_call_no_channel_axis": (
        "missing-axis",
        "*expected (None, 28, 28, 3), got (4, 28, 28)*",
        "(4, 28, 28) -> (4, 28, 28, 3)",
    ),
    "test_lstm_2d_input": ("missing-axis", "*expected (None, 10, 8), got (4, 8)*", "expand_dims(x, axis=1)"),
    # an RNN that returns only its last step feeding a layer that wants the sequence
    "test_stacked_lstm_without_return_sequences": (
        "rank-mismatch",
        "input of layer 'lstm*': expected rank 3, got (None, 16) from the LSTM layer 'lstm*' before it, "
        "which returns only its last step",
        "layers.LSTM(..., return_sequences=True)",
    ),
    "test_functional_gru_after_an_lstm_that_returns_its_last_step": (
        "rank-mismatch",
        "input of layer 'gru*': expected rank 3, got (None, 16) from the LSTM layer 'lstm*' before it*",
        "layers.LSTM(..., return_sequences=True)",
    ),
    # return_sequences=True would give rank 3, not the 4 a Conv2D wants: the RNN is not named
    "test_conv2d_after_an_lstm_is_two_axes_short": (
        "rank-mismatch",
        "input of layer 'conv2d*': expected rank >= 4, got (None, 16) (rank 4 expected, got rank 2)",
        "to rank 4",
    ),
    "test_bidirectional_lstm_stacked_without_return_sequences": (
        "rank-mismatch",
        "*got (None, 32) from the Bidirectional layer 'bidirectional*' before it, which returns only its last step",
        "layers.Bidirectional(layers.LSTM(..., return_sequences=True))",
    ),
    "test_conv1d_on_2d_input_build": (
        "missing-axis",
        "input of layer 'conv1d*': expected rank >= 3, got (None, 30)*",
        "keras.Input(shape=(steps, 1))",
    ),
    "test_lstm_on_2d_input_build": (
        "missing-axis",
        "input of layer 'lstm*': expected rank 3, got (None, 8)*",
        "layers.Reshape",
    ),
    # one axis too many
    "test_input_shape_includes_dataset_size": (
        "extra-axis",
        "the model's input (None, 1000, 20) includes the dataset size 1000*",
        "keras.Input(shape=(20,))",
    ),
    "test_tf_function_signature_numpy_wrong_rank": ("extra-axis", "*expected (None, 64), got (2, 8, 64)*", "(8, 64)"),
    # channels-first data
    "test_cnn_channels_first_data": (
        "axis-order",
        "*expected (None, 32, 32, 3), got (4, 3, 32, 32) (channels-first*",
        "perm=[0, 2, 3, 1]",
    ),
    # dropped or extra columns, wrong sizes
    "test_dense_call_63_features": (
        "size-mismatch",
        "*expected (None, 64), got (8, 63) (axis 1: expected 64, got 63)",
        "dropped or extra feature column",
    ),
    "test_dense_predict_63_features": (
        "size-mismatch",
        "*.predict(): expected (None, 64), got (8, 63)*",
        "feature column",
    ),
    "test_fit_63_features": ("size-mismatch", "*.fit(): expected (None, 64), got (16, 63)*", "feature column"),
    "test_tensor_contents_in_message_large": ("size-mismatch", "*got (3, 63)*", "feature column"),
    "test_tf_function_signature_dim": (
        "size-mismatch",
        "*tf.function*expected (None, 64), got (4, 63)*",
        "input_signature",
    ),
    "test_keras_reshape_layer_call": ("size-mismatch", "*expected (None, 28), got (4, 30)*", "feature column"),
    "test_batchnorm_wrong_axis_size": ("size-mismatch", "*expected (None, 4, 4, 3), got (2, 4, 4, 5)*", "5 where 3"),
    "test_two_input_swapped": (
        "size-mismatch",
        "input[0] of Functional*: expected (None, 64), got (4, 8)*",
        "wrong order: pass them as [inputs[1], inputs[0]]",
    ),
    "test_two_input_predict_swapped": ("size-mismatch", "input[0] of Functional*.predict()*", "wrong order"),
    "test_two_input_only_one": (
        "structure-mismatch",
        "model '*' takes 2 inputs*but received 1",
        "pass every input",
    ),
    "test_two_input_dict_wrong_key": ("structure-mismatch", "input 'meta' is missing*", "['feat', 'meta']"),
    "test_concatenate_layer_mismatch_build": (
        "size-mismatch",
        "concatenating/stacking (None, 4, 64) and (None, 5, 8)*",
        "concatenat",
    ),
    "test_concat_mismatch": ("size-mismatch", "concatenating/stacking (4, 3) and (5, 2)*", "concatenat"),
    "test_stack_mismatch": ("size-mismatch", "concatenating/stacking (4, 3) and (4, 2)*", "concatenat"),
    "test_set_weights_wrong_shape": (
        "size-mismatch",
        "weights for layer '*': expected (64, 10), got (63, 10)*",
        "weights were made for",
    ),
    "test_dense_on_ragged": ("size-mismatch", "*cannot build its weights*unknown (None)", "dense/padded"),
    "test_dense_undefined_last_dim": (
        "size-mismatch",
        "*cannot build its weights*",
        "keras.Input(shape=(n_features,))",
    ),
    "test_flatten_variable_spatial_dense": ("size-mismatch", "*cannot build its weights*", "GlobalAveragePooling2D()"),
    # a classifier head that kept its spatial axes
    "test_no_flatten_categorical_fit": ("rank-mismatch", "loss/metric: labels (16, 10) vs predictions*", "Flatten()"),
    "test_no_flatten_sparse_fit": ("rank-mismatch", "loss/metric: labels (16,) vs predictions*", "Flatten()"),
    # labels in the wrong form
    "test_categorical_int_labels_1d": (
        "target-mismatch",
        "*labels (16,*) vs predictions (16, 3)*",
        "sparse_categorical_crossentropy",
    ),
    "test_categorical_int_labels_2d": (
        "target-mismatch",
        "*labels (16, 1) vs predictions (16, 3)*",
        "to_categorical(y, 3)",
    ),
    "test_sparse_with_onehot": (
        "target-mismatch",
        "*vs predictions (16, 3) (one-hot labels*",
        "loss='categorical_crossentropy'",
    ),
    "test_sparse_xent_rank": ("target-mismatch", "*one-hot labels*", "argmax"),
    "test_keras_sparse_loss_float_onehot_direct": ("target-mismatch", "*one-hot labels*", "argmax"),
    "test_binary_ce_output1_labels3": ("target-mismatch", "*labels (16, 3) vs predictions (16, 1)*", "Dense(3)"),
    "test_evaluate_y_mismatch_mse": ("target-mismatch", "*labels (None, 5) vs predictions (None, 3)*", "Dense(5)"),
    "test_tf_data_label_shape_mismatch_fit": (
        "target-mismatch",
        "*labels (None, 5) vs predictions (None, 3)*",
        "Dense(5)",
    ),
    "test_softmax_xent_shape": ("target-mismatch", "*labels (16, 5) vs predictions (16, 3)*", "Dense(5)"),
    "test_sparse_xent_first_dim": (
        "target-mismatch",
        "*labels (15,) vs predictions (16, 3)*",
        "same number of samples",
    ),
    "test_fit_x_y_sample_count_mismatch": (
        "target-mismatch",
        "x and y have different numbers of samples: x 16, y 15",
        "slice x and y",
    ),
    # matrix products: dropped columns, transposed weights, custom layers, under tf.function
    "test_matmul_inner_mismatch": (
        "matmul-incompatible",
        "matrix product (32, 64) @ (63, 10): inner dimensions differ (64 vs 63)",
        "(64, 10)",
    ),
    "test_matmul_operator": ("matmul-incompatible", "matrix product (32, 64) @ (63, 10)*", "(64, 10)"),
    "test_matmul_transposed_weights": (
        "matmul-incompatible",
        "matrix product (32, 64) @ (10, 64)*",
        "transpose_b=True",
    ),
    "test_batched_matmul_mismatch": (
        "matmul-incompatible",
        "matrix product (4, 5, 6) @ (4, 7, 8)*",
        "layers.Dense(7) on the first",
    ),
    "test_tf_function_matmul_mismatch": ("matmul-incompatible", "matrix product (32, 64) @ (63, 10)*", "(64, 10)"),
    "test_tf_function_dynamic_shape_runtime_matmul": (
        "matmul-incompatible",
        "matrix product (32, 64) @ (63, 10)*",
        "(64, 10)",
    ),
    "test_custom_layer_eager_matmul": ("matmul-incompatible", "matrix product (4, 64) @ (63, 10)*", "(64, 10)"),
    # under oneDNN the op names no shapes and Keras drops the op's frame: the rank is all there is
    "test_custom_layer_eager_matmul_unbatched": ("missing-batch-axis", "matrix product*", "tf.expand_dims(a, 0)"),
    "test_custom_layer_in_functional_build": (
        "matmul-incompatible",
        "matrix product (None, 64) @ (63, 10)*",
        "(64, 10)",
    ),
    "test_custom_layer_in_sequential_fit": ("matmul-incompatible", "matrix product (None, 64) @ (63, 10)*", "(64, 10)"),
    "test_subclassed_model_call": ("matmul-incompatible", "matrix product (2, 16) @ (15, 4)*", "(16, 4)"),
    # residual adds and other element-wise ops
    "test_eager_add_mismatch": (
        "broadcast-incompatible",
        "element-wise op on (4, 32) and (4, 16): axis 1 is 32 vs 16*",
        "residual",
    ),
    "test_eager_plus_operator_mismatch": ("broadcast-incompatible", "*(4, 32) and (4, 16)*", "residual"),
    "test_functional_add_layer_mismatch": ("broadcast-incompatible", "*32 vs 16*", "Dense(32)"),
    "test_functional_plus_operator_mismatch": ("broadcast-incompatible", "*(None, 32) and (None, 16)*", "Dense(32)"),
    "test_tf_function_add_mismatch": ("broadcast-incompatible", "*(4, 32) and (4, 16)*", "residual"),
    "test_broadcast_to_mismatch": ("broadcast-incompatible", "*(3, 4) and (3, 5)*", "axis 1"),
    # reshapes and patches
    "test_eager_reshape_bad_size": ("reshape-size", "reshape: the input has 120 elements*112", "-1"),
    "test_tf_function_reshape_mismatch": ("reshape-size", "reshape to [4,7,4]: the input has 120 elements*", "-1"),
    "test_keras_reshape_layer_build": (
        "reshape-size",
        "Reshape(7, 4) on per-sample shape (30,): 30 elements cannot become 28",
        "-1",
    ),
    "test_patch_reshape_not_divisible": (
        "reshape-size",
        "*2700 elements*multiple of 192",
        "divisible by the patch size",
    ),
    # deep stacks on tiny images
    # Keras >= 3.13 refuses to build these models; 3.12 (the last for Python 3.10) fails in predict()
    "test_deep_stack_tiny_image_build": (
        "spatial-too-small",
        "*larger than its input (None, *, *, 3)*",
        "padding='same'",
    ),
    "test_conv2d_kernel_bigger_than_input_build": (
        "spatial-too-small",
        "*larger than its input (*, 2, 2, 1)*",
        "padding='same'",
    ),
    "test_maxpool_layer_too_small_build": (
        "spatial-too-small",
        "*larger than its input (*, 1, 1, 1)*",
        "padding='same'",
    ),
    # dtypes: int ids times float tables, float64 into float32 graphs
    "test_matmul_int_float": (
        "dtype-mismatch",
        "MatMul: an operand is float32 where int32 is expected",
        "tf.gather(table, ids)",
    ),
    "test_dense_int_in_tf_function": ("dtype-mismatch", "MatMul: *", "tf.gather(table, ids)"),
    "test_add_int_float": ("dtype-mismatch", "AddV2: *", "tf.cast"),
    "test_matmul_f32_f64": (
        "dtype-mismatch",
        "MatMul: an operand is float64 where float32 is expected",
        "tf.cast(x, tf.float32)",
    ),
    "test_gather_float_indices": ("dtype-mismatch", "*float*int32*", "tf.cast(x, tf.int32)"),
    # data pipelines: what a generator yields vs its signature, elements of different lengths
    "test_generator_yields_other_shape_than_its_signature": (
        "size-mismatch",
        "element yielded by the generator of Dataset.from_generator: expected (10,), got (9,)*",
        "output_signature",
    ),
    "test_batch_of_variable_length_sequences": (
        "size-mismatch",
        "dataset.batch(): element 1 has shape (5,), the first (3,)*",
        "padded_batch",
    ),
    # checks inside layers and ops
    "test_conv_filter_depth_differs_from_input_channels": (
        "size-mismatch",
        "convolution: the input has 2 channels, the kernel was built for 3",
        "3-channel data",
    ),
    # Keras 3 checks the layer's inputs; legacy Keras 2 leaves it to the einsum kernel
    "test_attention_key_and_value_lengths_differ": ("size-mismatch", "*", "key"),
    "test_dot_layer_contracts_axes_of_different_sizes": (
        "matmul-incompatible",
        "layers.Dot on (None, 5, 8) and (None, 6, 8): it contracts axis 1 (size 5) with axis 1 (size 6)",
        "layers.Dot(axes=...)",
    ),
    "test_time_distributed_after_rnn_without_return_sequences": (
        "rank-mismatch",
        "input of layer 'TimeDistributed': expected rank >= 3, got (None, 8) from the LSTM layer 'lstm*' before it, "
        "which returns only its last step",
        "layers.LSTM(..., return_sequences=True)",
    ),
    # from public reports: unbatched multi-input samples, fixed batch sizes, padding, RNN states, labels
    "test_multi_input_predict_one_sample": (
        "missing-batch-axis",
        "each of the model's 2 inputs got one sample without its batch axis*16, 4*",
        "[x[None, ...] for x in inputs]",
    ),
    "test_vae_sampling_uses_fixed_batch_size": (
        "batch-dependent",
        "element-wise op on (4, 2) and (8, 2): the batch of 4 the model got meets a tensor made for a batch of 8",
        "tf.random.normal(tf.shape(x))",
    ),
    "test_padded_shapes_smaller_than_longest_sequence": (
        "size-mismatch",
        "dataset.padded_batch(): padded_shapes is smaller than an element",
        "padded_shapes=None",
    ),
    "test_gru_return_state_output_not_unpacked": (
        "structure-mismatch",
        "layer '*' takes 1 input, but received 2",
        "return_state=True",
    ),
    "test_evaluate_to_categorical_infers_fewer_classes": (
        "target-mismatch",
        "*labels (None, 3) vs predictions (None, 4)*",
        "num_classes=4",
    ),
    "test_lstm_autoencoder_repeatvector_wrong_length": (  # fit(x, x): the model's output is what is wrong
        "size-mismatch",
        "the model is trained to give back its input (8, 12, 3), but it outputs (8, 10, 3)",
        "layers.RepeatVector(12)",
    ),
    "test_concatenate_layer_called_on_one_tensor": (
        "structure-mismatch",
        "A `Concatenate` layer should be called on a list of at least 1 input",
        "layers.Concatenate()([a, b])",
    ),
    "test_resize_grayscale_images_in_dataset_map": (
        "missing-axis",
        "image op input: expected rank 3 (h, w, c) or 4 (n, h, w, c), got (20, 20)*",
        "img[..., None]  # (20, 20) -> (20, 20, 1)",
    ),
    "test_random_crop_size_without_channel_axis": (
        "missing-axis",
        "random_crop: size has 2 entries for a value of (32, 32, 3)*",
        "size=[..., 3]",
    ),
    "test_conv3d_grey_volumes_without_channel_axis": (
        "missing-axis",
        "input of layer 'conv3d*': expected rank >= 5, got (2, 8, 16, 16) (axis 4 of size 1 is missing)",
        "x[..., None]  # (2, 8, 16, 16) -> (2, 8, 16, 16, 1)",
    ),
    "test_2d_pooling_after_conv1d": (
        "rank-mismatch",
        "input of layer 'max_pooling2d*': expected rank 4, got (None, 18, 16)*",
        "layers.MaxPooling1D()",
    ),
    "test_padded_batch_pads_to_the_batch_not_the_model": (
        "size-mismatch",
        "input of Sequential '*'.fit(): the dataset's elements (None, None) vary in size on axis 1, where the model "
        "was built for 10",
        "padded_shapes=",
    ),
    "test_normalization_adapted_on_other_features": (
        "size-mismatch",
        "layer 'normalization*' was built (or adapted) for 5 on the last axis, but got (*, 4)",
        "the 5 features it was built for",
    ),
    # no model: the layer is found from its own call in the traceback
    "test_adapted_normalization_called_on_its_own_with_other_features": (
        "size-mismatch",
        "layer 'normalization*' was built (or adapted) for 5 on the last axis, but got (3, 4)",
        "feed it the 5 features it was built for",
    ),
    "test_input_declares_a_stray_size_1_axis_before_lstm": (
        "extra-axis",
        "input of layer 'lstm*': expected rank 3, got (None, 1, 6, 30) (axis 1 of size 1 is extra)",
        "(None, 1, 6, 30) -> (None, 6, 30)",
    ),
    "test_concatenate_per_step_feature_without_its_axis": (
        "missing-axis",
        "concatenating (None, 10, 8) and (None, 10): (None, 10) lacks the last axis of (None, 10, 8)",
        "layers.Reshape((10, 1))",
    ),
    "test_raw_conv2d_in_tf_function_on_grey_batch": (
        "missing-axis",
        "convolution input (2, 20, 16): no channel axis (the filter wants 1 channels)",
        "x[..., None]  # (2, 20, 16) -> (2, 20, 16, 1)",
    ),
    "test_load_weights_of_a_model_with_other_class_count": (
        "size-mismatch",
        "weights for layer 'dense*': expected (16, 5), got (16, 10) (axis 1: expected 5, got 10)",
        "skip_mismatch=True",
    ),
    "test_fit_on_time_major_sequences": (
        "axis-order",
        "x (10, 4, 3) has the 4 samples of y on axis 1, not axis 0 (time-major or transposed data)",
        "np.transpose(x, (1, 0, 2))  # (10, 4, 3) -> (4, 10, 3)",
    ),
    "test_dataset_map_function_takes_one_argument_of_pairs": (
        "structure-mismatch",
        "dataset function <lambda>() takes 1 argument(s), but each element has 2 components",
        "lambda x, y: ...",
    ),
    "test_cross_attention_with_the_self_attention_mask": (
        "size-mismatch",
        "MultiHeadAttention: attention_mask (2, 6, 6) does not fit 6 queries and 9 keys; it must be (2, 6, 9)",
        "shape (2, 6, 9)",
    ),
    "test_attention_padding_mask_without_query_axis": (
        "missing-axis",
        "MultiHeadAttention: attention_mask (2, 12) has no query axis*",
        "attention_mask=mask[:, None, :]",
    ),
    "test_mixed_precision_layer_concatenates_a_float32_constant": (
        "dtype-mismatch",
        "ConcatV2: *float*",
        "tf.cast(c, x.dtype)",
    ),
    "test_generator_yields_class_names_for_int_labels": (
        "dtype-mismatch",
        "Dataset.from_generator: the generator yielded an element that cannot be converted to int64",
        "map them to ids",
    ),
    "test_reshape_hard_codes_the_batch_size_last_batch_fails": (
        "batch-dependent",
        # the reshape in Keras 3; legacy Keras may fail first in the loss, on (8, 1) predictions for 4 labels
        "* hard-codes the batch size 8; the last batch of fit() has 4 samples (20 % 8)",
        "tf.reshape(x, (-1, ...))",
    ),
    "test_hand_made_flatten_folds_the_batch_axis": (
        "batch-dependent",
        "a layer got (1, 576) where (None, 144) is wanted: a batch of 4 was folded into the features (4 x 144)*",
        "tf.reshape(x, (tf.shape(x)[0], -1))",
    ),
    "test_bidirectional_encoder_states_into_a_smaller_decoder": (
        "size-mismatch",
        # Keras 3 fails in the cell's matrix product, Keras 2 when the layer checks the state's spec
        "*: a state of * for a layer of 8 units",
        "an initial_state must have the layer's 8 units",
    ),
    "test_dataset_of_column_dicts_into_a_single_input_model": (
        "structure-mismatch",
        # Keras 3 compares the structures; Keras 2 looks the model's Input name up in the dict
        "*['age', 'fare', 'parch']*",
        "stack the columns into one array",
    ),
    "test_sample_weight_from_before_the_split": (
        "size-mismatch",
        "sample_weight has 20 entries for 16 samples",
        "one weight per sample",
    ),
    "test_class_weights_for_fewer_classes_than_the_model": (
        "broadcast-incompatible",
        "loss/metric: an element-wise op on (3,) and (*, 4); (3,) is neither the labels nor the predictions",
        "a per-class weight vector needs 4 entries",
    ),
    "test_train_step_signature_fixes_the_batch_size": (
        "batch-dependent",
        "input of the tf.function (input_signature): the signature fixes the batch size at 8, got a batch of 4",
        "tf.TensorSpec((None, 6), tf.float32)",
    ),
    "test_embedding_of_one_id_concatenated_with_numeric_features": (
        "extra-axis",
        "concatenating (None, 1, 8) and (None, 4): (None, 1, 8) has an extra axis 1 of size 1",
        "layers.Reshape((8,))",
    ),
    "test_tile_a_context_vector_without_a_time_axis": (
        "missing-axis",
        "tf.tile: 3 multiples for a tensor of rank 2 (None, 4)",
        "tf.tile(tf.expand_dims(x, 1), [1, n, 1])",
    ),
    "test_tile_eagerly_a_context_vector_without_a_time_axis": (
        "missing-axis",
        "tf.tile: 3 multiples for a tensor of rank 2 (2, 4)",
        "tf.tile(tf.expand_dims(x, 1), [1, n, 1])  # (2, 4) -> (2, 1, 4)",
    ),
    # the Input leaves axis 1 free, so 6 is not a dataset size written into it: 6 labels, 6 samples each one axis short
    "test_single_frames_for_a_model_of_frame_sequences": (
        "missing-axis",
        "input of Sequential *.fit(): expected (None, None, 16, 16, 3), got (6, 16, 16, 3): 6 samples (as many as "
        "the labels), each without the model's axis 1",
        "x[:, None] or np.expand_dims(x, 1)  # (6, 16, 16, 3) -> (6, 1, 16, 16, 3)",
    ),
    # Keras 3 builds the Conv2D on frames without channels (kernel (3, 3, 20, 4)); tf_keras' input spec says so
    "test_grayscale_clips_for_a_time_distributed_cnn": (
        "missing-axis",
        "*got (None, 20, 20)*",
        "x[..., None]",
    ),
    # 15 -> 7 -> 14: the skip is one pixel larger; the concatenation axis itself may differ
    "test_unet_skip_from_an_odd_size": (
        "size-mismatch",
        "concatenating/stacking (None, 14, 14, 32) and (None, 15, 15, 16) along axis 3: axes [1, 2] differ*",
        "crop the larger input (None, 15, 15, 16) to 14 x 14 with layers.Cropping2D(((0, 1), (0, 1)))",
    ),
    "test_rgba_images_for_an_rgb_model": (
        "size-mismatch",
        "input of Functional *.predict(): expected (None, None, None, 3), got (1, 20, 24, 4) (axis 3: expected 3, *",
        "x[..., :3]  # (1, 20, 24, 4) -> (1, 20, 24, 3)",
    ),
    # the shapes the layer got are the dataset element's, labels included: the batch was not unpacked
    "test_custom_train_step_feeds_the_whole_batch_to_a_layer": (
        "structure-mismatch",
        "layer '*' takes 1 input, but received 2",
        "the dataset's whole element, 2 parts (x, y ...), reached it as its input: unpack the batch first",
    ),
    # the extra axis after the Embedding is the ids' own trailing size-1 axis: the data is what to fix
    "test_token_ids_with_a_trailing_unit_axis_for_an_embedding": (
        "extra-axis",
        "input of layer '*': expected *, got (None, 10, 1, 8)*: the ids (6, 10, 1) keep a size-1 last axis*",
        "x[..., 0] or np.squeeze(x, -1)  # (6, 10, 1) -> (6, 10)",
    ),
    # TensorShape's generic wording, read as what it means where it was raised: from_tensor_slices
    "test_dataset_from_features_and_labels_of_different_lengths": (
        "size-mismatch",
        "Dataset.from_tensor_slices: its components (100, 5) and (99,) have 100 and 99 rows*",
        "the same number of samples (len(x) == len(y))",
    ),
    "test_transpose_with_a_per_sample_permutation_on_a_batch": (
        "rank-mismatch",
        "tf.transpose: perm has 3 entries for a tensor of (2, 8, 8, 3)",
        "keep it first: tf.transpose(x, [0, 3, 1, 2])  # (2, 8, 8, 3) -> (2, 3, 8, 8)",
    ),
    # Keras 3's input spec names the sizes; tf_keras' MatMul meets the layer's own kernel
    "test_shared_dense_on_a_narrower_second_input": (
        "size-mismatch",
        "*'shared_projection'*10*(None, 7)*",
        "10",
    ),
    # Keras 3: the recurrent kernel's MatMul in a graph; tf_keras: its state spec check
    "test_lstm_initial_state_of_another_width": (
        "size-mismatch",
        "*: a state of 16 features for a layer of 8 units",
        "an initial_state must have the layer's 8 units",
    ),
    # Keras 3: the state's AddV2 (200, 4) + (200, 3); tf_keras: its assert_shapes on the label count
    "test_multi_label_auc_sized_for_another_label_count": (
        "target-mismatch",
        "metric: AUC(multi_label=True) got labels (2, 3) with 3 labels per sample, but it counts 4 (its state*",
        "AUC(multi_label=True, num_labels=3)",
    ),
    # (a, b, y) flat: Keras reads (x, y, sample_weight), so the model gets one input
    "test_two_input_model_fit_on_a_flat_zip_of_inputs_and_labels": (
        "structure-mismatch",
        "model '*' takes 2 inputs*but received 1",
        "the dataset yields a flat tuple of 3 tensors, which Keras reads as (x, y, sample_weight)",
    ),
    # no layer made the Conv1D's input: it is the data, not an RNN's last step
    "test_subclassed_conv1d_model_on_windows_without_a_feature_axis": (
        "missing-axis",
        "input of layer '*': expected rank >= 3, got (None, 10)*",
        "one axis short: give it the feature axis, x[..., None] (in a tf.data pipeline",
    ),
    "test_text_vectorized_to_another_length_than_the_model_takes": (
        "size-mismatch",
        "input of Sequential *.predict(): expected (None, 10), got (2, 20)*",
        "pads or cuts every text to output_sequence_length=20, the model's Input takes 10 tokens",
    ),
    "test_grayscale_to_rgb_on_an_image_without_its_channel_axis": (
        "missing-axis",
        "tf.image.grayscale_to_rgb got (32, 32): a grey image without its channel axis*",
        "x[..., None]  # (32, 32) -> (32, 32, 1)",
    ),
    # the axis too many after the Embedding is the tokens' one-hot axis: the data is what to fix
    "test_one_hot_tokens_for_an_embedding": (
        "extra-axis",
        "input of layer '*': expected *, got (None, 4, 10, 8)*: the ids (2, 4, 10) are one-hot*",
        "x.argmax(-1)  # (2, 4, 10) -> (2, 4)",
    ),
    "test_sequence_that_returns_one_sample_per_item": (
        "missing-batch-axis",
        "input of Sequential *.fit(): expected (None, 16, 16, 3), got (16, 16, 3)*: the OneImageAtATime's "
        "__getitem__ returns one sample",
        "return a whole batch from __getitem__",
    ),
    # a rank-1 operand is a per-channel constant, not a residual branch to project
    "test_rgba_images_minus_a_per_channel_rgb_mean": (
        "broadcast-incompatible",
        "element-wise op on (2, 8, 8, 4) and (3,)*",
        "a per-channel vector of 3 values meets 4 channels: give it one value per channel",
    ),
    # the integers go to float, never the float mean to uint8
    "test_uint8_pixels_minus_a_float_mean": (
        "dtype-mismatch",
        "Sub: an operand is *",
        "cast the integer operand to float32: tf.cast(x, tf.float32)",
    ),
    "test_two_output_model_given_its_labels_in_another_order": (
        "target-mismatch",
        "loss/metric: the labels [(6, 1), (6, 5)] come in another order than the model's outputs*",
        "[y[1], y[0]], or as a dict by output name: {'kind': y[1], 'flag': y[0]}",
    ),
    # batch_dims=1 wants one row of indices per sample: a single index vector has no batch axis
    "test_gather_per_sample_with_one_index_vector_for_all": (
        "missing-batch-axis",
        "tf.gather(batch_dims=1): the indices (3,) have no batch axis, params (8, 10, 4) have 8 samples",
        "tf.gather(params, indices, axis=1); for indices per sample, give them the batch axis: "
        "tf.tile(indices[None], [8, 1])  # (3,) -> (8, 3)",
    ),
    "test_gather_per_sample_with_indices_of_another_batch": (
        "size-mismatch",
        "tf.gather with batch_dims: axis 0 of params (8, 10, 4), indices (6, 3) differ: 8 vs 6",
        "give indices 8 rows on that axis",
    ),
    # the letter the operand lacks is the one whose removal lines its sizes up with the other operands'
    "test_einsum_attention_values_without_the_head_axis": (
        "missing-axis",
        "einsum 'bhqk,bhkd->bhqd': operand 1 is (2, 5, 8), without the 'h' axis (axis 1, 4 long in another operand)*",
        "(2, 5, 8) -> (2, 4, 5, 8); or if it is the same for every 'h', drop the letter: tf.einsum('bhqk,bkd->bhqd'",
    ),
    "test_einsum_in_a_graph_on_values_without_the_head_axis": (
        "missing-axis",
        "einsum 'bhqk,bhkd->bhqd': operand 1 is (None, 5, 8), without the 'h' axis*",
        "(None, 5, 8) -> (None, 4, 5, 8)",
    ),
    "test_einsum_shared_projection_under_per_sample_subscripts": (
        "missing-batch-axis",
        "einsum 'btd,bdk->btk': operand 1 is (16, 4), without the 'b' axis (axis 0, 3 long in another operand)*",
        "drop the letter: tf.einsum('btd,dk->btk', ...)",
    ),
    "test_squeeze_without_axis_on_a_batch_of_one": (
        "batch-dependent",
        "loss/metric: labels () vs predictions (1, 3): the labels lost the batch axis of a batch of 1",
        "tf.squeeze(y, axis=-1)",
    ),
    "test_video_clips_into_image_layers_without_time_distributed": (
        # Keras 3 fails in Conv2D's shape inference; legacy Conv2D takes the extra axis and MaxPooling2D fails
        "rank-mismatch",
        "*(None, 5, *",
        "layers.TimeDistributed(...)",
    ),
    "test_sequence_class_ids_for_one_more_step_than_the_decoder": (
        "target-mismatch",
        "loss/metric: labels (4, 10) vs predictions (4, 9, 20) (class ids for another number of steps)",
        "the targets are y[:, 1:]",
    ),
    "test_applications_base_on_images_below_its_minimum_size": (
        "spatial-too-small",
        "keras.applications: input_shape (28, 28, 3) is smaller than the model's minimum 32x32",
        "layers.Resizing(32, 32)",
    ),
    "test_tf_function_signature_dtype": (
        "dtype-mismatch",
        "*expected dtype float32, got int32",
        "tf.cast(x, tf.float32)",
    ),
    # this session's classes: an operand one axis short, batch-only image ops, op dtypes, pipeline and
    # call() structure, per-class metrics, graph reshapes, fixed batches, unbatched datasets, flattening,
    # initial values
    "test_gate_per_step_scores_with_a_per_sequence_weight": (
        "missing-axis",
        "element-wise op on (2, 7, 16) and (2, 16): (2, 16) lacks axis 1 of (2, 7, 16)",
        "tf.expand_dims(x, axis=1)  # (2, 16) -> (2, 1, 16)",
    ),
    "test_segmentation_masks_without_their_channel_axis_in_a_custom_loss": (
        "missing-axis",
        "element-wise op on (3, 16, 16) and (3, 16, 16, 1): (3, 16, 16) lacks axis 3 of (3, 16, 16, 1)",
        "x[..., None]  # (3, 16, 16) -> (3, 16, 16, 1)",
    ),
    "test_boxes_drawn_on_one_image_without_a_batch_axis": (
        "missing-batch-axis",
        "image op: its images must be a batch of rank 4, got (16, 16, 3) (no batch axis)",
        "(16, 16, 3) -> (1, 16, 16, 3)",
    ),
    "test_float_class_ids_one_hot_encoded": (
        "dtype-mismatch",
        "*float* where one of uint8, int8, int32, int64 is allowed",
        "tf.cast(x, tf.int32)",
    ),
    "test_mel_filterbank_with_an_integer_dtype": (
        "dtype-mismatch",
        "the op needs a floating point input, got int32",
        "tf.cast(x, tf.float32)",
    ),
    "test_generator_yields_features_without_labels": (
        "structure-mismatch",
        "Dataset.from_generator: the generator yielded an element that is not the declared structure "
        "(tf.float32, tf.int32)",
        "`yield x, y`",
    ),
    "test_subclassed_model_with_two_positional_inputs_in_call": (
        "structure-mismatch",
        "*",
        "def call(self, inputs): x, right = inputs",
    ),
    "test_f1_score_metric_given_class_ids": ("target-mismatch", "*", "keras.utils.to_categorical(y, 3)"),
    "test_graph_reshape_into_frames_that_do_not_divide_the_clip": (
        "reshape-size",
        "reshape: the input has 2000 elements but the target shape requires a multiple of 320",
        "-1",
    ),
    "test_stateful_rnn_fit_on_samples_that_leave_a_smaller_last_batch": (
        "batch-dependent",
        "the model's Input fixes the batch size 4; fit() splits 10 samples into batches of 4, "
        "and the last has 2 (10 % 4)",
        "n = len(x) // 4 * 4",
    ),
    "test_evaluate_with_another_batch_size_than_the_input_fixes": (
        "batch-dependent",
        "input of Sequential '*'.evaluate(): the model's Input fixes the batch size 8, but evaluate() makes*of 6",
        "pass batch_size=8 to evaluate()",
    ),
    "test_sequence_classifier_whose_gru_returns_every_step": (
        "rank-mismatch",
        "loss/metric: labels (*, 2) vs predictions (*, 7, 2)*",
        "returns every step (return_sequences=True): set return_sequences=False",
    ),
    "test_predict_on_rows_with_missing_values": (
        "dtype-mismatch",
        "x (4, 3) is a NumPy array of dtype object, which cannot become a tensor",
        "np.asarray(x, dtype='float32')",
    ),
    "test_fit_on_sequences_of_different_lengths": (
        "dtype-mismatch",
        "x (3,) is a NumPy array of dtype object, which cannot become a tensor",
        "keras.utils.pad_sequences(rows",
    ),
    # facts the message lacks: x and y count the same samples; how the Input was declared; the metric
    "test_lstm_fit_on_rows_of_numbers": (
        "missing-axis",
        "input of layer 'lstm*': expected rank 3, got (32, 20): each of the 64 samples of x (64, 20) lacks an axis",
        "x[..., None] (gives (64, 20, 1)) for one value per position, or x[:, None, :] (gives (64, 1, 20))",
    ),
    "test_conv_model_declared_channels_first": (
        "axis-order",
        "the model's Input (3, 32, 32) is channels-first, but its layers read channels last*",
        "declare keras.Input(shape=(32, 32, 3)) and feed x.transpose(0, 2, 3, 1)",
    ),
    "test_input_declared_with_the_whole_array_shape": (
        "extra-axis",
        "the model's Input has the shape of the whole array sequences (100, 20, 8), its sample count 100 included*",
        "keras.Input(shape=sequences.shape[1:])  # (20, 8)",
    ),
    "test_precision_metric_on_class_ids": (
        "target-mismatch",
        "metric: labels (8,) are class ids, the predictions (None, 10) class scores*",
        "y = keras.utils.to_categorical(y, 10)",
    ),
    # Keras 3 sums the labels per prediction bucket (segment_sum); tf_keras checks y_pred against y_true first
    "test_auc_of_one_hot_labels_against_one_score_per_sample": (
        "target-mismatch",
        "*labels (*, 3)*predictions (None, 1)*",
        "Dense(3",
    ),
    "test_auc_updated_by_hand_with_one_hot_labels": (
        "target-mismatch",
        "*metric: *labels (4, 3)*predictions (4, 1)*",
        "Dense(3",
    ),
    "test_mean_iou_on_softmax_segmentation_maps": (
        "target-mismatch",
        "metric: an IoU metric compares class ids, but the predictions (None, 8, 8, 3) are 3 class scores per "
        "position against labels (4, 8, 8, 1) of one class id each",
        "keras.metrics.MeanIoU(num_classes=3, sparse_y_pred=False)",
    ),
    "test_einsum_bilinear_score_with_a_square_weight": (
        "matmul-incompatible",
        "einsum 'bkd,de,be->bk' sums over 'e', which is 16 in the operand (16, 16) (axis 1) and 24 in another",
        "make 'e' one size in every operand",
    ),
    "test_reshape_to_the_training_batch_size_on_a_smaller_batch": (
        "batch-dependent",
        "reshape of (3, 4, 4, 2) to (16, 32): the target hard-codes the batch size 16, and this batch has 3",
        "tf.reshape(x, (-1, 32))",
    ),
    "test_sparse_loss_on_logits_squeezed_at_batch_one": (
        "batch-dependent",
        "loss/metric: labels (1,) vs predictions (5,): the predictions lost the batch axis of a batch of 1",
        "tf.squeeze(x, axis=...)",
    ),
    "test_time_distributed_conv_on_channels_first_clips": (
        "axis-order",
        "the model's Input (6, 3, 24, 24) is channels-first, but its layers read channels last*",
        "declare keras.Input(shape=(6, 24, 24, 3)) and feed x.transpose(0, 1, 3, 4, 2)",
    ),
    "test_sequential_added_an_input_with_the_whole_array_shape": (
        "extra-axis",
        "the model's Input has the shape of the whole array series (40, 12, 3), its sample count 40 included*",
        "keras.Input(shape=series.shape[1:])  # (12, 3)",
    ),
    "test_fit_on_class_names_as_labels": (
        "dtype-mismatch",
        "y (6,) holds strings, which the model and the loss cannot compute with",
        "classes, y = np.unique(y, return_inverse=True)",
    ),
    "test_custom_sparse_loss_squeezing_the_last_batch_of_one": (
        "batch-dependent",
        "loss: the labels reach the sparse cross-entropy as a scalar: fit() splits 9 samples into batches of 4, "
        "and the last has 1*",
        "tf.squeeze(y_true, axis=-1)",
    ),
    "test_segmentation_with_flattened_pixel_weights": (
        "rank-mismatch",
        "loss: sample_weight (4, 36) reaches the loss as (None, 36*), but the loss has the shape (None, 6, 6)",
        "weights.reshape(4, 6, 6)",
    ),
    "test_class_weight_with_a_label_per_step": (
        "rank-mismatch",
        "loss: class_weight's per-sample weights reach the loss as (4,), but the loss has the shape (4, 6)",
        "pass sample_weight of the loss's shape (4, 6) instead",
    ),
    "test_fit_on_a_generator_of_crops_too_small_for_the_convolutions": (
        "spatial-too-small",
        "a convolution/pooling window is larger than its input*",
        "padding='same'",
    ),
    "test_position_embeddings_for_another_sequence_length": (
        "broadcast-incompatible",
        "element-wise op on (None, 16, 8) and (10, 8): axis 1 is 16 vs 10 (sizes must match or be 1)",
        "make axis 1 agree, 16 vs 10",
    ),
    "test_predict_one_window_with_a_model_that_squeezes": (
        "batch-dependent",
        "LastStepRegressor '*' got a batch of one (1, 6, 1), but a layer inside got (6,)*",
        "tf.squeeze(x, axis=-1)",
    ),
    "test_autoencoder_whose_decoder_outputs_another_size": (
        "size-mismatch",
        "the model is trained to give back its input (4, 20, 20, 1), but it outputs (4, 18, 18, 1)",
        "padding='same'",
    ),
    "test_normalization_adapted_on_the_table_with_its_label_column": (
        "size-mismatch",
        "layer 'normalization*' was built (or adapted) for 6 on the last axis, but got (*, 5)",
        "feed it the 6 features it was built for",
    ),
    "test_unbatched_dataset_of_variable_length_windows": (
        "missing-batch-axis",
        "*.fit(): the dataset yields single samples (None, 2), the model wants batches (None, 6, 2)*",
        "ds.padded_batch(32)",
    ),
    "test_flatten_before_a_recurrent_layer": (
        "rank-mismatch",
        "input of layer 'gru*': expected rank 3, got (None, 40) from the Flatten layer 'flatten*' before it*",
        "remove the layers.Flatten() before",
    ),
    "test_einsum_on_a_column_where_the_subscripts_want_a_vector": (
        "extra-axis",
        "einsum: operand 0 is (6, 1), its subscripts want rank 1 (axis 1 of size 1 is extra)",
        "tf.squeeze(x, axis=1)  # (6, 1) -> (6,)",
    ),
    "test_confusion_matrix_of_one_hot_labels_in_a_graph": (
        "target-mismatch",
        "confusion_matrix: one operand is (None, 3) (one-hot or class scores), the other (None,) class ids*",
        "tf.argmax(y, axis=-1)",
    ),
    "test_dot_of_an_unflattened_embedding_of_one_id": (
        "extra-axis",
        "layers.Dot on (None, 1, 6) and (None, 6): (None, 1, 6) has an extra axis 1 of size 1",
        "layers.Reshape((6,))",
    ),
    "test_patches_extracted_from_one_image": (
        "missing-batch-axis",
        "image op: its images must be a batch of rank 4, got (16, 16, 3) (no batch axis)",
        "(16, 16, 3) -> (1, 16, 16, 3)",
    ),
    "test_sparse_adjacency_times_features_of_another_node_count": (
        "matmul-incompatible",
        "matrix product (7, 7) @ (6, 3): inner dimensions differ (7 vs 6)",
        "",
    ),
    "test_conv2d_given_the_kernel_shape_instead_of_the_kernel": (
        "rank-mismatch",
        "convolution: the filter must have rank 4, got *",
        "pass the kernel itself",
    ),
    "test_top_k_accuracy_metric_of_the_other_label_form": ("target-mismatch", "top-k accuracy: *", "SparseTopK"),
    "test_padded_batch_with_padded_shapes_for_the_features_only": (
        "structure-mismatch",
        "dataset.padded_batch(): padded_shapes is not nested like the dataset's elements",
        "padded_shapes=([None], [])",
    ),
    "test_pretrained_embedding_matrix_with_one_row_too_many": (
        "size-mismatch",
        "a layer's initial value * does not fit its weight of shape (20, 4)",
        "layers.Embedding(rows, dim)",
    ),
    # data pipelines: the facts of the dataset, PyDataset or generator, and the fix in the pipeline
    "test_validation_dataset_left_unbatched": (
        "missing-batch-axis",
        "*.fit(): the validation dataset yields single samples (6,), the model wants batches (None, 6)*",
        "validation_data = validation_data.batch(32)",
    ),
    "test_py_dataset_yields_each_batch_features_first": (
        "axis-order",
        "*.fit(): got (6, 8) with 8 labels: the samples run along axis 1*",
        "in the PyDataset's __getitem__: x.T  # (6, 8) -> (8, 6)",
    ),
    "test_dataset_of_inputs_without_the_labels": (
        "structure-mismatch",
        "fit() got a dataset of inputs alone, but the model was compiled with a loss, which needs labels",
        "tf.data.Dataset.zip((inputs, labels))",
    ),
    "test_label_dict_keyed_by_column_not_by_output_name": (
        "structure-mismatch",
        "the labels are a dict with keys ['alarm_flag', 'load_kw'], the model's outputs are named *",
        "key the labels by the model's output names",
    ),
    "test_dataset_from_tensors_holds_every_sample_in_one_element": (
        "extra-axis",
        "*.fit(): expected (None, 6), got (None, 24, 6)*",
        "from_tensor_slices((x, y)) instead of from_tensors((x, y))",
    ),
    "test_stateful_rnn_on_a_dataset_whose_last_batch_is_smaller": (
        "batch-dependent",
        "the model's Input fixes the batch size 4; the dataset's .batch() splits 10 samples into batches of 4, "
        "and the last has 2 (10 % 4)",
        "dataset.batch(4, drop_remainder=True)",
    ),
    "test_map_reshapes_each_batch_to_the_configured_batch_size": (
        "batch-dependent",
        "reshape (128 elements where the target wants 320): the target shape hard-codes the batch size 5; "
        "the last batch of the dataset has 2 samples (12 % 5)",
        "tf.reshape(x, (-1, ...))",
    ),
    "test_batched_frames_for_a_model_of_clips": (
        "missing-axis",
        "*.fit(): expected (None, 3, 8, 8, 1), got (None, 8, 8, 1) (axis 1 of size 3 is missing)",
        "each sample must be (3, 8, 8, 1)",
    ),
    "test_color_images_in_a_dataset_for_a_grayscale_model": (
        "size-mismatch",
        "*.fit(): expected (None, 12, 12, 1), got (None, 12, 12, 3)*",
        "color_mode='grayscale'",
    ),
    "test_generator_of_images_without_the_channel_axis": (
        "missing-axis",
        "input of layer 'conv2d*': expected rank >= 4, got (None, 10, 10)*",
        "x[..., None]  # (None, 10, 10) -> (None, 10, 10, 1)",
    ),
    "test_recall_metric_given_class_ids_for_class_scores": (
        "target-mismatch",
        "metric: labels (24,) are class ids, the predictions (None, 5) class scores*",
        "keras.utils.to_categorical(y, 5)",
    ),
    "test_concat_a_per_sample_value_without_its_feature_axis": (
        "missing-axis",
        "concatenating (8, 3) and (8,): (8,) lacks the last axis of (8, 3)",
        "tf.expand_dims(x, -1)  # (8,) -> (8, 1)",
    ),
    "test_generator_yields_a_scalar_label_for_a_vector_signature": (
        "missing-axis",
        "element yielded by the generator of Dataset.from_generator: expected (1,), got () (axis 0 missing)",
        "the generator yields () but its output_signature declares (1,)",
    ),
    "test_dataset_batched_by_the_loader_and_again_before_fit": (
        "extra-axis",
        "*.fit(): expected (None, 8, 8, 3), got (None, None, 8, 8, 3) (axis 0 of size None is extra)",
        "remove one .batch(...), or call .unbatch() first",
    ),
    "test_dataset_elements_carry_an_id_after_the_sample_weight": (
        "structure-mismatch",
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`",
        "yield (x,), (x, y) or (x, y, sample_weight)",
    ),
    # found by blind sets 22 and 23 (public reports; custom layers, models and training loops)
    "test_time_major_sequences_in_a_training_loop": (
        "axis-order",
        "input of Functional '*': expected (None, 20, 8), got (20, 4, 8) (the batch runs along axis 1: time-major*",
        "np.transpose(x, (1, 0, 2))",
    ),
    "test_grayscale_batch_resized_inside_a_subclassed_model": (
        "missing-axis",
        "input of ResizeThenConv '*': expected rank >= 4, got (4, 28, 28) (axis 3 of size 1 is missing)",
        "x[..., None]  # (4, 28, 28) -> (4, 28, 28, 1)",
    ),
    "test_univariate_series_in_a_training_loop": (
        "missing-axis",
        "input of layer 'bidirectional*': expected rank 3, got (4, 20): each of the 4 samples of x (4, 20) lacks*",
        "x[..., None] (gives (4, 20, 1))",
    ),
    "test_channel_axis_added_twice_before_a_conv": (
        "extra-axis",
        "input of * expected rank 4, got (None, 28, 28, 1, 1) (axis 3 of size 1 is extra)",
        "tf.squeeze(x, axis=3)",
    ),
    "test_squeeze_without_axis_in_a_loop_over_a_dataset": (
        "batch-dependent",
        "Pooled '*' got a batch of one (1, 5, 4), but a layer inside got (4,): every size-1 axis was dropped*",
        "name the axis, tf.squeeze(x, axis=...)",  # the squeezed tensor is a pooled one: its axis is not the input's
    ),
    "test_lambda_squeeze_in_a_model_built_by_its_first_call": (
        "batch-dependent",
        "Sequential '*' got a batch of one (1, 1, 8), but a layer inside got (8,): every size-1 axis was dropped*",
        "tf.squeeze(x, axis=1)",
    ),
    "test_squeeze_without_axis_meets_the_last_predict_batch": (
        "batch-dependent",
        "SqueezedHead '*'.predict(): the last of its batches of 4 has one sample (5 % 4), but a layer inside got*",
        "name the axis",
    ),
    "test_initial_state_for_a_fixed_batch_size": (
        "batch-dependent",
        "element-wise op on (8, 16) and (32, 16): the batch of 8 the model got meets a tensor made for a batch of 32",
        "tf.zeros((tf.shape(x)[0], n))",
    ),
    "test_private_loss_function_gets_an_extra_label_column": (
        "target-mismatch",
        "loss/metric: labels (4, 4) vs predictions (4, 3)*",
        "make the last layer Dense(4)",
    ),
    "test_text_vectorization_given_token_ids": (
        "dtype-mismatch",
        "the data holds numbers, but layer '*' takes strings (raw text)",
        "give it the text itself",
    ),
    "test_generator_yields_one_image_at_a_time": (
        "missing-batch-axis",
        "input of Sequential '*'.fit(): the generator yields single samples (32, 32, 3), the model wants batches*",
        ".batch(32)",
    ),
    "test_attention_kernel_sized_from_the_output": (
        "matmul-incompatible",
        "einsum 'btf,fu->btu' sums over 'f', which is 4 in the operand (4, 32) (axis 0) and 32 in another",
        "make 'f' one size in every operand",
    ),
    "test_weight_matrix_multiplied_element_wise": (
        "broadcast-incompatible",
        "element-wise op on (None, 3) and (3, 2): axis 1 is 3 vs 2*",
        "reshape one operand",
    ),
    "test_ten_recordings_of_three_steps_for_a_ten_step_model": (
        "size-mismatch",
        "input of Sequential '*'.fit(): expected (None, 10, 6), got (10, 3, 6) (axis 1: expected 10, got 3)",
        "make axis 1 10 long",
    ),
    "test_labels_of_the_data_shape_are_not_an_autoencoder": (
        "target-mismatch",
        "loss/metric: labels (None, 4) vs predictions (None, 3)*",
        "make the last layer Dense(4)",
    ),
    "test_batch_size_written_into_the_input_shape": (
        "extra-axis",
        "the model's input (None, 32, 10) includes the batch size 32: the data (64, 10) has samples (10,)*",
        "keras.Input(shape=(10,))",
    ),
    "test_video_clips_for_a_frame_model": (
        "extra-axis",
        "input of Sequential '*'.predict(): expected (None, 16, 16, 3), got (2, 4, 16, 16, 3) (axis 0 of size 2*",
        "x.reshape((-1, 16, 16, 3)) gives (8, 16, 16, 3)",
    ),
    "test_one_label_array_missing_for_a_three_output_model": (
        "structure-mismatch",
        "the labels are a list of 2 arrays, the model has 3 outputs (cls, box, aux)",
        "[y_cls, y_box, y_aux]",
    ),
    "test_one_hot_labels_inside_a_dataset_for_a_sparse_loss": (
        "target-mismatch",
        "loss/metric: labels * vs predictions * (one-hot labels given to a sparse loss that expects class ids)",
        "the labels come from the dataset",
    ),
}


# pytest renders a traceback's source with ast.parse; deep inside an in-process pytester run in an
# xdist worker, CPython 3.11 then sometimes fails with "SystemError: AST constructor recursion depth
# mismatch" (an INTERNALERROR of the inner run). Native tracebacks need no ast; the sections are the same.
NATIVE_TRACEBACKS = ("--tb=native",)


def _corpus_source(name: str) -> str:
    from pathlib import Path

    return (Path(__file__).parent / "corpus" / name).read_text()


@pytest.fixture
def shape_bugs(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_shape_bugs=_corpus_source("test_shape_bugs.py"))
    return pytester


def test_corpus_covers_every_scenario() -> None:
    source = _corpus_source("test_shape_bugs.py")
    names = [line[4:].split("(")[0] for line in source.splitlines() if line.startswith("def test_")]
    assert len(names) == len(set(names)), "a name defined twice hides the first scenario"
    assert set(names) == set(SHAPE_BUGS)
    assert len(SHAPE_BUGS) >= 30


@pytest.mark.parametrize(("name", "expected"), SHAPE_BUGS.items(), ids=list(SHAPE_BUGS))
def test_shape_bug_is_diagnosed(shape_bugs: pytest.Pytester, name: str, expected: tuple[str, str, str]) -> None:
    kind, headline, hint = expected
    result = shape_bugs.runpytest(f"test_shape_bugs.py::{name}", "-ra", "-p", "no:cacheprovider", *NATIVE_TRACEBACKS)
    skipped = re.search(r"SKIPPED \[1\] \S+: (.*)", result.stdout.str())
    if skipped:  # a scenario that this TensorFlow/Keras version cannot run at all says why
        pytest.skip(skipped.group(1))
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    section = output.split(" shape diagnosis ", 1)[1].split("\n", 1)[1]
    section = section.split("=====", 1)[0]
    first = section.splitlines()[0]
    assert first.startswith(f"[{kind}] "), first
    result.stdout.fnmatch_lines([f"[{kind}] {headline}".replace("[", "[[]")])  # brackets are literal here
    hint_line = next(line for line in section.splitlines() if line.startswith("hint:"))
    assert hint in hint_line
    # the original error stays the failure, and no tensor contents leak into the diagnosis
    assert "ShapeMismatch" not in result.stdout.lines[-1]
    result.stdout.fnmatch_lines([f"FAILED test_shape_bugs.py::{name}*"])
    for content in ("0. 0.", "101.5", "numpy=", "\x1b["):
        assert content not in section


def test_other_failures_are_not_diagnosed(pytester: pytest.Pytester) -> None:
    """Ordinary failures - values, configuration, files, user errors - pass through untouched.

    Half of them are raised inside Keras layers, where Keras wraps the error in its
    call-context text ("Exception encountered when calling ...").
    """
    source = _corpus_source("test_not_shape_bugs.py")
    names = [line[4:].split("(")[0] for line in source.splitlines() if line.startswith("def test_")]
    assert len(names) >= 40 and len(names) == len(set(names))
    pytester.makepyfile(test_not_shape_bugs=source)

    result = pytester.runpytest("test_not_shape_bugs.py", "-p", "no:cacheprovider", "-rf", *NATIVE_TRACEBACKS)

    result.assert_outcomes(failed=len(names))
    output = result.stdout.str()
    assert re.findall(r" shape diagnosis -+\n(.*)", output) == []
    result.stdout.no_fnmatch_line("shapes: *")
    # the failures raised inside a layer: each test's report starts with a "____ test_name ____" line
    reports = re.split(r"\n_{3,} (test_\w+) _{3,}\n", output)[1:]
    in_layers = [name for name, report in zip(reports[::2], reports[1::2], strict=True) if "when calling" in report]
    assert len(in_layers) >= len(names) // 3, in_layers
