namespace ChangeFlow.Engine.Model;

/// <summary>The value types that workflow variables, inputs and activity inputs declare.</summary>
public enum DataType
{
    /// <summary>Any JSON value.</summary>
    Object,
    String,
    Boolean,
    Int32,
    Int64,
    Double,
    Decimal,
    /// <summary>A duration, written as <c>d.hh:mm:ss</c> or ISO 8601 (<c>PT5M</c>).</summary>
    TimeSpan,
    /// <summary>An instant, written as ISO 8601 with an offset (stored as an ISO string).</summary>
    DateTime,
    /// <summary>A list of strings (JSON array, or a comma- or semicolon-separated literal).</summary>
    StringList,
    /// <summary>One of a fixed set of names (see <see cref="Descriptors.InputDescriptor.Options"/>).</summary>
    Enum,
}

/// <summary>Maps Elsa's <c>typeName</c> strings to <see cref="DataType"/>.</summary>
public static class DataTypeNames
{
    /// <summary>Returns the value type for an Elsa type name; unknown names are <see cref="DataType.Object"/>.</summary>
    public static DataType Parse(string? typeName)
    {
        if (string.IsNullOrWhiteSpace(typeName))
        {
            return DataType.Object;
        }

        var name = typeName.Trim();
        var comma = name.IndexOf(',', StringComparison.Ordinal);
        if (comma > 0 && !name.Contains('<', StringComparison.Ordinal))
        {
            name = name[..comma];
        }

        var dot = name.LastIndexOf('.');
        if (dot >= 0 && !name.Contains('<', StringComparison.Ordinal))
        {
            name = name[(dot + 1)..];
        }

        return name.ToLowerInvariant() switch
        {
            "string" or "guid" or "char" or "uri" => DataType.String,
            "boolean" or "bool" => DataType.Boolean,
            "int32" or "int" or "int16" or "short" or "byte" => DataType.Int32,
            "int64" or "long" => DataType.Int64,
            "double" or "single" or "float" => DataType.Double,
            "decimal" => DataType.Decimal,
            "timespan" or "duration" => DataType.TimeSpan,
            "datetime" or "datetimeoffset" or "instant" or "dateonly" => DataType.DateTime,
            "string[]" or "stringlist" or "list<string>" or "icollection<string>" or "ienumerable<string>" => DataType.StringList,
            _ => DataType.Object,
        };
    }

    /// <summary>The Elsa type name written for a value type.</summary>
    public static string ToTypeName(DataType type) => type switch
    {
        DataType.StringList => "String[]",
        DataType.DateTime => "DateTimeOffset",
        DataType.Enum => "String",
        _ => type.ToString(),
    };
}
