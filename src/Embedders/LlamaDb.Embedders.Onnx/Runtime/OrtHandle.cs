using System.Runtime.InteropServices;

namespace LlamaDb.Embedders.Onnx.Runtime;

/// <summary>Owns one ONNX Runtime object and releases it with the matching <c>Release*</c> function.</summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void> _release;

    public OrtHandle(IntPtr handle, delegate* unmanaged[Cdecl]<IntPtr, void> release)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _release = release;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>
    /// Runs right after the object is released, i.e. after <see cref="SafeHandle.Dispose()"/> and the last
    /// <see cref="SafeHandle.DangerousRelease"/> of a call still using it: memory that the object's calls read (a
    /// session's input and output names) is freed here, never under a call in flight.
    /// </summary>
    public Action? AfterRelease { get; set; }

    protected override bool ReleaseHandle()
    {
        _release(handle);
        AfterRelease?.Invoke();
        return true;
    }
}
