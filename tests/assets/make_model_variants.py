#!/usr/bin/python3
"""Derive test-only ONNX model variants from the tiny synthetic BERT embedder.

Usage: /usr/bin/python3 make_model_variants.py SOURCE_MODEL_DIR OUTPUT_DIR

SOURCE_MODEL_DIR is shared/models/synthetic-embedder-tiny (model.onnx with inputs input_ids /
attention_mask / token_type_ids int64 [batch_size, sequence_length] and output last_hidden_state
float32 [batch_size, sequence_length, H]). For every variant, OUTPUT_DIR/<variant>/ receives a copy
of the source folder's non-model files plus its own model.onnx. Only graph surgery is done: no new
weights, so every variant computes the same numbers as the original on the same inputs.

Variants:
  int32-ids        all three inputs int32, Cast to int64 right after the inputs
  no-token-types   no token_type_ids input (zeros shaped like input_ids, built inside the graph)
  pooled-output    only output sentence_embedding float32 [batch_size, H] (masked mean + L2);
                   1_Pooling/ and modules.json are NOT copied
  both-outputs     last_hidden_state, then sentence_embedding
  unpoolable       only output token_argmax int64 [batch_size, sequence_length]
  extra-input      extra required input pixel_values float32 [batch_size, 3] (contributes 0)

Needs onnx + numpy (Debian: python3-onnx python3-numpy; written against onnx 1.12, opset 14).
Each model.onnx is written to a temporary name and renamed into place, so a model.onnx that
exists is always complete.
"""
import copy
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, checker, helper, numpy_helper

COPIED_FILES = [
    "vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
    "config.json", "sentence_bert_config.json", "modules.json", "1_Pooling/config.json",
]
ID_INPUTS = ["input_ids", "attention_mask", "token_type_ids"]
HIDDEN = "last_hidden_state"
VARIANTS = ["int32-ids", "no-token-types", "pooled-output", "both-outputs", "unpoolable", "extra-input"]


# ---------------------------------------------------------------- helpers

def rename_uses(graph, old, new):
    """Make every node (and graph output) that reads `old` read `new` instead."""
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new
    for out in graph.output:
        if out.name == old:
            out.name = new


def rename_producer(graph, old, new):
    """Rename the node output `old` to `new` (and its uses)."""
    for node in graph.node:
        for i, name in enumerate(node.output):
            if name == old:
                node.output[i] = new
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new


def find(seq, name):
    for item in seq:
        if item.name == name:
            return item
    raise KeyError(name)


def remove(seq, name):
    item = find(seq, name)
    seq.remove(item)
    return item


def prepend_nodes(graph, nodes):
    """Insert nodes at the start of the graph (they only read graph inputs / initializers)."""
    old = list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    graph.node.extend(old)


def add_const(graph, name, array):
    graph.initializer.append(numpy_helper.from_array(np.asarray(array), name))


def hidden_size(graph):
    dims = find(graph.output, HIDDEN).type.tensor_type.shape.dim
    return dims[2].dim_value


def add_sentence_embedding(graph, hidden_name):
    """Append nodes computing sentence_embedding = L2-normalised, attention-mask-weighted mean of
    `hidden_name` over the token axis (sentence-transformers Pooling(mean) + Normalize). Returns the
    output name. Opset 13/14 forms: Unsqueeze/ReduceSum take axes as an input."""
    p = "se_"  # prefix for every new tensor / node name
    add_const(graph, p + "axes_last", np.array([-1], dtype=np.int64))
    add_const(graph, p + "axes_tok", np.array([1], dtype=np.int64))
    add_const(graph, p + "min_count", np.array(1e-9, dtype=np.float32))  # torch.clamp(min=1e-9)
    add_const(graph, p + "min_norm", np.array(1e-12, dtype=np.float32))  # F.normalize eps
    n = helper.make_node
    graph.node.extend([
        n("Cast", ["attention_mask"], [p + "mask_f"], name=p + "cast_mask", to=TensorProto.FLOAT),
        n("Unsqueeze", [p + "mask_f", p + "axes_last"], [p + "mask3"], name=p + "unsqueeze_mask"),
        n("Mul", [hidden_name, p + "mask3"], [p + "masked"], name=p + "mul_mask"),
        n("ReduceSum", [p + "masked", p + "axes_tok"], [p + "sum"], name=p + "sum_tokens", keepdims=0),
        n("ReduceSum", [p + "mask3", p + "axes_tok"], [p + "count"], name=p + "count_tokens", keepdims=0),
        n("Max", [p + "count", p + "min_count"], [p + "count_c"], name=p + "clamp_count"),
        n("Div", [p + "sum", p + "count_c"], [p + "mean"], name=p + "mean"),
        n("Mul", [p + "mean", p + "mean"], [p + "sq"], name=p + "square"),
        n("ReduceSum", [p + "sq", p + "axes_last"], [p + "sumsq"], name=p + "sum_squares", keepdims=1),
        n("Sqrt", [p + "sumsq"], [p + "norm"], name=p + "norm"),
        n("Max", [p + "norm", p + "min_norm"], [p + "norm_c"], name=p + "clamp_norm"),
        n("Div", [p + "mean", p + "norm_c"], ["sentence_embedding"], name=p + "normalize"),
    ])
    return "sentence_embedding"


def output_info(name, elem_type, dims):
    return helper.make_tensor_value_info(name, elem_type, dims)


# ---------------------------------------------------------------- variants

def v_int32_ids(model):
    g = model.graph
    casts = []
    for name in ID_INPUTS:
        inp = find(g.input, name)
        inp.type.tensor_type.elem_type = TensorProto.INT32
        rename_uses(g, name, name + "_int64")
        casts.append(helper.make_node("Cast", [name], [name + "_int64"], name="cast_" + name,
                                      to=TensorProto.INT64))
    prepend_nodes(g, casts)


def v_no_token_types(model):
    g = model.graph
    remove(g.input, "token_type_ids")
    # token_type_ids stays as the name of an internal tensor: zeros(shape(input_ids)), int64.
    prepend_nodes(g, [
        helper.make_node("Shape", ["input_ids"], ["token_type_ids_shape"], name="token_type_ids_shape"),
        helper.make_node("ConstantOfShape", ["token_type_ids_shape"], ["token_type_ids"],
                         name="token_type_ids_zeros",
                         value=numpy_helper.from_array(np.array([0], dtype=np.int64))),
    ])


def v_pooled_output(model):
    g = model.graph
    h = hidden_size(g)
    remove(g.output, HIDDEN)
    add_sentence_embedding(g, HIDDEN)
    g.output.append(output_info("sentence_embedding", TensorProto.FLOAT, ["batch_size", h]))


def v_both_outputs(model):
    g = model.graph
    h = hidden_size(g)
    add_sentence_embedding(g, HIDDEN)
    g.output.append(output_info("sentence_embedding", TensorProto.FLOAT, ["batch_size", h]))


def v_unpoolable(model):
    g = model.graph
    remove(g.output, HIDDEN)
    g.node.append(helper.make_node("ArgMax", [HIDDEN], ["token_argmax"], name="token_argmax",
                                   axis=-1, keepdims=0))
    g.output.append(output_info("token_argmax", TensorProto.INT64, ["batch_size", "sequence_length"]))


def v_extra_input(model):
    g = model.graph
    g.input.append(helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch_size", 3]))
    # Keep pixel_values wired into the graph so no runtime or optimizer can drop it as unused:
    # last_hidden_state = hidden + 0 * ReduceSum(pixel_values) (adds exactly 0 for finite inputs).
    rename_producer(g, HIDDEN, HIDDEN + "_raw")
    add_const(g, "pixel_zero", np.array(0.0, dtype=np.float32))
    g.node.extend([
        helper.make_node("ReduceSum", ["pixel_values"], ["pixel_sum"], name="pixel_sum", keepdims=0),
        helper.make_node("Mul", ["pixel_sum", "pixel_zero"], ["pixel_nothing"], name="pixel_nothing"),
        helper.make_node("Add", [HIDDEN + "_raw", "pixel_nothing"], [HIDDEN], name="pixel_add"),
    ])


BUILDERS = {
    "int32-ids": v_int32_ids,
    "no-token-types": v_no_token_types,
    "pooled-output": v_pooled_output,
    "both-outputs": v_both_outputs,
    "unpoolable": v_unpoolable,
    "extra-input": v_extra_input,
}
SKIPPED_FILES = {"pooled-output": {"modules.json", "1_Pooling/config.json"}}


# ---------------------------------------------------------------- main

def write_variant(source_model, source_dir, out_dir, variant):
    model = copy.deepcopy(source_model)
    BUILDERS[variant](model)
    model.producer_name = "llamadb make_model_variants.py"
    model.doc_string = "LlamaDb test variant '%s' of synthetic-embedder-tiny (random weights)" % variant
    checker.check_model(model, full_check=True)  # full_check also runs strict shape inference

    dest = os.path.join(out_dir, variant)
    if os.path.isdir(dest):
        shutil.rmtree(dest)  # start clean: e.g. pooled-output must not keep a stale 1_Pooling/
    os.makedirs(dest)
    skipped = SKIPPED_FILES.get(variant, set())
    for rel in COPIED_FILES:
        if rel in skipped:
            continue
        src = os.path.join(source_dir, rel)
        dst = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)  # copyfile, not copy: the shared files are read-only
        os.chmod(dst, 0o644)
    tmp = os.path.join(dest, ".model.onnx.tmp")
    onnx.save(model, tmp)
    os.replace(tmp, os.path.join(dest, "model.onnx"))
    return model


def describe(model):
    def fmt(vi):
        t = vi.type.tensor_type
        dims = [d.dim_param if d.dim_param else str(d.dim_value) for d in t.shape.dim]
        return "%s %s [%s]" % (vi.name, {TensorProto.FLOAT: "float32"}.get(
            t.elem_type, TensorProto.DataType.Name(t.elem_type).lower()), ", ".join(dims))
    ins = "; ".join(fmt(i) for i in model.graph.input)
    outs = "; ".join(fmt(o) for o in model.graph.output)
    return "in: %s | out: %s" % (ins, outs)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    source_dir, out_dir = argv[1], argv[2]
    source_path = os.path.join(source_dir, "model.onnx")
    source_model = onnx.load(source_path)
    checker.check_model(source_model)
    g = source_model.graph
    if [i.name for i in g.input] != ID_INPUTS or [o.name for o in g.output] != [HIDDEN]:
        raise SystemExit("%s: unexpected I/O, expected inputs %s and output %s"
                         % (source_path, ID_INPUTS, HIDDEN))
    os.makedirs(out_dir, exist_ok=True)
    for variant in VARIANTS:
        model = write_variant(source_model, source_dir, out_dir, variant)
        print("%-15s %s" % (variant, describe(model)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
