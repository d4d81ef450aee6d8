#!/usr/bin/env python3
"""Side-by-side embedding benchmark (issue 2): llamadb end to end vs raw onnxruntime-node.

Runs, in one process tree and interleaved so machine noise hits both sides alike:
  * `llamadb bench embed` (tokenize + run + pool + normalize) on the SciFact corpus, and
  * bench/embed/ort-node-bench.mjs (session.run only) on the very same token ids (dumped by llamadb),
at batch 1, 8, 32 and 128 with 2 threads, on a full-size all-MiniLM-L6-v2 architecture with random
weights (scripts/make-bench-model.sh). Also: length-ordered vs unordered batching on a mixed corpus
(SciFact claims interleaved with abstracts), and tokenization's share of end-to-end time.
Prints a Markdown report. Usage: python3 scripts/bench-embed.py [--limit 1000] [--repeat 3]
"""
import argparse, json, os, statistics, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.environ.get("LLAMADB_SHARED", os.path.join(root, "..", "shared"))


def sh(*args, capture=True):
    return subprocess.run(args, check=True, text=True, stdout=subprocess.PIPE if capture else None).stdout


def llamadb(*args):
    return json.loads(sh("dotnet", os.path.join(root, "artifacts/bin/LlamaDb.Cli/release/llamadb.dll"), *args).strip().splitlines()[-1])


def node(*args):
    return [json.loads(l) for l in sh("node", os.path.join(root, "bench/embed/ort-node-bench.mjs"), *args).splitlines() if l.startswith("{")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3, help="alternating runs per engine and batch (median reported)")
    ap.add_argument("--batches", default="1,8,32,128")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()

    model = sh("bash", os.path.join(root, "scripts/make-bench-model.sh")).strip().splitlines()[-1]
    sh("bash", os.path.join(root, "scripts/install-bench-node.sh"))
    sh("bash", os.path.join(root, "scripts/install-onnxruntime.sh"))
    sh("dotnet", "build", os.path.join(root, "samples/LlamaDb.Cli"), "-c", "Release", "--nologo", "-v", "quiet")

    corpus = os.path.join(shared, "data/scifact/corpus.jsonl")
    tmp = tempfile.mkdtemp(prefix="llamadb-bench-")
    ids = os.path.join(tmp, "ids.jsonl")
    common = ["--model", model, "--input", corpus, "--limit", str(a.limit), "--threads", str(a.threads), "--json"]
    llamadb("bench", "embed", *common, "--batch", "32", "--dump-ids", ids, "--repeat", "1")

    rows = []
    for b in [int(x) for x in a.batches.split(",")]:
        ours, theirs = [], []
        for _ in range(a.repeat):
            theirs.append(node("--model", model, "--ids", ids, "--batch", str(b), "--threads", str(a.threads), "--limit", str(a.limit))[0])
            ours.append(llamadb("bench", "embed", *common, "--batch", str(b)))
        o = statistics.median(r["texts_per_second"] for r in ours)
        t = statistics.median(r["texts_per_second"] for r in theirs)
        share = statistics.median(r["tokenize_share"] for r in ours)
        rows.append((b, ours[0]["texts"], ours[0]["tokens"], o, t, o / t, share,
                     [round(r["texts_per_second"], 1) for r in ours], [round(r["texts_per_second"], 1) for r in theirs]))

    # Mixed corpus: claims (short) interleaved with abstracts (long), batch 32, ordered vs input order.
    mixed = os.path.join(tmp, "mixed.txt")
    with open(corpus) as c, open(os.path.join(shared, "data/scifact/queries.jsonl")) as q, open(mixed, "w") as out:
        docs = [json.loads(l) for l in c][: a.limit // 2]
        claims = [json.loads(l)["text"] for l in q][: a.limit // 2]
        for claim, doc in zip(claims, docs):
            out.write(claim.replace("\n", " ") + "\n")
            out.write((doc.get("title", "") + " " + doc.get("text", "")).replace("\n", " ") + "\n")
    sorted_runs, input_runs = [], []
    mixed_common = ["--model", model, "--input", mixed, "--threads", str(a.threads), "--batch", "32", "--json"]
    for _ in range(a.repeat):
        sorted_runs.append(llamadb("bench", "embed", *mixed_common, "--order", "length"))
        input_runs.append(llamadb("bench", "embed", *mixed_common, "--order", "input"))
    s = statistics.median(r["texts_per_second"] for r in sorted_runs)
    u = statistics.median(r["texts_per_second"] for r in input_runs)

    print(f"Model: full-size all-MiniLM-L6-v2 architecture, random weights ({model}); max 256 tokens; "
          f"{a.threads} threads; SciFact corpus, first {a.limit} documents (title + text); median of {a.repeat} alternating runs.\n")
    print("| batch | texts | tokens | llamadb texts/s (end to end) | onnxruntime-node texts/s (session.run only) | ratio | tokenization share | llamadb runs | node runs |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for b, n, tok, o, t, r, share, orun, trun in rows:
        print(f"| {b} | {n} | {tok} | {o:.1f} | {t:.1f} | {r:.3f} | {share:.2%} | {orun} | {trun} |")
    print(f"\nMixed corpus ({2 * (a.limit // 2)} texts: claims interleaved with abstracts), batch 32: "
          f"length-ordered {s:.1f} texts/s vs input order {u:.1f} texts/s = **{s / u:.2f}x** "
          f"(padded tokens {sorted_runs[0]['padded_tokens']} vs {input_runs[0]['padded_tokens']}).")


if __name__ == "__main__":
    main()
