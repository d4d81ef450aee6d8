using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LlamaDb.Embedders.Onnx.Runtime;

namespace LlamaDb.Embedders.Onnx.Tests.Runtime;

public sealed unsafe class OrtHandleTests
{
    private static int s_released;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Release(IntPtr handle) => Interlocked.Increment(ref s_released);

    [Fact]
    public void Dispose_WhileACallHoldsAReference_ReleasesAndRunsAfterReleaseOnlyWhenTheCallEnds()
    {
        int releasedBefore = Volatile.Read(ref s_released);
        var handle = new OrtHandle(new IntPtr(1), &Release);
        int after = 0;
        handle.AfterRelease = () => after++;

        bool added = false;
        handle.DangerousAddRef(ref added); // a Run in flight
        Assert.True(added);
        handle.Dispose();
        Assert.Equal(0, after);
        Assert.Equal(releasedBefore, Volatile.Read(ref s_released));

        handle.DangerousRelease(); // the Run returns
        Assert.Equal(1, after);
        Assert.Equal(releasedBefore + 1, Volatile.Read(ref s_released));

        bool again = false;
        Assert.Throws<ObjectDisposedException>(() => handle.DangerousAddRef(ref again));
    }
}
