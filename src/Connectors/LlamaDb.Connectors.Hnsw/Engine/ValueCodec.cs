using System.Collections;
using System.Text;

namespace LlamaDb.Connectors.Hnsw.Engine;

/// <summary>
/// Writes and reads keys and data values in the store's binary formats (write-ahead log entries and payload
/// snapshots): a type tag, then the value. Lists and arrays carry their element tag and count.
/// </summary>
internal static class ValueCodec
{
    private const byte NullTag = 0;
    private const byte StringTag = 1;
    private const byte Int32Tag = 2;
    private const byte Int64Tag = 3;
    private const byte UInt64Tag = 4;
    private const byte DoubleTag = 5;
    private const byte SingleTag = 6;
    private const byte DecimalTag = 7;
    private const byte BoolTag = 8;
    private const byte DateTimeTag = 9;
    private const byte DateTimeOffsetTag = 10;
    private const byte GuidTag = 11;
    private const byte Int16Tag = 12;
    private const byte ByteTag = 13;
    private const byte UInt32Tag = 14;
    private const byte ListTag = 20;

    public static void Write(BinaryWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.Write(NullTag);
                break;
            case string s:
                writer.Write(StringTag);
                writer.Write(s);
                break;
            case int i:
                writer.Write(Int32Tag);
                writer.Write(i);
                break;
            case long l:
                writer.Write(Int64Tag);
                writer.Write(l);
                break;
            case ulong ul:
                writer.Write(UInt64Tag);
                writer.Write(ul);
                break;
            case double d:
                writer.Write(DoubleTag);
                writer.Write(d);
                break;
            case float f:
                writer.Write(SingleTag);
                writer.Write(f);
                break;
            case decimal m:
                writer.Write(DecimalTag);
                writer.Write(m);
                break;
            case bool b:
                writer.Write(BoolTag);
                writer.Write(b);
                break;
            case DateTime dt:
                writer.Write(DateTimeTag);
                writer.Write(dt.ToBinary());
                break;
            case DateTimeOffset dto:
                writer.Write(DateTimeOffsetTag);
                writer.Write(dto.Ticks);
                writer.Write((short)dto.Offset.TotalMinutes);
                break;
            case Guid g:
                writer.Write(GuidTag);
                Span<byte> bytes = stackalloc byte[16];
                g.TryWriteBytes(bytes);
                writer.Write(bytes);
                break;
            case short sh:
                writer.Write(Int16Tag);
                writer.Write(sh);
                break;
            case byte by:
                writer.Write(ByteTag);
                writer.Write(by);
                break;
            case uint ui:
                writer.Write(UInt32Tag);
                writer.Write(ui);
                break;
            case IList list:
                writer.Write(ListTag);
                writer.Write(list.Count);
                foreach (object? item in list)
                {
                    Write(writer, item);
                }

                break;
            default:
                throw new NotSupportedException($"Values of type {value.GetType().Name} cannot be stored.");
        }
    }

    public static object? Read(BinaryReader reader)
    {
        byte tag = reader.ReadByte();
        switch (tag)
        {
            case NullTag: return null;
            case StringTag: return reader.ReadString();
            case Int32Tag: return reader.ReadInt32();
            case Int64Tag: return reader.ReadInt64();
            case UInt64Tag: return reader.ReadUInt64();
            case DoubleTag: return reader.ReadDouble();
            case SingleTag: return reader.ReadSingle();
            case DecimalTag: return reader.ReadDecimal();
            case BoolTag: return reader.ReadBoolean();
            case DateTimeTag: return DateTime.FromBinary(reader.ReadInt64());
            case DateTimeOffsetTag:
                long ticks = reader.ReadInt64();
                return new DateTimeOffset(ticks, TimeSpan.FromMinutes(reader.ReadInt16()));
            case GuidTag: return new Guid(reader.ReadBytes(16));
            case Int16Tag: return reader.ReadInt16();
            case ByteTag: return reader.ReadByte();
            case UInt32Tag: return reader.ReadUInt32();
            case ListTag:
                int count = reader.ReadInt32();
                if (count < 0 || count > reader.BaseStream.Length)
                {
                    throw new InvalidDataException($"A stored list claims {count} elements.");
                }

                var items = new object?[count];
                for (int i = 0; i < count; i++)
                {
                    items[i] = Read(reader);
                }

                return items;
            default:
                throw new InvalidDataException($"Unknown value tag {tag}.");
        }
    }

    /// <summary>Converts a stored value to a property's type (numbers widened/narrowed, lists to arrays or lists).</summary>
    public static object? ConvertTo(object? value, Type type)
    {
        if (value is null)
        {
            return null;
        }

        Type target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsInstanceOfType(value) && value is not object?[])
        {
            return value;
        }

        if (value is object?[] items)
        {
            Type? element = LlamaDb.VectorData.ProviderServices.CollectionModelBuilder.ElementType(target) ?? typeof(object);
            if (target == typeof(object))
            {
                return items.Clone();
            }

            var array = Array.CreateInstance(element, items.Length);
            for (int i = 0; i < items.Length; i++)
            {
                array.SetValue(ConvertTo(items[i], element), i);
            }

            if (target.IsArray)
            {
                return array;
            }

            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!; // List<T> always constructs
            foreach (object? item in array)
            {
                list.Add(item);
            }

            return list;
        }

        if (target == typeof(object))
        {
            return value;
        }

        return Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A stable, comparable form of a key (used in the key map and the log).</summary>
    public static object NormalizeKey(object key) => key switch
    {
        string or Guid or ulong or long or int => key,
        _ => throw new ArgumentException($"Keys of type {key.GetType().Name} are not supported; use string, Guid, ulong, long or int."),
    };

    /// <summary>
    /// The key converted to the collection's declared key type, so that 5 and 5L (or a Guid and its string) are the same
    /// record in dynamic collections.
    /// </summary>
    public static object ToKey(object key, Type keyType)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.GetType() == keyType || keyType == typeof(object))
        {
            return NormalizeKey(key);
        }

        try
        {
            object converted = keyType == typeof(Guid)
                ? key is string text ? Guid.Parse(text) : throw new FormatException()
                : keyType == typeof(string)
                    ? key is Guid or ulong or long or int ? throw new FormatException() : key.ToString()!
                    : Convert.ChangeType(key, keyType, System.Globalization.CultureInfo.InvariantCulture);
            return NormalizeKey(converted);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            throw new ArgumentException($"The key {Describe(key)} ({key.GetType().Name}) is not a valid {keyType.Name} key.", nameof(key), ex);
        }
    }

    /// <summary>A data value as the store keeps it: lists and arrays copied (callers keep no handle on stored data).</summary>
    public static object? ToStored(object? value) => value switch
    {
        null or string => value,
        IEnumerable enumerable => CopyList(enumerable),
        _ => value,
    };

    private static object?[] CopyList(IEnumerable items)
    {
        var copy = new List<object?>();
        foreach (object? item in items)
        {
            copy.Add(item);
        }

        return [.. copy];
    }

    public static string Describe(object? key) => key switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture) ?? key.ToString() ?? string.Empty,
    };

    public static Encoding Utf8 { get; } = new UTF8Encoding(false, true);
}
