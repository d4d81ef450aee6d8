using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;

namespace LlamaDb.Connectors.Hnsw.Indexing;

/// <summary>
/// The full float vectors of a quantized index, id-addressed at a fixed stride in a memory-mapped scratch file.
/// They are read only to rescore a search's best candidates and to hand vectors back, so they stay in the page cache
/// (which the OS may evict) instead of the process heap. The file is a cache, not the durable copy: the index
/// snapshot and the write-ahead log hold the vectors, and the file is rebuilt from them when a collection opens.
/// It is unlinked right after it is created (where the OS allows), so a killed process leaves nothing behind.
/// </summary>
/// <remarks>
/// Not synchronized: the owning index writes a slot only while it holds its resize lock shared for that id, grows
/// the mapping only while it holds the lock exclusively, and reads while holding it shared.
/// </remarks>
internal sealed unsafe class RawVectorFile : IDisposable
{
    private readonly int _dimensions;
    private readonly FileStream _file;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private float* _base;
    private long _capacity;

    /// <summary>Creates an empty scratch file in <paramref name="directory"/> (the temp folder when null).</summary>
    public RawVectorFile(string? directory, int dimensions, int capacity)
    {
        _dimensions = dimensions;
        directory ??= Path.GetTempPath();
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"raw-vectors-{Guid.NewGuid():N}.f32.tmp");
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.DeleteOnClose);
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                File.Delete(path); // the open handle keeps the data; nothing is left if the process dies
            }
            catch (IOException)
            {
                // DeleteOnClose still removes it at dispose
            }
        }

        EnsureCapacity(Math.Max(capacity, 1));
    }

    /// <summary>Gets the number of vectors the mapping holds.</summary>
    public long Capacity => _capacity;

    /// <summary>Gets the mapped bytes (page cache, not heap).</summary>
    public long MappedBytes => _capacity * _dimensions * sizeof(float);

    /// <summary>Grows the file and the mapping to hold at least <paramref name="capacity"/> vectors (never shrinks).</summary>
    public void EnsureCapacity(long capacity)
    {
        if (capacity <= _capacity)
        {
            return;
        }

        long bytes = capacity * _dimensions * sizeof(float);
        Unmap();
        _file.SetLength(bytes);
        _map = MemoryMappedFile.CreateFromFile(_file, null, bytes, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
        _view = _map.CreateViewAccessor(0, bytes, MemoryMappedFileAccess.ReadWrite);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = (float*)(pointer + _view.PointerOffset);
        _capacity = capacity;
    }

    /// <summary>The first component of the vector of <paramref name="id"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref float At(int id) => ref Unsafe.AsRef<float>(_base + ((long)id * _dimensions));

    /// <summary>The vector of <paramref name="id"/>.</summary>
    public Span<float> Vector(int id) => new(_base + ((long)id * _dimensions), _dimensions);

    /// <summary>Stores <paramref name="vector"/> under <paramref name="id"/> (&lt; <see cref="Capacity"/>).</summary>
    public void Write(int id, ReadOnlySpan<float> vector) => vector.CopyTo(Vector(id));

    /// <inheritdoc />
    public void Dispose()
    {
        Unmap();
        _file.Dispose();
    }

    private void Unmap()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _view = null;
        }

        _map?.Dispose();
        _map = null;
        _base = null;
    }
}
