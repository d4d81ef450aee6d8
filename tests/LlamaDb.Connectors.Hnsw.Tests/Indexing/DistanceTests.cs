using FsCheck;
using FsCheck.Fluent;
using LlamaDb.Connectors.Hnsw.Indexing;
using Microsoft.FSharp.Core;

namespace LlamaDb.Connectors.Hnsw.Tests.Indexing;

public sealed class DistanceTests
{
    private static readonly Config s_config = Config.QuickThrowOnFailure.WithMaxTest(300)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20240601UL, 1442695040888963407UL), FSharpOption<int>.None)));

    [Fact]
    public void Distances_AnyLength_MatchScalarReference()
    {
        Gen<float[][]> pairs = Gen.Choose(1, 140).SelectMany(length =>
            Gen.Choose(-1000, 1000).Select(x => x / 100f).ArrayOf(length).Two().Select(t => new[] { t.Item1, t.Item2 }));
        Check.One(s_config, Prop.ForAll(Arb.From(pairs), pair =>
        {
            foreach (VectorMetric metric in Enum.GetValues<VectorMetric>())
            {
                int stride = VectorCodec.Stride(metric, pair[0].Length);
                float[] a = new float[stride];
                float[] b = new float[stride];
                VectorCodec.Encode(metric, pair[0], a);
                VectorCodec.Encode(metric, pair[1], b);
                float actual = VectorCodec.Distance(metric, ref a[0], ref b[0], stride);
                IndexTestData.AssertClose(IndexTestData.Distance(metric, pair[0], pair[1]), actual);
            }
        }));
    }

    [Fact]
    public void HammingCodec_RoundTripsBits()
    {
        Gen<bool[]> bits = Gen.Choose(1, 300).SelectMany(length => Gen.Elements(true, false).ArrayOf(length));
        Check.One(s_config, Prop.ForAll(Arb.From(bits), value =>
        {
            float[] input = value.Select(b => b ? 0.5f : -0.5f).ToArray();
            float[] stored = new float[VectorCodec.Stride(VectorMetric.Hamming, input.Length)];
            float[] decoded = new float[input.Length];
            VectorCodec.Encode(VectorMetric.Hamming, input, stored);
            VectorCodec.Decode(VectorMetric.Hamming, stored, decoded);
            Assert.Equal(value.Select(b => b ? 1f : 0f), decoded);
        }));
    }

    [Fact]
    public void DistanceHeap_DrainAscending_SortsAnyInput()
    {
        Check.One(s_config, Prop.ForAll(Arb.From(Gen.Choose(-500, 500).Select(x => (float)x).ArrayOf()), values =>
        {
            var heap = new DistanceHeap(1);
            for (int i = 0; i < values.Length; i++)
            {
                heap.Push(values[i], i);
            }

            int[] ids = new int[values.Length];
            float[] distances = new float[values.Length];
            Assert.Equal(values.Length, heap.DrainAscending(ids, distances));
            Assert.Equal(values.Order(), distances);
            Assert.All(Enumerable.Range(0, ids.Length), i => Assert.Equal(values[ids[i]], distances[i]));
        }));
    }
}
