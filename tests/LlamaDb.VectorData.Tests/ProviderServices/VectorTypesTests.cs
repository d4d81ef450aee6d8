using System.Collections;
using LlamaDb.VectorData.ProviderServices;
using Microsoft.Extensions.AI;

namespace LlamaDb.VectorData.Tests.ProviderServices;

public sealed class VectorTypesTests
{
    [Theory]
    [InlineData(typeof(ReadOnlyMemory<float>), true)]
    [InlineData(typeof(ReadOnlyMemory<float>?), true)]
    [InlineData(typeof(float[]), true)]
    [InlineData(typeof(Embedding<float>), true)]
    [InlineData(typeof(BitArray), true)]
    [InlineData(typeof(BinaryEmbedding), true)]
    [InlineData(typeof(string), false)]
    [InlineData(typeof(double[]), false)]
    [InlineData(typeof(ReadOnlyMemory<double>), false)]
    [InlineData(typeof(Embedding<double>), false)]
    public void IsVectorType_Type_TellsVectorsFromInputs(Type type, bool expected) => Assert.Equal(expected, VectorTypes.IsVectorType(type));

    [Theory]
    [InlineData(typeof(BitArray), true)]
    [InlineData(typeof(BinaryEmbedding), true)]
    [InlineData(typeof(float[]), false)]
    [InlineData(typeof(ReadOnlyMemory<float>), false)]
    public void IsBinaryType_Type_TellsBinaryVectors(Type type, bool expected) => Assert.Equal(expected, VectorTypes.IsBinaryType(type));

    [Fact]
    public void ToFloats_EveryFloatVectorType_ReadsTheValues()
    {
        float[] values = [1f, -2f, 0.5f];

        Assert.Equal(values, VectorTypes.ToFloats(new ReadOnlyMemory<float>(values))!.Value.ToArray());
        Assert.Equal(values, VectorTypes.ToFloats(values)!.Value.ToArray());
        Assert.Equal(values, VectorTypes.ToFloats(new Embedding<float>(values))!.Value.ToArray());
        Assert.Equal(values, VectorTypes.ToFloats(new Memory<float>(values))!.Value.ToArray());
        Assert.Null(VectorTypes.ToFloats(null));
    }

    [Fact]
    public void ToFloats_NotAFloatVector_ThrowsNamingTheType()
    {
        var exception = Assert.Throws<ArgumentException>(() => VectorTypes.ToFloats(new double[] { 1 }));

        Assert.Contains("Double[]", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => VectorTypes.ToFloats("text"));
    }

    [Fact]
    public void ToBits_BinaryVectorTypes_ReadTheBits()
    {
        var bits = new BitArray([true, false, true]);

        Assert.Same(bits, VectorTypes.ToBits(bits));
        Assert.Same(bits, VectorTypes.ToBits(new BinaryEmbedding(bits)));
        Assert.Null(VectorTypes.ToBits(null));
        Assert.Throws<ArgumentException>(() => VectorTypes.ToBits(new float[] { 1 }));
    }

    [Fact]
    public void FromFloats_EveryFloatVectorType_ConvertsToIt()
    {
        float[] values = [1f, -2f, 0.5f];
        var vector = new ReadOnlyMemory<float>(values);

        Assert.Equal(values, Assert.IsType<ReadOnlyMemory<float>>(VectorTypes.FromFloats(vector, typeof(ReadOnlyMemory<float>))).ToArray());
        Assert.Equal(values, Assert.IsType<ReadOnlyMemory<float>>(VectorTypes.FromFloats(vector, typeof(ReadOnlyMemory<float>?))).ToArray());
        Assert.Equal(values, Assert.IsType<float[]>(VectorTypes.FromFloats(vector, typeof(float[]))));
        Assert.Equal(values, Assert.IsType<Embedding<float>>(VectorTypes.FromFloats(vector, typeof(Embedding<float>))).Vector.ToArray());
        Assert.Null(VectorTypes.FromFloats(vector, typeof(string)));
    }

    [Fact]
    public void FromFloats_ToArray_CopiesSoTheSourceStaysUnchanged()
    {
        float[] source = [1f, 2f];

        var copy = (float[])VectorTypes.FromFloats(source, typeof(float[]))!;
        copy[0] = 9f;

        Assert.Equal(1f, source[0]);
    }

    [Fact]
    public void FromBits_BinaryVectorTypes_ConvertsToIt()
    {
        var bits = new BitArray([true, false, true]);

        Assert.Same(bits, VectorTypes.FromBits(bits, typeof(BitArray)));
        Assert.Same(bits, Assert.IsType<BinaryEmbedding>(VectorTypes.FromBits(bits, typeof(BinaryEmbedding))).Vector);
        Assert.Null(VectorTypes.FromBits(bits, typeof(float[])));
    }

    [Fact]
    public void ToFloatsThenFromFloats_RoundTripsEveryType()
    {
        float[] values = [3f, 4f];
        foreach (Type type in new[] { typeof(ReadOnlyMemory<float>), typeof(float[]), typeof(Embedding<float>) })
        {
            object converted = VectorTypes.FromFloats(values, type)!;
            Assert.Equal(values, VectorTypes.ToFloats(converted)!.Value.ToArray());
        }
    }
}
