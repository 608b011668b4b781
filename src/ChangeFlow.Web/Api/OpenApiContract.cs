using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using ChangeFlow.Application.Common;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ChangeFlow.Web.Api;

/// <summary>
/// Makes the OpenAPI document say what the server does: durations are ISO 8601 strings (<c>format: duration</c>,
/// e.g. <c>PT4H</c>), as <see cref="Durations.JsonConverter"/> and the dossier contract read and write them; and a
/// property is required only when a request without it is refused by binding: a constructor parameter that is
/// neither nullable nor defaulted, a <c>required</c> member, or a member marked <see cref="RequiredAttribute"/> (what
/// validation refuses a body without, e.g. a dossier's title). Nullable parameters are optional whatever their position.
/// </summary>
public static class OpenApiContract
{
    /// <summary>Adds the transformer to the document's options.</summary>
    public static OpenApiOptions UseChangeFlowContract(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddSchemaTransformer((schema, context, _) =>
        {
            Transform(schema, context.JsonTypeInfo, context.JsonPropertyInfo);
            return Task.CompletedTask;
        });
        return options;
    }

    private static void Transform(OpenApiSchema schema, JsonTypeInfo type, JsonPropertyInfo? property)
    {
        var isDuration = (Nullable.GetUnderlyingType(type.Type) ?? type.Type) == typeof(TimeSpan)
            || property?.AttributeProvider?.GetCustomAttributes(typeof(DataTypeAttribute), inherit: true).OfType<DataTypeAttribute>().Any(a => a.DataType == DataType.Duration) == true;
        if (isDuration)
        {
            schema.Pattern = null;
            schema.Format = "duration";
            schema.Examples = [JsonValue.Create(Durations.Example)!];
            return;
        }

        if (property is null && type.Kind == JsonTypeInfoKind.Object)
        {
            var required = schema.Required ?? new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in type.Properties)
            {
                // [Required] marks what the server's validation refuses a body without (the dossier's fields).
                if (member.IsRequired || member.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true)
                {
                    required.Add(member.Name);
                }
                else if (member.AssociatedParameter is not { IsNullable: false, HasDefaultValue: false })
                {
                    required.Remove(member.Name);
                }
            }

            schema.Required = required.Count > 0 ? required : null;
        }
    }
}
