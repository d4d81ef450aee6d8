using System.Runtime.InteropServices;
using System.Text.Json;
using LlamaDb.Embedders.Onnx.Runtime;

namespace LlamaDb.Embedders.Onnx.Tests.Runtime;

public sealed class OrtSessionTests
{
    private static string EmbedderModel => Path.Combine(TestPaths.Models("synthetic-embedder-tiny"), "model.onnx");

    private static string CrossEncoderModel => Path.Combine(TestPaths.Models("synthetic-crossencoder-tiny"), "model.onnx");

    [Fact]
    public void Version_LoadedLibrary_Is1_30_0()
    {
        Assert.Equal("1.30.0", OnnxRuntime.Version);
        Assert.True(OnnxRuntime.IsLoaded);
        Assert.NotNull(OnnxRuntime.LibraryPath);
    }

    [Fact]
    public void FromFile_Embedder_ReportsInputsAndOutputs()
    {
        using OrtSession session = OrtSession.FromFile(EmbedderModel, new OnnxSessionOptions { IntraOpThreads = 1 });

        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], session.Inputs.Select(i => i.Name));
        Assert.All(session.Inputs, i => Assert.Equal(OnnxElementType.Int64, i.ElementType));
        Assert.Equal([-1L, -1L], session.Inputs[0].Shape);
        Assert.Equal(["batch_size", "sequence_length"], session.Inputs[0].SymbolicShape);
        OnnxTensorInfo output = Assert.Single(session.Outputs);
        Assert.Equal("last_hidden_state", output.Name);
        Assert.Equal(OnnxElementType.Float, output.ElementType);
        Assert.Equal([-1L, -1L, 32L], output.Shape);
        Assert.Equal("last_hidden_state: Float[batch_size, sequence_length, 32]", output.ToString());
    }

    [Theory]
    [InlineData(OnnxGraphOptimizationLevel.All)]
    [InlineData(OnnxGraphOptimizationLevel.DisableAll)]
    public void Run_EmbedderReferenceBatch_MatchesOnnxRuntimeReferenceWithin1e5(OnnxGraphOptimizationLevel level)
    {
        JsonElement reference = Reference.Load("synthetic-embedder-tiny");
        using OrtSession session = OrtSession.FromFile(EmbedderModel, new OnnxSessionOptions { GraphOptimizationLevel = level, IntraOpThreads = 2 });

        using OrtOutput output = RunReference(session, reference, 0);

        Assert.Equal([7L, 11L, 32L], output.Shape);
        Reference.AssertClose(Reference.Doubles(reference.GetProperty("last_hidden_state_flat")), output.GetFloats(), 1e-5);
    }

    [Fact]
    public void Run_CrossEncoderReferenceBatch_LogitsWithin1e5()
    {
        JsonElement reference = Reference.Load("synthetic-crossencoder-tiny");
        using OrtSession session = OrtSession.FromFile(CrossEncoderModel, new OnnxSessionOptions());

        using OrtOutput output = RunReference(session, reference, 0);

        Assert.Equal([4L, 1L], output.Shape);
        Reference.AssertClose(Reference.Doubles(reference.GetProperty("logits_batch")), output.GetFloats(), 1e-5);
    }

    [Fact]
    public void FromBytes_SameModel_SameOutput()
    {
        JsonElement reference = Reference.Load("synthetic-embedder-tiny");
        using OrtSession session = OrtSession.FromBytes(File.ReadAllBytes(EmbedderModel), new OnnxSessionOptions());

        using OrtOutput output = RunReference(session, reference, 0);

        Reference.AssertClose(Reference.Doubles(reference.GetProperty("last_hidden_state_flat")), output.GetFloats(), 1e-5);
    }

    [Fact]
    public void FromFile_MissingFile_ThrowsFileNotFoundNamingFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"llamadb-missing-{Guid.NewGuid():N}.onnx");

        var ex = Assert.Throws<FileNotFoundException>(() => OrtSession.FromFile(path, new OnnxSessionOptions()));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_CorruptFile_ThrowsOnnxRuntimeExceptionWithCodeAndFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"llamadb-corrupt-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [0x08, 0x07, 0xFF, 0xFF, 0x00, 0x13, 0x37, 0x42]);
        try
        {
            var ex = Assert.Throws<OnnxRuntimeException>(() => OrtSession.FromFile(path, new OnnxSessionOptions()));

            Assert.NotEqual(OrtErrorCode.Ok, ex.ErrorCode);
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public unsafe void Run_WrongRank_ThrowsOnnxRuntimeExceptionInvalidArgument()
    {
        using OrtSession session = OrtSession.FromFile(EmbedderModel, new OnnxSessionOptions());
        long[] ids = [101, 102, 101, 102];
        fixed (long* p = ids)
        {
            var inputs = new OrtInput[3];
            for (int i = 0; i < 3; i++)
            {
                inputs[i] = new OrtInput(i, OnnxElementType.Int64, (IntPtr)p, ids.Length * sizeof(long), [4]);
            }

            var ex = Assert.Throws<OnnxRuntimeException>(() => session.Run(inputs, 0, CancellationToken.None));

            Assert.Equal(OrtErrorCode.InvalidArgument, ex.ErrorCode);
            Assert.False(string.IsNullOrEmpty(ex.RuntimeMessage));
        }
    }

    [Fact]
    public void Run_CanceledToken_ThrowsOperationCanceled()
    {
        JsonElement reference = Reference.Load("synthetic-embedder-tiny");
        using OrtSession session = OrtSession.FromFile(EmbedderModel, new OnnxSessionOptions());
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => RunReference(session, reference, 0, cts.Token).Dispose());
    }

    [Fact]
    public void Run_ConcurrentCalls_AllMatchReference()
    {
        JsonElement reference = Reference.Load("synthetic-embedder-tiny");
        double[] expected = Reference.Doubles(reference.GetProperty("last_hidden_state_flat"));
        using OrtSession session = OrtSession.FromFile(EmbedderModel, new OnnxSessionOptions { IntraOpThreads = 1 });

        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            using OrtOutput output = RunReference(session, reference, 0);
            Reference.AssertClose(expected, output.GetFloats(), 1e-5);
        });
    }

    [Fact]
    public void Initialize_DifferentExplicitLibraryAfterLoad_Throws()
    {
        _ = OnnxRuntime.Version;
        string other = Path.Combine(Path.GetTempPath(), "some-other-libonnxruntime.so.1");

        var ex = Assert.Throws<InvalidOperationException>(() => OnnxRuntime.Initialize(other));

        Assert.Contains(OnnxRuntime.LibraryPath!, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CacheCandidates_IncludeRepositoryCacheFolder()
    {
        string expected = Path.Combine(TestPaths.RepositoryRoot, ".cache", "onnxruntime", OnnxRuntime.BundledVersion, "libonnxruntime.so.1");

        Assert.Contains(expected, OnnxRuntimeLibraryResolver.CacheCandidates());
    }

    internal static unsafe OrtOutput RunReference(OrtSession session, JsonElement reference, int outputIndex, CancellationToken cancellationToken = default)
    {
        int[] dims = Reference.Ints(reference.GetProperty("batch_dims"));
        long[] shape = [dims[0], dims[1]];
        long[] ids = Reference.Longs(reference.GetProperty("input_ids"));
        long[] mask = Reference.Longs(reference.GetProperty("attention_mask"));
        long[] types = Reference.Longs(reference.GetProperty("token_type_ids"));
        fixed (long* pIds = ids)
        fixed (long* pMask = mask)
        fixed (long* pTypes = types)
        {
            OrtInput[] inputs =
            [
                new(0, OnnxElementType.Int64, (IntPtr)pIds, ids.Length * 8L, shape),
                new(1, OnnxElementType.Int64, (IntPtr)pMask, mask.Length * 8L, shape),
                new(2, OnnxElementType.Int64, (IntPtr)pTypes, types.Length * 8L, shape),
            ];
            return session.Run(inputs, outputIndex, cancellationToken);
        }
    }
}
